"""One task's status for a badge (SEMANTICS §2), and the words the console shows for it.

The status filters of the task list (``TaskQuery.status``) may overlap: an ongoing task
whose stated end falls in the next 30 days is both "upcoming" and "recurring", and "open"
holds every task not overdue. A badge shows one status, the first that applies of

1. ``overdue``: the last due day is before today and the task is not ongoing;
2. ``upcoming``: today <= last due day <= today + ``within_days``, or a yearly task's day
   ("Hằng năm, trước 15/12") falls due in that window;
3. ``recurring``: the task is ongoing ("thường xuyên", "hằng năm") or states no end;
4. ``open``: the last due day is later than the upcoming window.

so a task badged X is always among the tasks the filter X selects, and every task the
"overdue" or "upcoming" filter selects carries that badge. The labels are data
(``domain/data/task_statuses.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

from domain.deadlines import due_between
from domain.records import Deadline

__all__ = [
    "STATUSES",
    "UPCOMING_DAYS",
    "StatusWords",
    "TaskStatus",
    "overdue_note",
    "status_words",
    "task_status",
    "task_words",
]

TaskStatus = Literal["overdue", "upcoming", "open", "recurring"]
# the order pages list them in
STATUSES: tuple[TaskStatus, ...] = ("overdue", "upcoming", "open", "recurring")


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("domain").joinpath("data/task_statuses.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


# "sắp đến hạn" with no window said: the next 30 days (SEMANTICS §2)
UPCOMING_DAYS: int = int(_data()["within_days"])


def task_status(deadline: Deadline, today: date, within_days: int = UPCOMING_DAYS) -> TaskStatus:
    """The one status a task's badge shows on ``today`` (see the module's docstring).

    :param deadline: the task's normalised deadline; ``end`` is its last due day and a
        non-empty ``recurring`` marks an ongoing task.
    :param within_days: the upcoming window, in days after today.
    """
    end = deadline.end
    ongoing = bool(deadline.recurring)
    if end is not None and end < today and not ongoing:
        return "overdue"
    if due_between(deadline, today, today + timedelta(days=within_days)):
        return "upcoming"
    if ongoing or end is None:
        return "recurring"
    return "open"


@dataclass(frozen=True)
class StatusWords:
    """What the console says of a status: its badge label and what its filter selects."""

    status: TaskStatus
    label: str
    filter: str

    def to_json(self) -> dict[str, str]:
        return {"status": self.status, "label": self.label, "filter": self.filter}


def status_words(within_days: int = UPCOMING_DAYS) -> list[StatusWords]:
    """Every status with its words, in :data:`STATUSES` order."""
    data = _data()["statuses"]
    return [
        StatusWords(s, str(data[s]["label"]), str(data[s]["filter"]).format(days=within_days))
        for s in STATUSES
    ]


def overdue_note() -> str:
    """The note that goes with every count or list of overdue tasks."""
    return str(_data()["overdue_note"])


def task_words() -> dict[str, Any]:
    """The other fixed words of the task views: month names, the due-by-month chart, the
    export's column headers (``columns``), sheet and file name."""
    words: dict[str, Any] = _data()["words"]
    return words
