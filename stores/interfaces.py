"""What the rest of planbot may ask of persistence: one small Protocol per concern.

``ingest/`` writes through :class:`VersionStore` and the vector index; ``retrieval/`` reads
through :class:`RecordStore`, :class:`VersionStore` and the index; the bots and the API keep
their state in the conversation, subscription, channel and job stores; admin actions go to the
audit store. SQL backends live in
``stores.sql``; the vector index (Chroma) in ``stores.vectors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol

from domain.records import Document, TargetRecord, TaskRecord

__all__ = [
    "AuditEntry",
    "AuditStore",
    "ChannelStateStore",
    "ClaimedJob",
    "ConversationStore",
    "EmbeddingCache",
    "Job",
    "JobStore",
    "RateStore",
    "RecordStore",
    "Role",
    "Status",
    "SubscriptionStore",
    "TaskQuery",
    "VersionStore",
    "doc_version",
]

Role = Literal["any", "lead", "coordinating"]
Status = Literal["upcoming", "overdue", "open", "recurring"]


def doc_version(document_id: str, version: int) -> str:
    """The key that ties chunks in the vector index to one version of a document."""
    return f"{document_id}@{version}"


@dataclass(frozen=True)
class TaskQuery:
    """Filters over active tasks; ``status`` (SEMANTICS §2) is "upcoming", "overdue", "open" or
    "recurring", relative to ``today``.

    ``agency`` is a name as a user gives it (aliases and text without diacritics work);
    windows (``due_from``/``due_to``) and statuses look at the last day a task is due.
    """

    agency: str | None = None
    role: str = "any"
    due_from: date | None = None
    due_to: date | None = None
    status: str | None = None
    q: str | None = None
    document_id: str | None = None
    today: date | None = None
    within_days: int = 30


@dataclass(frozen=True)
class Job:
    """An ingest job: ``status`` is "running" until it ends, then its outcome."""

    id: str
    kind: str
    source: str
    status: str
    created_at: datetime
    updated_at: datetime
    result: dict[str, Any] | None = None
    detail: str | None = None
    replace_id: str | None = None
    origin: dict[str, Any] | None = None  # who asked (client, token fingerprint)

    @property
    def done(self) -> bool:
        return self.status not in ("queued", "running")


@dataclass(frozen=True)
class ClaimedJob:
    """A queued job a worker took, with the files it is to ingest."""

    job: Job
    files: list[tuple[str, bytes]]


class VersionStore(Protocol):
    """Documents and their versions: pending → active → retired, switched atomically."""

    def active_documents(self) -> list[Document]: ...

    def get_document(self, document_id: str) -> Document:
        """The active version; raises :class:`~domain.errors.DocumentNotFoundError`."""
        ...

    def find_active_by_hash(self, content_hash: str) -> Document | None: ...

    def find_active_by_number(self, number: str) -> Document | None: ...

    def next_version(self, document_id: str) -> int: ...

    def active_versions(self) -> list[str]:
        """``"<document_id>@<version>"`` of every active version (the index's keys)."""
        ...

    def add_pending(
        self,
        document: Document,
        tasks: Sequence[TaskRecord],
        targets: Sequence[TargetRecord],
        *,
        reader: str | None = None,
        changes: dict[str, Any] | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        """Store a new version with its records and the files (name, bytes) it was read
        from, not yet visible to queries."""
        ...

    def find_active_by_part(self, content_hash: str) -> Document | None:
        """The active document one of whose files has this SHA-256."""
        ...

    def files(self, document_id: str, version: int) -> list[tuple[str, bytes]]:
        """The files a version was read from, body first (empty if none were kept)."""
        ...

    def activate(self, document_id: str, version: int) -> list[int]:
        """Make ``version`` the active one in one step; returns the versions it retired."""
        ...

    def retire(self, document_id: str) -> list[int]:
        """Retire the active version (a delete); returns the versions retired."""
        ...

    def stale_versions(self, older_than: datetime | None = None) -> list[tuple[str, int]]:
        """Retired versions, and pending (interrupted) ones created before ``older_than``
        (all of them when None), whose data can be removed."""
        ...

    def known_versions(self) -> set[str]:
        """The ``doc_version`` keys of every version stored, in any state."""
        ...

    def purge(self, document_id: str, version: int) -> None:
        """Remove a non-active version and its records."""
        ...

    def reader_of(self, document_id: str, version: int) -> str | None:
        """What read this version (reader version and gazetteer digest), if recorded."""
        ...

    def latest_changes(self, document_id: str) -> tuple[int, dict[str, Any]] | None:
        """The change report of the active version, if it replaced another."""
        ...


class RecordStore(Protocol):
    """Task and target records of the active versions, filtered in the database."""

    def tasks(self, query: TaskQuery | None = None) -> list[TaskRecord]:
        """Active tasks matching ``query``, in document and table order."""
        ...

    def task(self, document_id: str, number: str) -> TaskRecord | None:
        """The active task of a document with this number (the last in table order, should
        two rows share it)."""
        ...

    def targets(self, document_id: str | None = None) -> list[TargetRecord]: ...


class ConversationStore(Protocol):
    """What a conversation remembers between turns (a JSON object per conversation id)."""

    def get(self, conversation_id: str) -> dict[str, Any] | None:
        """The state, or None when there is none or it was left idle too long (a follow-up
        after a long pause starts afresh)."""
        ...

    def save(self, conversation_id: str, state: dict[str, Any]) -> None: ...

    def prune(self, older_than: datetime, limit: int | None = None) -> int:
        """Forget conversations not touched since ``older_than`` (at most ``limit`` of them
        when given); returns how many."""
        ...


class SubscriptionStore(Protocol):
    """Daily-digest subscriptions of chat users to an agency's deadlines."""

    def subscribe(self, platform: str, chat_id: str, agency: str) -> None: ...

    def unsubscribe(self, platform: str, chat_id: str) -> int: ...

    def subscriptions(self, platform: str) -> list[tuple[str, str]]: ...


class ChannelStateStore(Protocol):
    """Channel credentials that rotate (tokens) and webhook de-duplication."""

    def get_value(self, key: str) -> str | None: ...

    def set_value(self, key: str, value: str) -> None: ...

    def prune_values(self, prefix: str, before: str) -> int:
        """Delete the values whose key starts with ``prefix`` and sorts before
        ``prefix + before`` (keys that carry their date, e.g. ``prefix20261201:…``)."""
        ...

    def first_sighting(self, platform: str, message_id: str) -> bool:
        """Record a message id; False when it was seen before (a replayed event)."""
        ...

    def prune_seen(self, older_than: datetime) -> int:
        """Forget message ids seen before ``older_than`` (no platform replays that late)."""
        ...


class RateStore(Protocol):
    """Sliding-window rate limits counted in the database, so every process sees the same
    events: ``key`` names who is limited (``admin:<client>``, ``telegram:<chat>``)."""

    def retry_after(self, key: str, limit: int, window_s: float) -> int | None:
        """Seconds ``key`` must wait (``limit`` events within ``window_s``), or None."""
        ...

    def record(self, key: str) -> None:
        """Count one event for ``key`` now."""
        ...

    def take(self, key: str, limit: int, window_s: float) -> int | None:
        """Count one event if ``key`` is under its limit (None), else the seconds to wait
        (nothing counted). Atomic across processes."""
        ...

    def prune(self, older_than_s: float) -> int:
        """Forget events older than ``older_than_s`` seconds; how many went."""
        ...


class JobStore(Protocol):
    """Ingest jobs, so their state outlives the request (and the process) that started them."""

    def finish(
        self, job_id: str, status: str, *, result: dict[str, Any] | None, detail: str | None
    ) -> None: ...

    def get(self, job_id: str) -> Job | None: ...

    def enqueue(
        self,
        kind: str,
        source: str,
        files: Sequence[tuple[str, bytes]],
        *,
        replace_id: str | None = None,
        origin: dict[str, Any] | None = None,
    ) -> Job:
        """Queue a job with its files, for any worker to take."""
        ...

    def claim(self, worker: str) -> ClaimedJob | None:
        """Take the oldest queued job (no other worker can take it too); None if none."""
        ...

    def heartbeat(self, job_id: str) -> None:
        """Say the job's worker is still at it."""
        ...

    def abandon_stale(self, detail: str, older_than: datetime) -> int:
        """Fail running jobs whose worker has not beaten since ``older_than`` (it died);
        returns how many."""
        ...


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditEntry:
    """One admin action: who (client address, token fingerprint), what, on what, and how it
    ended. ``at`` is naive UTC; ``id`` is given by the store (None before it is recorded).

    :param action: "upload", "replace", "delete", "attach", "login_failed", …
    :param outcome: "ok", "failed" or "refused".
    :param token_fingerprint: :func:`domain.audit.token_fingerprint` of the token sent, never
        the token itself; None when no token was sent.
    """

    action: str
    outcome: str
    client: str
    token_fingerprint: str | None = None
    document_id: str | None = None
    job_id: str | None = None
    detail: str | None = None
    at: datetime = field(default_factory=_utcnow)
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry for the API, ``at`` as ISO 8601 in UTC."""
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        return {
            "id": self.id,
            "at": at.isoformat(),
            "action": self.action,
            "outcome": self.outcome,
            "client": self.client,
            "token_fingerprint": self.token_fingerprint,
            "document_id": self.document_id,
            "job_id": self.job_id,
            "detail": self.detail,
        }


class AuditStore(Protocol):
    """An append-only log of admin actions."""

    def record(self, entry: AuditEntry) -> None:
        """Append ``entry`` (its ``id`` is ignored: the store numbers entries)."""
        ...

    def entries(self, limit: int = 100, before_id: int | None = None) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first; with ``before_id``, only older ones
        (pass the last id of a page to get the next)."""
        ...

    def prune(self, older_than: datetime) -> int:
        """Delete entries recorded before ``older_than``; returns how many."""
        ...


class EmbeddingCache(Protocol):
    """Vectors by (model, text), so an unchanged passage is never embedded twice."""

    def get(self, model: str, texts: Iterable[str]) -> dict[str, list[float]]: ...

    def put(self, model: str, vectors: dict[str, list[float]]) -> None: ...
