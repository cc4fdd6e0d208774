"""``workbench profile --engine spark`` on pyspark local mode: on the same bins, the counts, IV, AUC, KS and PSI
equal the default engine's; with Spark's own approximate edges they stay close and the output says so. The data
has a bank's shapes: Korean headers, "unknown" codes (-1 in a days-past-due column, 9999 in an income column),
NaN beside null, a column with no value, a 0/1 and a 예/아니오 target, a date and a month-as-text time column.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

if shutil.which("java") is None:
    pytest.skip(
        "Spark tests need Java (scripts/system-deps.sh installs openjdk-17-jre-headless)", allow_module_level=True
    )
pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (pip install -e '.[spark]')")

from workbench.cli import main  # noqa: E402
from workbench.commands._common import load_masked  # noqa: E402
from workbench.errors import UserError  # noqa: E402
from workbench.privacy import fakes  # noqa: E402
from workbench.profile import profile  # noqa: E402
from workbench.profile.stability import _fit_and_count, period_expr  # noqa: E402
from workbench.profile.target import analysis_from_counts, target_counts  # noqa: E402
from workbench.spark.profile import Injected, profile_on_spark  # noqa: E402

ROWS = 3_000
FEW = 50  # columns with more distinct values than this take Spark's approximate road in these tests
TIGHT = 1e-9


def bank(n: int = ROWS, seed: int = 7) -> pl.DataFrame:
    """Loan applications: the score drives default; income has 9999 "unknown", days past due -1 "never
    delinquent" and both NaN and null; 비고 is empty; two targets (0/1, 예/아니오) and two time columns."""
    rng = np.random.default_rng(seed)
    month = rng.integers(0, 6, n)
    income = np.round(rng.lognormal(8.0, 0.6, n) + month * 60.0, 0)
    income[rng.random(n) < 0.03] = 9999.0
    dpd = rng.integers(0, 8, n).astype(np.float64)
    dpd[rng.random(n) < 0.05] = -1.0
    dpd[rng.random(n) < 0.03] = np.nan
    score = rng.normal(600.0, 80.0, n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp((score - 560.0) / 40.0))).astype(np.int64)
    dpd_col = pl.Series("연체일수", dpd).to_list()
    for k in np.flatnonzero(rng.random(n) < 0.03):  # null beside NaN: both are "missing"
        dpd_col[k] = None
    return pl.DataFrame(
        {
            "신청일": [date(2024, 1 + int(m), 1 + int(d)) for m, d in zip(month, rng.integers(0, 28, n), strict=True)],
            "기준월": [f"2024-{1 + int(m):02d}" for m in month],
            "연소득": income,
            "연체일수": pl.Series(dpd_col, dtype=pl.Float64),
            "신용점수": score,
            "등급": rng.choice(["A", "B", "C", "D"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "비고": pl.Series([None] * n, dtype=pl.Float64),
            "부도": y,
            "부도여부": np.where(y == 1, "예", "아니오"),
        }
    )


def run(monkeypatch, capsys, *args: str, lang: str = "en") -> tuple[int, str, str]:
    """``workbench ARGS`` as the console script runs it (errors: one line, exit 2): (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["workbench", "--lang", lang, *args])
    code = 0
    try:
        main()
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    """The bank as a certified Parquet file (through the CLI's own gate), in a workspace of its own."""
    folder = tmp_path_factory.mktemp("bank")
    mp = pytest.MonkeyPatch()
    mp.setenv("WORKBENCH_HOME", str(folder / "home"))
    mp.delenv("WORKBENCH_DB_URL", raising=False)
    path = folder / "대출신청.parquet"
    bank().write_parquet(path)
    yield path, load_masked(path, lazy=True)
    mp.undo()


def _default_specs(table, target: str, time_column: str, few_profile):
    """The default engine's own bins (target and stability), to inject into the Spark run."""
    tc = target_counts(table, target, profile=few_profile.table)
    period = period_expr(time_column, table.schema[time_column])
    frame = table.frame
    labels = frame.select(period.drop_nulls().unique().sort()).to_series()
    index = frame.select(period.replace_strict(labels, pl.int_range(labels.len(), eager=True), default=-1)).to_series()
    feats = [c for c in frame.columns if c not in (target, time_column)]
    specs, _ = _fit_and_count(frame.select(feats), feats, index.to_numpy(), labels.len(), few_profile.table, 0)
    return tc, {s.column: s for s in specs}


@pytest.fixture(scope="module")
def same_bins(spark, certified):
    """Default engine and Spark on the same bins: 0/1 target, time column of dates, most columns on the
    approximate road (``FEW``) so injecting the edges is what makes them equal."""
    path, table = certified
    default = profile(table, target="부도", time_column="신청일")
    tc, psi_specs = _default_specs(table, "부도", "신청일", default)
    inject = Injected(target={s.column: s for s in tc.specs}, stability=psi_specs)
    got = profile_on_spark(
        spark, table, path, target="부도", time_column="신청일", inject=inject, few_levels=FEW, today=date(2025, 1, 1)
    )
    return default, got, tc


@pytest.fixture(scope="module")
def own_bins(spark, certified):
    """Spark's own (approximate) edges: text target 예/아니오, time column of month strings."""
    path, table = certified
    default = profile(table, target="부도여부", time_column="기준월")
    got = profile_on_spark(spark, table, path, target="부도여부", time_column="기준월", few_levels=FEW)
    return default, got


def test_iv_auc_ks_equal_the_default_engine_on_the_same_bins(same_bins):
    default, got, tc = same_bins
    assert {t.feature for t in got.target.tables} == {t.feature for t in default.target.tables}
    for want in default.target.tables:
        have = got.target.table(want.feature)
        assert [(b.label, b.events, b.non_events) for b in have.bins] == [
            (b.label, b.events, b.non_events) for b in want.bins
        ], want.feature
        assert abs(have.iv - want.iv) <= TIGHT and abs(have.auc - want.auc) <= TIGHT and abs(have.ks - want.ks) <= TIGHT
    assert got.target.event == default.target.event == "1"
    assert (got.target.rows, got.target.events) == (default.target.rows, default.target.events)
    assert got.target.table("신용점수").iv > 1.0  # the score does separate: the comparison is not of zeros
    assert analysis_from_counts(tc).table("신용점수").iv == pytest.approx(default.target.table("신용점수").iv, abs=0)


def test_psi_equals_the_default_engine_on_the_same_bins_by_month_of_a_date(same_bins):
    default, got, _ = same_bins
    assert got.stability.periods == default.stability.periods == tuple(f"2024-{m:02d}" for m in range(1, 7))
    assert got.stability.period_rows == default.stability.period_rows
    for want in default.stability.features:
        have = got.stability.feature(want.feature)
        assert have.counts == want.counts, want.feature
        assert max(abs(a - b) for a, b in zip(have.psi, want.psi, strict=True)) <= TIGHT
    assert got.stability.feature("연소득").max_psi > 0.05  # income drifts month by month in the data


def test_special_codes_and_missing_get_bins_of_their_own(same_bins):
    _, got, _ = same_bins
    income = {b.label: b for b in got.target.table("연소득").bins}
    assert "= 9,999" in income and income["= 9,999"].kind == "special" and income["= 9,999"].total > 50
    assert all(b.upper is None or b.upper <= 9999 for b in income.values() if b.kind == "range")
    dpd = {b.label: b for b in got.target.table("연체일수").bins}
    assert dpd["= -1"].kind == "special" and dpd["= -1"].total > 100
    nulls_and_nan = got.table.column("연체일수").missing
    assert dpd["missing"].total == nulls_and_nan > 100  # NaN and null together, as the default engine bins them
    empty = got.target.table("비고").bins
    assert [b.kind for b in empty if b.total] == ["missing"]


def test_column_statistics_match_the_default_engine(same_bins):
    default, got, _ = same_bins
    for want in default.table.columns:
        have = got.table.column(want.name)
        assert (have.kind, have.n_null, have.n_nan, have.rows) == (want.kind, want.n_null, want.n_nan, want.rows)
        assert [c.value for c in have.special_codes] == [c.value for c in want.special_codes], want.name
        if want.mean is not None:
            assert have.mean == pytest.approx(want.mean, rel=1e-9) and have.std == pytest.approx(want.std, rel=1e-9)
            assert (have.min, have.max) == (want.min, want.max)
            assert have.skew == pytest.approx(want.skew, rel=1e-6) and have.kurtosis == pytest.approx(
                want.kurtosis, rel=1e-6
            )
        if want.distinct_exact and have.distinct_exact:
            assert have.distinct == want.distinct
        else:  # HyperLogLog on Spark (relative standard deviation 5 %), and the output says it is approximate
            assert abs(have.distinct - want.distinct) <= 0.15 * want.distinct
    score = got.table.column("신용점수")
    assert not score.distinct_exact and score.quantiles_sampled  # approximate, and flagged so
    for q, v in score.quantiles:
        assert v == pytest.approx(default.table.column("신용점수").quantile(q), rel=0.01)
    assert got.table.column("연소득").mean < 9000  # the 9999 codes are left out of the moments
    assert got.table.duplicate_rows == default.table.duplicate_rows == 0


def test_approximate_edges_stay_close_and_are_named(own_bins):
    default, got = own_bins
    assert got.target.event == default.target.event == "예"
    assert set(got.target.approximate_edges) == {"연소득", "신용점수"}  # many values: percentile_approx
    assert "연체일수" not in got.target.approximate_edges  # few values: exact edges from value counts
    for want in default.target.tables:
        have = got.target.table(want.feature)
        tol = 0.02 * want.iv + 1e-3 if want.feature in got.target.approximate_edges else TIGHT
        assert abs(have.iv - want.iv) <= tol, (want.feature, have.iv, want.iv)
        assert abs(have.auc - want.auc) <= (0.005 if tol > TIGHT else TIGHT)
    assert set(got.stability.approximate_edges) == {"연소득", "신용점수"}


def test_psi_by_month_of_a_month_kept_as_text(own_bins):
    default, got = own_bins
    assert got.stability.time_column == "기준월"
    assert got.stability.periods == default.stability.periods == tuple(f"2024-{m:02d}" for m in range(1, 7))
    assert got.stability.period_rows == default.stability.period_rows
    assert "신청일" not in {f.feature for f in got.stability.features}  # a date is not binned for PSI
    for want in default.stability.features:
        have = got.stability.feature(want.feature)
        if want.feature in got.stability.approximate_edges:
            assert have.max_psi == pytest.approx(want.max_psi, abs=0.02)
        else:
            assert have.counts == want.counts
    for result in (default, got):  # a date inside its month is not "after" a month kept as text
        assert not any(a.code == "leakage_suspect" and a.column == "신청일" for a in result.alerts)


def test_cli_json_reports_approximate_edges_and_each_spark_step(spark, certified, workspace, monkeypatch, capsys):
    path, _ = certified
    args = ["profile", str(path), "--engine", "spark", "--target", "부도", "--time-col", "신청일", "--json"]
    code, stdout, stderr = run(monkeypatch, capsys, *args)
    assert code == 0, stderr
    out = json.loads(stdout)
    rows = {r["feature"]: r for r in out["target"]}
    assert rows["연체일수"]["approximate_edges"] is False and out["rows"] == ROWS
    assert {r["feature"] for r in out["stability"]} >= {"연소득", "신용점수", "등급"}
    assert "Spark: value counts" in stderr and "Spark: counts per feature × bin × target × period" in stderr
    assert spark.sparkContext._jsc is not None  # the test's session was reused and left running


def test_cli_names_approximate_edges_on_the_console(spark, tmp_path, workspace, monkeypatch, capsys):
    path = tmp_path / "wide.parquet"
    n = 30_000  # more than FEW_LEVELS distinct scores: the default road is approximate
    rng = np.random.default_rng(3)
    score = rng.normal(600, 80, n)
    pl.DataFrame({"점수": score, "부도": (score < 520).astype(np.int64)}).write_parquet(path)
    code, stdout, stderr = run(monkeypatch, capsys, "profile", str(path), "--engine", "spark", "--target", "부도")
    assert code == 0, stderr
    assert "Bin edges from approximate quantiles (Spark percentile_approx): 점수" in stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "없는컬럼"], "없는컬럼"),
        (["--time-col", "연소득"], "연소득"),  # a number is no time column
    ],
)
def test_bad_columns_are_one_line_errors_before_spark_starts(certified, workspace, monkeypatch, capsys, args, needle):
    path, _ = certified
    for lang in ("en", "ko"):
        code, _out, stderr = run(monkeypatch, capsys, "profile", str(path), "--engine", "spark", *args, lang=lang)
        assert code == 2 and stderr.count("\n") == 1 and stderr.startswith("error: ") and needle in stderr


