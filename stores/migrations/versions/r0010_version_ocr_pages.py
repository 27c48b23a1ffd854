"""How many pages of a version's files were read by OCR (scans), for the documents list; the
generation token of what is active (processes keep their copy until it changes) starts here,
so a first activation only ever updates it.

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
    kv = sa.table("kv", sa.column("key", sa.Text), sa.column("value", sa.Text))
    op.bulk_insert(kv, [{"key": "stores.active-generation", "value": "0"}])


def downgrade() -> None:
    op.execute("DELETE FROM kv WHERE key = 'stores.active-generation'")
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("ocr_pages")
