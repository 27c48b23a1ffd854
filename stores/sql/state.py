"""Conversations, subscriptions, channel state, jobs and the embedding cache in SQL."""

from __future__ import annotations

import hashlib
import math
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from domain.errors import StoreError
from stores.interfaces import ClaimedJob, Job
from stores.sql import schema as s
from stores.sql.engine import translated, write

__all__ = [
    "CHAT_PLATFORMS",
    "SqlChannelStateStore",
    "SqlConversationStore",
    "SqlEmbeddingCache",
    "SqlJobStore",
    "SqlRateStore",
    "SqlSubscriptionStore",
    "chat_conversation_id",
    "forget_chat_user",
]

# Bound on parameters per statement (SQLite allows 32766, PostgreSQL 65535).
_IN_BATCH = 500


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _upsert(
    conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """Insert a row or update the one with the same key (portable: no dialect upsert)."""
    where = [table.c[k] == v for k, v in keys.items()]
    if conn.execute(table.update().where(*where).values(**values)).rowcount == 0:
        conn.execute(table.insert().values(**keys, **values))


class SqlConversationStore:
    """One JSON state per conversation id, with the time it last changed.

    :param idle: a state not saved for this long reads as absent (None: never), so a
        follow-up after a long pause starts a fresh conversation; :meth:`prune` deletes them.
    """

    def __init__(self, engine: Engine, idle: timedelta | None = None) -> None:
        self._engine = engine
        self._idle = idle

    def get(self, conversation_id: str) -> dict[str, Any] | None:
        c = s.conversations
        stmt = sa.select(c.c.state).where(c.c.id == conversation_id)
        if self._idle is not None:
            stmt = stmt.where(c.c.updated_at >= _now() - self._idle)
        with translated(), self._engine.connect() as conn:
            state = conn.execute(stmt).scalar()
        return dict(state) if state is not None else None

    def save(self, conversation_id: str, state: dict[str, Any]) -> None:
        with write(self._engine) as conn:
            _upsert(
                conn,
                s.conversations,
                {"id": conversation_id},
                {"state": state, "updated_at": _now()},
            )

    def prune(self, older_than: datetime, limit: int | None = None) -> int:
        c = s.conversations
        stale = c.c.updated_at < older_than
        if limit is not None:
            # a bounded batch: the oldest first, one short write lock each
            oldest = sa.select(c.c.id).where(stale).order_by(c.c.updated_at).limit(limit)
            stale = c.c.id.in_(oldest.scalar_subquery())
        with write(self._engine) as conn:
            gone = conn.execute(c.delete().where(stale))
            return int(gone.rowcount)


class SqlSubscriptionStore:
    """Chat users subscribed to an agency's daily digest."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def subscribe(self, platform: str, chat_id: str, agency: str) -> None:
        t = s.subscriptions
        with write(self._engine) as conn:
            exists = conn.execute(
                sa.select(sa.literal(1)).where(
                    t.c.platform == platform, t.c.chat_id == chat_id, t.c.agency == agency
                )
            ).first()
            if exists is None:
                conn.execute(t.insert().values(platform=platform, chat_id=chat_id, agency=agency))

    def unsubscribe(self, platform: str, chat_id: str) -> int:
        t = s.subscriptions
        with write(self._engine) as conn:
            deleted = conn.execute(
                t.delete().where(t.c.platform == platform, t.c.chat_id == chat_id)
            )
            return int(deleted.rowcount)

    def subscriptions(self, platform: str) -> list[tuple[str, str]]:
        t = s.subscriptions
        stmt = (
            sa.select(t.c.chat_id, t.c.agency)
            .where(t.c.platform == platform)
            .order_by(t.c.chat_id, t.c.agency)
        )
        with translated(), self._engine.connect() as conn:
            return [(r.chat_id, r.agency) for r in conn.execute(stmt)]


# The chat platforms whose users the bots keep state for (bot/telegram.py, bot/zalo.py).
CHAT_PLATFORMS = ("telegram", "zalo")


def chat_conversation_id(platform: str, user_id: str) -> str:
    """The conversation id the bots use for a chat user: ``"<platform>:<id>"`` (the Telegram
    chat id, the Zalo sender id)."""
    return f"{platform}:{user_id}"


def forget_chat_user(engine: Engine, platform: str, user_id: str) -> dict[str, int]:
    """Erase, in one transaction, everything kept about one chat user of ``platform``: their
    conversation and their digest subscriptions. Returns how many rows of each went.

    Webhook message ids (``seen_messages``) are not linked to a user and stay until pruned.

    :raises ValueError: ``platform`` is not one of :data:`CHAT_PLATFORMS`.
    """
    if platform not in CHAT_PLATFORMS:
        raise ValueError(f"unknown chat platform {platform!r}")
    c, t = s.conversations, s.subscriptions
    with write(engine) as conn:
        conversations = conn.execute(
            c.delete().where(c.c.id == chat_conversation_id(platform, user_id))
        ).rowcount
        subscriptions = conn.execute(
            t.delete().where(t.c.platform == platform, t.c.chat_id == user_id)
        ).rowcount
    return {"conversations": int(conversations), "subscriptions": int(subscriptions)}


class SqlChannelStateStore:
    """Rotating channel credentials (key → value) and seen webhook message ids."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_value(self, key: str) -> str | None:
        with translated(), self._engine.connect() as conn:
            found = conn.execute(sa.select(s.kv.c.value).where(s.kv.c.key == key)).scalar()
        return str(found) if found is not None else None

    def set_value(self, key: str, value: str) -> None:
        with write(self._engine) as conn:
            _upsert(conn, s.kv, {"key": key}, {"value": value})

    def prune_values(self, prefix: str, before: str) -> int:
        t = s.kv
        with write(self._engine) as conn:
            dated = sa.and_(t.c.key.startswith(prefix, autoescape=True), t.c.key < prefix + before)
            return int(conn.execute(t.delete().where(dated)).rowcount)

    def prune_seen(self, older_than: datetime) -> int:
        t = s.seen_messages
        with write(self._engine) as conn:
            return int(conn.execute(t.delete().where(t.c.seen_at < older_than)).rowcount)

    def first_sighting(self, platform: str, message_id: str) -> bool:
        t = s.seen_messages
        try:
            with write(self._engine) as conn:
                seen = conn.execute(
                    sa.select(sa.literal(1)).where(
                        t.c.platform == platform, t.c.message_id == message_id
                    )
                ).first()
                if seen is not None:
                    return False
                conn.execute(
                    t.insert().values(platform=platform, message_id=message_id, seen_at=_now())
                )
        except StoreError as exc:
            # two workers inserting the same id at once: the loser has seen it before
            if isinstance(exc.__cause__, IntegrityError):
                return False
            raise
        return True


class SqlRateStore:
    """Rate-limit events in ``rate_events``; on PostgreSQL a check and its count hold a lock
    on the key for their transaction, so concurrent processes never both pass the limit."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine, self._clock = engine, clock

    def _wait(self, conn: Connection, key: str, limit: int, window_s: float) -> int | None:
        t = s.rate_events
        now = self._clock()
        recent = (
            sa.select(t.c.at)
            .where(t.c.key == key, t.c.at > now - window_s)
            .order_by(t.c.at.desc())
            .limit(limit)
        )
        times = [float(x) for x in conn.execute(recent).scalars()]
        if len(times) < limit:
            return None
        # the limit-th newest event must leave the window before another is allowed
        return max(1, math.ceil(min(times) + window_s - now))

    def _lock(self, conn: Connection, key: str) -> None:
        if conn.dialect.name == "postgresql":
            lock = zlib.crc32(f"rate:{key}".encode())
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})

    def retry_after(self, key: str, limit: int, window_s: float) -> int | None:
        with translated(), self._engine.connect() as conn:
            return self._wait(conn, key, limit, window_s)

    def record(self, key: str) -> None:
        with write(self._engine) as conn:
            conn.execute(s.rate_events.insert().values(key=key, at=self._clock()))

    def take(self, key: str, limit: int, window_s: float) -> int | None:
        with write(self._engine) as conn:
            self._lock(conn, key)
            wait = self._wait(conn, key, limit, window_s)
            if wait is None:
                conn.execute(s.rate_events.insert().values(key=key, at=self._clock()))
            return wait

    def prune(self, older_than_s: float) -> int:
        t = s.rate_events
        with write(self._engine) as conn:
            cutoff = self._clock() - older_than_s
            return int(conn.execute(t.delete().where(t.c.at < cutoff)).rowcount)


class SqlJobStore:
    """Ingest jobs: queued with their files, taken by one worker, finished with their outcome."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def finish(
        self, job_id: str, status: str, *, result: dict[str, Any] | None, detail: str | None
    ) -> None:
        j = s.jobs
        with write(self._engine) as conn:
            conn.execute(
                j.update()
                .where(j.c.id == job_id)
                .values(status=status, result=result, detail=detail, updated_at=_now())
            )
            conn.execute(s.job_files.delete().where(s.job_files.c.job_id == job_id))

    def get(self, job_id: str) -> Job | None:
        j = s.jobs
        with translated(), self._engine.connect() as conn:
            row = conn.execute(sa.select(j).where(j.c.id == job_id)).mappings().first()
        return _job(row) if row else None

    def enqueue(
        self,
        kind: str,
        source: str,
        files: Sequence[tuple[str, bytes]],
        *,
        replace_id: str | None = None,
        origin: dict[str, Any] | None = None,
    ) -> Job:
        now = _now()
        job_id = uuid.uuid4().hex
        with write(self._engine) as conn:
            conn.execute(
                s.jobs.insert().values(
                    id=job_id,
                    kind=kind,
                    source=source,
                    status="queued",
                    created_at=now,
                    updated_at=now,
                    replace_id=replace_id,
                    origin=origin,
                )
            )
            if files:
                conn.execute(
                    s.job_files.insert(),
                    [
                        {"job_id": job_id, "position": i, "name": name, "data": data}
                        for i, (name, data) in enumerate(files)
                    ],
                )
        return Job(job_id, kind, source, "queued", now, now, replace_id=replace_id, origin=origin)

    def claim(self, worker: str) -> ClaimedJob | None:
        j, f = s.jobs, s.job_files
        with write(self._engine) as conn:
            # PostgreSQL: a row another worker holds is skipped, not waited for; SQLite's
            # write transaction already lets one writer at a time through
            row = (
                conn.execute(
                    sa.select(j)
                    .where(j.c.status == "queued")
                    .order_by(j.c.created_at, j.c.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            now = _now()
            conn.execute(
                j.update()
                .where(j.c.id == row["id"])
                .values(status="running", worker=worker, heartbeat_at=now, updated_at=now)
            )
            files = conn.execute(
                sa.select(f.c.name, f.c.data).where(f.c.job_id == row["id"]).order_by(f.c.position)
            )
            taken = [(str(r.name), bytes(r.data)) for r in files]
        job = replace(_job(row), status="running")
        return ClaimedJob(job, taken)

    def heartbeat(self, job_id: str) -> None:
        j = s.jobs
        with write(self._engine) as conn:
            conn.execute(j.update().where(j.c.id == job_id).values(heartbeat_at=_now()))

    def abandon_stale(self, detail: str, older_than: datetime) -> int:
        j = s.jobs
        stale = sa.and_(
            j.c.status == "running",
            sa.or_(j.c.heartbeat_at.is_(None), j.c.heartbeat_at < older_than),
        )
        with write(self._engine) as conn:
            ids = [r.id for r in conn.execute(sa.select(j.c.id).where(stale))]
            if not ids:
                return 0
            conn.execute(
                j.update()
                .where(j.c.id.in_(ids))
                .values(status="failed", detail=detail, updated_at=_now())
            )
            conn.execute(s.job_files.delete().where(s.job_files.c.job_id.in_(ids)))
            return len(ids)


def _job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        source=row["source"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        result=dict(row["result"]) if row["result"] is not None else None,
        detail=row["detail"],
        replace_id=row["replace_id"],
        origin=dict(row["origin"]) if row["origin"] is not None else None,
    )


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SqlEmbeddingCache:
    """Vectors keyed by (model, sha256 of the text)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, model: str, texts: Iterable[str]) -> dict[str, list[float]]:
        e = s.embeddings
        by_hash = {_text_hash(t): t for t in texts}
        keys = list(by_hash)
        found: dict[str, list[float]] = {}
        with translated(), self._engine.connect() as conn:
            for start in range(0, len(keys), _IN_BATCH):
                stmt = sa.select(e.c.text_hash, e.c.vector).where(
                    e.c.model == model, e.c.text_hash.in_(keys[start : start + _IN_BATCH])
                )
                for row in conn.execute(stmt):
                    found[by_hash[row.text_hash]] = list(row.vector)
        return found

    def put(self, model: str, vectors: dict[str, list[float]]) -> None:
        if not vectors:
            return
        e = s.embeddings
        rows = {_text_hash(t): v for t, v in vectors.items()}
        with write(self._engine) as conn:
            hashes = list(rows)
            for start in range(0, len(hashes), _IN_BATCH):
                conn.execute(
                    e.delete().where(
                        e.c.model == model, e.c.text_hash.in_(hashes[start : start + _IN_BATCH])
                    )
                )
            conn.execute(
                e.insert(), [{"model": model, "text_hash": h, "vector": v} for h, v in rows.items()]
            )
