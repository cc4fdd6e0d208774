"""What the analyst takes away from a run: charts for every panel with their help text, the JSON record, the
offline model card, and a stored model that reloads and scores a certified table the same way."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from plotly.offline import get_plotlyjs
from test_model_core import loans, masked

from workbench.charts import model as charts
from workbench.i18n import has, t
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.runs import comparison_frame, load_model, run_record, score_table
from workbench.model.splits import SplitSpec
from workbench.report.model_card import model_card_html


@pytest.fixture(scope="module")
def leaky_run():
    return train_baseline(
        masked(loans(2500, leak=True)), TrainConfig("default_12m", split=SplitSpec("time", "applied_at"))
    )


@pytest.fixture(scope="module")
def clean_run():
    return train_baseline(masked(loans(2500, target_values=("bad", "good"))), TrainConfig("default_12m"))


def test_every_chart_draws_and_has_help_in_both_languages(clean_run):
    names = charts.charts_for(clean_run)
    assert len(names) == 13  # … with precision, recall and F1 against the threshold
    for name in names:
        fig = charts.chart(name, clean_run)
        assert fig.data, name
        assert has(f"model.help.{name}")
        assert t(f"model.help.{name}", "ko") != t(f"model.help.{name}", "en")
        json.loads(fig.to_json())  # serialisable: the page and the card can both ship it


def test_chart_contents_match_the_result(clean_run):
    roc = charts.roc_chart(clean_run)
    assert f"{clean_run.metrics['test'].auc:.3f}" in roc.data[1].name
    ks = charts.ks_chart(clean_run)
    assert f"{clean_run.metrics['test'].ks:.3f}" in ks.data[2].name
    conf = charts.confusion_chart(clean_run)
    slider = conf.layout.sliders[0]
    assert len(slider.steps) == 101
    # the starting step is the run's threshold, and its counts add up to the test rows
    assert float(slider.steps[slider.active].label) == pytest.approx(clean_run.threshold, abs=0.006)
    assert np.sum(conf.data[0].z) == clean_run.metrics["test"].n
    imp = charts.importance_chart(clean_run)
    assert list(imp.data[0].y)[-1] == clean_run.importance[0].feature  # top feature drawn at the top
    beeswarm = charts.shap_beeswarm_chart(clean_run)
    assert sum(len(tr.x) for tr in beeswarm.data) == clean_run.shap.rows * len(clean_run.features)
    dist = charts.score_distribution_chart(clean_run)
    assert "bad" in dist.data[1].name  # the event named in the legend


def test_regression_run_gets_only_its_charts():
    df = loans(800)
    import polars as pl

    df = df.with_columns(limit=pl.col("bureau_score") * 3.0)
    r = train_baseline(masked(df), TrainConfig("limit", exclude=("default_12m",)))
    assert set(charts.charts_for(r)) == {"importance", "shap_beeswarm", "shap_dependence", "history"}
    for name in charts.charts_for(r):
        assert charts.chart(name, r).data


def test_run_record_follows_the_cli_contract(leaky_run):
    rec = json.loads(json.dumps(run_record(leaky_run, lang="en"), allow_nan=False))
    assert set(rec["metrics"]) == {"train", "valid", "test"}
    for split in rec["metrics"].values():
        assert {"auc", "gini", "ks", "logloss", "brier", "pr_auc"} <= set(split)
    assert {"feature", "gain", "split", "shap"} == set(rec["importance"][0])
    assert rec["importance"][0]["feature"] == "overdue_days_after"
    codes = {(w["code"], w["feature"]) for w in rec["warnings"]}
    assert ("leakage_suspect", "overdue_days_after") in codes
    assert all(w["message"] for w in rec["warnings"])
    assert rec["event"] == "1" and rec["data"]["fingerprint"] == masked(loans(2500, leak=True)).fingerprint
    assert [s["name"] for s in rec["splits"]] == ["train", "valid", "test"]


def test_stored_model_scores_a_certified_table_like_the_run(clean_run):
    rec = run_record(clean_run)
    table = masked(loans(2500, target_values=("bad", "good")))
    scores = score_table(clean_run.model_text, rec, table)
    assert scores.shape == (2500,) and scores.min() >= 0 and scores.max() <= 1
    from workbench.model.frame import build_frame, to_pandas

    mf = build_frame(table, "default_12m")
    direct = clean_run.booster.predict(to_pandas(mf.X, mf.categorical), num_iteration=clean_run.best_iteration)
    assert np.array_equal(scores, direct)
    from workbench.model.frame import ModelError

    with pytest.raises(ModelError):
        load_model("not a model")


def test_comparison_frame_lines_up_runs(clean_run, leaky_run):
    frame = comparison_frame([("clean", run_record(clean_run)), ("leaky", run_record(leaky_run))])
    assert frame["run"].to_list() == ["clean", "leaky"]
    assert frame["test"][1] > frame["test"][0]  # the leaking column inflates test AUC
    assert frame["warnings"][1] >= 1


URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_model_card_is_offline_and_complete(leaky_run, lang, tmp_path):
    page = model_card_html(leaky_run, reviews={"bureau_score": "accepted"}, run_id="run-7", lang=lang)
    own_markup = page.replace(get_plotlyjs(), "")  # the library holds attribution links it never loads
    assert not URL.search(own_markup), "the card must not load anything from outside"
    assert "@import" not in page and "fonts.googleapis" not in page
    assert page.count('<script type="text/javascript">') == 1  # plotly.js embedded once
    assert page.count('class="plotly-graph-div"') == 13  # every chart of CHARTS, threshold metrics included
    assert t("model.card.title", lang) in page and t("model.help.roc", lang)[:20] in page
    assert "overdue_days_after" in page and "accepted" in page and t("model.card.not_reviewed", lang) in page
    assert leaky_run.data.fingerprint in page and "run-7" in page
    leak = next(w for w in leaky_run.warnings if w.code == "leakage_suspect")
    assert html.escape(leak.message(lang)) in page
    (tmp_path / "card.html").write_text(page, encoding="utf-8")


def test_rare_and_unseen_levels_score_like_the_pooled_level():
    import polars as pl

    rng = np.random.default_rng(5)
    df = loans(3000).with_columns(branch=pl.Series([f"B{int(k)}" for k in rng.zipf(1.3, 3000) % 400]))
    r = train_baseline(masked(df), TrainConfig("default_12m", scorecard=False, shap_rows=0))
    assert r.pooled_levels["branch"] > 50  # most of the 400 branches are too rare to keep
    rec = run_record(r)
    fresh = df.head(200).with_columns(branch=pl.lit("B-never-seen"))
    pooled = df.head(200).with_columns(branch=pl.lit("(other)"))
    assert np.array_equal(score_table(r.model_text, rec, masked(fresh)), score_table(r.model_text, rec, masked(pooled)))


def test_card_and_record_for_regression_and_multiclass():
    import polars as pl

    df = loans(900).with_columns(
        limit=pl.col("bureau_score") * 3.0,
        grade=pl.when(pl.col("bureau_score") > 680).then(pl.lit("A")).otherwise(pl.lit("B"))
        + pl.when(pl.col("annual_income") > 3000).then(pl.lit("1")).otherwise(pl.lit("2")),
    )
    reg = train_baseline(masked(df), TrainConfig("limit", exclude=("default_12m", "grade")))
    rec = json.loads(json.dumps(run_record(reg), allow_nan=False))
    assert {"rmse", "mae", "r2"} <= set(rec["metrics"]["test"]) and rec["event"] is None
    page = model_card_html(reg, lang="en")
    assert "rmse" in page and page.count('class="plotly-graph-div"') == 4
    mc = train_baseline(masked(df), TrainConfig("grade", exclude=("default_12m", "limit")))
    assert mc.target.classes == ("A1", "A2", "B1", "B2")
    page = model_card_html(mc, lang="ko")
    assert "macro_auc" in page and t("model.card.multiclass_note", "ko") in page


def test_every_warning_code_and_exclusion_reason_speaks_both_languages():
    from typing import get_args, get_type_hints

    from workbench.model.frame import Exclusion
    from workbench.model.warnings import CODES
    from workbench.profile.alerts import ALERT_CODES

    for code in CODES:
        # leakage findings speak the profile's words (workbench.signals.leakage), the rest their own
        key = f"profile.alert.{code}" if code in ALERT_CODES else f"model.warning.{code}"
        assert t(key, "ko") != t(key, "en")
    reasons = get_args(get_type_hints(Exclusion)["reason"])
    assert "id_like" in reasons and "date" in reasons
    for reason in reasons:
        assert has(f"model.exclude.{reason}")
