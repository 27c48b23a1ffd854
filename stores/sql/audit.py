"""The audit log of admin actions in SQL: appended to, read newest first by id."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine, RowMapping

from domain.audit import token_fingerprint
from stores.interfaces import AuditEntry
from stores.sql import schema as s
from stores.sql.engine import translated, write

__all__ = ["MAX_PAGE", "SqlAuditStore", "token_fingerprint"]

# The most entries one call returns, whatever limit it asks for.
MAX_PAGE = 1000


class SqlAuditStore:
    """Rows of the ``audit`` table; ids grow with every entry, so "newest" is "highest id"."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, entry: AuditEntry) -> None:
        """Append ``entry``; the database numbers it."""
        with write(self._engine) as conn:
            conn.execute(s.audit.insert().values(**_row(entry)))

    def entries(self, limit: int = 100, before_id: int | None = None) -> list[AuditEntry]:
        """At most ``limit`` (capped at :data:`MAX_PAGE`) entries, newest first, older than
        ``before_id`` when given."""
        a = s.audit
        stmt = sa.select(a).order_by(a.c.id.desc()).limit(max(0, min(limit, MAX_PAGE)))
        if before_id is not None:
            stmt = stmt.where(a.c.id < before_id)
        with translated(), self._engine.connect() as conn:
            return [_entry(row) for row in conn.execute(stmt).mappings()]

    def prune(self, older_than: datetime) -> int:
        """Delete entries recorded before ``older_than`` (naive UTC); how many went."""
        a = s.audit
        with write(self._engine) as conn:
            return int(conn.execute(a.delete().where(a.c.at < older_than)).rowcount)


def _row(entry: AuditEntry) -> dict[str, object]:
    """The column values of ``entry``; ``at`` is stored as naive UTC, like every timestamp."""
    at = entry.at
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return {
        "at": at,
        "action": entry.action,
        "client": entry.client,
        "token_fingerprint": entry.token_fingerprint,
        "document_id": entry.document_id,
        "job_id": entry.job_id,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        id=int(row["id"]),
        at=row["at"],
        action=row["action"],
        client=row["client"],
        token_fingerprint=row["token_fingerprint"],
        document_id=row["document_id"],
        job_id=row["job_id"],
        outcome=row["outcome"],
        detail=row["detail"],
    )
