"""SQLite store: documents and their versions, task and target records, embedding cache."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from domain.errors import DocumentNotFoundError, StoreError
from domain.records import Deadline, Document, TargetRecord, TaskRecord

__all__ = ["Repository", "TaskQuery"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'retired')),
    title TEXT NOT NULL, kind TEXT NOT NULL, number TEXT, issuer TEXT, issued TEXT,
    source TEXT NOT NULL, content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (document_id, version)
);
CREATE INDEX IF NOT EXISTS versions_hash ON versions (content_hash, state);
CREATE TABLE IF NOT EXISTS tasks (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, number TEXT NOT NULL,
    section TEXT NOT NULL, name TEXT NOT NULL, lead TEXT NOT NULL, coordinating TEXT NOT NULL,
    output TEXT NOT NULL, deadline_text TEXT NOT NULL, deadline_start TEXT, deadline_end TEXT,
    recurring TEXT, locator TEXT NOT NULL, position INTEGER NOT NULL, raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tasks_doc ON tasks (document_id, version);
CREATE TABLE IF NOT EXISTS targets (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, number TEXT NOT NULL,
    section TEXT NOT NULL, indicator TEXT NOT NULL, unit TEXT NOT NULL, value TEXT NOT NULL,
    horizon TEXT NOT NULL, agency TEXT NOT NULL, mandatory INTEGER, locator TEXT NOT NULL,
    position INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS targets_doc ON targets (document_id, version);
CREATE TABLE IF NOT EXISTS changes (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, report TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);
CREATE TABLE IF NOT EXISTS subscriptions (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, agency TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, agency)
);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen_messages (
    platform TEXT NOT NULL, message_id TEXT NOT NULL,
    seen_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (platform, message_id)
);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, state TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL, text_hash TEXT NOT NULL, vector TEXT NOT NULL,
    PRIMARY KEY (model, text_hash)
);
"""


def _reader_key(document_id: str, version: int) -> str:
    return f"reader:{document_id}:{version}"


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TaskQuery:
    """Filters over active tasks; ``status`` is "upcoming" or "overdue" relative to ``today``."""

    agency: str | None = None
    role: str = "any"
    due_from: date | None = None
    due_to: date | None = None
    status: str | None = None
    q: str | None = None
    document_id: str | None = None
    today: date | None = None
    within_days: int = 30


