"""Table definitions (SQLAlchemy Core) at the migration head. The migrations create exactly this;
``tests/test_store_migrations.py`` compares the two so they can't drift apart."""

from __future__ import annotations

import sqlalchemy as sa

from workbench.store.db import JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)

NAME = sa.String(200)
HASH = sa.String(64)

# --- 0001: datasets, policies, audit ---------------------------------------------------------------------

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

dataset_versions = sa.Table(
    "dataset_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("fingerprint", HASH, nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("columns", JSONText, nullable=False),  # [{"name", "dtype"}]
    sa.Column("source_kind", sa.String(40), nullable=False),
    sa.Column("source_location", sa.Text, nullable=False),  # password-redacted
    sa.Column("certified", sa.Boolean, nullable=False),
    sa.Column("policy_name", NAME),
    sa.Column("policy_version", sa.Integer),
    sa.Column("certified_at", UTCDateTime),
    sa.Column("certified_by", NAME),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.Column("path", sa.Text, nullable=False),  # relative to the workspace home
    sa.Column("file_sha256", HASH, nullable=False),
    sa.Column("file_bytes", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("dataset_id", "version"),
)

policies = sa.Table(
    "policies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("yaml", sa.Text, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.UniqueConstraint("name", "version"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # canonical JSON text: exactly what was hashed
    sa.Column("prev_hash", HASH, nullable=False),
    sa.Column("hash", HASH, nullable=False),
)

# One row: the last seq and hash, written in the same transaction as each append, so deleting the newest
# entries (which leaves a valid shorter chain) is still detected unless this row is forged too.
audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", HASH, nullable=False),
)

# --- 0002: table roles, relationships, feature catalog, reviews, runs, learn progress ----------------------

table_meta = sa.Table(
    "table_meta",
    metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("primary_key", JSONText, nullable=False),  # ["customer_id"]
    sa.Column("time_column", NAME),
    sa.Column("target_column", NAME),
    sa.Column("column_types", JSONText, nullable=False),  # {"customer_id": "id"}
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", NAME, nullable=False),
)

relationships = sa.Table(
    "relationships",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("child_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("child_columns", JSONText, nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("parent_columns", JSONText, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.UniqueConstraint("child_id", "parent_id", name="uq_relationships_child_parent"),
)

features = sa.Table(
    "features",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False, unique=True),
    sa.Column("dataset", NAME, nullable=False),
    sa.Column("spec", JSONText, nullable=False),
    sa.Column("description_ko", sa.Text, nullable=False),
    sa.Column("description_en", sa.Text, nullable=False),
    sa.Column("scores", JSONText, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

review_state = sa.Table(
    "review_state",
    metadata,
    sa.Column("feature_id", sa.Integer, sa.ForeignKey("features.id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("reviewer", NAME, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

review_history = sa.Table(
    "review_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feature_id", sa.Integer, sa.ForeignKey("features.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("reviewer", NAME, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("feature_id", "version"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("dataset", NAME),
    sa.Column("dataset_fingerprint", HASH, nullable=False),
    sa.Column("target", NAME, nullable=False),
    sa.Column("split", JSONText, nullable=False),  # {"kind": "time", "column": "applied_at", ...}
    sa.Column("params", JSONText, nullable=False),
    sa.Column("features", JSONText, nullable=False),
    sa.Column("metrics", JSONText, nullable=False),
    sa.Column("warnings", JSONText, nullable=False),
    sa.Column("model_path", sa.Text),
    sa.Column("card_path", sa.Text),
    sa.Column("record", JSONText),  # 0003: the model package's whole run record, as JSON
)

learn_progress = sa.Table(
    "learn_progress",
    metadata,
    sa.Column("user_name", NAME, primary_key=True),
    sa.Column("steps", JSONText, nullable=False),  # {"step id": "done" | "started" | ...}
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# --- 0004: lineage of datasets the app writes, feature runs, each user's place in the app -----------------

dataset_lineage = sa.Table(
    "dataset_lineage",
    metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),  # modelling_table | feature_table
    sa.Column("source_dataset", NAME),  # the label table it was built from
    sa.Column("source_run", sa.String(64)),  # feature_runs.id
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
)

feature_runs = sa.Table(
    "feature_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("label_dataset", NAME, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("record", JSONText, nullable=False),  # project, specs, scores, recommendations, thresholds
    sa.Column("frame_path", sa.Text, nullable=False),  # runs/<id>/features.parquet, relative to home
    sa.Column("frame_sha256", HASH, nullable=False),
)

ui_state = sa.Table(
    "ui_state",
    metadata,
    sa.Column("user_name", NAME, primary_key=True),
    sa.Column("state", JSONText, nullable=False),  # {"page": "features", "dataset": "loans", ...}
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# --- 0005: the expert's scorecard bin edits ----------------------------------------------------------------

# One row per saved version of the edit list of (dataset, target): the whole list, so any version replays alone.
scorecard_bin_edits = sa.Table(
    "scorecard_bin_edits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset", NAME, nullable=False),
    sa.Column("target", NAME, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("edits", JSONText, nullable=False),  # [{"op": "merge", "feature": …, "bins": [2, 3], "seen": …}, …]
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("dataset", "target", "version", name="uq_scorecard_bin_edits_dataset_target_version"),
)

# --- 0006: a domain expert's timing marks --------------------------------------------------------------------

# One row per mark given (history kept); a column's current mark is its newest row.
timing_marks = sa.Table(
    "timing_marks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset", NAME, nullable=False),
    sa.Column("column_name", NAME, nullable=False),
    sa.Column("mark", sa.String(10), nullable=False),  # before | after
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_timing_marks_dataset", "dataset", "column_name"),
)
