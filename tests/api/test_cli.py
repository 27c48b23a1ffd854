"""The planbot command line, with the default embedder on a tiny plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

PLAN = (
    "Số: 12/KH-UBND\nKẾ HOẠCH\nKhám sức khỏe số\nI. NHIỆM VỤ\n1. Sở Y tế chủ trì khám sức khỏe.\n"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(tmp_path / "data"))
    plan = tmp_path / "kh.txt"
    plan.write_text(PLAN, "utf-8")
    return plan


def test_ingest_list_replace_remove(env: Path):
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(env)])
    assert first.exit_code == 0, first.output
    assert "đã thêm" in first.output
    again = runner.invoke(app, ["ingest", str(env)])
    assert "không đổi" in again.output and "nhúng mới 0" in again.output
    listed = runner.invoke(app, ["documents", "list"])
    assert "12/KH-UBND" in listed.output and "Kế hoạch Khám sức khỏe số" in listed.output
    doc_id = listed.output.split()[0]
    env.write_text(PLAN.replace("khám sức khỏe.", "khám sức khỏe, hoàn thành năm 2026."), "utf-8")
    replaced = runner.invoke(app, ["ingest", "--replace", doc_id, str(env)])
    assert "phiên bản mới" in replaced.output and "phiên bản 2" in replaced.output
    assert runner.invoke(app, ["ingest", "--replace", "khong-co", str(env)]).exit_code == 1
    assert runner.invoke(app, ["documents", "remove", "khong-co"]).exit_code == 1
    removed = runner.invoke(app, ["documents", "remove", doc_id])
    assert removed.exit_code == 0 and runner.invoke(app, ["documents", "list"]).output == ""


def test_a_bad_file_fails_the_command_and_names_it(env: Path, tmp_path: Path):
    bad = tmp_path / "a-hong.pdf"  # read first: the files after it are still ingested
    bad.write_bytes(b"%PDF-1.4 broken")
    repeated = tmp_path / "lap.txt"  # a passage repeated word for word is no obstacle
    text = PLAN.replace("12/KH", "13/KH").replace("KẾ HOẠCH", "KẾ HOẠCH\nLặp lại.\nLặp lại.")
    repeated.write_text(text + "Lặp lại.\n" * 3, "utf-8")
    result = CliRunner().invoke(app, ["ingest", str(bad), str(repeated), str(env)])
    assert result.exit_code == 1
    assert "a-hong.pdf" in result.output and result.output.count("đã thêm") == 2
    assert "Tổng cộng: 2 tệp nạp được, 1 tệp lỗi: a-hong.pdf." in result.output


def test_eval_plays_a_conversations_file_given_as_qa(env: Path, tmp_path: Path):
    import json

    talk = tmp_path / "talk.jsonl"
    turns = [
        {
            "question": "Sở Y tế chủ trì nhiệm vụ nào?",
            "must_contain": [["khám sức khỏe"]],
            "answerable": True,
        },
        {"question": "hạn thế nào?", "must_contain": [], "answerable": True},
    ]
    talk.write_text(json.dumps({"id": "c1", "turns": turns}, ensure_ascii=False) + "\n", "utf-8")
    runner = CliRunner()
    empty = runner.invoke(app, ["eval", "--qa", str(talk)])
    assert empty.exit_code == 0, empty.output
    assert "Chưa nạp văn bản nào" in empty.output and "turns right" in empty.output
    runner.invoke(app, ["ingest", str(env)])
    loaded = runner.invoke(app, ["eval", "--qa", str(talk)])
    assert "Chưa nạp" not in loaded.output and "turns right" in loaded.output
