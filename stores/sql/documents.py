"""Documents, versions, task and target records in SQL (SQLite or PostgreSQL)."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from domain.agencies import Gazetteer, agency_key
from domain.errors import DocumentNotFoundError, StoreError
from domain.records import Deadline, Document, TargetRecord, TaskRecord
from domain.text import fold
from stores.interfaces import TaskQuery, doc_version
from stores.sql import schema as s
from stores.sql.engine import translated, write

__all__ = ["AgencyKeys", "SqlRecordStore", "SqlVersionStore"]

_ROLES = {"any": ("lead", "coordinating"), "lead": ("lead",), "coordinating": ("coordinating",)}
# Raise when what is derived from a task row (agency keys, folded text) is computed otherwise.
_DERIVED_VERSION = 1
_DERIVED_KEY = "stores.task-derived"
# A token that changes in every transaction that changes what is active (a version activated
# or retired, derived data recomputed): processes compare it to know their copy is current.
_GENERATION_KEY = "stores.active-generation"


T = TypeVar("T")
# A task row: document id, version, position in the document.
_RowKey = tuple[str, int, int]


def _bump_generation(conn: Connection) -> None:
    kv = s.kv
    token = uuid.uuid4().hex
    if conn.execute(kv.update().where(kv.c.key == _GENERATION_KEY).values(value=token)).rowcount:
        return
    conn.execute(kv.insert().values(key=_GENERATION_KEY, value=token))


class _ActiveCopy(Generic[T]):
    """This process's copy of something read from the active versions, read again only when
    the generation token changed (one key lookup instead of the whole read)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._token: str | None = None
        self._value: list[T] = []
        self._identity = 0

    def get(self, load: Callable[[], list[T]]) -> list[T]:
        return self.get_versioned(load)[0]

    def get_versioned(self, load: Callable[[], list[T]]) -> tuple[list[T], int]:
        """The copy and a number that changes whenever it is read again."""
        # the token is read before the data: a change in between is seen on the next call
        with translated(), self._engine.connect() as conn:
            token = conn.execute(
                sa.select(s.kv.c.value).where(s.kv.c.key == _GENERATION_KEY)
            ).scalar()
        token = str(token or "")
        with self._lock:
            if token == self._token:
                return list(self._value), self._identity
        value = load()
        with self._lock:
            self._identity += 1
            self._token, self._value = token, value
            return list(value), self._identity


