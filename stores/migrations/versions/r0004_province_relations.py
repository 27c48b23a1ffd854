"""A document's province and the plan it replaces or amends.

Revision ID: r0004
Revises: r0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("province", sa.Text))
    op.add_column("versions", sa.Column("replaces", sa.Text))


def downgrade() -> None:
    op.drop_column("versions", "replaces")
    op.drop_column("versions", "province")
