"""Table roles and relationships, the feature catalog with reviews, model runs, learn-mode progress.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
NAME = sa.String(200)


def upgrade() -> None:
    op.create_table(
        "table_meta",
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("primary_key", sa.Text, nullable=False),
        sa.Column("time_column", NAME),
        sa.Column("target_column", NAME),
        sa.Column("column_types", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", NAME, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_table_meta"),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["datasets.id"], name="fk_table_meta_dataset_id_datasets", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "relationships",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("child_id", sa.Integer, nullable=False),
        sa.Column("child_columns", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Integer, nullable=False),
        sa.Column("parent_columns", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", NAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_relationships"),
        sa.ForeignKeyConstraint(
            ["child_id"], ["datasets.id"], name="fk_relationships_child_id_datasets", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["datasets.id"], name="fk_relationships_parent_id_datasets", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("child_id", "parent_id", name="uq_relationships_child_parent"),
    )
    op.create_table(
        "features",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("dataset", NAME, nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("description_ko", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_features"),
        sa.UniqueConstraint("name", name="uq_features_name"),
    )
    op.create_table(
        "review_state",
        sa.Column("feature_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewer", NAME, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("feature_id", name="pk_review_state"),
        sa.ForeignKeyConstraint(["feature_id"], ["features.id"], name="fk_review_state_feature_id_features"),
    )
    op.create_table(
        "review_history",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("feature_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("reviewer", NAME, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_history"),
        sa.ForeignKeyConstraint(["feature_id"], ["features.id"], name="fk_review_history_feature_id_features"),
        sa.UniqueConstraint("feature_id", "version", name="uq_review_history_feature_id"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("dataset", NAME),
        sa.Column("dataset_fingerprint", sa.String(64), nullable=False),
        sa.Column("target", NAME, nullable=False),
        sa.Column("split", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("features", sa.Text, nullable=False),
        sa.Column("metrics", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("model_path", sa.Text),
        sa.Column("card_path", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "learn_progress",
        sa.Column("user_name", NAME, nullable=False),
        sa.Column("steps", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("user_name", name="pk_learn_progress"),
    )


def downgrade() -> None:
    for table in (
        "learn_progress",
        "runs",
        "review_history",
        "review_state",
        "features",
        "relationships",
        "table_meta",
    ):
        op.drop_table(table)
