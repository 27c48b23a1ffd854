"""Rate limits in the database, so every API and bot process counts the same events.

Revision ID: r0009
Revises: r0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0009"
down_revision = "r0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("rate_events_key_at", "rate_events", ["key", "at"])


def downgrade() -> None:
    op.drop_index("rate_events_key_at", table_name="rate_events")
    op.drop_table("rate_events")
