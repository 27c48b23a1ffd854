"""What changed between two versions of a plan's task table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.records import TaskRecord
from domain.text import folded_tokens

__all__ = ["ChangeReport", "diff_tasks"]

# Share of name syllables two rows must share to be the same task renumbered or reworded.
SAME_TASK = 0.6


@dataclass
class ChangeReport:
    """Tasks added, removed and changed (deadline, lead, coordinating, output)."""

    added: list[TaskRecord] = field(default_factory=list)
    removed: list[TaskRecord] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [_brief(t) for t in self.added],
            "removed": [_brief(t) for t in self.removed],
            "changed": self.changed,
            "summary": (
                f"{len(self.added)} nhiệm vụ mới, {len(self.removed)} nhiệm vụ bị bỏ, "
                f"{len(self.changed)} nhiệm vụ thay đổi"
            ),
        }


def _brief(task: TaskRecord) -> dict[str, Any]:
    return {
        "number": task.number,
        "name": task.name,
        "deadline": task.deadline.text,
        "lead_agencies": list(task.lead_agencies),
    }


def _similarity(a: TaskRecord, b: TaskRecord) -> float:
    sa, sb = set(folded_tokens(a.name)), set(folded_tokens(b.name))
    return len(sa & sb) / max(1, len(sa | sb))


def diff_tasks(old: Sequence[TaskRecord], new: Sequence[TaskRecord]) -> ChangeReport:
    """Match old and new rows by name (number breaks ties) and list the differences.

    :param old: tasks of the version being replaced.
    :param new: tasks of the new version.
    :returns: the change report.
    """
    report = ChangeReport()
    unmatched = list(old)
    for task in new:
        candidates = sorted(
            unmatched,
            key=lambda o: (_similarity(o, task), o.number == task.number),
            reverse=True,
        )
        match = (
            candidates[0] if candidates and _similarity(candidates[0], task) >= SAME_TASK else None
        )
        if match is None:
            report.added.append(task)
            continue
        unmatched.remove(match)
        fields: dict[str, list[Any]] = {}
        if match.deadline.text != task.deadline.text:
            fields["deadline"] = [match.deadline.text, task.deadline.text]
        if match.lead_agencies != task.lead_agencies:
            fields["lead_agencies"] = [list(match.lead_agencies), list(task.lead_agencies)]
        if match.coordinating_agencies != task.coordinating_agencies:
            fields["coordinating_agencies"] = [
                list(match.coordinating_agencies),
                list(task.coordinating_agencies),
            ]
        if match.output != task.output:
            fields["output"] = [match.output, task.output]
        if fields:
            report.changed.append({"number": task.number, "name": task.name, "fields": fields})
    report.removed = unmatched
    return report
