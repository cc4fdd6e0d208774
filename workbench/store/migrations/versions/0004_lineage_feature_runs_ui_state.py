"""Datasets the app writes record their role and source run; feature runs are kept with their candidate
table; each user's place in the app (page, dataset) survives a reload.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "dataset_lineage",
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("source_dataset", NAME),
        sa.Column("source_run", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", NAME, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_dataset_lineage"),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name="fk_dataset_lineage_dataset_id_datasets", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "feature_runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("label_dataset", NAME, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("frame_path", sa.Text, nullable=False),
        sa.Column("frame_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feature_runs"),
    )
    op.create_table(
        "ui_state",
        sa.Column("user_name", NAME, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_name", name="pk_ui_state"),
    )


def downgrade() -> None:
    op.drop_table("ui_state")
    op.drop_table("feature_runs")
    op.drop_table("dataset_lineage")
