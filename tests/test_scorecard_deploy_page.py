"""The Model page deploys what the CLI deploys: a run trained on a Features-page modelling table scores a new
month's raw tables (the analyst picks them), the points scale is a choice stored as a run, and monitoring is
drawn (bad rate by grade per vintage, champion and challenger side by side)."""

from __future__ import annotations

import copy
import json
from datetime import date

import numpy as np
import polars as pl
import pytest
from conftest import SAMPLE
from finished_job import finished
from lazy_tab import open_tab
from scorecard_data import loans, masked
from test_scorecard_page import korean_again, table_with  # noqa: F401  (korean_again: autouse)

from workbench.features.lineage import save_modelling_table
from workbench.features.pipeline import build_features
from workbench.features.project import FeatureProject
from workbench.features.saved import save_feature_run
from workbench.features.synthetic import BANK_SCHEMA
from workbench.i18n import set_language, t
from workbench.io.table import Table
from workbench.model.points import PointsScale, fit_bands
from workbench.model.rescale import rescaled, training_rows
from workbench.model.runs import record_from_run
from workbench.model.scorecard import Scorecard
from workbench.model.scorecard_export import scorecard_sql
from workbench.model.scoring import score_stored
from workbench.privacy.gate import certify
from workbench.store import Store

CUT, LATER = date(2025, 3, 1), date(2025, 5, 1)


def charts_titled(at, title: str) -> int:
    return sum(title in json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))


def _project(label: pl.DataFrame) -> FeatureProject:
    """The sample bank's schema, small: two windows, three aggregations, the channel of transactions."""
    tables = copy.deepcopy(BANK_SCHEMA["tables"])
    tables["transactions"]["by"] = ["channel"]
    target = {} if "default_12m" in label.columns else {"target": None}
    return FeatureProject.from_dict(
        {
            "tables": tables,
            "label": {**BANK_SCHEMA["label"], **target},
            "windows": [30, 90],
            "aggregations": ["count", "sum", "days_since_last"],
            "max_categories": 3,
            "trend": None,
        }
    )


@pytest.mark.skipif(not (SAMPLE / "transactions.parquet").exists(), reason="sample bank not generated")
def test_a_modelling_table_run_scores_a_new_month_from_the_tables_picked_on_the_page(workspace, app_test):
    sample = pl.read_parquet(SAMPLE / "loans.parquet").drop("overdue_days_after")
    raw = {n: certify(Table(n, pl.read_parquet(SAMPLE / f"{n}.parquet")), ()) for n in ("customers", "accounts")}
    raw["transactions"] = certify(Table("transactions", pl.read_parquet(SAMPLE / "transactions.parquet")), ())
    early = certify(Table("loans", sample.filter(pl.col("applied_at") < CUT)), ())
    late = certify(Table("loans_late", sample.filter(pl.col("applied_at") >= LATER).drop("default_12m")), ())
    with Store.open(workspace) as store:  # the Features page's build, saved as a modelling table with lineage
        run = build_features(_project(early.frame), {**raw, "loans": early})
        feature_run = save_feature_run(store, run, _project(early.frame))
        chosen = [s.name for s in run.specs]
        saved = save_modelling_table(store, run, chosen, "loans", source_run=feature_run)
        assert saved.certified
    set_language("en")
    at = app_test()
    at.session_state["wb.lang"] = "en"
    at.session_state["wb.data.certified"] = {**raw, "loans_late": late, "features_loans": saved.masked}
    at.run()
    at.switch_page("pages/model.py").run()
    at.selectbox(key="wb.model.dataset").set_value("features_loans").run()
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception, at.exception
    result, run_id = at.session_state["wb.model.result"]
    assert result.config.feature_build is not None  # found through the modelling table's lineage
    warned = [e.value for e in at.error]  # the training's own warnings (leakage grades), not scoring's

    open_tab(at, "wb.scorecard.tabs", 2)  # the scoring tab
    at.selectbox(key="wb.scorecard.new_data").set_value("loans_late").run()
    picks = {s.key: s.value for s in at.selectbox if s.key.startswith("wb.scorecard.table.")}
    assert picks == {f"wb.scorecard.table.{n}": n for n in ("transactions", "accounts", "customers")} or set(
        picks.values()
    ) <= {"transactions", "accounts", "customers"}
    at.button(key="wb.scorecard.score").click().run()
    assert not at.exception and [e.value for e in at.error] == warned
    scored = at.session_state["wb.scorecard.scored"][2].frame
    assert scored.columns[: late.frame.width] == late.frame.columns
    # the same month built as a feature table first (what `workbench features` does), scored by the same run
    month = build_features(_project(late.frame), {**raw, "loans": late}).features.frame
    with Store.open(workspace) as store:
        expected = score_stored(store, run_id, certify(Table("month", month), ())).frame
    assert scored["score"].to_list() == expected["score"].to_list()
    assert scored["reason_1_en"].to_list() == expected["reason_1_en"].to_list()

    # a wrong table picked for the transactions: refused in one line naming what it lacks; the page keeps working
    at.selectbox(key="wb.scorecard.table.transactions").set_value("customers").run()
    at.button(key="wb.scorecard.score").click().run()
    assert not at.exception and len(at.error) == len(warned) + 1
    assert "transactions" in at.error[-1].value and "amount" in at.error[-1].value


