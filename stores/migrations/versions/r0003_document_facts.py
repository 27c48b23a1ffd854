"""What a document says of itself: place, legal bases, proposer, signer and title.

Revision ID: r0003
Revises: r0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name, kind in (
        ("place", sa.Text),
        ("legal_bases", sa.JSON),
        ("proposer", sa.Text),
        ("signer", sa.Text),
        ("signer_title", sa.Text),
    ):
        op.add_column("versions", sa.Column(name, kind))
