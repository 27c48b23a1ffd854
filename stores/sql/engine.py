"""Engines for the two SQL backends, and migrations applied at start.

SQLite (the embedded default, one file in the data dir) and PostgreSQL (psycopg 3) run the same
SQLAlchemy Core statements; only connection set-up differs here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from domain.errors import ConfigurationError, StoreError

__all__ = ["create_engine", "migrate", "translated", "write"]

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# How long a connection attempt, a wait for a pooled connection, a statement and a SQLite
# lock may take before the store reports itself unavailable (seconds).
CONNECT_TIMEOUT = 10
STATEMENT_TIMEOUT = 60
# Any constant: serialises migrations when several workers start at once on PostgreSQL.
_MIGRATION_LOCK = 7_310_455


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def create_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql://…``).

    :raises ConfigurationError: the URL is malformed or names another database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"PLANBOT_DATABASE_URL không hợp lệ: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite(parsed)
    if backend == "postgresql":
        return _postgresql(parsed)
    raise ConfigurationError(
        f"PLANBOT_DATABASE_URL: chỉ hỗ trợ sqlite hoặc postgresql, không hỗ trợ {backend}"
    )


def _sqlite(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        json_serializer=_dumps,
        pool_timeout=CONNECT_TIMEOUT,
        connect_args={"timeout": STATEMENT_TIMEOUT, "check_same_thread": False},
    )

    # pysqlite's own transaction handling defers BEGIN and cannot take the write lock up
    # front; SQLAlchemy's documented recipe hands transactions to us instead.
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={STATEMENT_TIMEOUT * 1000}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock when they start, so two writers never deadlock on upgrade.
        immediate = conn.get_execution_options().get("planbot_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgresql(url: URL) -> Engine:
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return sa.create_engine(
        url,
        json_serializer=_dumps,
        pool_pre_ping=True,
        pool_timeout=CONNECT_TIMEOUT,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT * 1000}",
        },
    )


@contextmanager
def translated() -> Iterator[None]:
    """Turn the database layer's errors into :class:`StoreError`."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"database failed: {type(exc).__name__}: {exc}") from exc


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (committed on success, rolled back on error)."""
    with translated(), engine.connect() as conn:
        conn = conn.execution_options(planbot_write=True)
        with conn.begin():
            yield conn


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; safe from several processes)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with write(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
