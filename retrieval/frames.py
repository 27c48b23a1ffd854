"""A question as a frame: the fields it asks and the slots that narrow them (SEMANTICS.md).

Fields come from the asked-field model (:mod:`retrieval.asked`); slots from general grammars:
the agency gazetteer, the period grammar (:mod:`domain.periods`), and the words of
``retrieval/data/frames.json`` for roles, statuses, yes/no, task references and follow-up
marks. Nothing here knows a plan or a dev question: a new phrasing is a line of data.

Usage example::

    frame = read_frame("sở nội vụ có việc gì phải xong trong 6 tháng cuối năm ko",
                       gazetteer, date(2026, 11, 18))
    frame.agency, frame.period          # "Sở Nội vụ", Period(2026-07-01 .. 2026-12-31)
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from domain.agencies import Gazetteer
from domain.periods import Period, find_periods, fold_for_periods
from domain.text import normalise_space, phrases_pattern, spelled_as
from retrieval.asked import AskedFields
from retrieval.normalise import Normalised, normalise

__all__ = ["TASK_FIELDS", "Frame", "TaskRef", "read_frame"]

# The fields a task record answers.
TASK_FIELDS = frozenset({"lead", "coordinating", "output", "deadline"})
_NUMBER = r"(\d{1,3}[a-z]?)"


@cache
def _words() -> dict[str, Any]:
    raw = resources.files("retrieval").joinpath("data/frames.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


@dataclass(frozen=True)
class TaskRef:
    """How a question points at a task: by its number, a position in the last list shown,
    words of its name, or back at what was just shown."""

    number: str | None = None
    ordinal: int | None = None  # 1-based; negative counts from the end
    words: str | None = None
    previous: bool = False
    other: bool = False  # "cái kia": the one of two not just answered


@dataclass(frozen=True)
class Frame:
    """What a question asks and what it names."""

    fields: frozenset[str]
    agency: str | None = None
    agencies: tuple[str, ...] = ()
    role: str | None = None  # as the question says it; None when it says none
    period: Period | None = None
    status: str | None = None
    task: TaskRef | None = None
    yes_no: bool = False
    opener: bool = False  # "còn …", "thế …", "… thì sao": continues the last frame
    narrow: bool = False  # "… thôi", "trong đó …": narrows the last list
    page: bool = False  # "xem tiếp": the next part of the last list
    within_days: int | None = None
    names_tasks: bool = False  # "nhiệm vụ", "việc", "đề án" … : the question is about tasks
    self_ref: bool = False  # "bên mình", "đơn vị mình": the asker's own agency
    document_facts: tuple[str, ...] = ()  # number, issued, signer, issuer, legal_bases, proposer
    document_kinds: tuple[str, ...] = ()  # "ke hoach", "cong van" …: the kinds of paper named
    revised: bool = False  # "bản sửa đổi": the plan that replaces or amends another
    topic: tuple[str, ...] = field(default_factory=tuple)

    @property
    def task_fields(self) -> frozenset[str]:
        return self.fields & TASK_FIELDS

    @property
    def asks_set(self) -> bool:
        """A question about a set of tasks (a list or a count), not one task's fields."""
        return bool(self.fields & {"list", "count"})

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = sorted(self.fields)
        if self.period is not None:
            data["period"] = {
                "start": self.period.start.isoformat() if self.period.start else None,
                "end": self.period.end.isoformat() if self.period.end else None,
                "unit": self.period.unit,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Frame:
        period = data.get("period")
        task = data.get("task")
        return cls(
            fields=frozenset(data.get("fields", ())),
            agency=data.get("agency"),
            agencies=tuple(data.get("agencies", ())),
            role=data.get("role"),
            period=Period(
                date.fromisoformat(period["start"]) if period["start"] else None,
                date.fromisoformat(period["end"]) if period["end"] else None,
                period.get("unit"),
            )
            if period
            else None,
            status=data.get("status"),
            task=TaskRef(**task) if task else None,
            yes_no=bool(data.get("yes_no")),
            within_days=data.get("within_days"),
            names_tasks=bool(data.get("names_tasks")),
            document_facts=tuple(data.get("document_facts", ())),
            document_kinds=tuple(data.get("document_kinds", ())),
            revised=bool(data.get("revised")),
            topic=tuple(data.get("topic", ())),
        )

    def with_slots(self, other: Frame) -> Frame:
        """This frame with the slots ``other`` names put in place of its own."""
        return replace(
            self,
            agency=other.agency or self.agency,
            agencies=other.agencies or self.agencies,
            role=other.role or self.role,
            period=other.period or self.period,
            status=other.status or self.status,
            within_days=other.within_days or self.within_days,
        )


class _Grammar:
    def __init__(self) -> None:
        w = _words()
        self.roles: list[tuple[str, re.Pattern[str]]] = [
            (role, re.compile(rf"\b{phrases_pattern(words)}\b"))
            for role, words in w["roles"].items()
        ]
        self.statuses: list[tuple[str, re.Pattern[str]]] = [
            (status, re.compile(rf"\b{phrases_pattern(words)}\b"))
            for status, words in w["statuses"].items()
        ]
        self.role_negation = re.compile(
            rf"\b{phrases_pattern(w['role_negation'])}\s+(?:\w+\s+){{0,2}}$"
        )
        plain_yes_no = [p for p in w["yes_no"] if "..." not in p]
        self.yes_no = re.compile(rf"\b{phrases_pattern(plain_yes_no)}\b")
        self.co_khong = re.compile(r"\b(?:co|da)\b.+\b(?:khong|chua)\s*$")
        self.yes_no_end = re.compile(rf"\b{phrases_pattern(w['yes_no_end'])}\s*$")
        self.ordinal_words: dict[str, int] = {
            " ".join(k.split()): int(v) for k, v in w["ordinals"].items()
        }
        nouns = phrases_pattern(w["item_nouns"])
        # "nhiệm vụ cuối" is a position, "nhiệm vụ cuối năm" a period
        not_period = r"(?!\s+(?:nam|thang|quy|tuan|ky|tu)\b)"
        self.ordinal = re.compile(
            rf"\b{nouns}\s+(?P<o>{phrases_pattern(w['ordinals'])})\b{not_period}"
        )
        self.bare_ordinal = re.compile(r"^(?P<o>" + phrases_pattern(w["ordinals"]) + r")\b")
        self.number = re.compile(
            rf"\b(?:nhiem vu|nv|viec|tieu chi|chi tieu|muc|stt)\s*(?:so|thu|stt)?\s*{_NUMBER}\b"
        )
        self.pointer = re.compile(rf"\b{nouns}\s+{phrases_pattern(w['pointers'])}\b")
        self.other_item = re.compile(rf"\b{phrases_pattern(w['other_item'])}\b")
        self.opener = re.compile(rf"^{phrases_pattern(w['follow_up_openers'])}\b")
        self.closer = re.compile(rf"\b{phrases_pattern(w['follow_up_closers'])}\s*$")
        self.narrow = re.compile(rf"(?:^|\s){phrases_pattern(w['narrowing'])}(?:\s|$)")
        self.pick = re.compile(rf"^{phrases_pattern(w['picking'])}\s+(?P<words>.+)$")
        self.page = re.compile(
            rf"^(?:{phrases_pattern(w['follow_up_openers'])}\s+)?{phrases_pattern(w['paging'])}\b"
        )
        task_nouns = phrases_pattern(w["task_nouns"])
        self.asks_list = re.compile(
            rf"\b(?:nhung|cac|co)\s+(?:\w+\s+){{0,2}}?{task_nouns}\s+(?:\w+\s+){{0,6}}?(?:nao|gi)\b"
            rf"|\b{task_nouns}\s+(?:nao|gi)\b|\blam\s+(?:nhung\s+)?(?:viec\s+)?gi\b"
            rf"|\b(?:danh sach|liet ke|ke ten|ke ra|neu ten)\b"
        )
        self.task_noun = re.compile(rf"\b{task_nouns}\b")
        self.document_facts = [
            (fact, re.compile(rf"\b{phrases_pattern(words)}\b"))
            for fact, words in w["document_facts"].items()
        ]
        self.document_kinds = [
            (kind, re.compile(rf"\b{phrases_pattern(words)}\b"))
            for kind, words in w["document_kinds"].items()
        ]
        self.self_ref = re.compile(rf"\b{phrases_pattern(w['self_reference'])}\b")
        self.revised = re.compile(rf"\b{phrases_pattern(w['revised_plan'])}\b")
        who = phrases_pattern(w["asks_who"])
        role_words = phrases_pattern(w["roles"]["lead"] + w["roles"]["coordinating"])
        self.asks_who = re.compile(
            rf"\b{who}\s+(?:\w+\s+){{0,2}}?(?P<a>{role_words})\b"
            rf"|\b(?P<b>{role_words})\s+(?:la\s+|voi\s+)?{who}\b"
        )
        self.asks_count = re.compile(
            rf"\b(?:bao nhieu|may|so luong|tong cong|tong so)\s+{task_nouns}\b"
        )
        self.plan_year = re.compile(
            rf"\b{phrases_pattern(w['plan_words'])}\s+(?:so\s+)?(?:nam\s+)?$"
        )
        # "trong kế hoạch chuyển đổi số năm 2026": a plan named with its year
        self.plan_named = re.compile(
            rf"(?:^\s*|\b{phrases_pattern(w['plan_references'])}\s+)(?:cac\s+)?"
            rf"{phrases_pattern(w['plan_words'])}\b(?P<name>[^;?.]*)$"
        )
        self.deadline_cue = re.compile(rf"\b{phrases_pattern(w['deadline_cues'])}\b")


@cache
def _grammar() -> _Grammar:
    return _Grammar()


def read_frame(
    question: str | Normalised,
    gazetteer: Gazetteer,
    today: date,
    *,
    model: AskedFields | None = None,
    anchor: date | None = None,
    year: int | None = None,
    topic: tuple[str, ...] = (),
) -> Frame:
    """Read what ``question`` asks and names.

    :param gazetteer: the agencies a question may name (with the active plans' own names).
    :param today: the reference date of periods and statuses.
    :param anchor: what relative periods count from in a follow-up ("quý sau").
    :param year: a year the conversation set, for months named without one.
    :param topic: the question's content words, when the caller has them.
    """
    text = question if isinstance(question, Normalised) else normalise(question)
    lower, folded = fold_for_periods(text.text)  # aligned: a match in one spans the other
    g = _grammar()
    fields = set((model or AskedFields.default()).predict(text.text))
    agencies = tuple(gazetteer.find(text.text))
    periods = find_periods(text.text, today, anchor=anchor, year=year)
    # "kế hoạch năm 2025" names a plan, not a period
    periods = [p for p in periods if not _names_a_plan(folded[: p.span[0]], g)]
    rest, rest_lower = folded, lower
    for p in reversed(periods):  # blanked out, keeping positions
        blank = " " * (p.span[1] - p.span[0])
        rest = rest[: p.span[0]] + blank + rest[p.span[1] :]
        rest_lower = rest_lower[: p.span[0]] + blank + rest_lower[p.span[1] :]
    role = _role(rest, g)
    status = next((s for s, pattern in g.statuses if pattern.search(rest)), None)
    ending = fold_for_periods(normalise_space(text.original))[1].rstrip(" ?.!")
    # "có nhiệm vụ nào quá hạn không?" asks which ones (a list), not a yes/no about one
    which = bool(g.task_noun.search(rest) and re.search(r"\bnao\b", rest))
    yes_no = bool(
        g.yes_no.search(rest)
        or (g.co_khong.search(rest) and not which)
        or g.yes_no_end.search(ending)
    )
    if yes_no:
        fields.add("confirm")
    elif which:
        fields.discard("confirm")
    task = _task_ref(rest_lower, rest, g)
    # the shape of the question settles a list or a count the model may have missed
    if g.asks_count.search(rest):
        fields.add("count")
    elif (
        g.asks_list.search(rest)
        and not fields & {"count", "target_value", "criterion_class"}
        and not (task and task.number)  # "nhiệm vụ 27 phải làm gì" is one task
    ):
        fields.add("list")
    if m := g.asks_who.search(rest):
        # "đơn vị phối hợp?", "ai chủ trì": the agencies of a task, a field, not a role slot
        fields.add(_role(m.group("a") or m.group("b"), g) or "lead")
        if not g.task_noun.search(rest) or not agencies:
            fields -= {"list", "count", "other"}
        role = role if agencies else None
    if fields & {"list", "count"} and agencies:
        fields -= {"lead", "coordinating", "other", "document_fact"}  # the agency's role, a slot
    within_days = None
    period = periods[0].period if periods else None
    if period and status == "upcoming" and period.start == today and period.end:
        # "sắp đến hạn trong 60 ngày tới": the window of the status, not a period
        within_days, period = (period.end - today).days, None
    return Frame(
        fields=frozenset(fields),
        agency=agencies[0] if agencies else None,
        agencies=agencies,
        role=role,
        period=period,
        status=status,
        task=task,
        yes_no=yes_no,
        opener=bool(g.opener.search(folded) or g.closer.search(folded)),
        narrow=bool(g.narrow.search(folded)),
        page=bool(g.page.search(folded)),
        within_days=within_days,
        names_tasks=bool(g.task_noun.search(rest)),
        self_ref=bool(g.self_ref.search(rest)),
        document_facts=tuple(f for f, pattern in g.document_facts if pattern.search(rest))
        if "document_fact" in fields
        else (),
        document_kinds=_kinds_asked(folded, g),
        revised=bool(g.revised.search(folded)),
        topic=topic,
    )


def _names_a_plan(before: str, g: _Grammar) -> bool:
    """Whether a year that follows ``before`` is part of a plan's name ("kế hoạch năm
    2025", "trong kế hoạch chuyển đổi số 2026"), not a period asked about."""
    if g.plan_year.search(before):
        return True
    m = g.plan_named.search(before)
    if m is None:
        return False
    return not g.deadline_cue.search(m.group("name")) and len(m.group("name")) < 90


def _kinds_asked(folded: str, g: _Grammar) -> tuple[str, ...]:
    """The kinds of paper the question asks about; one named with its number ("Nghị quyết
    04-NQ/TU") is a paper it cites, not the one asked about."""
    return tuple(
        kind
        for kind, pattern in g.document_kinds
        if any(
            not re.match(r"\s*(?:so\s*)?\d|/", folded[m.end() :])
            and folded[max(m.start() - 1, 0) : m.start()] not in ("-", "/")
            for m in pattern.finditer(folded)
        )
    )


def _role(folded: str, g: _Grammar) -> str | None:
    """The role the question names; "không tính nhiệm vụ phối hợp" names none."""
    for role, pattern in g.roles:
        for m in pattern.finditer(folded):
            if not g.role_negation.search(folded[: m.start()]):
                return role
    return None


def _task_ref(lower: str, folded: str, g: _Grammar) -> TaskRef | None:
    def found(pattern: re.Pattern[str]) -> re.Match[str] | None:
        spellings = _words()["spellings"]
        return next(
            (
                m
                for m in pattern.finditer(folded)
                if spelled_as(lower[m.start() : m.end()], spellings)
            ),
            None,
        )

    if m := g.pick.search(folded):
        return TaskRef(words=m.group("words"))
    if m := found(g.ordinal) or found(g.bare_ordinal):
        return TaskRef(ordinal=g.ordinal_words[" ".join(m.group("o").split())])
    if m := g.number.search(folded):
        return TaskRef(number=m.group(1))
    if found(g.other_item):
        return TaskRef(other=True)
    if found(g.pointer):
        return TaskRef(previous=True)
    return None
