"""How many pages of a version's files were read by OCR (scans), for the documents list.

Revision ID: r0010
Revises: r0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0010"
down_revision = "r0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("ocr_pages", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("ocr_pages")
