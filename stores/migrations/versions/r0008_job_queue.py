"""Ingest jobs as a queue any worker process can take from: the uploaded files wait in
``job_files``; a running job names its worker and beats while it runs.

Revision ID: r0008
Revises: r0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("replace_id", sa.Text))
    op.add_column("jobs", sa.Column("origin", sa.JSON))
    op.add_column("jobs", sa.Column("worker", sa.Text))
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime))
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_files")
    for column in ("heartbeat_at", "worker", "origin", "replace_id"):
        op.drop_column("jobs", column)
