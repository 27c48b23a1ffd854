"""Deadline cells ("3/2026", "Quý IV/2025", "2025 và những năm tiếp theo") to periods."""

from __future__ import annotations

import calendar
import re
from datetime import date

from domain.records import Deadline
from domain.text import fold, normalise_space

__all__ = [
    "RECURRING_DAILY",
    "RECURRING_PERIODIC",
    "RECURRING_YEARLY",
    "due_between",
    "next_due",
    "parse_deadline",
    "yearly_dates",
]

RECURRING_DAILY = "thường xuyên"
RECURRING_YEARLY = "hằng năm"
RECURRING_PERIODIC = "định kỳ"  # every quarter, month or week ("định kỳ hằng quý")

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d\d)"
_DAY = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _YEAR + r"\b")
_MONTH = re.compile(r"\b(\d{1,2})\s*/\s*" + _YEAR + r"\b")
_MONTH_WORDS = re.compile(r"\bthang\s+(\d{1,2})\s+nam\s+" + _YEAR + r"\b")
_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)?\s*" + _YEAR + r"\b")
_HALF = re.compile(r"\b(?:6 thang|nua)\s+(dau|cuoi)\s+(?:cua\s+)?nam\s*" + _YEAR + r"\b")
_YEAR_RANGE = re.compile(_YEAR + r"\s*(?:-|–|den)\s*" + _YEAR)
_YEARS = re.compile(_YEAR)
_BEFORE = re.compile(r"\b(truoc|cham nhat|khong muon hon)\b")
_OPEN_ENDED = re.compile(r"nhung nam tiep theo|cac nam tiep theo|tro di")
# A misplaced tone mark ("Thường xuyền") folds to the same words, so it still matches.
_ONGOING = re.compile(r"\bthuong xuyen\b|\blien tuc\b")
_YEARLY = re.compile(r"\b(hang|hoan|moi) nam\b")
_PERIODIC = re.compile(r"\bdinh ky\b|\b(hang|moi) (quy|thang|tuan)\b")
# a day of the month with no year ("trước 15/12", "trước ngày 15 tháng 12"), in a yearly cell
_DAY_OF_YEAR = re.compile(
    r"\b(\d{1,2})\s*/\s*(\d{1,2})\b(?!\s*/\s*\d)"
    r"|\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b(?!\s+nam\s+\d)"
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _valid_month(month: int) -> bool:
    return 1 <= month <= 12


def parse_deadline(text: str) -> Deadline:
    """Normalise a deadline cell to a period and, where it repeats, a recurrence.

    :param text: the cell as written, e.g. "Tháng 8/2025 và thường xuyên".
    :returns: a :class:`Deadline`; ``start``/``end`` are None when no date is stated.
    """
    raw = normalise_space(text)
    folded = fold(raw).replace("–", "-")
    recurring = None
    yearly_words = _YEARLY.search(folded) is not None
    if _ONGOING.search(folded):
        recurring = RECURRING_DAILY
    elif yearly_words:
        recurring = RECURRING_YEARLY
    elif _PERIODIC.search(folded):
        recurring = RECURRING_PERIODIC
    start: date | None = None
    end: date | None = None
    if m := _DAY.search(folded):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid_month(month) and 1 <= day <= calendar.monthrange(year, month)[1]:
            end = date(year, month, day)
            start = None if _BEFORE.search(folded) else end
    elif m := _HALF.search(folded):
        year = int(m.group(2))
        first = m.group(1) == "dau"
        start = date(year, 1 if first else 7, 1)
        end = _month_end(year, 6 if first else 12)
    elif m := _QUARTER.search(folded):
        quarter, year = _ROMAN[m.group(1)], int(m.group(2))
        start = date(year, 3 * quarter - 2, 1)
        end = _month_end(year, 3 * quarter)
    elif (m := _MONTH.search(folded)) or (m := _MONTH_WORDS.search(folded)):
        month, year = int(m.group(1)), int(m.group(2))
        if _valid_month(month):
            start, end = date(year, month, 1), _month_end(year, month)
    elif m := _YEAR_RANGE.search(folded):
        start, end = date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31)
    elif years := _YEARS.findall(folded):
        first, last = int(years[0]), int(years[-1])
        start, end = date(first, 1, 1), date(last, 12, 31)
    if start is not None and _BEFORE.search(folded) and end is not None:
        start = None
    if start is not None and _OPEN_ENDED.search(folded):
        end = None
    yearly = _day_of_year(folded) if end is None and yearly_words else None
    return Deadline(text=raw, start=start, end=end, recurring=recurring, yearly=yearly)


def _day_of_year(folded: str) -> str | None:
    """The day a yearly task is due, as "MM-DD"; 29 February is taken as the 28th, a day
    every year has."""
    m = _DAY_OF_YEAR.search(folded)
    if m is None:
        return None
    day, month = (int(x) for x in (m.group(1, 2) if m.group(1) else m.group(3, 4)))
    if not _valid_month(month) or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    return f"{month:02d}-{min(day, calendar.monthrange(2001, month)[1]):02d}"


def yearly_dates(deadline: Deadline, first: date, last: date) -> list[date]:
    """The days a yearly task falls due from ``first`` to ``last`` (inclusive)."""
    if deadline.yearly is None or last < first:
        return []
    month, day = (int(x) for x in deadline.yearly.split("-"))
    found = (date(year, month, day) for year in range(first.year, last.year + 1))
    return [d for d in found if first <= d <= last]


def due_between(deadline: Deadline, first: date | None, last: date | None) -> bool:
    """Whether a task falls due in the period (SEMANTICS §2): its last due day lies in it, or
    it holds the task's yearly day of some year. An unbounded side bounds nothing."""
    end = deadline.end
    if end is not None and (first is None or end >= first) and (last is None or end <= last):
        return True
    if deadline.yearly is None:
        return False
    if first is None or last is None:
        return True
    return bool(yearly_dates(deadline, first, last))


def next_due(deadline: Deadline, today: date) -> date | None:
    """The day a task next falls due on or after ``today``: its yearly day's next occurrence,
    else its last due day (which may be past)."""
    if deadline.yearly is not None:
        ahead = yearly_dates(deadline, today, date(today.year + 1, 12, 31))
        return ahead[0] if ahead else None
    return deadline.end
