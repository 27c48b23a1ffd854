"""The audit log of admin actions: ``GET /audit`` (admin only). The admin endpoints record
what they did with :mod:`api.audit_log`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.auth import AdminDep
from api.errors import responses

__all__ = ["MAX_LIMIT", "router"]

MAX_LIMIT = 1000

router = APIRouter(responses=responses(401, 403, 422, 429, 503))


@router.get("/audit")
def list_audit(
    request: Request,
    _: AdminDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,  # an INTEGER id
) -> dict[str, Any]:
    """Admin actions, newest first; pass ``next_before_id`` as ``before_id`` for older ones."""
    stores = request.app.state.container.stores
    found = stores.audit.entries(limit=limit, before_id=before_id)
    more = len(found) == limit and found[-1].id is not None
    return {
        "entries": [e.to_json() for e in found],
        "next_before_id": found[-1].id if more else None,
    }
