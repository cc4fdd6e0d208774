"""A stored bin edit lands on the bins the expert chose, or is reported as left out: never on a neighbour.

Special codes are found on the training rows, so a retrain where a code newly appears (9999 in 3 % of an income
column) or where the data moved renumbers the bins. Edits name what the expert saw (edges, levels, codes) and
the binning's fingerprint; old edits stored by bin number are placed through the run they were made on, or
left out and said so in the CLI, its JSON and the Model page."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from scorecard_data import loans

from workbench.i18n import t
from workbench.model.bins import Binning, count
from workbench.model.edit_history import LEGACY_UNKNOWN, upgrade
from workbench.model.edits import BinEdit, apply_edits, as_seen, bin_ref, edits_from_json, edits_to_json, rebin
from workbench.model.scorecard import edit_bins, with_stored_edits
from workbench.signals import codes
from workbench.store import Store


def incomes(n: int, seed: int, *, code_share: float = 0.0) -> tuple[pl.Series, np.ndarray]:
    """Monthly incomes (won, thousands) with a falling default rate; ``code_share`` of them 9999 "not reported"."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(1000, 8000, n).round()
    y = (rng.random(n) < 0.30 - 0.25 * (x - 1000) / 7000).astype(np.int64)
    x = np.where(rng.random(n) < code_share, 9999.0, x)
    return pl.Series("income", x), y


def fitted(s: pl.Series, y: np.ndarray, edits=()):
    """The scorecard's own path: codes found on the training rows, quantile pre-bins, then the edits."""
    return edit_bins(s, y, specials=codes.of_frame(s.to_frame(), ["income"]).get("income", ()), edits=edits)


def range_of(b: Binning, value: float) -> tuple:
    """The range bin holding ``value`` (what the expert points at when splitting)."""
    k = int(b.codes(pl.Series([value]))[0])
    return bin_ref(b, k)


@pytest.mark.parametrize("op", ["split", "edges"])
def test_an_edit_made_before_9999_became_a_code_is_left_out_never_moved_to_a_neighbour(op):
    s, y = incomes(6000, seed=1)
    before = fitted(s, y).bins.binning
    assert before.specials == () and len(before.edges) >= 4
    k = before.first_body + 2
    lo, hi = before.edges[1], before.edges[2]
    if op == "split":
        edit = as_seen(BinEdit("split", "income", bins=(k,), at=round((lo + hi) / 2)), before)
    else:
        edit = as_seen(BinEdit("edges", "income", edges=(2000.0, 4000.0, 6000.0)), before)
    stored = edits_from_json(json.loads(json.dumps(edits_to_json([edit]))))  # through the store's JSON
    assert stored == (edit,)
    assert fitted(s, y, stored).left_out == ()  # the same data: the edit applies
    assert rebin(before, edit) == fitted(s, y, stored).bins.binning

    s2, y2 = incomes(6000, seed=1, code_share=0.03)  # the same applicants; 3 % now report no income
    after = fitted(s2, y2)
    assert after.bins.binning.specials == (9999.0,)  # the rule finds the code: one more bin, renumbered
    replayed = fitted(s2, y2, stored)
    assert replayed.bins.binning == after.bins.binning  # nothing landed anywhere
    (gone,) = replayed.left_out
    assert (gone.feature, gone.number, gone.op, gone.reason) == ("income", 1, op, "codes_changed")
    assert gone.detail == "— → 9,999"
    line = gone.message("en")
    assert line == f"Edit 1 ({op}) of 'income' left out: the special codes set apart changed (— → 9,999)."
    assert "\n" not in gone.message("ko") and "income" in gone.message("ko")


