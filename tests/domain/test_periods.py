"""The period grammar against SEMANTICS §3, as a table of phrasings (tests/cases/periods.jsonl)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain.periods import Period, find_periods, shift
from tests.conftest import ROOT

TODAY = date(2026, 11, 18)  # a Wednesday; the date the case tables were written against
CASES = [
    json.loads(line)
    for line in (ROOT / "tests" / "cases" / "periods.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:60] for c in CASES])
def test_period_table(case: dict[str, object]) -> None:
    found = find_periods(str(case["q"]), TODAY)
    assert [(_iso(m.period.start), _iso(m.period.end)) for m in found] == [
        (case["start"], case["end"])
    ]


def test_the_table_is_half_informal() -> None:
    assert len(CASES) >= 120
    assert sum(bool(c["informal"]) for c in CASES) >= len(CASES) * 0.45


@pytest.mark.parametrize(
    "question",
    [
        "Sở Y tế chủ trì những nhiệm vụ nào?",
        "nhiem vu 12 do ai chu tri",
        "Tỷ lệ hồ sơ đạt 100% là bao nhiêu",
        "Kế hoạch 57/KH-UBND có mấy nhiệm vụ?",
        "từ nay ai phụ trách việc này?",
        "quy trình cấp chữ ký số thế nào",
        "tài khoản định danh điện tử",
    ],
)
def test_questions_without_a_period(question: str) -> None:
    assert find_periods(question, TODAY) == []


def test_diacritics_tell_words_apart() -> None:
    # "điện tử năm 2026" is the year 2026, not "from 2026 on"
    found = find_periods("tài khoản định danh điện tử năm 2026", TODAY)
    assert [m.period for m in found] == [Period(date(2026, 1, 1), date(2026, 12, 31), "year")]


def test_relative_units_count_from_an_anchor() -> None:
    q4 = Period(date(2026, 10, 1), date(2026, 12, 31), "quarter")
    following = find_periods("thế quý sau?", TODAY, anchor=q4.start)[0].period
    assert following == Period(date(2027, 1, 1), date(2027, 3, 31), "quarter")
    assert shift(q4, 1) == following
    assert shift(following, -2) == Period(date(2026, 7, 1), date(2026, 9, 30), "quarter")
    march = Period(date(2027, 3, 1), date(2027, 3, 31), "month")
    assert shift(march, 1) == Period(date(2027, 4, 1), date(2027, 4, 30), "month")


def test_a_year_the_conversation_set_applies_to_months_without_one() -> None:
    found = find_periods("còn tháng 2 thì sao", TODAY, year=2028)[0].period
    assert found == Period(date(2028, 2, 1), date(2028, 2, 29), "month")


def test_a_month_without_a_year_is_the_next_such_month() -> None:
    assert find_periods("tháng 3", date(2026, 11, 5))[0].period.start == date(2027, 3, 1)
    assert find_periods("tháng 11", date(2026, 11, 30))[0].period.start == date(2026, 11, 1)
    assert find_periods("tháng 3", date(2026, 2, 10))[0].period.start == date(2026, 3, 1)
