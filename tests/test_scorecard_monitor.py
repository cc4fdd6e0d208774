"""Monitoring: score PSI and characteristic stability against training, bad rate by grade per vintage once
outcomes arrive, and champion against challenger on the same new rows (library and ``score --json``)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from scorecard_data import loans, masked

from workbench.cli import cli
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.monitor import champion_challenger, characteristic_drift, score_drift, vintage_bad_rates
from workbench.model.points import PointsScale, ScoreBands
from workbench.model.runs import save_run
from workbench.model.scorecard import ScorecardOptions
from workbench.profile.stability import psi
from workbench.store import Store


def test_score_psi_is_the_profiles_psi_over_the_training_grades():
    bands = ScoreBands((500.0, 600.0))
    d = score_drift(bands, [100, 100, 100], np.array([650.0] * 10 + [550.0] * 10 + [450.0] * 40))
    # grade 1 (≥ 600), 2, 3: 10, 10, 40 new rows against 100 each
    assert d.psi == pytest.approx(psi(np.array([100, 100, 100]), np.array([10, 10, 40])))
    assert d.major and d.kind == "score"


def test_characteristic_analysis_gives_the_points_the_average_applicant_moved():
    from workbench.model.points import PointsRow, PointsTable

    table = PointsTable(
        PointsScale(),
        tuple(PointsRow("x", k, str(k), "range", 0, None, 0.0, 0.0, 0.0, p) for k, p in enumerate([10, 20, 40])),
    )
    d = characteristic_drift("x", [50, 25, 25], np.array([0] * 25 + [1] * 25 + [2] * 50), table)
    # shares (0.25, 0.25, 0.5) against (0.5, 0.25, 0.25): −0.25 × 10 + 0 × 20 + 0.25 × 40 = 7.5 points gained
    assert d.points_shift == pytest.approx(7.5)
    assert d.psi == pytest.approx(psi(np.array([50, 25, 25]), np.array([25, 25, 50])))


def test_bad_rate_by_grade_per_vintage_leaves_out_unmatured_loans():
    frame = pl.DataFrame(
        {
            "applied_at": pl.date_range(pl.date(2025, 1, 1), pl.date(2025, 2, 28), "1d", eager=True)[:40],
        }
    )
    band = np.array([1, 2] * 20)
    bad = pl.Series([0.0, 1.0] * 15 + [None] * 10)
    out = vintage_bad_rates(frame["applied_at"], band, bad)
    jan = out.filter(pl.col("vintage") == pl.date(2025, 1, 1))
    assert jan["rows"].to_list() == [15, 15] and jan["bad_rate"].to_list() == [0.0, 1.0]
    assert out["rows"].sum() == 30  # the ten loans without an outcome yet are not counted as good


def test_champion_and_challenger_side_by_side():
    rng = np.random.default_rng(0)
    risk = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(risk - 2)))).astype(float)
    good = -risk * 50 + 600  # the champion ranks by the true risk
    noisy = good + rng.normal(0, 40, 2000)  # the challenger is a noisier copy
    bands = ScoreBands(tuple(np.quantile(good, np.linspace(0.1, 0.9, 9))))
    duel = champion_challenger(("champ", good, bands.band(good)), ("chall", noisy, bands.band(noisy)), y)
    assert duel.rows == 2000 and 0 < duel.same_band < 1 and 0.5 < duel.rank_correlation < 1
    assert duel.auc[0] > duel.auc[1] > 0.5 and duel.ks[0] > duel.ks[1]
    assert duel.crosstab["rows"].sum() == 2000


def test_score_json_reports_vintages_and_a_challenger(workspace, tmp_path):
    train = loans(3000, seed=31)
    with Store.open(workspace) as store:
        champ = save_run(
            train_baseline(masked(train), TrainConfig("default_12m", exclude=("loan_id",), shap_rows=0)),
            store,
            card=False,
        )
        chall = save_run(
            train_baseline(
                masked(train),
                TrainConfig(
                    "default_12m", exclude=("loan_id",), shap_rows=0, scorecard_options=ScorecardOptions(trend="none")
                ),
            ),
            store,
            card=False,
        )
    new = loans(1500, seed=32, month0=13, months=3)
    path = tmp_path / "new.parquet"
    new.write_parquet(path)
    args = ["score", champ, str(path), "-o", str(tmp_path / "o.parquet"), "--outcome", "default_12m"]
    out = CliRunner().invoke(cli, [*args, "--vintage", "applied_at", "--challenger", chall, "--json"])
    assert out.exit_code == 0, out.output
    rep = json.loads(out.stdout)
    assert sum(b["events"] for b in rep["bands"]) == int(new["default_12m"].sum())
    assert {v["vintage"] for v in rep["vintages"]} == {"2025-01-01", "2025-02-01", "2025-03-01"}
    assert sum(v["rows"] for v in rep["vintages"]) == 1500
    duel = rep["challenger"]
    assert duel["champion"] == champ and duel["challenger"] == chall and duel["rows"] == 1500
    assert 0.8 < duel["rank_correlation"] <= 1 and len(duel["auc"]) == 2