def test_a_split_follows_its_range_when_the_bins_are_renumbered_and_is_left_out_when_the_range_moved():
    s, y = incomes(5000, seed=2)
    seen1 = Binning("income", True, (2000.0, 4000.0, 6000.0, 7000.0))
    merge = as_seen(BinEdit("merge", "income", bins=(2, 3)), seen1)  # [2000, 4000) + [4000, 6000)
    seen2 = rebin(seen1, merge)
    split = as_seen(BinEdit("split", "income", bins=(3,), at=6500.0), seen2)  # [6000, 7000) at 6500
    assert split.seen == (("range", 6000.0, 7000.0),)

    # the data moved: a new lowest edge renumbers every range after it
    now = count(Binning("income", True, (1500.0, 2000.0, 4000.0, 6000.0, 7000.0)), s, y)
    out = apply_edits(now, [merge, split], s, y)
    assert out.left_out == ()
    assert out.bins.binning.edges == (1500.0, 2000.0, 6000.0, 6500.0, 7000.0)  # the same values as chosen
    by_number = apply_edits(now, [BinEdit("merge", "income", bins=(2, 3))], s, y).bins.binning.edges
    assert by_number == (1500.0, 4000.0, 6000.0, 7000.0)  # what the bin numbers alone would have merged

    # the range the split was made in no longer exists: left out, named by its edges
    moved = count(Binning("income", True, (2000.0, 4000.0, 6000.0, 7500.0)), s, y)
    out = apply_edits(moved, [merge, split], s, y)
    assert out.bins.binning.edges == (2000.0, 6000.0, 7500.0)  # the merge applied, the split did not
    (gone,) = out.left_out
    assert (gone.number, gone.reason, gone.detail) == (2, "bin_gone", "[6,000, 7,000)")


def test_a_merge_of_two_levels_is_left_out_when_one_level_vanished():
    rng = np.random.default_rng(3)
    product = pl.Series("product", rng.choice(["신용", "담보", "전세"], 3000, p=[0.5, 0.3, 0.2]))
    y = rng.integers(0, 2, 3000)
    seen = Binning("product", False, groups=(("신용",), ("담보",), ("전세",)))
    merge = as_seen(BinEdit("merge", "product", bins=(2, 3)), seen)
    split = as_seen(BinEdit("split", "product", levels=("전세",)), rebin(seen, merge))
    assert merge.seen == (("levels", "담보"), ("levels", "전세"))

    # renumbered (a new level leads the table): the merge follows the levels
    grown = count(Binning("product", False, groups=(("카드",), ("신용",), ("담보",), ("전세",))), product, y)
    out = apply_edits(grown, [merge], product, y)
    assert out.left_out == () and out.bins.binning.groups == (("카드",), ("신용",), ("담보", "전세"))

    # 전세 vanished from the training rows (now pooled as "other"): both edits are left out, nothing else merged
    shrunk = count(Binning("product", False, groups=(("신용",), ("담보",))), product, y)
    out = apply_edits(shrunk, [merge, split], product, y)
    assert out.bins.binning == shrunk.binning
    assert [(e.number, e.reason, e.detail) for e in out.left_out] == [
        (1, "levels_gone", "전세"),
        (2, "levels_gone", "전세"),
    ]
    assert out.left_out[0].message("en") == (
        "Edit 1 (merge) of 'product' left out: the levels 전세 are no longer a bin as they were."
    )


def test_old_edits_by_number_are_placed_through_the_run_they_were_made_on_else_left_out():
    v0 = {"income": Binning("income", True, (2000.0, 4000.0, 6000.0))}
    old = [
        {"op": "merge", "feature": "income", "bins": [2, 3]},
        {"op": "split", "feature": "income", "bins": [2], "at": 3000},
    ]
    placed = upgrade([old], {0: v0})
    assert placed[0].seen == (("range", 2000.0, 4000.0), ("range", 4000.0, 6000.0))
    assert placed[1].seen == (("range", 2000.0, 6000.0),)  # made on the bins after the merge
    assert all(e.fingerprint and not e.stale for e in placed)
    s, y = incomes(4000, seed=4)
    renumbered = count(Binning("income", True, (1000.5, 2000.0, 4000.0, 6000.0)), s, y)
    assert apply_edits(renumbered, placed, s, y).bins.binning.edges == (1000.5, 2000.0, 3000.0, 6000.0)
    # a second version added an edit made on the run fitted with version 1; that run is not stored
    newer = upgrade([old, [*old, {"op": "merge", "feature": "income", "bins": [3, 4]}]], {0: v0})
    assert [e.stale for e in newer] == ["", "", LEGACY_UNKNOWN]
    assert [e.reason for e in apply_edits(renumbered, newer, s, y).left_out] == [LEGACY_UNKNOWN]
    # no run at all: every edit that depends on bin numbers or codes is left out; a trend is not
    lost = upgrade([[*old, {"op": "trend", "feature": "income", "trend": "descending"}]], {})
    assert [e.stale for e in lost] == [LEGACY_UNKNOWN, LEGACY_UNKNOWN, ""]