def test_a_file_changed_after_certification_is_refused(spark, tmp_path, workspace):
    path = tmp_path / "bank.parquet"
    bank(200).write_parquet(path)
    table = load_masked(path, lazy=True)
    bank(200, seed=8).write_parquet(path)  # another file under the certified name
    with pytest.raises(UserError) as err:
        profile_on_spark(spark, table, path)
    assert err.value.key == "profile.spark.changed"


def test_pii_is_refused_with_the_default_engines_message(tmp_path, workspace, monkeypatch, capsys):
    path = tmp_path / "raw.parquet"
    rrn = fakes.rrn(np.random.default_rng(1), 300)
    pl.DataFrame({"주민등록번호": rrn, "부도": [k % 2 for k in range(300)]}).write_parquet(path)
    on_spark = run(monkeypatch, capsys, "profile", str(path), "--engine", "spark")
    default = run(monkeypatch, capsys, "profile", str(path))
    assert on_spark[0] == default[0] == 2
    assert on_spark[2] == default[2] and "workbench mask" in on_spark[2] and on_spark[2].count("\n") == 1


def test_a_file_spark_cannot_read_as_certified_is_refused(tmp_path, workspace, monkeypatch, capsys):
    path = tmp_path / "bank.csv"
    bank(100).write_csv(path)
    code, _out, stderr = run(monkeypatch, capsys, "profile", str(path), "--engine", "spark")
    assert code == 2 and stderr.startswith("error: --engine spark reads Parquet files only")


