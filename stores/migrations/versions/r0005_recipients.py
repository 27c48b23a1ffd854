"""A document's recipients ("Kính gửi", "Nơi nhận").

Revision ID: r0005
Revises: r0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("recipients", sa.JSON))


def downgrade() -> None:
    op.drop_column("versions", "recipients")