class AgencyKeys:
    """Matching keys of agency names under one gazetteer (aliases and mergers resolved)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self.fingerprint = f"{_DERIVED_VERSION}:{gazetteer.fingerprint()}"

    def key(self, name: str) -> str:
        return agency_key(self._gazetteer.canonical(name))


class SqlVersionStore:
    """Versions go pending → active → retired; activation is one transaction."""

    def __init__(self, engine: Engine, keys: AgencyKeys) -> None:
        self._engine = engine
        self._keys = keys
        self._active = _ActiveCopy[Document](engine)

    # -- reads ------------------------------------------------------------------------------

    def _documents(self, *where: sa.ColumnElement[bool]) -> list[Document]:
        v = s.versions
        stmt = sa.select(v).where(v.c.state == "active", *where).order_by(v.c.document_id)
        with translated(), self._engine.connect() as conn:
            return [_document(r) for r in conn.execute(stmt).mappings()]

    def active_documents(self) -> list[Document]:
        return self._active.get(self._documents)

    def get_document(self, document_id: str) -> Document:
        found = self._documents(s.versions.c.document_id == document_id)
        if not found:
            raise DocumentNotFoundError(document_id)
        return found[0]

    def find_active_by_hash(self, content_hash: str) -> Document | None:
        found = self._documents(s.versions.c.content_hash == content_hash)
        return found[0] if found else None

    def find_active_by_number(self, number: str) -> Document | None:
        found = self._documents(s.versions.c.number == number)
        return found[0] if found else None

    def next_version(self, document_id: str) -> int:
        v = s.versions
        stmt = sa.select(sa.func.max(v.c.version)).where(v.c.document_id == document_id)
        with translated(), self._engine.connect() as conn:
            return int(conn.execute(stmt).scalar() or 0) + 1

    def active_versions(self) -> list[str]:
        return [doc_version(d.id, d.version) for d in self.active_documents()]

    def reader_of(self, document_id: str, version: int) -> str | None:
        v = s.versions
        stmt = sa.select(v.c.reader).where(v.c.document_id == document_id, v.c.version == version)
        with translated(), self._engine.connect() as conn:
            found = conn.execute(stmt).scalar()
        return str(found) if found is not None else None

    def latest_changes(self, document_id: str) -> tuple[int, dict[str, Any]] | None:
        c, v = s.changes, s.versions
        stmt = (
            sa.select(c.c.version, c.c.report)
            .join(v, sa.and_(v.c.document_id == c.c.document_id, v.c.version == c.c.version))
            .where(v.c.state == "active", c.c.document_id == document_id)
        )
        with translated(), self._engine.connect() as conn:
            row = conn.execute(stmt).first()
        return (int(row.version), dict(row.report)) if row else None

    # -- writes -----------------------------------------------------------------------------

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
        """Store a new version with its records, not yet visible to queries.

        :param files: the files it was read from (name, bytes), body first.
        """
        with write(self._engine) as conn:
            conn.execute(
                s.versions.insert().values(
                    document_id=document.id,
                    version=document.version,
                    state="pending",
                    title=document.title,
                    kind=document.kind,
                    number=document.number,
                    issuer=document.issuer,
                    issued=document.issued,
                    source=document.source,
                    content_hash=document.content_hash,
                    reader=reader,
                    place=document.place,
                    legal_bases=list(document.legal_bases),
                    proposer=document.proposer,
                    signer=document.signer,
                    signer_title=document.signer_title,
                    province=document.province,
                    replaces=document.replaces,
                    recipients=list(document.recipients),
                    parts=list(document.parts),
                    ocr_pages=document.ocr_pages,
                )
            )
            if files:
                conn.execute(
                    s.part_files.insert(),
                    [
                        {
                            "document_id": document.id,
                            "version": document.version,
                            "position": i,
                            "source": name,
                            "content_hash": hashlib.sha256(data).hexdigest(),
                            "data": data,
                        }
                        for i, (name, data) in enumerate(files)
                    ],
                )
            # records belong to the version being added, whatever version they were read as
            owner = {"document_id": document.id, "version": document.version}
            if tasks:
                rows = [{**_task_row(t, i), **owner} for i, t in enumerate(tasks)]
                conn.execute(s.tasks.insert(), rows)
                agencies = [
                    {**a, **owner}
                    for i, t in enumerate(tasks)
                    for a in _agency_rows(t, i, self._keys)
                ]
                if agencies:
                    conn.execute(s.task_agencies.insert(), agencies)
            if targets:
                rows = [{**_target_row(t, i), **owner} for i, t in enumerate(targets)]
                conn.execute(s.targets.insert(), rows)
            if changes is not None:
                conn.execute(
                    s.changes.insert().values(
                        document_id=document.id, version=document.version, report=changes
                    )
                )

    def activate(self, document_id: str, version: int) -> list[int]:
        """Make ``version`` the active one in one step; returns the versions it retired."""
        v = s.versions
        with write(self._engine) as conn:
            retired = _active_versions_of(conn, document_id)
            conn.execute(
                v.update()
                .where(v.c.document_id == document_id, v.c.state == "active")
                .values(state="retired")
            )
            updated = conn.execute(
                v.update()
                .where(
                    v.c.document_id == document_id, v.c.version == version, v.c.state == "pending"
                )
                .values(state="active")
            ).rowcount
            if updated != 1:
                raise StoreError(f"no pending version {version} of {document_id}")
            _bump_generation(conn)
        return retired

    def retire(self, document_id: str) -> list[int]:
        """Retire the active version of a document (delete); returns the versions retired."""
        v = s.versions
        with write(self._engine) as conn:
            retired = _active_versions_of(conn, document_id)
            if not retired:
                raise DocumentNotFoundError(document_id)
            conn.execute(
                v.update()
                .where(v.c.document_id == document_id, v.c.state == "active")
                .values(state="retired")
            )
            _bump_generation(conn)
        return retired

    def stale_versions(self, older_than: datetime | None = None) -> list[tuple[str, int]]:
        v = s.versions
        stale = v.c.state != "active"
        if older_than is not None:
            stale = sa.or_(v.c.state == "retired", sa.and_(stale, v.c.created_at < older_than))
        stmt = sa.select(v.c.document_id, v.c.version).where(stale)
        with translated(), self._engine.connect() as conn:
            return [(r.document_id, int(r.version)) for r in conn.execute(stmt)]

    def known_versions(self) -> set[str]:
        v = s.versions
        with translated(), self._engine.connect() as conn:
            rows = conn.execute(sa.select(v.c.document_id, v.c.version))
            return {doc_version(r.document_id, int(r.version)) for r in rows}

    def find_active_by_part(self, content_hash: str) -> Document | None:
        """The active document one of whose files has this SHA-256."""
        f, v = s.part_files, s.versions
        with translated(), self._engine.connect() as conn:
            row = conn.execute(
                sa.select(f.c.document_id, f.c.version)
                .join(v, sa.and_(v.c.document_id == f.c.document_id, v.c.version == f.c.version))
                .where(f.c.content_hash == content_hash, v.c.state == "active")
                .limit(1)
            ).first()
        if row is None:
            return None
        found = self._documents(
            s.versions.c.document_id == row.document_id, s.versions.c.version == row.version
        )
        return found[0] if found else None

    def files(self, document_id: str, version: int) -> list[tuple[str, bytes]]:
        """The files a version was read from (name, bytes), body first; empty for a version
        stored before files were kept."""
        f = s.part_files
        with translated(), self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(f.c.source, f.c.data)
                .where(f.c.document_id == document_id, f.c.version == version)
                .order_by(f.c.position)
            )
            return [(str(r.source), bytes(r.data)) for r in rows]

    def purge(self, document_id: str, version: int) -> None:
        """Remove a non-active version and its records (an active one is left alone)."""
        v = s.versions
        with write(self._engine) as conn:
            state = conn.execute(
                sa.select(v.c.state).where(v.c.document_id == document_id, v.c.version == version)
            ).scalar()
            if state == "active":
                return
            for table in (s.tasks, s.task_agencies, s.targets, s.changes, s.part_files):
                conn.execute(
                    table.delete().where(
                        table.c.document_id == document_id, table.c.version == version
                    )
                )
            conn.execute(v.delete().where(v.c.document_id == document_id, v.c.version == version))


class SqlRecordStore:
    """Active tasks and targets; every filter of :class:`TaskQuery` runs in SQL."""

    def __init__(self, engine: Engine, keys: AgencyKeys) -> None:
        self._engine = engine
        self._keys = keys
        self._active = _ActiveCopy[tuple[_RowKey, TaskRecord]](engine)
        self._lookups: tuple[int, dict[_RowKey, TaskRecord], dict[tuple[str, str], TaskRecord]]
        self._lookups = (0, {}, {})

    def _copy(self) -> tuple[list[tuple[_RowKey, TaskRecord]], int]:
        """Every active task with its row key, kept by this process until what is active
        changes; and the copy's identity."""
        return self._active.get_versioned(self._select_keyed)

    def _lookup(self) -> tuple[dict[_RowKey, TaskRecord], dict[tuple[str, str], TaskRecord]]:
        """The copy by row key and by (document, number), rebuilt with the copy."""
        pairs, identity = self._copy()
        ident, by_row, by_number = self._lookups
        if ident != identity:
            by_row = dict(pairs)
            by_number = {(t.document_id, t.number): t for _, t in pairs}
            self._lookups = (identity, by_row, by_number)
        return by_row, by_number

    def task(self, document_id: str, number: str) -> TaskRecord | None:
        return self._lookup()[1].get((document_id, number))

    def tasks(self, query: TaskQuery | None = None) -> list[TaskRecord]:
        query = query or TaskQuery()
        if _only_by_document(query):
            pairs, _ = self._copy()
            return [t for _, t in pairs if query.document_id in (None, t.document_id)]
        # the filters run in SQL, which returns row keys only; the records are this
        # process's copies (a row the copy does not hold yet: read the records themselves)
        keys = self._select_keys(query)
        by_row, _ = self._lookup()
        found = [by_row.get(k) for k in keys]
        if any(t is None for t in found):
            return self._select(query)
        return [t for t in found if t is not None]

    def _statement(self, query: TaskQuery, *columns: Any) -> Any:
        t = s.tasks
        return (
            sa.select(*columns)
            .join(s.versions, _active_join(t))
            .where(*_task_filters(query, self._keys))
            .order_by(t.c.document_id, t.c.position)
        )

    def _select_keys(self, query: TaskQuery) -> list[_RowKey]:
        t = s.tasks
        stmt = self._statement(query, t.c.document_id, t.c.version, t.c.position)
        with translated(), self._engine.connect() as conn:
            return [(str(d), int(v), int(p)) for d, v, p in conn.execute(stmt)]

    def _select_keyed(self) -> list[tuple[_RowKey, TaskRecord]]:
        t = s.tasks
        with translated(), self._engine.connect() as conn:
            rows = conn.execute(self._statement(TaskQuery(), t)).mappings()
            return [
                ((str(r["document_id"]), int(r["version"]), int(r["position"])), _task(r))
                for r in rows
            ]

    def _select(self, query: TaskQuery) -> list[TaskRecord]:
        with translated(), self._engine.connect() as conn:
            return [_task(r) for r in conn.execute(self._statement(query, s.tasks)).mappings()]

    def targets(self, document_id: str | None = None) -> list[TargetRecord]:
        t = s.targets
        stmt = sa.select(t).join(s.versions, _active_join(t))
        if document_id is not None:
            stmt = stmt.where(t.c.document_id == document_id)
        stmt = stmt.order_by(t.c.document_id, t.c.position)
        with translated(), self._engine.connect() as conn:
            return [_target(r) for r in conn.execute(stmt).mappings()]

    def refresh_derived(self) -> bool:
        """Recompute agency keys and folded text when their derivation changed.

        Keys depend on the gazetteer (an alias added, an agency merged): rows stored under an
        older one are keyed again, so filters never miss them. Returns whether it ran.
        """
        with write(self._engine) as conn:
            stored = conn.execute(sa.select(s.kv.c.value).where(s.kv.c.key == _DERIVED_KEY))
            if stored.scalar() == self._keys.fingerprint:
                return False
            t = s.tasks
            conn.execute(s.task_agencies.delete())
            agencies: list[dict[str, Any]] = []
            for row in conn.execute(sa.select(t)).mappings().all():
                record, position = _task(row), int(row["position"])
                agencies.extend(_agency_rows(record, position, self._keys))
                conn.execute(
                    t.update()
                    .where(
                        t.c.document_id == record.document_id,
                        t.c.version == record.version,
                        t.c.position == position,
                    )
                    .values(search_text=_search_text(record))
                )
            if agencies:
                conn.execute(s.task_agencies.insert(), agencies)
            conn.execute(s.kv.delete().where(s.kv.c.key == _DERIVED_KEY))
            conn.execute(s.kv.insert().values(key=_DERIVED_KEY, value=self._keys.fingerprint))
            _bump_generation(conn)
        return True


