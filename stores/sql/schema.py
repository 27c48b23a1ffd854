"""The tables as the newest migration leaves them (SQLAlchemy Core).

The migrations in ``stores/migrations`` create and change the schema; this module describes
the result for queries. A contract test checks that the two agree on both backends.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "audit",
    "changes",
    "conversations",
    "embeddings",
    "job_files",
    "jobs",
    "kv",
    "metadata",
    "part_files",
    "rate_events",
    "seen_messages",
    "subscriptions",
    "targets",
    "task_agencies",
    "tasks",
    "versions",
]

metadata = sa.MetaData()

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("number", sa.Text),
    sa.Column("issuer", sa.Text),
    sa.Column("issued", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column(
        "created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()
    ),
    sa.Column("reader", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("legal_bases", sa.JSON),
    sa.Column("proposer", sa.Text),
    sa.Column("signer", sa.Text),
    sa.Column("signer_title", sa.Text),
    sa.Column("province", sa.Text),
    sa.Column("replaces", sa.Text),
    sa.Column("recipients", sa.JSON),
    sa.Column("parts", sa.JSON),
    sa.Column("ocr_pages", sa.Integer),
    sa.Index("versions_hash", "content_hash", "state"),
    # at most one active version per document, whatever races the writers run
    sa.Index(
        "versions_one_active",
        "document_id",
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    ),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("lead", sa.JSON, nullable=False),
    sa.Column("coordinating", sa.JSON, nullable=False),
    sa.Column("output", sa.Text, nullable=False),
    sa.Column("deadline_text", sa.Text, nullable=False),
    sa.Column("deadline_start", sa.Date),
    sa.Column("deadline_end", sa.Date),
    sa.Column("recurring", sa.Text),
    sa.Column("deadline_yearly", sa.String(5)),  # "MM-DD": due that day every year
    sa.Column("locator", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("raw", sa.Text, nullable=False, server_default=""),
    # folded name, output and section: what the ``q`` filter matches words against
    sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    sa.Column("extra", sa.JSON),
    sa.Index("tasks_doc", "document_id", "version"),
    sa.Index("tasks_row", "document_id", "version", "position", unique=True),
)

# The files a version was read from, as uploaded (body first): an appendix added later is
# read with the stored body into a new version.
part_files = sa.Table(
    "part_files",
    metadata,
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Index("part_files_hash", "content_hash"),
)

# One row per agency a task names, with its role and matching key (derived, rebuilt when the
# gazetteer changes): agency filters run as SQL over these keys.
task_agencies = sa.Table(
    "task_agencies",
    metadata,
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Index("task_agencies_task", "document_id", "version", "position"),
    sa.Index("task_agencies_key", "key"),
)

targets = sa.Table(
    "targets",
    metadata,
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("indicator", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("horizon", sa.Text, nullable=False),
    sa.Column("agency", sa.Text, nullable=False),
    sa.Column("mandatory", sa.Boolean),
    sa.Column("locator", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("raw", sa.Text, nullable=False, server_default=""),
    sa.Index("targets_doc", "document_id", "version"),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("report", sa.JSON, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("platform", sa.Text, primary_key=True),
    sa.Column("chat_id", sa.Text, primary_key=True),
    sa.Column("agency", sa.Text, primary_key=True),
)

kv = sa.Table(
    "kv",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

seen_messages = sa.Table(
    "seen_messages",
    metadata,
    sa.Column("platform", sa.Text, primary_key=True),
    sa.Column("message_id", sa.Text, primary_key=True),
    sa.Column("seen_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Column(
        "updated_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()
    ),
)

embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("model", sa.Text, primary_key=True),
    sa.Column("text_hash", sa.Text, primary_key=True),
    sa.Column("vector", sa.JSON, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("result", sa.JSON),
    sa.Column("detail", sa.Text),
    sa.Column("replace_id", sa.Text),
    sa.Column("origin", sa.JSON),  # who asked: client address, token fingerprint (audit)
    sa.Column("worker", sa.Text),
    sa.Column("heartbeat_at", sa.DateTime),
    sa.Index("jobs_status", "status"),
)

# An upload's files, waiting for a worker to take its job (deleted when it ends).
job_files = sa.Table(
    "job_files",
    metadata,
    sa.Column("job_id", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Admin actions, append-only; ``token_fingerprint`` is domain.audit.token_fingerprint of the
# token sent, never the token.
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("client", sa.Text, nullable=False),
    sa.Column("token_fingerprint", sa.Text),
    sa.Column("document_id", sa.Text),
    sa.Column("job_id", sa.Text),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Index("audit_at", "at"),
)

# Rate limits shared by every process: one row per counted event (a wrong admin token, a
# chat question), ``at`` in seconds since the epoch; old rows are pruned.
rate_events = sa.Table(
    "rate_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("rate_events_key_at", "key", "at"),
)
