"""Task views: the filtered task list and what the console builds on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from api.auth import ContainerDep
from api.errors import responses
from stores import TaskQuery

__all__ = ["TaskFilters", "router"]

router = APIRouter()

Status = Literal["upcoming", "overdue", "open", "recurring"]


@dataclass(frozen=True)
class TaskFilters:
    """The filters ``/tasks`` takes; every task view takes the same ones."""

    agency: str | None = None
    role: Literal["any", "lead", "coordinating"] = "any"
    due_from: date | None = None
    due_to: date | None = None
    status: Status | None = None
    q: str | None = None
    document_id: str | None = None

    def query(self, today: date) -> TaskQuery:
        return TaskQuery(
            agency=self.agency,
            role=self.role,
            due_from=self.due_from,
            due_to=self.due_to,
            status=self.status,
            q=self.q,
            document_id=self.document_id,
            today=today,
        )


FiltersDep = Annotated[TaskFilters, Depends(TaskFilters)]


@router.get("/tasks", responses=responses(422, 503))
def list_tasks(
    c: ContainerDep,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    found = c.stores.records.tasks(filters.query(c.settings.effective_today()))
    titles = {d.id: d.title for d in c.stores.versions.active_documents()}
    return {
        "tasks": [t.to_json(titles.get(t.document_id, "")) for t in found[offset : offset + limit]],
        "total": len(found),
    }