class Repository:
    """Documents, versions and records in one SQLite file (thread-safe, one connection)."""

    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"database {path}: {exc}") from exc
        self._lock = threading.RLock()

    def close(self) -> None:
        self._db.close()

    # -- documents and versions -------------------------------------------------------------

    def active_documents(self) -> list[Document]:
        rows = self._query("SELECT * FROM versions WHERE state = 'active' ORDER BY document_id")
        return [_document(r) for r in rows]

    def get_document(self, document_id: str) -> Document:
        rows = self._query(
            "SELECT * FROM versions WHERE document_id = ? AND state = 'active'", (document_id,)
        )
        if not rows:
            raise DocumentNotFoundError(document_id)
        return _document(rows[0])

    def find_active_by_hash(self, content_hash: str) -> Document | None:
        rows = self._query(
            "SELECT * FROM versions WHERE content_hash = ? AND state = 'active'", (content_hash,)
        )
        return _document(rows[0]) if rows else None

    def find_active_by_number(self, number: str) -> Document | None:
        rows = self._query(
            "SELECT * FROM versions WHERE number = ? AND state = 'active'", (number,)
        )
        return _document(rows[0]) if rows else None

    def next_version(self, document_id: str) -> int:
        rows = self._query(
            "SELECT MAX(version) AS v FROM versions WHERE document_id = ?", (document_id,)
        )
        return int(rows[0]["v"] or 0) + 1

    def add_pending(
        self,
        document: Document,
        tasks: Sequence[TaskRecord],
        targets: Sequence[TargetRecord],
    ) -> None:
        """Store a new version with its records, not yet visible to queries."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO versions (document_id, version, state, title, kind, number, issuer,"
                " issued, source, content_hash) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.id,
                    document.version,
                    document.title,
                    document.kind,
                    document.number,
                    document.issuer,
                    document.issued,
                    document.source,
                    document.content_hash,
                ),
            )
            self._db.executemany(
                "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_task_row(t, i) for i, t in enumerate(tasks)],
            )
            self._db.executemany(
                "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_target_row(t, i) for i, t in enumerate(targets)],
            )

    def activate(self, document_id: str, version: int) -> list[int]:
        """Make ``version`` the active one in one step; returns the versions it retired."""
        with self._lock, self._transaction():
            retired = [
                int(r[0])
                for r in self._db.execute(
                    "SELECT version FROM versions WHERE document_id = ? AND state = 'active'",
                    (document_id,),
                )
            ]
            self._db.execute(
                "UPDATE versions SET state = 'retired' WHERE document_id = ? AND state = 'active'",
                (document_id,),
            )
            updated = self._db.execute(
                "UPDATE versions SET state = 'active' WHERE document_id = ? AND version = ?",
                (document_id, version),
            ).rowcount
            if updated != 1:
                raise StoreError(f"no pending version {version} of {document_id}")
        return retired

    def retire(self, document_id: str) -> list[int]:
        """Retire the active version of a document (delete); returns the versions retired."""
        with self._lock, self._transaction():
            rows = self._db.execute(
                "SELECT version FROM versions WHERE document_id = ? AND state = 'active'",
                (document_id,),
            ).fetchall()
            if not rows:
                raise DocumentNotFoundError(document_id)
            self._db.execute(
                "UPDATE versions SET state = 'retired' WHERE document_id = ? AND state = 'active'",
                (document_id,),
            )
        return [int(r[0]) for r in rows]

    def stale_versions(self) -> list[tuple[str, int]]:
        """Pending (interrupted) and retired versions whose data can be removed."""
        rows = self._query("SELECT document_id, version FROM versions WHERE state != 'active'")
        return [(r["document_id"], int(r["version"])) for r in rows]

    def purge(self, document_id: str, version: int) -> None:
        """Remove a non-active version and its records."""
        with self._lock, self._transaction():
            for table in ("tasks", "targets"):
                self._db.execute(
                    f"DELETE FROM {table} WHERE document_id = ? AND version = ?",  # noqa: S608
                    (document_id, version),
                )
            state = self._db.execute(
                "SELECT state FROM versions WHERE document_id = ? AND version = ?",
                (document_id, version),
            ).fetchone()
            if not state or state[0] != "active":
                reader = _reader_key(document_id, version)
                self._db.execute("DELETE FROM kv WHERE key = ?", (reader,))
            if state and state[0] == "pending":
                self._db.execute(
                    "DELETE FROM changes WHERE document_id = ? AND version = ?",
                    (document_id, version),
                )
            self._db.execute(
                "DELETE FROM versions WHERE document_id = ? AND version = ? AND state != 'active'",
                (document_id, version),
            )

    def active_versions(self) -> list[str]:
        return [f"{d.id}@{d.version}" for d in self.active_documents()]

    # -- records ----------------------------------------------------------------------------

    def tasks(
        self, query: TaskQuery | None = None, gazetteer: object | None = None
    ) -> list[TaskRecord]:
        """Active tasks matching ``query``, in document and table order."""
        query = query or TaskQuery()
        rows = self._query(
            "SELECT t.* FROM tasks t JOIN versions v ON v.document_id = t.document_id"
            " AND v.version = t.version AND v.state = 'active'"
            " ORDER BY t.document_id, t.position"
        )
        tasks = [_task(r) for r in rows]
        return [t for t in tasks if _matches(t, query, gazetteer)]

    def targets(self, document_id: str | None = None) -> list[TargetRecord]:
        rows = self._query(
            "SELECT t.* FROM targets t JOIN versions v ON v.document_id = t.document_id"
            " AND v.version = t.version AND v.state = 'active'"
            " ORDER BY t.document_id, t.position"
        )
        targets = [_target(r) for r in rows]
        return [t for t in targets if document_id is None or t.document_id == document_id]

    # -- embedding cache --------------------------------------------------------------------

    def cached_embeddings(self, model: str, texts: Iterable[str]) -> dict[str, list[float]]:
        by_hash = {_text_hash(t): t for t in texts}
        found: dict[str, list[float]] = {}
        keys = list(by_hash)
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in self._query(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",  # noqa: S608
                (model, *part),
            ):
                found[by_hash[row["text_hash"]]] = json.loads(row["vector"])
        return found

    def store_embeddings(self, model: str, vectors: dict[str, list[float]]) -> None:
        with self._lock, self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, _text_hash(t), json.dumps(v)) for t, v in vectors.items()],
            )

    # -- change reports ---------------------------------------------------------------------

    def save_changes(self, document_id: str, version: int, report: dict[str, object]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO changes VALUES (?, ?, ?)",
                (document_id, version, json.dumps(report, ensure_ascii=False)),
            )

    def latest_changes(self, document_id: str) -> tuple[int, dict[str, object]] | None:
        """The change report of the document's active version, if it replaced another."""
        rows = self._query(
            "SELECT c.version, c.report FROM changes c JOIN versions v ON v.document_id ="
            " c.document_id AND v.version = c.version AND v.state = 'active'"
            " WHERE c.document_id = ?",
            (document_id,),
        )
        return (int(rows[0]["version"]), json.loads(rows[0]["report"])) if rows else None

    # -- bot state: subscriptions, tokens, seen messages ------------------------------------

    def subscribe(self, platform: str, chat_id: str, agency: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?)", (platform, chat_id, agency)
            )

    def unsubscribe(self, platform: str, chat_id: str) -> int:
        with self._lock:
            return self._db.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?", (platform, chat_id)
            ).rowcount

    def subscriptions(self, platform: str) -> list[tuple[str, str]]:
        rows = self._query(
            "SELECT chat_id, agency FROM subscriptions WHERE platform = ? ORDER BY chat_id, agency",
            (platform,),
        )
        return [(r["chat_id"], r["agency"]) for r in rows]

    def reader_of(self, document_id: str, version: int) -> str | None:
        """What read this version (reader version and gazetteer digest), if recorded."""
        return self.get_value(_reader_key(document_id, version))

    def set_reader(self, document_id: str, version: int, reader: str) -> None:
        self.set_value(_reader_key(document_id, version), reader)

    def get_value(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM kv WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_value(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, value))

    def first_sighting(self, platform: str, message_id: str) -> bool:
        """Record a message id; False when it was seen before (a replayed event)."""
        with self._lock:
            return (
                self._db.execute(
                    "INSERT OR IGNORE INTO seen_messages (platform, message_id) VALUES (?, ?)",
                    (platform, message_id),
                ).rowcount
                == 1
            )

    # -- conversations ----------------------------------------------------------------------

    def conversation_state(self, conversation_id: str) -> dict[str, object] | None:
        rows = self._query("SELECT state FROM conversations WHERE id = ?", (conversation_id,))
        return json.loads(rows[0]["state"]) if rows else None

    def save_conversation(self, conversation_id: str, state: dict[str, object]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO conversations (id, state) VALUES (?, ?) ON CONFLICT(id) DO UPDATE"
                " SET state = excluded.state, updated_at = datetime('now')",
                (conversation_id, json.dumps(state, ensure_ascii=False)),
            )

    # -- plumbing ---------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._db.execute(sql, params)
                cursor.row_factory = sqlite3.Row
                return cursor.fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"database query failed: {exc}") from exc

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def healthy(self) -> bool:
        try:
            self._query("SELECT 1")
        except StoreError:
            return False
        return True


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _document(row: sqlite3.Row) -> Document:
    return Document(
        id=row["document_id"],
        title=row["title"],
        kind=row["kind"],
        number=row["number"],
        issuer=row["issuer"],
        issued=row["issued"],
        source=row["source"],
        content_hash=row["content_hash"],
        version=int(row["version"]),
        active=row["state"] == "active",
    )