def test_no_java_is_one_line(certified, workspace, monkeypatch, capsys):
    path, _ = certified
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(pyspark_sql.SparkSession, "getActiveSession", classmethod(lambda cls: None))
    for lang, words in (("en", "Spark needs Java"), ("ko", "Java가 없습니다")):
        code, _out, stderr = run(monkeypatch, capsys, "profile", str(path), "--engine", "spark", lang=lang)
        assert code == 2 and stderr.count("\n") == 1 and words in stderr


def test_a_master_spark_does_not_know_is_one_line_before_a_jvm_starts(certified, workspace, monkeypatch, capsys):
    path, _ = certified
    monkeypatch.setattr(pyspark_sql.SparkSession, "getActiveSession", classmethod(lambda cls: None))
    for lang, words in (
        ("en", "Spark master 'nowhere://x' is not a master URL"),
        ("ko", "'nowhere://x'을(를) 알 수 없습니다"),
    ):
        args = ["profile", str(path), "--engine", "spark", "--master", "nowhere://x"]
        code, _out, stderr = run(monkeypatch, capsys, *args, lang=lang)
        assert code == 2 and stderr.count("\n") == 1 and stderr.startswith("error: ") and words in stderr


def test_a_master_that_fails_to_start_is_one_line(certified, tmp_path):
    """A master Spark accepts but cannot start (a malformed local[…]) in a fresh process (the module's session
    would be reused otherwise): exit 2, one error line, no Python traceback."""
    path, _ = certified
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path), "WORKBENCH_LANG": "en"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    cmd = [sys.executable, "-m", "workbench", "profile", str(path), "--engine", "spark", "--master", "local[0]"]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 2, res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Spark did not start on 'local[0]'" in errors[0]
    assert "Traceback" not in res.stderr


