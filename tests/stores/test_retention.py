"""Retention of chat users' data: idle conversations read as absent and are swept; one chat
user's data is erased on request, nobody else's.

Runs on the backend chosen with ``--database`` (SQLite or a real PostgreSQL).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from api.retention import RetentionSweeper
from domain.agencies import Gazetteer
from domain.errors import StoreError
from domain.settings import Settings
from stores import CHAT_PLATFORMS, Stores, chat_conversation_id, open_stores
from stores.sql import schema

IDLE = timedelta(minutes=10)


@pytest.fixture
def stores(database_url: str) -> Iterator[Stores]:
    opened = open_stores(database_url, Gazetteer.load(), conversation_idle=IDLE)
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, conversation_idle_minutes=10)


def _age(stores: Stores, conversation_id: str, by: timedelta) -> None:
    """Pretend ``conversation_id`` was last saved ``by`` ago."""
    c = schema.conversations
    then = datetime.now(UTC).replace(tzinfo=None) - by
    with stores.engine.begin() as conn:
        conn.execute(c.update().where(c.c.id == conversation_id).values(updated_at=then))


def _ids(stores: Stores) -> set[str]:
    with stores.engine.connect() as conn:
        return set(conn.execute(sa.select(schema.conversations.c.id)).scalars())


# -- idle conversations --------------------------------------------------------------------------


def test_an_idle_conversation_reads_as_absent_and_starts_afresh(stores: Stores) -> None:
    stores.conversations.save("telegram:42", {"task": ["plan", "1"]})
    stores.conversations.save("zalo:7", {"task": ["plan", "2"]})
    _age(stores, "telegram:42", IDLE + timedelta(minutes=1))
    _age(stores, "zalo:7", IDLE - timedelta(minutes=1))
    assert stores.conversations.get("telegram:42") is None
    assert stores.conversations.get("zalo:7") == {"task": ["plan", "2"]}
    # the next turn saves a fresh state, which reads back
    stores.conversations.save("telegram:42", {"task": None})
    assert stores.conversations.get("telegram:42") == {"task": None}


def test_without_an_idle_time_conversations_never_expire_on_read(database_url: str) -> None:
    opened = open_stores(database_url, Gazetteer.load(), conversation_idle=None)
    opened.conversations.save("c", {"items": []})
    _age(opened, "c", timedelta(days=400))
    assert opened.conversations.get("c") == {"items": []}
    opened.close()


def test_the_sweep_deletes_idle_conversations_only(stores: Stores, settings: Settings) -> None:
    for name in ("old-1", "old-2", "fresh"):
        stores.conversations.save(name, {"items": []})
    _age(stores, "old-1", IDLE + timedelta(minutes=1))
    _age(stores, "old-2", timedelta(days=40))
    assert RetentionSweeper(stores, settings).sweep()["conversations"] == 2
    assert _ids(stores) == {"fresh"}
    assert RetentionSweeper(stores, settings).sweep()["conversations"] == 0


def test_the_sweep_deletes_in_bounded_batches(stores: Stores, settings: Settings) -> None:
    for i in range(5):
        stores.conversations.save(f"old-{i}", {"items": []})
        _age(stores, f"old-{i}", IDLE + timedelta(minutes=i + 1))
    stores.conversations.save("fresh", {"items": []})
    cutoff = datetime.now(UTC).replace(tzinfo=None) - IDLE
    assert stores.conversations.prune(cutoff, limit=2) == 2
    assert _ids(stores) == {"old-0", "old-1", "old-2", "fresh"}  # the oldest went first
    assert RetentionSweeper(stores, settings, batch=2).sweep()["conversations"] == 3
    assert _ids(stores) == {"fresh"}


def test_the_sweeper_runs_on_its_thread_until_stopped(stores: Stores, settings: Settings) -> None:
    sweeper = RetentionSweeper(stores, settings, interval=timedelta(milliseconds=50))
    sweeper.start()
    sweeper.start()  # idempotent
    try:
        stores.conversations.save("old", {"items": []})
        _age(stores, "old", IDLE * 2)
        deadline = time.monotonic() + 10
        while "old" in _ids(stores) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _ids(stores) == set()
        assert sweeper.running
    finally:
        sweeper.stop()
    assert not sweeper.running


def test_a_failing_store_is_logged_not_raised(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    def prune(*_: Any, **__: Any) -> int:
        raise StoreError("database failed: OperationalError")

    broken: Any = SimpleNamespace(
        conversations=SimpleNamespace(prune=prune),
        audit=SimpleNamespace(prune=prune),
        channels=SimpleNamespace(prune_seen=prune),
    )
    assert RetentionSweeper(broken, settings).sweep()["conversations"] == 0
    assert "not swept" in caplog.text


def test_the_interval_follows_the_idle_time(stores: Stores, tmp_path: Path) -> None:
    day = RetentionSweeper(stores, Settings(data_dir=tmp_path, conversation_idle_minutes=1440))
    assert day.interval == timedelta(hours=1)
    short = RetentionSweeper(stores, Settings(data_dir=tmp_path, conversation_idle_minutes=4))
    assert short.interval == timedelta(minutes=1)


# -- erasing one chat user -----------------------------------------------------------------------


def _populate(stores: Stores) -> None:
    for conversation in ("telegram:42", "telegram:7", "telegram:420", "zalo:42", "42", "web-1"):
        stores.conversations.save(conversation, {"user_agency": "Sở Y tế"})
    stores.subscriptions.subscribe("telegram", "42", "Sở Y tế")
    stores.subscriptions.subscribe("telegram", "42", "Sở Nội vụ")
    stores.subscriptions.subscribe("telegram", "7", "Sở Y tế")
    stores.subscriptions.subscribe("telegram", "420", "Sở Y tế")
    stores.subscriptions.subscribe("zalo", "42", "Sở Y tế")


def test_forget_user_erases_that_user_only(stores: Stores) -> None:
    _populate(stores)
    assert stores.forget_user("telegram", "42") == {"conversations": 1, "subscriptions": 2}
    assert stores.conversations.get("telegram:42") is None
    assert _ids(stores) == {"telegram:7", "telegram:420", "zalo:42", "42", "web-1"}
    assert stores.subscriptions.subscriptions("telegram") == [
        ("420", "Sở Y tế"),
        ("7", "Sở Y tế"),
    ]
    assert stores.subscriptions.subscriptions("zalo") == [("42", "Sở Y tế")]
    assert stores.conversations.get("zalo:42") == {"user_agency": "Sở Y tế"}
    # again: nothing left to erase
    assert stores.forget_user("telegram", "42") == {"conversations": 0, "subscriptions": 0}
    assert stores.forget_user("zalo", "42") == {"conversations": 1, "subscriptions": 1}
    assert _ids(stores) == {"telegram:7", "telegram:420", "42", "web-1"}


def test_forget_user_refuses_an_unknown_platform(stores: Stores) -> None:
    with pytest.raises(ValueError, match="platform"):
        stores.forget_user("web", "42")


def test_the_keys_are_those_the_bots_use(stores: Stores) -> None:
    from bot import telegram, zalo

    assert {telegram.PLATFORM, zalo.PLATFORM} == set(CHAT_PLATFORMS)
    seen: list[str | None] = []

    class Assistant:
        def ask(self, text: str, conversation_id: str | None = None) -> Any:
            seen.append(conversation_id)
            stores.conversations.save(str(conversation_id), {"question": text})
            return SimpleNamespace(answer="Trả lời", sources=[])

    client: Any = SimpleNamespace(send_text=lambda *_: None)
    event = {
        "event_name": "user_send_text",
        "sender": {"id": "8841"},
        "message": {"msg_id": "m-1", "text": "Sở Y tế chủ trì việc gì?"},
    }
    assert zalo.handle_event(event, Assistant(), client, stores.channels)  # type: ignore[arg-type]
    assert seen == [chat_conversation_id("zalo", "8841")]
    assert stores.forget_user("zalo", "8841") == {"conversations": 1, "subscriptions": 0}


def test_the_sweep_ages_out_audit_entries_and_webhook_ids(stores: Stores, tmp_path: Path) -> None:
    from stores import AuditEntry

    now = datetime.now(UTC).replace(tzinfo=None)
    for days in (400, 10):
        stores.audit.record(
            AuditEntry(
                action="delete", outcome="ok", client="10.0.0.1", at=now - timedelta(days=days)
            )
        )
    assert stores.channels.first_sighting("zalo", "old-message")
    assert stores.channels.first_sighting("zalo", "new-message")
    seen = schema.seen_messages
    with stores.engine.begin() as conn:
        conn.execute(
            seen.update()
            .where(seen.c.message_id == "old-message")
            .values(seen_at=now - timedelta(days=8))
        )
    swept = RetentionSweeper(stores, Settings(data_dir=tmp_path, audit_days=30)).sweep()
    assert (swept["audit"], swept["seen_messages"]) == (1, 1)
    assert [e.at.date() for e in stores.audit.entries()] == [(now - timedelta(days=10)).date()]
    assert stores.channels.first_sighting("zalo", "old-message")  # forgotten, so new again
    assert not stores.channels.first_sighting("zalo", "new-message")
