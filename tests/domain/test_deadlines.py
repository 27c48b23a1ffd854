from datetime import date

import pytest

from domain.deadlines import (
    RECURRING_DAILY,
    RECURRING_PERIODIC,
    RECURRING_YEARLY,
    due_between,
    next_due,
    parse_deadline,
    yearly_dates,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "recurring"),
    [
        ("3/2026", date(2026, 3, 1), date(2026, 3, 31), None),
        ("12/2027", date(2027, 12, 1), date(2027, 12, 31), None),
        ("Quý IV/2025", date(2025, 10, 1), date(2025, 12, 31), None),
        ("6 tháng đầu năm 2026", date(2026, 1, 1), date(2026, 6, 30), None),
        ("6 thang cuoi nam 2027", date(2027, 7, 1), date(2027, 12, 31), None),
        ("Nửa đầu năm 2028", date(2028, 1, 1), date(2028, 6, 30), None),
        ("Quý 2/2026", date(2026, 4, 1), date(2026, 6, 30), None),
        ("2026-2027", date(2026, 1, 1), date(2027, 12, 31), None),
        ("2025 -2026", date(2025, 1, 1), date(2026, 12, 31), None),
        ("Trước 20/3/2025", None, date(2025, 3, 20), None),
        ("2025 và những năm tiếp theo", date(2025, 1, 1), None, None),
        ("Tháng 8/2025 và thường xuyên", date(2025, 8, 1), date(2025, 8, 31), RECURRING_DAILY),
        ("Thường xuyền", None, None, RECURRING_DAILY),
        ("Nhiệm vụ thường xuyên", None, None, RECURRING_DAILY),
        ("Hằng năm", None, None, RECURRING_YEARLY),
        ("2028", date(2028, 1, 1), date(2028, 12, 31), None),
        ("tháng 6 năm 2025", date(2025, 6, 1), date(2025, 6, 30), None),
    ],
)
def test_deadline_forms(text: str, start: date | None, end: date | None, recurring: str | None):
    deadline = parse_deadline(text)
    assert (deadline.start, deadline.end, deadline.recurring) == (start, end, recurring)
    assert deadline.text == text


def test_empty_cell_has_no_period():
    deadline = parse_deadline("-")
    assert deadline.start is None and deadline.end is None and deadline.recurring is None


@pytest.mark.parametrize(
    ("text", "yearly", "recurring"),
    [
        ("Hằng năm, trước 15/12", "12-15", RECURRING_YEARLY),
        ("hang nam truoc ngay 20 thang 1", "01-20", RECURRING_YEARLY),
        ("Báo cáo trước 30/6 hằng năm", "06-30", RECURRING_YEARLY),
        ("Thường xuyên; báo cáo trước 15/12 hằng năm", "12-15", RECURRING_DAILY),
        ("Hằng năm, trước 29/02", "02-28", RECURRING_YEARLY),  # a day every year has
        ("Hằng năm, trước 31/4", None, RECURRING_YEARLY),  # no such day
        ("Hằng năm", None, RECURRING_YEARLY),
        ("Hằng năm, trước 15/12/2026", None, RECURRING_YEARLY),  # a dated deadline instead
        ("Trước 15/12", None, None),  # no year, and not yearly: no day to keep
        ("Định kỳ hằng quý", None, RECURRING_PERIODIC),
        ("định kỳ 6 tháng", None, RECURRING_PERIODIC),
        ("Hằng tháng", None, RECURRING_PERIODIC),
    ],
)
def test_yearly_due_days(text: str, yearly: str | None, recurring: str | None) -> None:
    parsed = parse_deadline(text)
    assert (parsed.yearly, parsed.recurring) == (yearly, recurring)


def test_yearly_days_in_a_period() -> None:
    every_december = parse_deadline("Hằng năm, trước 15/12")
    assert yearly_dates(every_december, date(2026, 1, 1), date(2028, 6, 30)) == [
        date(2026, 12, 15),
        date(2027, 12, 15),
    ]
    assert due_between(every_december, date(2027, 12, 15), date(2027, 12, 15))
    assert not due_between(every_december, date(2027, 12, 16), date(2028, 12, 14))
    assert due_between(every_december, None, date(2020, 1, 1))  # unbounded: some year
    assert next_due(every_december, date(2026, 12, 16)) == date(2027, 12, 15)
    assert next_due(parse_deadline("3/2026"), date(2027, 1, 1)) == date(2026, 3, 31)
    assert next_due(parse_deadline("Thường xuyên"), date(2027, 1, 1)) is None
