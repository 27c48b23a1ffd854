"""Baseline: the SQLite schema planbot used before migrations (kept if already there).

Revision ID: r0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

_NOW = sa.func.current_timestamp()


def upgrade() -> None:
    # ``if_not_exists``: a data dir made before migrations already holds these tables.
    op.create_table(
        "versions",
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
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
        if_not_exists=True,
    )
    op.create_index("versions_hash", "versions", ["content_hash", "state"], if_not_exists=True)
    op.create_table(
        "tasks",
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
        sa.Column("locator", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("raw", sa.Text, nullable=False, server_default=""),
        if_not_exists=True,
    )
    op.create_index("tasks_doc", "tasks", ["document_id", "version"], if_not_exists=True)
    op.create_table(
        "targets",
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
        if_not_exists=True,
    )
    op.create_index("targets_doc", "targets", ["document_id", "version"], if_not_exists=True)
    op.create_table(
        "changes",
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("report", sa.JSON, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "subscriptions",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("chat_id", sa.Text, primary_key=True),
        sa.Column("agency", sa.Text, primary_key=True),
        if_not_exists=True,
    )
    op.create_table(
        "kv",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "seen_messages",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("message_id", sa.Text, primary_key=True),
        sa.Column("seen_at", sa.DateTime, nullable=False, server_default=_NOW),
        if_not_exists=True,
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False, server_default=_NOW),
        if_not_exists=True,
    )
    op.create_table(
        "embeddings",
        sa.Column("model", sa.Text, primary_key=True),
        sa.Column("text_hash", sa.Text, primary_key=True),
        sa.Column("vector", sa.JSON, nullable=False),
        if_not_exists=True,
    )
