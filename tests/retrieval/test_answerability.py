"""SEMANTICS §6: a passage about something else is no answer — another province, a word no
plan holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from tests.conftest import make_container
from tests.plans import write_table_docx

LINES = [
    "Số: 21/KH-UBND",
    "KẾ HOẠCH",
    "Phát triển hạ tầng số tỉnh Tây Ninh năm 2026",
    "I. MỤC TIÊU",
    "Năm 2026, tỉnh Tây Ninh phủ sóng 5G tại 80% khu công nghiệp.",
    "Tỷ lệ hộ gia đình có cáp quang băng rộng đạt 90%.",
    "PHỤ LỤC",
]
HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời hạn"]
ROWS = [
    ["1", "Phát triển mạng 5G", "Sở Khoa học và Công nghệ", "Viettel tỉnh", "Trạm 5G", "12/2026"]
]


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    services.ingestor.ingest_file(write_table_docx(tmp_path / "tay-ninh.docx", LINES, HEADER, ROWS))
    settings = Settings(data_dir=tmp_path, today=date(2026, 5, 1))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


def test_the_province_of_the_plan_is_answered(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask("Tây Ninh phủ sóng 5G tại bao nhiêu phần trăm khu công nghiệp?")
    assert answer.found and "80%" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Đồng Nai phủ sóng 5G tại bao nhiêu phần trăm khu công nghiệp?",
        "tinh gia lai phu song 5g o bao nhieu phan tram khu cong nghiep",
        "phần mềm cyradar phủ sóng bao nhiêu phần trăm khu công nghiệp?",
    ],
)
def test_another_province_or_an_unknown_thing_is_refused(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert not answer.found and answer.sources == [], answer.answer
