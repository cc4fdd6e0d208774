"""Features on a relational bank schema: lookups, a bridge, undated children, dated grandchildren, file names
unlike table names, spec checks, timing flags; the data comes from ``features.synthetic_relational``."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from polars.testing import assert_frame_equal

from workbench.cli import cli
from workbench.features.checks import SpecCheckError, ensure_valid
from workbench.features.generate import generate
from workbench.features.pipeline import build_features
from workbench.features.plan import PlanOptions, plan_features
from workbench.features.project import FeatureProject
from workbench.features.relations import Relations
from workbench.features.scoring import score_features
from workbench.features.selection import Thresholds, select_features
from workbench.features.synthetic_relational import FILES, SCHEMA, make_relational_bank, poison, write_relational_bank
from workbench.io.table import Table
from workbench.privacy.gate import certify
from workbench.profile.stability import psi_null


@pytest.fixture(scope="module")
def small_bank():
    return make_relational_bank(accounts=200, loans=150, tx_per_account=20, seed=5)


def write_spec(folder: Path, spec: dict) -> str:
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return str(path)


def run_cli(spec_path: str, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["--lang", "en", "features", "--spec", spec_path, "-o", str(out), *extra])


# --- finding 1: file names independent of table names ---------------------------------------------------


def test_tables_and_the_label_read_from_files_named_unlike_the_tables(tmp_path, small_bank, workspace):
    spec = write_relational_bank(small_bank, tmp_path)
    spec["tables"] = {n: spec["tables"][n] for n in ("account", "transaction")}
    spec["tables"]["account"] = {"path": FILES["account"], "key": "account_id"}
    assert spec["label"]["path"] == "loan_x.parquet" and spec["tables"]["account"]["path"] == "account_x.parquet"
    out = tmp_path / "features.parquet"
    result = run_cli(write_spec(tmp_path, spec), out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rows"] == small_bank["loan"].height
    assert any(f["name"].startswith("tx_count_90d") for f in data["features"])
    # finding 5: a text target (good/bad) is read as the profile reads it, and the output says which is the event
    assert data["target"] == {"column": "status", "event": "bad"}
    assert all(f["iv"] is not None for f in data["features"] if f["name"].startswith("tx_count"))
    assert pl.read_parquet(out)["loan_id"].to_list() == small_bank["loan"]["loan_id"].to_list()


def test_the_label_and_a_table_may_share_one_file(tmp_path, small_bank, workspace):
    """One file named by two tables of the spec is certified once and read under both names."""
    spec = write_relational_bank(small_bank, tmp_path)
    tx = {k: v for k, v in spec["tables"]["transaction"].items() if k not in ("parent", "parent_key")}
    spec["tables"] = {"transaction": tx, "loan": {"path": FILES["loan"]}}
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "features", "--spec", write_spec(tmp_path, spec), "-o", "o.parquet"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_env(), "WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "unexpected" not in proc.stderr


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --- deliver 3 and finding 5: the spec is checked before anything runs ---------------------------------------


def masked(frames: dict[str, pl.DataFrame]):
    return {name: certify(Table(name, frame), findings=()) for name, frame in frames.items()}


def problems(schema: dict, frames: dict[str, pl.DataFrame], lang: str = "en") -> list[str]:
    with pytest.raises(SpecCheckError) as err:
        ensure_valid(Relations.from_dict(schema), masked(frames))
    return err.value.lines(lang)


def changed(schema: dict, table: str, **conf) -> dict:
    out = copy.deepcopy(schema)
    out["tables"][table].update(conf)
    return {**out, "tables": {n: {k: v for k, v in c.items() if v is not None} for n, c in out["tables"].items()}}


def test_the_relational_spec_as_written_passes_every_check(small_bank):
    coding = ensure_valid(Relations.from_dict(SCHEMA), masked(small_bank.tables))
    assert coding is not None and coding.event == "bad" and coding.non_event == "good"


def test_a_table_nothing_links_to_the_label_is_named(small_bank):
    schema = changed(SCHEMA, "district", parent=None, parent_key=None)  # region is now linked by nobody
    assert problems(schema, small_bank.tables) == [
        "Nothing links table 'region' to the label 'loan' (account_id); add parent or parents."
    ]


def test_a_key_that_is_not_unique_is_named_with_its_duplicate_count(small_bank):
    district = small_bank["district"]
    frames = {**small_bank.tables, "district": pl.concat([district, district.head(3)])}
    assert problems(SCHEMA, frames) == [
        "Table 'district': key 'district_id' is not unique (3 duplicate rows); joining on it would multiply rows."
    ]


def test_missing_link_by_and_target_columns_are_each_one_line(small_bank):
    schema = changed(SCHEMA, "disposition", parents={"account": "account_id", "client": "clientid"})
    schema = changed(schema, "transaction", by=["chanel"])
    schema["label"] = {**schema["label"], "target": "stat"}
    assert problems(schema, small_bank.tables) == [
        "The label table 'loan' has no target column 'stat'.",
        "Table 'disposition' has no link column 'clientid'.",
        "Table 'transaction' has no by column 'chanel'.",
    ]


def test_a_target_with_three_values_is_refused_by_name(small_bank):
    loan = small_bank["loan"].with_columns(
        pl.when(pl.int_range(pl.len()) % 10 == 0).then(pl.lit("unknown")).otherwise("status").alias("status")
    )
    assert problems(SCHEMA, {**small_bank.tables, "loan": loan}) == [
        "The label's target column 'status' holds 3 distinct values; it needs exactly two (e.g. 0/1, good/bad, Y/N)."
    ]


@pytest.mark.parametrize(
    ("bad", "good"), [("bad", "good"), ("Y", "N"), ("예", "아니오"), ("yes", "no"), ("1", "0"), (True, False)]
)
def test_text_and_boolean_targets_are_read_as_the_profile_reads_them(small_bank, bad, good):
    is_bad = small_bank["loan"]["status"] == "bad"
    loan = small_bank["loan"].with_columns(pl.when(is_bad).then(pl.lit(bad)).otherwise(pl.lit(good)).alias("status"))
    coding = ensure_valid(Relations.from_dict(SCHEMA), masked({**small_bank.tables, "loan": loan}))
    assert coding.event == (None if isinstance(bad, bool) else bad)
    values = loan.select(coding.expr()).to_series()
    assert values.to_list() == is_bad.cast(pl.Float64).to_list()


def test_the_cli_prints_every_problem_as_one_error_line_and_exits_2(tmp_path, small_bank, workspace):
    spec = write_relational_bank(small_bank, tmp_path)
    spec["tables"]["standing_order"]["by"] = ["purpos"]
    spec["label"]["target"] = "default"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "--lang",
            "en",
            "features",
            "--spec",
            write_spec(tmp_path, spec),
            "-o",
            "o.pq",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_env(), "WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: The label table 'loan' has no target column 'default'.",
        "error: Table 'standing_order' has no by column 'purpos'.",
    ]


# --- deliver 1: every link walked from the label entity ---------------------------------------------------------


@pytest.fixture(scope="module")
def built(small_bank):
    rel = Relations.from_dict(SCHEMA)
    tables = masked(small_bank.tables)
    specs = plan_features(rel, tables, PlanOptions(windows=(90, 365), trend=None))
    return rel, specs, generate(rel, tables, specs).frame


def by_name(specs):
    return {s.name: s for s in specs}


def test_every_relationship_shape_gets_features_with_its_timing(built):
    rel, specs, _ = built
    paths = {p.tables: p for p in rel.paths({n: list(c["columns"]) for n, c in _columns(rel).items()})}
    assert paths[("district", "account")].row_table is None  # a lookup: one value per account
    assert paths[("region", "district", "account")].row_table is None  # a lookup of a lookup
    assert paths[("standing_order",)].row_table == "standing_order" and not paths[("standing_order",)].dated
    assert paths[("client", "disposition")].row_table == "disposition"  # across the bridge
    assert paths[("district", "client", "disposition")].row_table == "disposition"  # stacked one level deeper
    assert paths[("card", "disposition")].dated  # a dated grandchild through the bridge
    names = by_name(specs)
    expected = {
        "acct_district_unemployment": "snapshot",
        "acct_district_region_gdp_index": "snapshot",
        "order_amount_sum_all": "snapshot",
        "order_count_all__대출상환": "snapshot",
        "disp_count_all__DISPONENT": "snapshot",
        "disp_client_count_all__F": "snapshot",
        "disp_client_birth_date_tenure_min_all": "snapshot",
        "disp_client_district_unemployment_mean_all": "snapshot",
        "card_count_365d": "before_cutoff",
        "tx_amount_sum_90d": "before_cutoff",
        "label_cutoff_month": "before_cutoff",
    }
    assert {n: names[n].timing for n in expected} == expected


def _columns(rel):
    bank = make_relational_bank(accounts=20, loans=5, tx_per_account=2)
    return {n: {"columns": f.columns} for n, f in bank.tables.items()}


def test_lookup_bridge_and_undated_values_match_hand_computations(small_bank, built):
    _, _, frame = built
    bank = small_bank
    row = frame.row(7, named=True)
    account, cutoff = row["account_id"], row["granted_at"]
    acc = bank["account"].filter(pl.col("account_id") == account).row(0, named=True)
    district = bank["district"].filter(pl.col("district_id") == acc["district_id"]).row(0, named=True)
    region = bank["region"].filter(pl.col("region_id") == district["region_id"]).row(0, named=True)
    assert row["acct_district_unemployment"] == district["unemployment"]
    assert row["acct_district_region_gdp_index"] == region["gdp_index"]
    orders = bank["standing_order"].filter(pl.col("account_id") == account)
    assert row["order_count_all"] == orders.height  # every standing order, not the first one (finding 2)
    assert row["order_amount_sum_all"] == orders["amount"].sum()
    clients = (
        bank["disposition"].filter(pl.col("account_id") == account).join(bank["client"], on="client_id", how="inner")
    )
    assert row["disp_count_all"] == clients.height
    assert row["disp_client_count_all__F"] == (clients["gender"] == "F").sum()
    youngest = max(clients["birth_date"])
    assert row["disp_client_birth_date_tenure_min_all"] == (cutoff - youngest).days
    dist = clients.join(bank["district"], on="district_id")
    assert row["disp_client_district_unemployment_mean_all"] == pytest.approx(dist["unemployment"].mean())


def test_an_account_with_several_standing_orders_aggregates_all_of_them(small_bank, built):
    """Finding 2: an undated one-to-many table was read as attributes of its first row."""
    _, specs, frame = built
    counts = small_bank["standing_order"].group_by("account_id").agg(n=pl.len(), total=pl.col("amount").sum())
    several = frame.join(counts.filter(pl.col("n") >= 2), on="account_id")
    assert several.height > 10
    assert (several["order_count_all"] == several["n"]).all()
    assert (several["order_amount_sum_all"] == several["total"]).all()
    assert not any(s.aggregation == "attribute" and s.source == "standing_order" for s in specs)


def test_dated_grandchildren_count_only_cards_issued_before_the_cutoff(small_bank, built):
    _, _, frame = built
    cards = small_bank["card"].join(small_bank["disposition"], on="disp_id")
    for row in frame.head(40).iter_rows(named=True):
        at = datetime.combine(row["granted_at"], datetime.min.time())
        mine = cards.filter(pl.col("account_id") == row["account_id"])
        before = mine.filter((pl.col("issued_at") < at) & (pl.col("issued_at") >= at - timedelta(days=365)))
        assert row["card_count_365d"] == before.height


def test_values_planted_at_and_after_every_cutoff_never_change_a_feature(small_bank, built):
    rel, specs, frame = built
    poisoned = poison(small_bank)
    assert poisoned["transaction"].height > small_bank["transaction"].height
    assert poisoned["card"].height > small_bank["card"].height
    again = generate(rel, masked(poisoned.tables), specs).frame
    assert_frame_equal(again, frame)


# --- deliver 2 and finding 4: timing in the spec, JSON, catalog and card; snapshots of many wait for an expert -------


def with_repayment_orders(bank):
    """Finding 4's leak: each loan's own repayment order sits among the account's standing orders, an undated
    snapshot taken after the grant; a defaulted loan's order was raised to the collection amount."""
    loan = bank["loan"]
    orders = bank["standing_order"]
    repay = loan.select(
        pl.col("account_id"),
        (pl.col("amount") // 40 * pl.when(pl.col("status") == "bad").then(2).otherwise(1)).alias("amount"),
        pl.lit("대출상환").alias("purpose"),
    ).with_columns((pl.int_range(pl.len()) + orders["order_id"].max() + 1).alias("order_id"))
    return {**bank.tables, "standing_order": pl.concat([orders, repay.select(orders.columns)])}


def test_timing_travels_with_every_feature_and_a_snapshot_leak_waits_for_an_expert(tmp_path, small_bank, workspace):
    spec = write_relational_bank(small_bank, tmp_path)
    for name, frame in with_repayment_orders(small_bank).items():
        if name == "standing_order":
            frame.write_parquet(tmp_path / FILES[name])
    out, catalog = tmp_path / "f.parquet", tmp_path / "catalog.xlsx"
    result = run_cli(write_spec(tmp_path, spec), out, "--json", "--catalog", str(catalog))
    assert result.exit_code == 0, result.output
    features = {f["name"]: f for f in json.loads(result.output)["features"]}
    assert {f["timing"] for f in features.values()} == {"before_cutoff", "snapshot"}
    assert all(f["spec"]["timing"] == f["timing"] for f in features.values())
    leak = features["order_amount_max_all"]
    assert leak["spec"]["source"] == "standing_order" and leak["timing"] == "snapshot"
    assert 0.3 < leak["iv"] < 1.0 and not leak["leakage_suspect"]  # strong, not absurd: it would be selected
    assert leak["selected"] is False and leak["reason"] == "snapshot_review"
    assert not [n for n, f in features.items() if f["selected"] and f["timing"] == "snapshot" and "_all" in n]
    lookup = features["acct_district_unemployment"]  # a snapshot too, but one value per account: no rows to leak
    assert lookup["timing"] == "snapshot" and lookup["reason"] != "snapshot_review"
    sheet = pl.read_excel(catalog)
    assert set(sheet["Timing"]) == {"Before cutoff", "Snapshot"}


def test_the_review_card_says_when_a_feature_was_known():
    from workbench.features.spec import FeatureSpec
    from workbench.i18n import set_language
    from workbench.ui.features_views import timing_line

    set_language("en")
    snap = FeatureSpec(source="standing_order", aggregation="count", timing="snapshot", key_path=("standing_order",))
    assert timing_line(snap).startswith("Timing: snapshot ('standing_order' has no time column")
    dated = FeatureSpec(source="transaction", aggregation="count", window=90)
    assert dated.timing == "before_cutoff" and timing_line(dated).startswith("Timing: before the cutoff")


# --- deliver 6 and finding 6: PSI judged against what sample size alone produces ----------------------------------


@pytest.fixture(scope="module")
def shuffled():
    """682 loans granted over two years (8 quarters, about 85 a quarter), every feature built, then scored
    with the grant quarters dealt out at random: the periods differ by sampling only."""
    bank = make_relational_bank(accounts=900, loans=682, tx_per_account=25, seed=17)
    project = FeatureProject.from_dict({**SCHEMA, "windows": [90, 365], "trend": None})
    run = build_features(project, masked(bank.tables))
    frame = run.features.frame.with_columns(pl.col("granted_at").shuffle(seed=4).alias("_period"))
    scores = score_features(frame, run.features.names, "status", period="_period")
    coded = frame.with_columns(pl.col("status") == "bad")
    return scores, select_features(coded, scores), run.thresholds


def test_stable_features_on_682_rows_in_quarters_are_kept(shuffled):
    scores, recs, thresholds = shuffled
    scored = [s for s in scores if s.psi is not None]
    over_line = [s for s in scored if s.psi > thresholds.max_psi]
    unstable = [r.name for r in recs if r.reason == "unstable"]
    assert len(scored) > 80
    assert len(over_line) / len(scored) > 0.3  # the fixed 0.25 line alone would call a third of them unstable
    assert len(unstable) <= 0.02 * len(scored), unstable
    by_name = {s.name: s for s in scores}
    kept = next(r for r in recs if r.selected and (by_name[r.name].psi or 0) > thresholds.max_psi)
    reason = kept.explain(by_name[kept.name], thresholds, "en")
    assert "random period assignment" in reason and "χ² test" in reason


def test_a_genuinely_drifting_feature_on_682_rows_is_still_flagged_and_the_reason_names_the_test():
    rng = np.random.default_rng(9)
    n = 682
    granted = [date(2022, 1, 1) + timedelta(days=int(d)) for d in np.sort(rng.integers(0, 730, n))]
    risk = rng.normal(0, 1, n)
    frame = pl.DataFrame(
        {
            "granted_at": granted,
            "status": (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + risk)))).astype(int),
            "drifting": np.linspace(0, 3, n) + risk + rng.normal(0, 2.0, n),  # the mix moves over two years
            "steady": risk + rng.normal(0, 2.0, n),
        }
    )
    scores = score_features(frame, ["drifting", "steady"], "status", period="granted_at")
    recs = {r.name: r for r in select_features(frame, scores)}
    assert recs["drifting"].reason == "unstable" and recs["steady"].selected
    drift = scores[0]
    assert drift.psi > max(0.25, drift.psi_null)
    assert "random period assignment" in recs["drifting"].explain(drift, Thresholds(), "en")


def test_the_psi_null_shrinks_with_the_rows_in_each_period():
    assert psi_null(10, 85, 85, comparisons=7) > 0.4  # a quarter of 85 rows: 0.3 is noise
    assert psi_null(10, 100_000, 100_000, comparisons=7) < 0.001  # 100k rows: the fixed 0.25 line decides


def test_customer_batches_give_the_values_of_one_pass_through_lookups_and_bridges(small_bank, built):
    """Batches cut the rows each path aggregates to the batch's accounts; lookups (clients, districts) are
    read whole, so a bridge's far side is never missing a row."""
    rel, specs, frame = built
    assert_frame_equal(generate(rel, masked(small_bank.tables), specs, batches=4).frame, frame)


def test_the_readme_example_spec_is_the_one_the_relational_bank_is_written_with(tmp_path, small_bank):
    """The README documents the spec for a schema with a bridge and lookups; it must be the one that runs."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("#### Relational schemas") :]
    block = section[section.index("```yaml") + len("```yaml") : section.index("```", section.index("```yaml") + 7)]
    assert yaml.safe_load(block) == write_relational_bank(small_bank, tmp_path)
