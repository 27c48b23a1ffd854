"""The day a yearly task falls due ("Hằng năm, trước 15/12" -> "12-15"), so period and
"sắp đến hạn" filters find it every year (SEMANTICS §2). Tasks already stored get it from
their deadline text.

Revision ID: r0011
Revises: r0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from domain.deadlines import parse_deadline

revision = "r0011"
down_revision = "r0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("deadline_yearly", sa.String(5)))
    tasks = sa.table(
        "tasks",
        sa.column("document_id", sa.Text),
        sa.column("version", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("deadline_text", sa.Text),
        sa.column("deadline_end", sa.Date),
        sa.column("deadline_yearly", sa.String(5)),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            tasks.c.document_id, tasks.c.version, tasks.c.position, tasks.c.deadline_text
        ).where(tasks.c.deadline_end.is_(None))
    ).all()
    for document_id, version, position, text in rows:
        yearly = parse_deadline(text).yearly
        if yearly is not None:
            conn.execute(
                tasks.update()
                .where(
                    tasks.c.document_id == document_id,
                    tasks.c.version == version,
                    tasks.c.position == position,
                )
                .values(deadline_yearly=yearly)
            )


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("deadline_yearly")
