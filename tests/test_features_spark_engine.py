"""``workbench features --engine spark``: the feature table computed on Spark (local mode) equals the polars
engine's, column for column and type for type, on the bank with ratios, limit use and transforms and on the
relational bank (lookups, a bridge, undated children, poisoned at and after every cutoff); every input passes
the privacy gate (a file with PII is refused in the polars engine's words, a metastore table needs a
certification whose fingerprint still matches); a bad master or a missing table is one line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

if shutil.which("java") is None:
    pytest.skip(
        "Spark tests need Java (scripts/system-deps.sh installs openjdk-17-jre-headless)", allow_module_level=True
    )
pytest.importorskip("pyspark.sql", reason="pyspark is not installed (pip install -e '.[spark]')")

from click.testing import CliRunner
from conftest import ROOT
from test_features_generate import SCHEMA as BANK_SCHEMA
from test_features_generate import masked
from test_features_sql import case  # noqa: F401  (the bank with ratios, limit use and transforms)
from test_features_sql_relational import case as relational_case  # noqa: F401

from workbench.cli import cli
from workbench.privacy.gate import GateError
from workbench.spark.features import SparkFeatureEngine, plan_queries
from workbench.spark.session import spark_session

# per query: one 325-feature query once took 51–75 s to plan on 2 cores; a cold JVM at load 20+ took 12 s for 85
PLANNING_BUDGET_S = 30.0


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One local[2] session for the module, its metastore (in-memory catalog) and warehouse in tmp."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    session = spark_session(
        "local[2]",
        app_name="workbench-features-test",
        conf={
            "spark.ui.enabled": "false",
            "spark.sql.adaptive.enabled": "false",  # re-planning each stage costs more than it saves on a few rows
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.driver.memory": "1g",
            "spark.sql.warehouse.dir": str(warehouse),
            "spark.sql.catalogImplementation": "in-memory",
        },
    )
    yield session
    session.stop()


def as_views(spark, folder, frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Each frame written as Parquet (nulls stay nulls) and read by Spark under a view name."""
    views = {}
    for name, frame in frames.items():
        path = folder / f"{name}.parquet"
        frame.write_parquet(path)
        spark.read.parquet(str(path)).createOrReplaceTempView(f"wb_{name}")
        views[name] = f"wb_{name}"
    return views


def assert_equal_tables(expected: pl.DataFrame, got: pl.DataFrame) -> int:
    """Same columns in the same order with the same types; every value equal (floats to 1e-9 relative:
    Spark sums in another order). Returns the number of columns compared."""
    assert got.columns == expected.columns
    assert got.schema == expected.schema, {
        c: (expected.schema[c], got.schema[c]) for c in got.columns if got.schema[c] != expected.schema[c]
    }
    differ = []
    for c in expected.columns:
        a, b = expected[c], got[c]
        if a.dtype.is_float():
            same = (a.is_null() & b.is_null()) | ((a - b).abs() <= 1e-9 * (1 + a.abs())).fill_null(False)
            same = same | (a.is_nan() & b.is_nan()).fill_null(False)
            ok = bool(same.all())
        else:
            ok = a.equals(b, check_dtypes=True)
        if not ok:
            differ.append(c)
    assert not differ, f"{len(differ)} of {len(expected.columns)} columns differ, e.g. {differ[:5]}"
    return len(expected.columns)


def test_spark_engine_equals_polars_on_the_bank_with_ratios_limit_use_and_transforms(spark, case, tmp_path):  # noqa: F811
    frames, rel, specs, expected = case
    engine = SparkFeatureEngine(spark, as_views(spark, tmp_path, frames))
    seen = []
    got = engine(rel, masked(frames), specs, progress=lambda f, m: seen.append((f, m))).frame
    compared = assert_equal_tables(expected, got)
    print(f"spark engine: {compared} columns equal ({len(specs)} features); queries: {engine.to_dict()['queries']}")
    assert len(engine.runs) >= 3 and all(r.features <= engine.limit for r in engine.runs)
    assert max(r.planned_s for r in engine.runs) < PLANNING_BUDGET_S
    assert seen[-1] == (1.0, "") and any(m.startswith("transactions") for _, m in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)  # progress never goes back