def _task_row(task: TaskRecord, position: int) -> tuple[object, ...]:
    d = task.deadline
    return (
        task.document_id,
        task.version,
        task.number,
        task.section,
        task.name,
        json.dumps(list(task.lead_agencies), ensure_ascii=False),
        json.dumps(list(task.coordinating_agencies), ensure_ascii=False),
        task.output,
        d.text,
        d.start.isoformat() if d.start else None,
        d.end.isoformat() if d.end else None,
        d.recurring,
        task.locator,
        position,
        task.raw,
    )


def _task(row: sqlite3.Row) -> TaskRecord:
    return TaskRecord(
        document_id=row["document_id"],
        version=int(row["version"]),
        number=row["number"],
        section=row["section"],
        name=row["name"],
        lead_agencies=tuple(json.loads(row["lead"])),
        coordinating_agencies=tuple(json.loads(row["coordinating"])),
        output=row["output"],
        deadline=Deadline(
            text=row["deadline_text"],
            start=date.fromisoformat(row["deadline_start"]) if row["deadline_start"] else None,
            end=date.fromisoformat(row["deadline_end"]) if row["deadline_end"] else None,
            recurring=row["recurring"],
        ),
        locator=row["locator"],
        raw=row["raw"],
    )


def _target_row(target: TargetRecord, position: int) -> tuple[object, ...]:
    return (
        target.document_id,
        target.version,
        target.number,
        target.section,
        target.indicator,
        target.unit,
        target.value,
        target.horizon,
        target.agency,
        None if target.mandatory is None else int(target.mandatory),
        target.locator,
        position,
        target.note,
        target.raw,
    )


