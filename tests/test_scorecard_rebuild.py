"""Scoring a new month from the bank's raw tables: the run trained on a ``workbench features`` table keeps its
feature build and rebuilds exactly the model's features for the new applications, with their own cutoffs.

On the shipped sample bank: train on the first months' loans, score a later month's raw loans (plus customers,
accounts, transactions), and compare with scoring the feature table ``workbench features`` builds for that month.
"""

from __future__ import annotations

import copy
import json
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import SAMPLE
from test_scorecard_scoring import invoke  # the CLI in English; conftest puts the language back

from workbench.cli import main
from workbench.features.rebuild import BUILD_KEY, FeatureBuild, build_in_file, rebuild
from workbench.features.relations import FeatureSpecError
from workbench.features.synthetic import BANK_SCHEMA
from workbench.io.table import Table
from workbench.privacy.gate import certify

pytestmark = pytest.mark.skipif(not (SAMPLE / "transactions.parquet").exists(), reason="sample bank not generated")
CUT, LATER = date(2025, 3, 1), date(2025, 5, 1)


def spec(tmp: Path, label: str, *, transforms: bool = False, target: bool = True) -> Path:
    """The sample bank's spec, small (two windows, four aggregations), with ``label`` as the loans file."""
    tables = copy.deepcopy(BANK_SCHEMA["tables"])
    for name, conf in tables.items():
        conf["path"] = str(SAMPLE / f"{name}.parquet")
    tables["transactions"]["by"] = ["channel"]
    data = {
        "tables": tables,
        "label": {**BANK_SCHEMA["label"], "path": label, "id": "loan_id"},
        "windows": [30, 90],
        "aggregations": ["count", "sum", "mean", "days_since_last"],
        "max_categories": 4,
        "trend": None,
    }
    if not target:  # a month whose outcomes are not known yet
        del data["label"]["target"]
    if transforms:
        data["label_transforms"] = {"alias": "loan", "numeric": ["bureau_score"], "categorical": ["loan_product"]}
    path = tmp / f"spec_{Path(label).stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def months(tmp_path):
    loans = pl.read_parquet(SAMPLE / "loans.parquet").drop("overdue_days_after")  # recorded after: a leak
    early, late = tmp_path / "loans_early.parquet", tmp_path / "loans_late.parquet"
    loans.filter(pl.col("applied_at") < CUT).write_parquet(early)
    loans.filter(pl.col("applied_at") >= LATER).drop("default_12m").write_parquet(late)  # outcomes not known yet
    return early, late


def test_a_later_month_scored_from_raw_tables_equals_scoring_its_feature_table(workspace, tmp_path, months):
    early, late = months
    built = invoke("features", "--spec", str(spec(tmp_path, str(early))), "-o", str(tmp_path / "feat.parquet"))
    assert built.exit_code == 0, built.output
    assert BUILD_KEY in pl.read_parquet_metadata(tmp_path / "feat.parquet")  # the build travels with the table
    trained = invoke("train", str(tmp_path / "feat.parquet"), "--target", "default_12m", "--json")
    assert trained.exit_code == 0, trained.output
    record = json.loads(trained.stdout)
    run = record["run_id"]
    build = FeatureBuild.from_dict(record["feature_build"])
    generated = set(build.names)
    assert generated and generated <= set(record["features"])  # only the model's features are kept
    assert any(n.startswith("tx_") for n in generated) and any(n.startswith("acct_") for n in generated)

    # the later month from raw: PATH is the loans file; customers, accounts, transactions from the run's spec
    raw = invoke("score", run, str(late), "-o", str(tmp_path / "raw.parquet"), "--json")
    assert raw.exit_code == 0, raw.output
    # the same month through `workbench features` first, then scored as a feature table
    later = invoke("features", "--spec", str(spec(tmp_path, str(late), target=False)),
                   "-o", str(tmp_path / "feat_late.parquet"))  # fmt: skip
    assert later.exit_code == 0, later.output
    table = invoke("score", run, str(tmp_path / "feat_late.parquet"), "-o", str(tmp_path / "table.parquet"))
    assert table.exit_code == 0, table.output

    a, b = pl.read_parquet(tmp_path / "raw.parquet"), pl.read_parquet(tmp_path / "table.parquet")
    loans = pl.read_parquet(late)
    assert a.columns[: loans.width] == loans.columns  # every input column of the label table, in order
    assert not generated & set(a.columns)  # the rebuilt features do not leak into OUT
    added = ["score", "score_band", "event_probability", *(f"reason_{k}_{s}" for k in (1, 2, 3) for s in ("ko", "en"))]
    assert set(added) <= set(a.columns)
    assert a.height == b.height == loans.height > 200
    assert a["loan_id"].to_list() == b["loan_id"].to_list()  # same rows, same order
    for col in added:
        assert a[col].to_list() == b[col].to_list(), col  # same values: score, grade, probability, reasons
    assert a.select(pl.col("reason_1_en").str.contains("last 30 days|last 90 days").any()).item()  # described

    # LightGBM too: the same rebuilt columns give the same probabilities
    lgb_raw = invoke("score", run, str(late), "--model", "lightgbm", "-o", str(tmp_path / "lraw.parquet"))
    lgb_tab = invoke("score", run, str(tmp_path / "feat_late.parquet"), "--model", "lightgbm",
                     "-o", str(tmp_path / "ltab.parquet"))  # fmt: skip
    assert lgb_raw.exit_code == 0 and lgb_tab.exit_code == 0, lgb_raw.output + lgb_tab.output
    la, lb = pl.read_parquet(tmp_path / "lraw.parquet"), pl.read_parquet(tmp_path / "ltab.parquet")
    assert la["event_probability"].to_list() == lb["event_probability"].to_list()


