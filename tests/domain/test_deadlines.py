from datetime import date

import pytest

from domain.deadlines import RECURRING_DAILY, RECURRING_YEARLY, parse_deadline


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
