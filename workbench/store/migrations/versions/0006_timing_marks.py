"""A domain expert's timing marks: a column known at decision time, or only after it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "timing_marks",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset", NAME, nullable=False),
        sa.Column("column_name", NAME, nullable=False),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_timing_marks"),
    )
    op.create_index("ix_timing_marks_dataset", "timing_marks", ["dataset", "column_name"])


def downgrade() -> None:
    op.drop_index("ix_timing_marks_dataset", table_name="timing_marks")
    op.drop_table("timing_marks")