def test_spark_engine_equals_polars_on_lookups_bridges_and_undated_tables(spark, relational_case, tmp_path):  # noqa: F811
    frames, rel, specs, expected = relational_case
    engine = SparkFeatureEngine(spark, as_views(spark, tmp_path, frames))
    got = engine(rel, masked(frames), specs).frame
    compared = assert_equal_tables(expected, got)
    print(f"spark engine, relational: {compared} columns equal ({len(specs)} features)")


def test_progress_comes_from_the_tasks_spark_has_done(spark):
    from workbench.spark.session import job_progress

    seen = []
    with job_progress(spark, lambda f, m: seen.append((f, m)), "transactions (1/3)", every=0.02):
        spark.range(0, 30_000_000, numPartitions=40).selectExpr("sum(sqrt(id)) AS s").collect()
    assert seen, "no progress while 40 tasks ran"
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] <= 1
    assert {m for _, m in seen} == {"transactions (1/3)"}


def test_a_path_with_many_features_is_split_by_window_never_past_the_limit(case):  # noqa: F811
    frames, rel, specs, _ = case
    columns = {n: f.columns for n, f in frames.items()}
    queries = plan_queries(rel, specs, columns, limit=50)
    tx = [q for q in queries if q.path[0] == "transactions"]
    assert len(tx) >= 4 and all(len(q.specs) <= 50 for q in queries)
    planned = [s for q in queries for s in q.specs]
    assert sorted(s.name for s in planned) == sorted(s.name for s in specs if s.is_event or s.aggregation in
                                                     ("attribute", "tenure_days"))  # fmt: skip
    assert all(len(q.windows) <= 2 for q in tx)  # windows stay together: a query reads one lookback


# --- the command ------------------------------------------------------------------------------------------


def write_bank(folder, frames: dict[str, pl.DataFrame], spec: dict | None = None) -> str:
    """The bank as Parquet files and a spec naming them."""
    spec = yaml.safe_load(yaml.safe_dump(spec or BANK_SCHEMA))
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
        if name in spec["tables"]:
            spec["tables"][name]["path"] = f"{name}.parquet"
    spec["label"]["path"] = f"{spec['label']['table']}.parquet"
    spec.update({"windows": [30, 90], "trend": None})
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def small_bank():
    from test_features_generate import bank_frames

    return bank_frames(customers=60, per_customer=12)


def test_the_command_writes_the_polars_engines_table_and_scores(spark, small_bank, tmp_path, workspace):
    spec = write_bank(tmp_path, small_bank)
    runner = CliRunner()
    polars_out, spark_out = tmp_path / "polars.parquet", tmp_path / "spark.parquet"
    by_polars = runner.invoke(cli, ["features", "--spec", spec, "-o", str(polars_out), "--json"])
    assert by_polars.exit_code == 0, by_polars.output
    by_spark = runner.invoke(
        cli, ["features", "--spec", spec, "-o", str(spark_out), "--json", "--engine", "spark", "--master", "local[2]"]
    )
    assert by_spark.exit_code == 0, by_spark.output
    compared = assert_equal_tables(pl.read_parquet(polars_out), pl.read_parquet(spark_out))
    a, b = json.loads(by_polars.stdout), json.loads(by_spark.stdout)
    assert [(f["name"], f["iv"], f["selected"]) for f in a["features"]] == [
        (f["name"], f["iv"], f["selected"]) for f in b["features"]
    ]
    assert b["spark"]["queries"] and all(q["planned_s"] >= 0 for q in b["spark"]["queries"])
    assert re.search(r"^Spark \d+% (customers|accounts|transactions) \(\d/\d\)$", by_spark.stderr, re.M)
    assert compared == pl.read_parquet(polars_out).width
    assert spark.sparkContext._jsc is not None  # the command left the already running session alone


