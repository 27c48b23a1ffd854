"""``planbot users forget``: one chat user's data erased on request, through the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from domain.agencies import Gazetteer
from domain.settings import Settings
from stores import Stores, open_stores


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stores]:
    """The stores the CLI opens (the data dir here; PostgreSQL when the suite runs on it)."""
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(tmp_path / "data"))
    opened = open_stores(Settings().effective_database_url, Gazetteer.load())
    for conversation in ("telegram:42", "telegram:7", "zalo:42", "zalo:9", "telegram:-1001"):
        opened.conversations.save(conversation, {"user_agency": "Sở Y tế"})
    opened.subscriptions.subscribe("telegram", "42", "Sở Y tế")
    opened.subscriptions.subscribe("telegram", "42", "Sở Nội vụ")
    opened.subscriptions.subscribe("telegram", "7", "Sở Y tế")
    yield opened
    opened.close()


def forget(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["users", "forget", *args])
    return result.exit_code, result.output


def test_forget_one_platform_erases_that_user_only(stores: Stores) -> None:
    code, output = forget("42", "--platform", "telegram")
    assert code == 0, output
    assert "Đã xóa dữ liệu về người dùng 42" in output
    assert "telegram: 1 hội thoại, 2 đăng ký nhắc việc" in output
    assert "zalo" not in output.split("Không xóa")[0]
    assert "mã các tin nhắn Zalo" in output  # what is kept, and why
    assert stores.conversations.get("telegram:42") is None
    assert stores.conversations.get("zalo:42") is not None  # another platform's user
    assert stores.conversations.get("telegram:7") is not None
    assert stores.subscriptions.subscriptions("telegram") == [("7", "Sở Y tế")]


def test_forget_on_every_platform_by_default(stores: Stores) -> None:
    code, output = forget("42")
    assert code == 0, output
    assert "telegram: 1 hội thoại, 2 đăng ký nhắc việc" in output
    assert "zalo: 1 hội thoại, 0 đăng ký nhắc việc" in output
    assert stores.conversations.get("zalo:42") is None
    assert stores.conversations.get("zalo:9") is not None


def test_an_unknown_user_is_reported_with_exit_code_0(stores: Stores) -> None:
    code, output = forget("123456", "--platform", "zalo")
    assert code == 0, output
    assert "Không tìm thấy dữ liệu nào về người dùng 123456 (zalo)" in output
    # and nothing else was touched
    assert stores.conversations.get("telegram:42") is not None
    assert len(stores.subscriptions.subscriptions("telegram")) == 3


def test_a_negative_group_chat_id_after_the_separator(stores: Stores) -> None:
    code, output = forget("--platform", "telegram", "--", "-1001")
    assert code == 0, output
    assert "telegram: 1 hội thoại, 0 đăng ký nhắc việc" in output
    assert stores.conversations.get("telegram:-1001") is None


def test_a_wrong_platform_is_a_usage_error(stores: Stores) -> None:
    code, _ = forget("42", "--platform", "web")
    assert code == 2
    assert stores.conversations.get("telegram:42") is not None