def test_reports_name_the_features_cut_at_approximate_quantiles(own_bins):
    from workbench.i18n import t
    from workbench.report import excel_report, html_report
    from workbench.report.json import profile_json
    from workbench.report.tables import iv_frame, psi_frame

    default, got = own_bins
    note = t("profile.spark.approximate_edges_note", columns=", ".join(got.target.approximate_edges))
    assert note in html_report(got) and "percentile_approx" not in html_report(default)
    table = iv_frame(got.target)
    edges = dict(zip(table[t("profile.col.feature")], table[t("profile.col.edges")], strict=True))
    assert edges["연소득"] == t("profile.approximate") and edges["연체일수"] == t("profile.exact")
    assert t("profile.col.edges") in psi_frame(got.stability).columns
    assert t("profile.col.edges") not in iv_frame(default.target).columns  # the default engine's tables unchanged
    rows = {r["feature"]: r["approximate_edges"] for r in profile_json(got)["target"]}
    assert rows["신용점수"] is True and rows["등급"] is False
    assert excel_report(got)[:2] == b"PK"  # the workbook still writes


def test_a_date_gap_spark_does_not_compute_reads_as_missing_not_zero(same_bins):
    """신청일 has more distinct dates than FEW: Spark takes no gap between them, and says nothing rather than 0."""
    from workbench.i18n import t
    from workbench.report.tables import column_stats_frame

    default, got, _ = same_bins
    want, have = default.table.column("신청일"), got.table.column("신청일")
    assert want.date_largest_gap_days is not None and want.date_largest_gap_days > 0
    assert have.date_largest_gap_days is None and have.date_min == want.date_min
    shown = dict(column_stats_frame(have).iter_rows())
    assert t("table.missing") in shown.values() and "None" not in shown.values()