def _only_by_document(query: TaskQuery) -> bool:
    """Whether a query selects all active tasks, or those of one document, and no more."""
    return not (query.agency or query.due_from or query.due_to or query.status or query.q)


def _active_join(table: sa.Table) -> sa.ColumnElement[bool]:
    v = s.versions
    return sa.and_(
        v.c.document_id == table.c.document_id,
        v.c.version == table.c.version,
        v.c.state == "active",
    )


def _active_versions_of(conn: Connection, document_id: str) -> list[int]:
    v = s.versions
    stmt = sa.select(v.c.version).where(v.c.document_id == document_id, v.c.state == "active")
    return [int(x) for x in conn.execute(stmt).scalars()]


def _task_filters(query: TaskQuery, keys: AgencyKeys) -> list[sa.ColumnElement[bool]]:
    # a NUL character names nothing, and PostgreSQL refuses it in text: whoever asks (the
    # API, a bot, the CLI), it is dropped here
    query = replace(
        query,
        agency=query.agency.replace("\x00", "") if query.agency else query.agency,
        q=query.q.replace("\x00", "") if query.q else query.q,
        document_id=query.document_id.replace("\x00", "") if query.document_id else None,
    )
    t, a = s.tasks, s.task_agencies
    end = t.c.deadline_end
    ongoing = sa.and_(t.c.recurring.is_not(None), t.c.recurring != "")
    filters: list[sa.ColumnElement[bool]] = []
    if query.document_id:
        filters.append(t.c.document_id == query.document_id)
    if query.agency:
        roles = _ROLES.get(query.role, _ROLES["any"])
        key = keys.key(query.agency)
        if not key:  # punctuation only: names nothing, so matches nothing
            return [sa.false()]
        filters.append(
            sa.exists().where(
                a.c.document_id == t.c.document_id,
                a.c.version == t.c.version,
                a.c.position == t.c.position,
                a.c.role.in_(roles),
                # whole words: "y te" finds "so y te", a stray letter finds nothing
                (sa.literal(" ") + a.c.key + sa.literal(" ")).contains(f" {key} ", autoescape=True),
            )
        )
    if query.due_from or query.due_to:
        filters.append(_due_between(query.due_from, query.due_to))
    if query.status:
        today = query.today or date.today()
        if query.status == "overdue":
            filters += [end < today, sa.not_(ongoing)]
        elif query.status == "upcoming":
            filters.append(_due_between(today, today + timedelta(days=query.within_days)))
        elif query.status == "open":  # still to be done by its deadline, or ongoing
            filters.append(sa.or_(end >= today, end.is_(None), ongoing))
        elif query.status == "recurring":
            filters.append(sa.or_(ongoing, end.is_(None)))
    if query.q:
        filters += [t.c.search_text.contains(w, autoescape=True) for w in fold(query.q).split()]
    return filters


