"""The audit log of admin actions (conversation retention needs no schema change).

Revision ID: r0006
Revises: r0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("client", sa.Text, nullable=False),
        sa.Column("token_fingerprint", sa.Text),
        sa.Column("document_id", sa.Text),
        sa.Column("job_id", sa.Text),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_index("audit_at", "audit", ["at"])


def downgrade() -> None:
    op.drop_index("audit_at", table_name="audit")
    op.drop_table("audit")