def test_edits_with_what_the_expert_saw_are_stored_audited_and_replayed(workspace):
    s, y = incomes(3000, seed=5)
    seen = fitted(s, y).bins.binning
    edit = as_seen(BinEdit("merge", "income", bins=(seen.first_body, seen.first_body + 1)), seen)
    assert edit.seen[0][1] is None  # the open lowest range is stored as JSON null
    with Store.open(workspace) as ws:
        ws.bin_edits.save("loans", "default_12m", edits_to_json([edit]), expected_version=0, actor="김심사")
        entry = ws.audit.list(action="scorecard.bins_edited")[0]
        assert entry.actor == "김심사" and entry.payload["features"] == ["income"] and ws.audit.verify().ok
        options = with_stored_edits(ws, "loans", "default_12m")
    assert options.edits == (edit,) and options.edits_version == 1


def test_train_and_score_say_which_old_edit_was_left_out(workspace, tmp_path):
    """A workspace written before edits named their bins: a row by bin number, no run to recover the bins."""
    from workbench.cli import cli

    path = tmp_path / "loans.parquet"
    loans(2500, seed=9).write_parquet(path)
    with Store.open(workspace) as ws:
        ws.bin_edits.save(
            "loans", "default_12m", [{"op": "merge", "feature": "bureau_score", "bins": [1, 2]}], expected_version=0
        )
    out = CliRunner().invoke(cli, ["train", str(path), "--target", "default_12m", "--exclude", "loan_id", "--json"])
    assert out.exit_code == 0, out.output
    rec = json.loads(out.output)
    (gone,) = rec["scorecard_model"]["edits_left_out"]
    assert (gone["feature"], gone["number"], gone["reason"]) == ("bureau_score", 1, LEGACY_UNKNOWN)
    fresh = CliRunner().invoke(cli, ["train", str(path), "--target", "default_12m", "--exclude", "loan_id"])
    line = t("scorecard.edit_left_out.legacy_bins_unknown", n=1, op="merge", feature="bureau_score", detail="")
    assert fresh.exit_code == 0 and f"! {line}" in fresh.output.splitlines()

    scored = CliRunner().invoke(cli, ["score", rec["run_id"], str(path), "-o", str(tmp_path / "s.parquet"), "--json"])
    assert scored.exit_code == 0, scored.output
    assert [e["reason"] for e in json.loads(scored.output)["edits_left_out"]] == [LEGACY_UNKNOWN]
    text = CliRunner().invoke(cli, ["score", rec["run_id"], str(path), "-o", str(tmp_path / "s2.parquet")])
    assert f"! {line}" in text.output.splitlines()


def test_an_old_edit_is_replayed_when_the_run_it_was_made_on_is_stored(workspace, tmp_path):
    from workbench.cli import cli

    path = tmp_path / "loans.parquet"
    loans(2500, seed=11).write_parquet(path)
    train = ["train", str(path), "--target", "default_12m", "--exclude", "loan_id", "--json"]
    first = json.loads(CliRunner().invoke(cli, train).output)
    bureau = next(f for f in first["scorecard_model"]["features"] if f["feature"] == "bureau_score")
    with Store.open(workspace) as ws:  # as the editor of the previous version stored it: numbers only
        ws.bin_edits.save(
            "loans", "default_12m", [{"op": "merge", "feature": "bureau_score", "bins": [1, 2]}], expected_version=0
        )
    rec = json.loads(CliRunner().invoke(cli, train).output)
    assert rec["scorecard_model"]["edits_left_out"] == []
    after = next(f for f in rec["scorecard_model"]["features"] if f["feature"] == "bureau_score")
    assert after["edges"] == bureau["edges"][1:]
    stored = rec["config"]["scorecard"]["edits"][0]
    assert stored["seen"] == [["range", None, bureau["edges"][0]], ["range", bureau["edges"][0], bureau["edges"][1]]]