def _due_between(first: date | None, last: date | None) -> sa.ColumnElement[bool]:
    """``domain.deadlines.due_between`` in SQL: the last due day lies in the period, or the
    period holds a yearly task's day ("MM-DD") of some year."""
    t = s.tasks
    end, yearly = t.c.deadline_end, t.c.deadline_yearly
    dated = sa.and_(
        end.is_not(None),
        end >= first if first else sa.true(),
        end <= last if last else sa.true(),
    )
    if first is None or last is None:
        every_year: sa.ColumnElement[bool] = yearly.is_not(None)
    elif last < first:
        every_year = sa.false()
    elif last.year == first.year:
        every_year = yearly.between(f"{first:%m-%d}", f"{last:%m-%d}")
    elif last.year == first.year + 1:  # the end of one year and the start of the next
        every_year = sa.or_(yearly >= f"{first:%m-%d}", yearly <= f"{last:%m-%d}")
    else:
        every_year = yearly.is_not(None)
    return sa.or_(dated, every_year)


def _search_text(task: TaskRecord) -> str:
    return fold(f"{task.name} {task.output} {task.section}")


def _agency_rows(task: TaskRecord, position: int, keys: AgencyKeys) -> list[dict[str, Any]]:
    base = {"document_id": task.document_id, "version": task.version, "position": position}
    named = [("lead", n) for n in task.lead_agencies]
    named += [("coordinating", n) for n in task.coordinating_agencies]
    return [{**base, "role": role, "name": n, "key": keys.key(n)} for role, n in named]