def refused(monkeypatch, capsys, *args: str, lang: str = "en") -> str:
    """The CLI's contract for bad input: exit 2 and one line ``error: …`` on stderr (returned)."""
    monkeypatch.setattr(sys, "argv", ["workbench", "--lang", lang, *args])
    with pytest.raises(SystemExit) as done:
        main()
    err = capsys.readouterr().err.strip()
    assert done.value.code == 2 and len(err.splitlines()) == 1 and err.startswith("error: "), err
    return err


def test_missing_tables_and_columns_are_refused_naming_them(workspace, tmp_path, months, monkeypatch, capsys):
    early, late = months
    invoke("features", "--spec", str(spec(tmp_path, str(early))), "-o", str(tmp_path / "feat.parquet"))
    run = json.loads(invoke("train", str(tmp_path / "feat.parquet"), "--target", "default_12m", "--json").stdout)
    run_id = run["run_id"]
    # a spec whose transactions file is gone, and no override: the missing file is named
    moved = yaml.safe_load(spec(tmp_path, str(late), target=False).read_text(encoding="utf-8"))
    moved["tables"]["transactions"]["path"] = str(tmp_path / "nowhere.parquet")
    (tmp_path / "moved.yaml").write_text(yaml.safe_dump(moved, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "o.parquet"
    err = refused(
        monkeypatch, capsys, "score", run_id, str(late), "--spec", str(tmp_path / "moved.yaml"), "-o", str(out)
    )
    assert "nowhere.parquet" in err
    # --tables overrides the spec, table by table: a transactions table without its amount column
    pl.read_parquet(SAMPLE / "transactions.parquet").drop("amount").write_parquet(tmp_path / "tx.parquet")
    tx = f"transactions={tmp_path / 'tx.parquet'}"
    err = refused(monkeypatch, capsys, "score", run_id, str(late), "--tables", tx, "-o", str(out))
    assert "transactions" in err and "amount" in err
    # a label table without its cutoff column
    pl.read_parquet(late).drop("applied_at").write_parquet(tmp_path / "no_cutoff.parquet")
    assert "applied_at" in refused(
        monkeypatch, capsys, "score", run_id, str(tmp_path / "no_cutoff.parquet"), "-o", str(out)
    )
    assert "NAME=PATH" in refused(monkeypatch, capsys, "score", run_id, str(late), "--tables", "tx", "-o", str(out))
    assert not out.exists()
    # without the related tables at all (the library call): the missing ones are named
    build = FeatureBuild.from_dict(run["feature_build"])
    label = certify(Table("loans", pl.read_parquet(late)), findings=())
    with pytest.raises(FeatureSpecError) as missing:
        rebuild(build, {"loans": label})
    assert "transactions" in str(missing.value) and "accounts" in str(missing.value)


def test_learned_transforms_are_served_as_trained(tmp_path, months):
    """Bin edges and a target encoding's mapping come from training, never refitted on the new month (whose
    outcomes are unknown): the rebuilt values are the stored ones."""
    early, late = months
    invoke("features", "--spec", str(spec(tmp_path, str(early), transforms=True)), "-o", str(tmp_path / "f.parquet"))
    build = build_in_file(tmp_path / "f.parquet")
    assert build is not None
    te = next(s for s in build.specs if s.transform == "target_encoding")
    edges = next(s for s in build.specs if s.transform == "bin").param("edges")
    build = build.for_features([te.name, "loan_bureau_score_bin"])
    label = certify(Table("loans", pl.read_parquet(late)), findings=())
    frame = rebuild(build, {"loans": label})  # the label's own columns only: no other table is needed
    mapping = dict(te.param("mapping"))
    expected = [mapping.get(v, te.param("prior")) for v in frame["loan_product"].to_list()]
    assert frame[te.name].to_list() == pytest.approx(expected)
    bins = [sum(v > e for e in edges) for v in frame["bureau_score"].to_list()]
    assert frame["loan_bureau_score_bin"].to_list() == bins
    assert build_in_file(early) is None  # a table not built by `workbench features` has no build