def test_the_model_card_lists_each_edit_left_out_in_its_language(workspace):
    """The HTML card a reviewer reads says what ``train``, ``score`` and the Model page say: one line per stored
    edit the fit could not replay, under a title with their count."""
    import html

    from scorecard_data import masked

    from workbench.model.baseline import TrainConfig, train_baseline
    from workbench.report.model_card import model_card_html

    stale = [
        {"op": "merge", "feature": "bureau_score", "bins": [1, 2]},
        {"op": "merge", "feature": "bureau_score", "bins": [3, 4]},
    ]  # by bin number only, no run to place them on
    with Store.open(workspace) as ws:
        ws.bin_edits.save("loans", "default_12m", stale, expected_version=0)
        options = with_stored_edits(ws, "loans", "default_12m")
    result = train_baseline(
        masked(loans(2500, seed=9)), TrainConfig("default_12m", exclude=("loan_id",), scorecard_options=options)
    )
    assert [e.number for e in result.scorecard.left_out] == [1, 2]
    for lang in ("ko", "en"):
        page = model_card_html(result, lang=lang)
        assert html.escape(t("scorecard.edit_left_out.title", lang, n=2)) in page
        for n in (1, 2):
            line = t("scorecard.edit_left_out.legacy_bins_unknown", lang, n=n, op="merge", feature="bureau_score")
            assert page.count(f'<div class="warn">{html.escape(line)}</div>') == 1


@pytest.mark.parametrize("newest", ["same_split_and_data", "another_split", "other_data"])
def test_an_old_edit_is_placed_only_through_runs_fitted_on_the_rows_the_expert_saw(workspace, tmp_path, newest):
    """The expert edited the random-split run; before the save, another run was fitted with the same edits
    version. Stored by number, the edit cannot say which of the two it was made on: placed when both were
    fitted on the same rows (same split, same data fingerprint), else left out, never placed through the
    newest run's bins."""
    from workbench.cli import cli

    path = tmp_path / "loans.parquet"
    loans(2500, seed=11).write_parquet(path)
    train = ["train", str(path), "--target", "default_12m", "--exclude", "loan_id"]
    seen = json.loads(CliRunner().invoke(cli, [*train, "--json"]).output)  # the run the expert edited
    other = [*train, "--split", "time:applied_at"] if newest == "another_split" else train
    if newest == "other_data":  # the file replaced under the same name, retrained before the expert saved
        loans(2500, seed=12).write_parquet(path)
    second = json.loads(CliRunner().invoke(cli, [*other, "--json"]).output)
    assert second["config"]["scorecard"]["edits_version"] == 0 and second["data"]["name"] == seen["data"]["name"]
    bureau = {r["run_id"]: next(f for f in r["scorecard_model"]["features"] if f["feature"] == "bureau_score")
              for r in (seen, second)}  # fmt: skip
    if newest != "same_split_and_data":  # the newest run's bin 1 and 2 are other ranges: placing there is wrong
        assert bureau[second["run_id"]]["edges"][:2] != bureau[seen["run_id"]]["edges"][:2]
    with Store.open(workspace) as ws:  # as the editor of the previous version stored it: numbers only
        ws.bin_edits.save(
            "loans", "default_12m", [{"op": "merge", "feature": "bureau_score", "bins": [1, 2]}], expected_version=0
        )
    loans(2500, seed=11).write_parquet(path)  # the retrain below is on the rows the expert saw
    rec = json.loads(CliRunner().invoke(cli, [*train, "--json"]).output)
    after = next(f for f in rec["scorecard_model"]["features"] if f["feature"] == "bureau_score")
    edges = bureau[seen["run_id"]]["edges"]
    if newest == "same_split_and_data":
        assert rec["scorecard_model"]["edits_left_out"] == [] and after["edges"] == edges[1:]
        return
    (gone,) = rec["scorecard_model"]["edits_left_out"]
    assert (gone["feature"], gone["number"], gone["reason"]) == ("bureau_score", 1, LEGACY_UNKNOWN)
    assert after["edges"] == edges  # nothing merged anywhere
    said = CliRunner().invoke(cli, train)
    line = t("scorecard.edit_left_out.legacy_bins_unknown", n=1, op="merge", feature="bureau_score", detail="")
    assert said.exit_code == 0 and f"! {line}" in said.output.splitlines()
