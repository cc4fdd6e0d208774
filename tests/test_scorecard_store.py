"""The expert's bin edits in the workspace: versioned, audited, refused on a stale version, replayed by the next fit
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from scorecard_data import loans
from test_store_support import db_url, pg_shared_schema, store  # noqa: F401

from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.bins import Binning
from workbench.model.edits import BinEdit, as_seen, edits_to_json
from workbench.model.scorecard import with_stored_edits
from workbench.store import ConflictError, Store

PRODUCTS = Binning("loan_product", False, groups=(("신용",), ("담보",), ("전세",)))  # as the expert saw them
EDITS = (
    as_seen(BinEdit("edges", "bureau_score", edges=(600.0, 650.0, 700.0)), Binning("bureau_score", True, (650.0,))),
    as_seen(BinEdit("merge", "loan_product", bins=(1, 2)), PRODUCTS),
)


def test_edits_are_versioned_audited_and_a_stale_save_is_refused(store: Store):  # noqa: F811
    first = store.bin_edits.save("loans", "default_12m", edits_to_json(EDITS[:1]), expected_version=0, actor="김심사")
    second = store.bin_edits.save("loans", "default_12m", edits_to_json(EDITS), expected_version=1, comment="상품 묶음")
    assert (first.version, second.version) == (1, 2)
    assert store.bin_edits.current("loans", "default_12m").edits == tuple(edits_to_json(EDITS))
    assert [h.version for h in store.bin_edits.history("loans", "default_12m")] == [1, 2]
    assert store.bin_edits.current("loans", "other_target") is None
    with pytest.raises(ConflictError) as err:  # a colleague still looking at version 1
        store.bin_edits.save("loans", "default_12m", [], expected_version=1)
    assert err.value.params["version"] == 2 and "\n" not in str(err.value)
    entries = store.audit.list(action="scorecard.bins_edited", newest_first=False)
    assert [e.payload["version"] for e in entries] == [1, 2]
    assert entries[0].actor == "김심사" and entries[1].payload["features"] == ["bureau_score", "loan_product"]
    assert store.audit.verify().ok


def test_the_next_fit_replays_the_stored_edits(workspace):
    from workbench.io.table import Table
    from workbench.privacy.gate import certify

    table = certify(Table("loans", loans(3000, seed=4)), findings=())
    with Store.open(workspace) as ws:
        ws.bin_edits.save("loans", "default_12m", edits_to_json(EDITS), expected_version=0)
        options = with_stored_edits(ws, "loans", "default_12m")
    assert options.edits == EDITS and options.edits_version == 1
    r = train_baseline(table, TrainConfig("default_12m", exclude=("loan_id",), scorecard_options=options, shap_rows=0))
    assert r.scorecard.feature("bureau_score").binning.edges == (600.0, 650.0, 700.0)
    assert r.scorecard.feature("loan_product").binning.groups[0] == ("신용", "담보")  # the two biggest, merged


def test_train_command_uses_the_workspace_edits_and_records_their_version(workspace, tmp_path):
    from workbench.cli import cli

    path = tmp_path / "loans.parquet"
    loans(2500, seed=9).write_parquet(path)
    with Store.open(workspace) as ws:
        ws.bin_edits.save("loans", "default_12m", edits_to_json(EDITS[:1]), expected_version=0)
    out = CliRunner().invoke(cli, ["train", str(path), "--target", "default_12m", "--exclude", "loan_id", "--json"])
    assert out.exit_code == 0, out.output
    rec = json.loads(out.output)
    assert rec["config"]["scorecard"]["edits_version"] == 1
    bureau = next(f for f in rec["scorecard_model"]["features"] if f["feature"] == "bureau_score")
    assert bureau["edges"] == [600.0, 650.0, 700.0]


def test_train_on_the_bureau_scale_gives_scores_from_1_to_1000(workspace, tmp_path):
    from workbench.cli import cli
    from workbench.model.scorecard import Scorecard

    path = tmp_path / "loans.parquet"
    data = loans(2500, seed=10)
    data.write_parquet(path)
    out = CliRunner().invoke(
        cli, ["train", str(path), "--target", "default_12m", "--exclude", "loan_id", "--bureau-scale", "--json"]
    )
    assert out.exit_code == 0, out.output
    rec = json.loads(out.output)
    assert rec["scorecard_model"]["scale"] == {"base_score": 600, "base_odds": 50, "pdo": 60, "low": 1, "high": 1000}
    scores = Scorecard.from_dict(rec["scorecard_model"]).score(data)
    assert 1 <= scores.min() < scores.max() <= 1000 and scores.max() - scores.min() > 200  # spread over the range