@pytest.mark.slow
def test_scale_vintages_and_champion_challenger_on_the_page(workspace, app_test):
    set_language("en")
    at = app_test()
    at.session_state["wb.lang"] = "en"
    history = loans(2500, seed=41)
    matured = loans(600, seed=43, month0=13, months=3)  # three later months whose outcomes have arrived
    at.session_state["wb.data.certified"] = {"loans": masked(history), "loans_matured": masked(matured)}
    at.run()
    at.switch_page("pages/model.py").run()
    at.selectbox(key="wb.model.dataset").set_value("loans").run()
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception
    first = at.session_state["wb.model.result"][1]

    # the 1–1000 scale: chosen in the scorecard view, saved as a run on that scale, used by export and scoring
    at.radio(key=f"wb.scorecard.scale.{first}").set_value("bureau").run()
    at.button(key="wb.scorecard.scale_apply").click().run()
    assert not at.exception
    with Store.open(workspace) as store:
        runs = store.runs.list(dataset="loans")
        assert len(runs) == 2
        new = record_from_run(runs[0])
        old = record_from_run(store.runs.get(first))
    assert new["rescaled_from"] == first and new["scorecard_model"]["scale"] == PointsScale.korean_bureau().to_dict()
    card, before = Scorecard.from_dict(new["scorecard_model"]), Scorecard.from_dict(old["scorecard_model"])
    assert card.points.frame()["points"].to_list() == rescaled(before, card.scale).points.frame()["points"].to_list()
    assert "WHEN (" in scorecard_sql(card, table="loans") and "> 1000.0 THEN 1000.0" in scorecard_sql(card, table="t")
    scores_new = card.score(history)
    assert scores_new.min() >= 1 and scores_new.max() <= 1000
    train = training_rows(old, masked(history))  # the run's split repeated: its training rows
    assert train is not None and train.height == next(s["rows"] for s in old["splits"] if s["name"] == "train")
    assert card.bands == fit_bands(card.score(train))  # grades cut at the new scale's training deciles
    assert sum(new["scorecard_model"]["band_rows"]) == train.height
    agree = np.mean(card.bands.band(scores_new) == before.bands.band(before.score(history)))
    assert agree > 0.9  # nearly every applicant keeps the grade (ties fall apart on the finer scale)
    caption = t("scorecard.page.scale", "en", base="600", odds="50", pdo="60", low="", high="")[:40]
    assert any(c.value.startswith(caption[:30]) for c in at.caption)

    # scoring a later month with outcomes: grades, bad rate by grade per vintage
    open_tab(at, "wb.scorecard.tabs", 2)  # the scoring tab
    at.selectbox(key="wb.scorecard.new_data").set_value("loans_matured").run()
    at.button(key="wb.scorecard.score").click().run()
    assert not at.exception
    result = at.session_state["wb.scorecard.scored"][2]
    assert result.run_id == new["run_id"] and result.scores.max() <= 1000
    assert charts_titled(at, t("scorecard.chart.vintages", "en")) == 1
    help_titles = [e.label for e in at.expander]
    assert help_titles.count(t("model.help.title", "en")) >= 3

    # champion (the bureau-scale run) and challenger (the first run) side by side on the same rows
    at.selectbox(key="wb.scorecard.challenger").set_value(first).run()
    at.button(key="wb.scorecard.compare").click().run()
    assert not at.exception
    duel = table_with(at, t("scorecard.score_page.champion", "en"), t("scorecard.score_page.challenger_col", "en"))
    measures = duel[t("scorecard.score_page.measure", "en")].tolist()
    assert t("scorecard.score_page.measure_auc", "en") in measures and duel.shape == (5, 3)
    runs_row = duel.iloc[0].tolist()
    assert runs_row[1:] == [new["run_id"], first]
    assert charts_titled(at, t("scorecard.chart.challenge", "en")) == 1