def _target(row: sqlite3.Row) -> TargetRecord:
    return TargetRecord(
        document_id=row["document_id"],
        version=int(row["version"]),
        number=row["number"],
        section=row["section"],
        indicator=row["indicator"],
        unit=row["unit"],
        value=row["value"],
        horizon=row["horizon"],
        agency=row["agency"],
        mandatory=None if row["mandatory"] is None else bool(row["mandatory"]),
        locator=row["locator"],
        note=row["note"],
        raw=row["raw"],
    )


def _matches(task: TaskRecord, query: TaskQuery, gazetteer: object | None) -> bool:
    from domain.agencies import Gazetteer, agency_key
    from domain.text import fold

    if query.document_id and task.document_id != query.document_id:
        return False
    if query.agency:
        wanted = query.agency
        if isinstance(gazetteer, Gazetteer):
            wanted = gazetteer.canonical(wanted)
        key = agency_key(wanted)
        pool: tuple[str, ...] = ()
        if query.role in ("any", "lead"):
            pool += task.lead_agencies
        if query.role in ("any", "coordinating"):
            pool += task.coordinating_agencies
        if isinstance(gazetteer, Gazetteer):
            # names stored before an alias was added still match their canonical form
            pool = tuple(gazetteer.canonical(a) for a in pool)
        if not any(key == agency_key(a) or key in agency_key(a) for a in pool):
            return False
    # Windows and statuses look at when a task is due: the end of its deadline period.
    end = task.deadline.end
    if query.due_from and (end is None or end < query.due_from):
        return False
    if query.due_to and (end is None or end > query.due_to):
        return False
    if query.status:
        today = query.today or date.today()
        if query.status == "overdue" and (end is None or end >= today or task.deadline.recurring):
            return False
        if query.status == "upcoming" and (
            end is None or not today <= end <= today + timedelta(days=query.within_days)
        ):
            return False
    if query.q:
        haystack = fold(f"{task.name} {task.output} {task.section}")
        if not all(word in haystack for word in fold(query.q).split()):
            return False
    return True
