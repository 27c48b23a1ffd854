"""Agency keys and folded text for filters in SQL; the reader as a column; jobs.

Revision ID: r0002
Revises: r0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("reader", sa.Text))
    # readers were kept as kv rows "reader:<document_id>:<version>"
    op.execute(
        "UPDATE versions SET reader = (SELECT value FROM kv WHERE kv.key = 'reader:'"
        " || versions.document_id || ':' || CAST(versions.version AS VARCHAR))"
    )
    op.execute("DELETE FROM kv WHERE key LIKE 'reader:%'")
    # one active version per document; drop duplicates an old race might have left first
    op.execute(
        "UPDATE versions SET state = 'retired' WHERE state = 'active' AND version < ("
        "SELECT MAX(v2.version) FROM versions v2 WHERE v2.document_id = versions.document_id"
        " AND v2.state = 'active')"
    )
    op.create_index(
        "versions_one_active",
        "versions",
        ["document_id"],
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    )
    # filled by the store on start (it needs the text folding and the gazetteer)
    op.add_column("tasks", sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    op.create_index("tasks_row", "tasks", ["document_id", "version", "position"], unique=True)
    op.create_table(
        "task_agencies",
        sa.Column("document_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
    )
    op.create_index("task_agencies_task", "task_agencies", ["document_id", "version", "position"])
    op.create_index("task_agencies_key", "task_agencies", ["key"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("result", sa.JSON),
        sa.Column("detail", sa.Text),
    )
    op.create_index("jobs_status", "jobs", ["status"])