def test_a_file_with_personal_data_is_refused_in_the_polars_engines_words(spark, small_bank, tmp_path, workspace):
    phones = small_bank["transactions"].with_columns(
        (pl.lit("010-") + (pl.int_range(pl.len()) % 9000 + 1000).cast(pl.String) + pl.lit("-5678")).alias("memo_phone")
    )
    spec = write_bank(tmp_path, {**small_bank, "transactions": phones})
    runner = CliRunner()
    refused = {}
    for engine in ("polars", "spark"):
        result = runner.invoke(cli, ["features", "--spec", spec, "-o", str(tmp_path / "x.parquet"), "--engine", engine])
        assert isinstance(result.exception, GateError), result.output
        refused[engine] = result.exception.message("en")
    assert refused["spark"] == refused["polars"] and "memo_phone" in refused["spark"]
    assert not (tmp_path / "x.parquet").exists()


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_a_bad_master_is_one_line_and_exit_2_in_both_languages(small_bank, tmp_path):
    spec = write_bank(tmp_path, small_bank)
    out = str(tmp_path / "x.parquet")
    bad = run_cli("features", "--spec", spec, "-o", out, "--engine", "spark", "--master", "localhost:7077")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: Spark master 'localhost:7077' is not a master URL: use local[*], local[4], yarn, spark://host:port,"
        " k8s://… or a Spark Connect sc://host:port."
    ]
    from_env = run_cli("features", "--spec", spec, "-o", out, "--engine", "spark", env={"WORKBENCH_SPARK_MASTER": "x"})
    assert from_env.returncode == 2 and "Spark master 'x'" in from_env.stderr
    korean = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "ko", "features", "--spec", spec, "-o", out, "--engine",
         "spark", "--master", "localhost:7077"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert korean.returncode == 2 and korean.stderr.startswith("error: Spark 마스터 주소 'localhost:7077'")


def test_without_java_the_command_says_what_to_install(small_bank, tmp_path):
    spec = write_bank(tmp_path, small_bank)
    env = {"JAVA_HOME": "", "PATH": str(tmp_path)}
    result = run_cli("features", "--spec", spec, "-o", str(tmp_path / "x.parquet"), "--engine", "spark", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: Spark needs Java: install openjdk-17-jre-headless (scripts/system-deps.sh) or set JAVA_HOME."
    ]


def test_a_spec_with_a_metastore_table_needs_the_spark_engine(small_bank, tmp_path):
    spec_data = yaml.safe_load(yaml.safe_dump(BANK_SCHEMA))
    spec_data["tables"]["transactions"]["table"] = "dw.card_tx"
    spec = write_bank(tmp_path, small_bank, spec_data)
    data = yaml.safe_load(Path(spec).read_text(encoding="utf-8"))
    del data["tables"]["transactions"]["path"]
    Path(spec).write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run_cli("features", "--spec", spec, "-o", str(tmp_path / "x.parquet"))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: 'transactions' is a metastore table (dw.card_tx): run with --engine spark."


# --- metastore tables (table: db.name) ---------------------------------------------------------------------


def to_metastore(spark, folder, frames: dict[str, pl.DataFrame], database: str) -> None:
    """The frames as managed tables of ``database`` in the session's catalog (warehouse in tmp)."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
    for name, frame in frames.items():
        path = folder / f"{database}-{name}.parquet"
        frame.write_parquet(path)
        spark.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"{database}.{name}")


def metastore_spec(folder, database: str, names=("customers", "accounts", "transactions", "loans")) -> str:
    """The bank's spec with every table read from the metastore, the label (loans) too."""
    spec = yaml.safe_load(yaml.safe_dump(BANK_SCHEMA))
    spec["tables"]["loans"] = {"table": f"{database}.loans", "key": "loan_id"}
    for name in names:
        if name != "loans":
            spec["tables"][name]["table"] = f"{database}.{name}"
    spec.update({"windows": [30, 90], "trend": None})
    path = folder / f"{database}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return str(path)


