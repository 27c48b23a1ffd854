"""A task row's other columns (kinh phí, ghi chú, nguồn vốn) answer the questions that
name them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from retrieval.columns import asked_columns
from tests.conftest import make_container
from tests.ingest.test_xlsx import appendix_bytes

COLUMNS = [("Kinh phí (triệu đồng)", "450"), ("Ghi chú", "Ưu tiên"), ("Nguồn vốn", "")]


def test_a_question_names_a_column_by_all_its_words() -> None:
    assert asked_columns("Kinh phí của nhiệm vụ 3 là bao nhiêu?", COLUMNS) == [COLUMNS[0]]
    assert asked_columns("kinh phi nv3 bao nhieu", COLUMNS) == [COLUMNS[0]]
    assert asked_columns("nhiệm vụ 3 có ghi chú gì không", COLUMNS) == [COLUMNS[1]]
    assert asked_columns("Nhiệm vụ 3 do ai chủ trì?", COLUMNS) == []
    assert asked_columns("phí tham quan bao nhiêu", COLUMNS) == []  # one word of two
    assert asked_columns("nguồn vốn của nhiệm vụ 3?", COLUMNS) == []  # an empty cell says nothing


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, today=date(2026, 5, 1))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


def test_the_columns_of_an_appendix_are_answered(services, assistant, tmp_path: Path) -> None:
    appendix = tmp_path / "phu-luc.xlsx"
    appendix.write_bytes(appendix_bytes())
    assert services.ingestor.ingest_file(appendix).status == "added"
    for question in (
        "Kinh phí của nhiệm vụ số hóa hồ sơ di tích là bao nhiêu?",
        "kinh phi so hoa ho so di tich bao nhieu",
    ):
        answer = assistant.ask(question)
        assert answer.found and answer.answer.endswith("Kinh phí (triệu đồng): 450."), answer.answer
        assert answer.sources and "Kinh phí (triệu đồng): 450" in answer.sources[0].text
