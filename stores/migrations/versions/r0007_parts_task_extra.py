"""The files of a version (a plan's body and its appendices, kept so an appendix added later
makes a new version with the body unchanged), and a task row's other columns.

Revision ID: r0007
Revises: r0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("parts", sa.JSON))
    op.add_column("tasks", sa.Column("extra", sa.JSON))
    op.create_table(
        "part_files",
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Index("part_files_hash", "content_hash"),
    )


def downgrade() -> None:
    op.drop_table("part_files")
    op.drop_column("tasks", "extra")
    op.drop_column("versions", "parts")
