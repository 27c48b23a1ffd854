"""Conversations (SEMANTICS.md §5): what a turn refers to, given what the last ones showed.

The state of a conversation is the last frame and the items it showed, and the last list with
how much of it was shown. A follow-up is resolved against it: a field asked of the tasks just
shown, a position in the last list, the last list narrowed or with a slot replaced, the next
part of it — or, when nothing was shown, a question back. A question with its own topic starts
a new frame.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from domain.periods import find_periods
from domain.text import fold
from retrieval.frames import TASK_FIELDS, Frame

__all__ = ["Item", "State", "Step", "own_topic", "resolve"]

Item = tuple[str, str]  # (document id, task number)
_ROLE_FIELDS = frozenset({"lead", "coordinating"})
StepKind = Literal["new", "set", "tasks", "page", "ask_back"]


@cache
def _field_words() -> frozenset[str]:
    raw = resources.files("retrieval").joinpath("data/frames.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return frozenset(data["field_words"])


def own_topic(topic: tuple[str, ...], task_number: str | None = None) -> list[str]:
    """Content words beyond those that only ask a field, name a role or period, or point
    back ("tham gia", "quý sau")."""
    words = _field_words()
    kept = [w for w in topic if w not in words and w != task_number and not w.isdigit()]
    # "tham gia" is a role; "gia" alone (giá) may be a topic
    return [w for i, w in enumerate(kept) if not (w == "gia" and "tham" in topic)]


@dataclass
class State:
    """What a conversation remembers between turns."""

    frame: Frame | None = None
    items: list[Item] = field(default_factory=list)
    list_frame: Frame | None = None
    listed: list[Item] = field(default_factory=list)
    shown: int = 0  # how many of ``listed`` the answers have shown so far
    pending: Frame | None = None  # asked back about: the fields still wanted
    user_agency: str | None = None  # who is asking, when they said it ("bên mình")
    # the last question answered from a passage or a target row, and what it showed:
    # "chỉ tiêu bao nhiêu?", "còn tiêu chí 7?" go on from there
    passage_question: str | None = None
    passage_text: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "frame": self.frame.to_json() if self.frame else None,
            "items": [list(i) for i in self.items],
            "list_frame": self.list_frame.to_json() if self.list_frame else None,
            "listed": [list(i) for i in self.listed],
            "shown": self.shown,
            "pending": self.pending.to_json() if self.pending else None,
            "user_agency": self.user_agency,
            "passage_question": self.passage_question,
            "passage_text": self.passage_text,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        if not data or "items" not in data:
            return cls(user_agency=(data or {}).get("user_agency"))
        passage = data.get("passage_question"), data.get("passage_text")

        def frame(key: str) -> Frame | None:
            return Frame.from_json(data[key]) if data.get(key) else None

        return cls(
            frame=frame("frame"),
            items=[(str(d), str(n)) for d, n in data.get("items", [])],
            list_frame=frame("list_frame"),
            listed=[(str(d), str(n)) for d, n in data.get("listed", [])],
            shown=int(data.get("shown", 0)),
            pending=frame("pending"),
            user_agency=data.get("user_agency"),
            passage_question=passage[0],
            passage_text=passage[1],
        )


@dataclass(frozen=True)
class Step:
    """What to answer: a new question, a set of tasks, fields of given tasks, the next page of
    the last list, or a question back."""

    kind: StepKind
    frame: Frame
    items: list[Item] = field(default_factory=list)


def resolve(
    frame: Frame, topic: list[str], state: State, *, text: str = "", own_words: int = 1
) -> Step:
    """The step a turn calls for.

    :param frame: the turn as read on its own.
    :param topic: its own content words (see :func:`own_topic`).
    :param state: the conversation so far.
    :param text: the question, to read relative periods against the last one.
    :param own_words: at most this many words of its own make a turn a follow-up.
    """
    ref = frame.task
    slot = bool(frame.agency or frame.period or frame.status)
    # nothing of its own to look for: a word or two after "còn/thế" ("thế địa điểm?")
    bare = len(topic) <= own_words + frame.opener
    last_fields = (state.frame.task_fields if state.frame else frozenset()) or frozenset()
    if frame.page and state.listed:
        return Step("page", state.list_frame or frame)
    if ref is not None and (ref.ordinal is not None or ref.other) and state.listed:
        item = _at(state, ref.ordinal, ref.other)
        if item is None:
            return Step("ask_back", frame)
        fields = frame.task_fields or last_fields
        return Step("tasks", replace(frame, fields=_with_confirm(frame, fields)), [item])
    if ref is not None and ref.words:
        # "ý mình là …": the fields asked before (the question asked back first) still hold
        fields = (state.pending.task_fields if state.pending else frozenset()) or (
            frame.task_fields or (state.frame or frame).task_fields
        )
        picked = replace(frame, fields=fields or frame.fields, task=None)
        return Step("new", picked)
    only_slots = not topic and not frame.task_fields and not frame.names_tasks
    if (
        state.list_frame is not None
        and frame.asks_set
        and bare
        and not slot
        and not frame.role
        and not (ref and ref.number)
    ):
        # "liệt kê giúp tôi", "là những nhiệm vụ nào?": the last set, listed or counted
        return Step("set", replace(state.list_frame, fields=frame.fields & {"list", "count"}))
    slot = slot or bool(frame.role and frame.opener)  # "còn chủ trì thì sao?"
    if (
        state.list_frame is not None
        and slot
        and (frame.narrow or ((frame.opener or only_slots) and bare))
    ):
        if not (ref and ref.number) and (frame.narrow or not frame.task_fields - _ROLE_FIELDS):
            combined = state.list_frame.with_slots(_relative_to(frame, state, text))
            return Step(
                "set", replace(combined, fields=combined.fields | (frame.fields & {"count"}))
            )
    if (
        frame.opener
        and topic
        and not (bare or slot or frame.task_fields or frame.asks_set)
        and state.frame is not None
        and state.frame.task_fields
    ):
        # "thế còn hồ sơ sức khỏe điện tử?": the same question about another task
        last = state.frame
        return Step("new", replace(frame, fields=last.fields, agency=last.agency, role=last.role))
    if frame.opener and ref is not None and ref.number and state.frame is not None:
        # "còn nhiệm vụ 13?": the same fields of another task
        return Step("new", replace(frame, fields=frame.task_fields or state.frame.fields))
    asks_fields = bool(frame.task_fields) or "confirm" in frame.fields
    if asks_fields and (bare or (ref and ref.previous)) and not (ref and ref.number):
        if not frame.asks_set or ref is not None or "confirm" in frame.fields:
            if state.items:
                fields = frame.task_fields or last_fields
                return Step(
                    "tasks", replace(frame, fields=_with_confirm(frame, fields)), state.items
                )
            if not topic and not frame.agency:
                return Step("ask_back", frame)  # "hạn?" with nothing shown before
    if (frame.opener or (ref and ref.previous)) and bare and not slot:
        if not state.items:
            return Step("ask_back", frame)
        if not frame.task_fields and not frame.asks_set:
            # "thế địa điểm ở đâu?": something else about the tasks just shown
            return Step("tasks", replace(frame, fields=frozenset({"other"})), state.items)
    return Step("new", frame)


_NUMBERED = re.compile(
    r"\b(nhiệm vụ|nhiem vu|chỉ tiêu|chi tieu|tiêu chí|tieu chi|nv)(\s+(?:số|so)\s*|\s+)(\d{1,3})\b",
    re.IGNORECASE,
)


def passage_follow_up(
    frame: Frame, topic: list[str], state: State, question: str
) -> tuple[str, str] | None:
    """The question a follow-up of a passage answer stands for, and the question later
    follow-ups go on from; None when it is not one.

    After "Tiêu chí số 4 nhóm y tế là gì?" was answered from a row: "chỉ tiêu bao
    nhiêu?", "bắt buộc không?" (at least half of its words are the shown row's, or it has
    none) ask the same question again; "còn tiêu chí 7?" asks it of row 7.
    """
    if not state.passage_question or state.items or frame.agency or frame.period:
        return None
    last = state.passage_question
    asked = _NUMBERED.search(question)
    if asked is not None:
        if not _NUMBERED.search(last):
            return None
        # "còn tiêu chí 7?": the last question about row 7
        number = asked.group(3)
        other = _NUMBERED.sub(lambda m: f"{m.group(1)}{m.group(2)}{number}", last, count=1)
        return other, other
    shown = fold(state.passage_text or "").replace("đ", "d")
    held = sum(bool(re.search(rf"\b{re.escape(w)}\b", shown)) for w in topic)
    # "bắt buộc hay mở rộng?": half its words are the row's; "bắt buộc không?": a short
    # yes/no question is about what was just shown
    yes_no = frame.yes_no or "confirm" in frame.fields
    if 2 * held >= len(topic) or (yes_no and len(topic) <= 2):
        return f"{last} {question}", last
    return None


def _with_confirm(frame: Frame, fields: frozenset[str]) -> frozenset[str]:
    return fields | (frame.fields & {"confirm"}) if fields else frame.fields


def _at(state: State, ordinal: int | None, other: bool) -> Item | None:
    listed = state.listed
    if other:
        rest = [i for i in listed if i not in state.items]
        return rest[0] if len(rest) == 1 else None
    if ordinal is None:
        return None
    index = ordinal - 1 if ordinal > 0 else len(listed) + ordinal
    return listed[index] if 0 <= index < len(listed) else None


def _relative_to(frame: Frame, state: State, text: str) -> Frame:
    """ "thế quý sau?": relative periods count from the last list's period, not today."""
    last = state.list_frame.period if state.list_frame else None
    if not (frame.period and last and last.start and text):
        return frame
    found = find_periods(text, last.start, anchor=last.start, year=last.start.year)
    return replace(frame, period=found[0].period) if found else frame


def task_fields_of(frame: Frame) -> frozenset[str]:
    return frame.fields & TASK_FIELDS