def features_on_spark(spec: str, out) -> object:
    return CliRunner().invoke(
        cli, ["features", "--spec", spec, "-o", str(out), "--json", "--engine", "spark", "--master", "local[2]"]
    )


def test_metastore_tables_once_certified_give_the_polars_engines_table(spark, small_bank, tmp_path, workspace):
    to_metastore(spark, tmp_path, small_bank, "bank_a")
    spec = metastore_spec(tmp_path, "bank_a")
    refused = features_on_spark(spec, tmp_path / "x.parquet")
    assert isinstance(refused.exception, GateError)
    assert refused.exception.message("en").startswith("'bank_a.")
    assert "never certified" in refused.exception.message("en")
    assert "인증되지 않은" in refused.exception.message("ko") and not (tmp_path / "x.parquet").exists()
    for name in small_bank:
        done = CliRunner().invoke(cli, ["certify-table", f"bank_a.{name}", "--json"])
        assert done.exit_code == 0, done.output
        record = json.loads(done.stdout)
        assert record["rows"] == small_bank[name].height and len(record["fingerprint"]) == 32
    result = features_on_spark(spec, tmp_path / "spark.parquet")
    assert result.exit_code == 0, result.output
    by_polars = CliRunner().invoke(
        cli, ["features", "--spec", write_bank(tmp_path, small_bank), "-o", str(tmp_path / "p.parquet")]
    )
    assert by_polars.exit_code == 0, by_polars.output
    expected, got = pl.read_parquet(tmp_path / "p.parquet"), pl.read_parquet(tmp_path / "spark.parquet")
    compared = assert_equal_tables(expected, got)
    print(f"spark engine on metastore tables: {compared} columns equal")
    from workbench.store import Store

    with Store.open() as store:
        actions = [e.action for e in store.audit.list()]
    assert actions.count("privacy.spark_certified") == 4


def test_a_metastore_table_changed_since_its_certification_is_refused(spark, small_bank, tmp_path, workspace):
    to_metastore(spark, tmp_path, small_bank, "bank_b")
    for name in small_bank:
        assert CliRunner().invoke(cli, ["certify-table", f"bank_b.{name}"]).exit_code == 0
    more = small_bank["transactions"].head(1).with_columns(pl.col("tx_id") + 10_000_000)
    more.write_parquet(tmp_path / "more.parquet")
    spark.read.parquet(str(tmp_path / "more.parquet")).write.mode("append").saveAsTable("bank_b.transactions")
    result = features_on_spark(metastore_spec(tmp_path, "bank_b"), tmp_path / "x.parquet")
    assert isinstance(result.exception, GateError)
    rows = small_bank["transactions"].height
    assert result.exception.message("en") == (
        f"'bank_b.transactions' changed since it was certified (now {rows + 1} rows, {rows} then, or other values):"
        " certify it again with `workbench certify-table bank_b.transactions`."
    )


def test_a_metastore_table_with_personal_data_is_refused_and_not_recorded(spark, small_bank, tmp_path, workspace):
    phones = small_bank["customers"].with_columns(
        (pl.lit("010-") + (pl.int_range(pl.len()) % 9000 + 1000).cast(pl.String) + pl.lit("-5678")).alias("phone")
    )
    to_metastore(spark, tmp_path, {"customers": phones}, "bank_c")
    result = CliRunner().invoke(cli, ["certify-table", "bank_c.customers"])
    assert isinstance(result.exception, GateError)
    assert result.exception.message("en").startswith("'bank_c.customers' has columns that look like personal data")
    assert "phone (phone)" in result.exception.message("en")
    from workbench.store import Store

    with Store.open() as store:
        assert not store.audit.list(action="privacy.spark_certified")


def test_a_missing_metastore_table_is_one_line(spark, tmp_path, workspace):
    spark.sql("CREATE DATABASE IF NOT EXISTS bank_d")
    result = CliRunner().invoke(cli, ["certify-table", "bank_d.nope"])
    assert result.exception is not None
    assert result.exception.message("en") == (
        "Table 'bank_d.nope' is not in the metastore: check the database and table name (db.name)."
    )
