"""The expert's scorecard bin edits, versioned per dataset and target.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "scorecard_bin_edits",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset", NAME, nullable=False),
        sa.Column("target", NAME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("edits", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scorecard_bin_edits"),
        sa.UniqueConstraint("dataset", "target", "version", name="uq_scorecard_bin_edits_dataset_target_version"),
    )


def downgrade() -> None:
    op.drop_table("scorecard_bin_edits")