def _document(row: RowMapping) -> Document:
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
        place=row["place"],
        legal_bases=tuple(row["legal_bases"] or ()),
        proposer=row["proposer"],
        signer=row["signer"],
        signer_title=row["signer_title"],
        province=row["province"],
        replaces=row["replaces"],
        recipients=tuple(row["recipients"] or ()),
        parts=tuple(row["parts"] or ()),
        ocr_pages=row["ocr_pages"],
    )


def _task_row(task: TaskRecord, position: int) -> dict[str, Any]:
    d = task.deadline
    return {
        "document_id": task.document_id,
        "version": task.version,
        "number": task.number,
        "section": task.section,
        "name": task.name,
        "lead": list(task.lead_agencies),
        "coordinating": list(task.coordinating_agencies),
        "output": task.output,
        "deadline_text": d.text,
        "deadline_start": d.start,
        "deadline_end": d.end,
        "recurring": d.recurring,
        "deadline_yearly": d.yearly,
        "locator": task.locator,
        "position": position,
        "raw": task.raw,
        "search_text": _search_text(task),
        "extra": [list(pair) for pair in task.extra] or None,
    }


def _as_date(value: Any) -> date | None:
    # SQLite columns made before migrations are TEXT: ISO strings come back as they were
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _task(row: RowMapping) -> TaskRecord:
    return TaskRecord(
        document_id=row["document_id"],
        version=int(row["version"]),
        number=row["number"],
        section=row["section"],
        name=row["name"],
        lead_agencies=tuple(row["lead"]),
        coordinating_agencies=tuple(row["coordinating"]),
        output=row["output"],
        deadline=Deadline(
            text=row["deadline_text"],
            start=_as_date(row["deadline_start"]),
            end=_as_date(row["deadline_end"]),
            recurring=row["recurring"],
            yearly=row["deadline_yearly"],
        ),
        locator=row["locator"],
        raw=row["raw"],
        extra=tuple((str(k), str(v)) for k, v in row["extra"] or ()),
    )


def _target_row(target: TargetRecord, position: int) -> dict[str, Any]:
    return {
        "document_id": target.document_id,
        "version": target.version,
        "number": target.number,
        "section": target.section,
        "indicator": target.indicator,
        "unit": target.unit,
        "value": target.value,
        "horizon": target.horizon,
        "agency": target.agency,
        "mandatory": target.mandatory,
        "locator": target.locator,
        "position": position,
        "note": target.note,
        "raw": target.raw,
    }


def _target(row: RowMapping) -> TargetRecord:
    mandatory = row["mandatory"]
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
        mandatory=None if mandatory is None else bool(mandatory),
        locator=row["locator"],
        note=row["note"],
        raw=row["raw"],
    )
