"""One task's badge status (SEMANTICS §2), consistent with the /tasks status filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.deadlines import parse_deadline
from domain.records import Deadline
from domain.task_status import (
    STATUSES,
    UPCOMING_DAYS,
    overdue_note,
    status_words,
    task_status,
    task_words,
)

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("raw", "today", "expected"),
    [
        # month ends: "3/2026" ends on 31/3, which is today + 30 from 1/3 (inclusive)
        ("3/2026", date(2026, 3, 1), "upcoming"),
        ("3/2026", date(2026, 2, 28), "open"),  # 28/2 + 30 = 30/3 < 31/3
        ("3/2026", date(2026, 3, 31), "upcoming"),  # due today
        ("3/2026", date(2026, 4, 1), "overdue"),
        ("2/2026", date(2026, 1, 29), "upcoming"),  # 29/1 + 30 = 28/2, February's end
        ("2/2026", date(2026, 1, 28), "open"),
        ("2/2028", date(2028, 1, 30), "upcoming"),  # a leap February ends on 29/2
        ("2/2028", date(2028, 1, 29), "open"),
        ("Quý IV/2025", TODAY, "overdue"),
        ("Quý I/2026", TODAY, "upcoming"),  # ends 31/3/2026
        ("Quý II/2026", TODAY, "open"),
        ("2025", TODAY, "overdue"),
        ("2026", TODAY, "open"),
        ("2027", TODAY, "open"),
        ("giai đoạn 2026-2030", TODAY, "open"),
        ("Trước 01/3/2026", TODAY, "upcoming"),  # today itself is not past
        ("Trước 28/02/2026", TODAY, "overdue"),  # yesterday is
        ("31/3/2026", TODAY, "upcoming"),  # today + 30
        ("01/4/2026", TODAY, "open"),  # today + 31
        # no end, or ongoing: never overdue
        ("Thường xuyên", TODAY, "recurring"),
        ("Hằng năm", TODAY, "recurring"),
        ("Hằng năm, trước 15/12", TODAY, "recurring"),
        ("Hằng năm, trước 15/12", date(2026, 11, 15), "upcoming"),  # its day is 30 days off
        ("Hằng năm, trước 15/12", date(2026, 11, 14), "recurring"),
        ("Hằng năm, trước 15/12", date(2026, 12, 16), "recurring"),  # next: 15/12/2027
        ("hằng năm, chậm nhất ngày 10 tháng 1", date(2026, 12, 20), "upcoming"),  # 10/1/2027
        ("Định kỳ hằng quý", TODAY, "recurring"),
        ("Hằng quý", TODAY, "recurring"),
        ("Tháng 8/2025 và thường xuyên", TODAY, "recurring"),  # its stated end is past
        ("2025 và những năm tiếp theo", TODAY, "recurring"),
        ("Tháng 3/2026 và thường xuyên", TODAY, "upcoming"),  # its stated end is near
        ("Tháng 12/2026 và thường xuyên", TODAY, "recurring"),
    ],
)
def test_status_of_a_deadline_cell(raw: str, today: date, expected: str) -> None:
    assert task_status(parse_deadline(raw), today) == expected


def test_a_deadline_with_no_date_and_no_recurrence_is_recurring() -> None:
    assert task_status(Deadline(text="Theo chỉ đạo của UBND tỉnh"), TODAY) == "recurring"


@pytest.mark.parametrize("days", [-400, -31, -1, 0, 1, 29, 30, 31, 365])
def test_boundaries_of_the_upcoming_window(days: int) -> None:
    end = TODAY + timedelta(days=days)
    status = task_status(Deadline(text=f"{end:%d/%m/%Y}", start=end, end=end), TODAY)
    assert status == ("overdue" if days < 0 else "upcoming" if days <= 30 else "open")


def test_window_can_be_given() -> None:
    end = TODAY + timedelta(days=45)
    deadline = Deadline(text="x", end=end)
    assert task_status(deadline, TODAY) == "open"
    assert task_status(deadline, TODAY, within_days=45) == "upcoming"
    assert UPCOMING_DAYS == 30  # SEMANTICS §2: the default window


# The status filters of /tasks, as stores/sql/documents.py decides them (SEMANTICS §2).
FILTERS = {
    "overdue": lambda d, t: d.end is not None and d.end < t and not d.recurring,
    "upcoming": lambda d, t: d.end is not None and t <= d.end <= t + timedelta(days=30),
    "open": lambda d, t: d.end is None or d.end >= t or bool(d.recurring),
    "recurring": lambda d, t: d.end is None or bool(d.recurring),
}


def _deadlines() -> list[Deadline]:
    ends = [None] + [TODAY + timedelta(days=n) for n in (-365, -1, 0, 1, 30, 31, 200)]
    return [Deadline(text="x", end=e, recurring=r) for e in ends for r in (None, "", "hằng năm")]


@pytest.mark.parametrize("deadline", _deadlines(), ids=repr)
def test_the_badge_is_among_the_filters_that_select_the_task(deadline: Deadline) -> None:
    status = task_status(deadline, TODAY)
    assert FILTERS[status](deadline, TODAY)
    # every task the overdue or upcoming filter selects carries that badge
    for exclusive in ("overdue", "upcoming"):
        if FILTERS[exclusive](deadline, TODAY):
            assert status == exclusive


def test_labels_are_the_console_s_words_in_display_order() -> None:
    words = status_words()
    assert [w.status for w in words] == list(STATUSES)
    assert {w.status: w.label for w in words} == {
        "overdue": "Đã qua thời hạn",
        "upcoming": "Sắp đến hạn",
        "open": "Còn hạn",
        "recurring": "Thường xuyên",
    }
    assert all(w.filter and "{" not in w.filter for w in words)
    assert "30 ngày" in next(w.filter for w in words if w.status == "upcoming")
    assert "7 ngày" in next(w.filter for w in status_words(7) if w.status == "upcoming")


def test_overdue_note_says_plans_record_no_completion() -> None:
    note = overdue_note()
    assert "không ghi nhận việc hoàn thành" in note and "thời hạn đã qua" in note


def test_export_headers_are_vietnamese() -> None:
    columns = task_words()["columns"]
    assert [columns[k] for k in ("plan", "plan_number", "number", "name", "lead")] == [
        "Kế hoạch",
        "Số kế hoạch",
        "STT",
        "Tên nhiệm vụ",
        "Cơ quan chủ trì",
    ]
