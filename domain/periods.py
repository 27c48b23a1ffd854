"""Periods named in questions (SEMANTICS.md §3), relative to an injected today.

"quý IV/2026", "tháng 3" (the next March), "6 tháng cuối năm", "năm sau", "tuần này",
"trong 60 ngày tới", "từ nay đến hết năm", "trước 30/6/2027", "sau năm 2028",
"từ tháng 7/2027", "giai đoạn 2026-2030" — with or without diacritics, chat forms included
("q4/2026", "t5", "trc 1/3"). The words are data (``domain/data/periods.json``); this module is
the grammar that combines them.

Usage example::

    find_periods("Sở Nội vụ có việc gì phải xong trong 6 tháng cuối năm?", date(2026, 11, 18))
    # [PeriodMatch(span=(37, 55), period=Period(date(2026, 7, 1), date(2026, 12, 31), "half"),
    #              text="6 thang cuoi nam")]
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from domain.text import fold, phrases_pattern, spelled_as

__all__ = ["Period", "PeriodMatch", "find_periods", "fold_for_periods", "shift"]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_END = r"(?![a-z0-9])"
_YEAR = r"((?:19|20)\d\d)"
_Y = r"(?P<y>(?:19|20)\d\d)"


@dataclass(frozen=True)
class Period:
    """Inclusive bounds; None leaves that side open. ``unit`` names a calendar unit period."""

    start: date | None
    end: date | None
    unit: str | None = None  # "day" | "week" | "month" | "quarter" | "half" | "year"


@dataclass(frozen=True)
class PeriodMatch:
    """A period expression found in a question: where it stands and what it means."""

    span: tuple[int, int]
    period: Period
    text: str


def _fold_char(c: str) -> str:
    if c.isspace():
        return " "
    folded = fold(c).replace("đ", "d")
    return folded if len(folded) == 1 else c


def fold_for_periods(text: str) -> tuple[str, str]:
    """The question lowercased (NFC) and its folded twin, aligned character by character."""
    lower = unicodedata.normalize("NFC", text).lower()
    return lower, "".join(_fold_char(c) for c in lower)


@cache
def _words() -> dict[str, Any]:
    raw = resources.files("domain").joinpath("data/periods.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _unit_period(unit: str, anchor: date) -> Period:
    """The calendar unit that contains ``anchor``."""
    if unit == "day":
        return Period(anchor, anchor, "day")
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return Period(monday, monday + timedelta(days=6), "week")
    if unit == "month":
        return Period(anchor.replace(day=1), _month_end(anchor.year, anchor.month), "month")
    if unit == "quarter":
        first = 3 * ((anchor.month - 1) // 3) + 1
        return Period(date(anchor.year, first, 1), _month_end(anchor.year, first + 2), "quarter")
    if unit == "half":
        first = 1 if anchor.month <= 6 else 7
        return Period(date(anchor.year, first, 1), _month_end(anchor.year, first + 5), "half")
    return Period(date(anchor.year, 1, 1), date(anchor.year, 12, 31), "year")


def shift(period: Period, steps: int) -> Period:
    """The unit period ``steps`` units after (or before) ``period``: "quý sau" of a quarter."""
    unit = period.unit or "day"
    anchor = period.start or period.end
    if anchor is None:
        return period
    if unit == "day":
        return _unit_period("day", anchor + timedelta(days=steps))
    if unit == "week":
        return _unit_period("week", anchor + timedelta(weeks=steps))
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    return _unit_period(unit, _add_months(anchor.replace(day=1), months * steps))


class _Grammar:
    """Period expressions over folded text, tried left to right at word starts."""

    def __init__(self) -> None:
        w = _words()
        self.units: dict[str, str] = w["units"]
        self.relative: dict[str, int] = {
            " ".join(k.split()): int(v) for k, v in w["relative"].items()
        }
        unit_words = phrases_pattern(list(self.units))
        rel = phrases_pattern(w["relative"])
        self.rel_unit = re.compile(rf"(?P<unit>{unit_words})\s+(?P<rel>{rel}){_END}")
        self.half = re.compile(
            rf"(?:(?P<first>{phrases_pattern(w['first_half'])})|(?P<second>{phrases_pattern(w['second_half'])}))"
            rf"(?:\s+(?:nam\s+)?{_Y})?{_END}"
        )
        self.quarter = re.compile(
            rf"(?:quy|q)\s*(?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*{_Y})?{_END}"
        )
        self.month = re.compile(rf"(?:thang|t)\s*(?P<m>\d{{1,2}})(?:\s*(?:/|-|nam)\s*{_Y})?{_END}")
        self.day_words = re.compile(
            rf"(?:ngay\s+)?(?P<d>\d{{1,2}})\s+thang\s+(?P<m>\d{{1,2}})(?:\s+nam\s+{_Y})?{_END}"
        )
        self.day = re.compile(
            rf"(?:ngay\s+)?(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<m>\d{{1,2}})"
            rf"(?:\s*[/.-]\s*{_Y})?{_END}"
        )
        self.month_number = re.compile(rf"(?P<m>\d{{1,2}})\s*/\s*{_Y}{_END}")
        self.year = re.compile(rf"(?:nam\s+)?{_Y}{_END}")
        self.now = re.compile(rf"{phrases_pattern(w['now'])}{_END}")
        self.bare_unit = re.compile(rf"(?P<unit>{unit_words})(?:\s+nay)?{_END}")
        self.span = re.compile(
            rf"{phrases_pattern(w['span'])}\s+(?:nam\s+)?{_YEAR}\s*(?:-|–|den|toi)\s*(?:nam\s+)?{_YEAR}{_END}"
        )
        self.year_range = re.compile(rf"{_YEAR}\s*(?:-|–)\s*{_YEAR}{_END}")
        self.from_ = re.compile(rf"{phrases_pattern(w['from'])}\s+")
        self.until = re.compile(rf"\s+{phrases_pattern(w['until'])}\s+")
        self.onwards = re.compile(rf"\s*{phrases_pattern(w['onwards'])}{_END}")
        self.within = re.compile(
            rf"(?:(?P<trong>trong(?:\s+vong)?)\s+)?(?P<n>\d{{1,4}})\s+(?P<unit>ngay|tuan|thang|nam)"
            rf"(?:\s+(?P<ahead>{phrases_pattern(w['ahead'])}))?{_END}"
        )
        self.before_incl = re.compile(rf"{phrases_pattern(w['before_inclusive'])}\s+")
        self.before_excl = re.compile(rf"{phrases_pattern(w['before_exclusive'])}\s+")
        self.after = re.compile(rf"{phrases_pattern(w['after'])}\s+")

    # -- atoms: one calendar unit or day ---------------------------------------------------

    def atom(self, f: str, i: int, ctx: _Context) -> tuple[int, Period] | None:
        if m := self.half.match(f, i):
            year = int(m.group("y")) if m.group("y") else ctx.today.year
            first = 1 if m.group("first") else 7
            return m.end(), Period(date(year, first, 1), _month_end(year, first + 5), "half")
        if m := self.rel_unit.match(f, i):
            unit = self.units[m.group("unit").split()[0]]
            steps = self.relative[" ".join(m.group("rel").split())]
            if unit == "day":
                return None  # "ngày mai" and the like are not deadlines people ask about
            base = _unit_period(unit, ctx.anchor)
            return m.end(), shift(base, steps) if steps else base
        if m := self.quarter.match(f, i):
            quarter = _ROMAN[m.group("q")]
            if m.group("y"):
                year = int(m.group("y"))
            else:
                year = ctx.year or (
                    ctx.today.year
                    if quarter >= (ctx.today.month - 1) // 3 + 1
                    else ctx.today.year + 1
                )
            first = 3 * quarter - 2
            return m.end(), Period(date(year, first, 1), _month_end(year, first + 2), "quarter")
        if m := self.month.match(f, i):
            return self._month(m.end(), int(m.group("m")), m.group("y"), ctx)
        if m := self.day_words.match(f, i):
            return self._day(m.end(), int(m.group("d")), int(m.group("m")), m.group("y"), ctx)
        if m := self.month_number.match(f, i):
            return self._month(m.end(), int(m.group("m")), m.group("y"), ctx)
        if m := self.day.match(f, i):
            return self._day(m.end(), int(m.group("d")), int(m.group("m")), m.group("y"), ctx)
        if m := self.year.match(f, i):
            year = int(m.group("y"))
            return m.end(), Period(date(year, 1, 1), date(year, 12, 31), "year")
        return None

    def _month(
        self, end: int, month: int, year_text: str | None, ctx: _Context
    ) -> tuple[int, Period] | None:
        if not 1 <= month <= 12:
            return None
        if year_text:
            year = int(year_text)
        else:  # the next such month, today's included, unless the conversation set a year
            year = ctx.year or (ctx.today.year if month >= ctx.today.month else ctx.today.year + 1)
        return end, Period(date(year, month, 1), _month_end(year, month), "month")

    def _day(
        self, end: int, day: int, month: int, year_text: str | None, ctx: _Context
    ) -> tuple[int, Period] | None:
        if not 1 <= month <= 12:
            return None
        if year_text:
            year = int(year_text)
        else:
            year = ctx.year or ctx.today.year
            if not ctx.year and (month, day) < (ctx.today.month, ctx.today.day):
                year += 1
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        found = date(year, month, day)
        return end, Period(found, found, "day")

    # -- composites -------------------------------------------------------------------------

    def at(self, f: str, i: int, ctx: _Context) -> tuple[int, Period] | None:
        if m := self.span.match(f, i):
            first, last = int(m.group(1)), int(m.group(2))
            if first <= last:
                return m.end(), Period(date(first, 1, 1), date(last, 12, 31))
        if m := self.from_.match(f, i):
            found = self._from(f, m.end(), ctx)
            if found:
                return found
        if m := self.within.match(f, i):
            if m.group("ahead") or m.group("trong"):
                n, unit = int(m.group("n")), m.group("unit")
                if n > 0 and (m.group("ahead") or unit in ("ngay", "tuan")):
                    return m.end(), Period(ctx.today, _ahead(ctx.today, n, unit))
        for pattern, inclusive in ((self.before_incl, True), (self.before_excl, False)):
            if m := pattern.match(f, i):
                atom = self.atom(f, m.end(), ctx)
                if atom:
                    stop, p = atom
                    assert p.start is not None and p.end is not None
                    until = p.end if inclusive or p.unit == "day" else p.start - timedelta(days=1)
                    return stop, Period(None, until)
        if m := self.after.match(f, i):
            atom = self.atom(f, m.end(), ctx)
            if atom:
                stop, p = atom
                assert p.end is not None
                return stop, Period(p.end + timedelta(days=1), None)
        if m := self.year_range.match(f, i):
            first, last = int(m.group(1)), int(m.group(2))
            if first < last:
                return m.end(), Period(date(first, 1, 1), date(last, 12, 31))
        return self.atom(f, i, ctx)

    def _from(self, f: str, i: int, ctx: _Context) -> tuple[int, Period] | None:
        """ "từ nay đến hết năm", "từ 2027 đến 2029", "từ tháng 3/2027 (trở đi)"."""
        if m := self.now.match(f, i):
            start: date | None = ctx.today
            pos = m.end()
        elif atom := self.atom(f, i, ctx):
            pos, first = atom
            start = first.start
        else:
            return None
        if m := self.until.match(f, pos):
            target = self.atom(f, m.end(), ctx)
            if target:
                return target[0], Period(start, target[1].end)
            if unit := self.bare_unit.match(f, m.end()):
                current = _unit_period(self.units[unit.group("unit")], ctx.today)
                return unit.end(), Period(start, current.end)
        if m := self.onwards.match(f, pos):
            pos = m.end()
        if start == ctx.today and f[i:pos].strip() in ("nay", "gio", "bay gio"):
            return None  # "từ nay" alone is not a period
        return pos, Period(start, None)


def _ahead(today: date, n: int, unit: str) -> date:
    if unit == "ngay":
        return today + timedelta(days=n)
    if unit == "tuan":
        return today + timedelta(weeks=n)
    if unit == "thang":
        return _add_months(today, n)
    return _add_months(today, 12 * n)


@dataclass(frozen=True)
class _Context:
    today: date
    anchor: date  # what relative units count from ("quý sau" of the conversation's period)
    year: int | None  # the year a conversation set, for months and quarters without one


@cache
def _grammar() -> _Grammar:
    return _Grammar()


def find_periods(
    text: str, today: date, *, anchor: date | None = None, year: int | None = None
) -> list[PeriodMatch]:
    """Every period expression in ``text``, left to right.

    :param text: the question (any spelling: diacritics or not).
    :param today: the reference date (injected; never the wall clock in tests).
    :param anchor: what relative units count from (default ``today``); a follow-up passes the
        previous period's start so "quý sau" is the quarter after it.
    :param year: a year the conversation set, for months and quarters named without one.
    :returns: matches with spans in the lowercased text (the same in its folded twin).
    """
    lower, f = fold_for_periods(text)
    ctx = _Context(today, anchor or today, year)
    grammar = _grammar()
    found: list[PeriodMatch] = []
    i = 0
    while i < len(f):
        if i == 0 or not f[i - 1].isalnum():
            hit = grammar.at(f, i, ctx)
            if hit is not None and spelled_as(lower[i : hit[0]], _words()["spellings"]):
                end, period = hit
                found.append(PeriodMatch((i, end), period, f[i:end]))
                i = end
                continue
        i += 1
    return found
