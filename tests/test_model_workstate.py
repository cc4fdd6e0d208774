"""Finding 2 and deliverable 9 of the team trial on the Model page: after a reload the last run's results and
the run history come back from stored run records; two or more stored runs compare side by side."""

from __future__ import annotations

import pytest
from finished_job import finished
from test_model_core import loans, masked

from workbench.charts.runs import importance_overlay, roc_overlay
from workbench.model.baseline import TrainConfig, train_baseline
from workbench.model.runs import metrics_frame, metrics_table, record_from_run, save_run, stored_runs
from workbench.store import Store


@pytest.fixture(scope="module")
def table():
    return masked(loans(800))


@pytest.fixture(scope="module")
def results(table):
    return [train_baseline(table, TrainConfig(target="default_12m", seed=seed, shap_rows=200)) for seed in (1, 2)]


def test_a_stored_record_draws_what_the_result_drew(workspace, results):
    with Store.open() as store:
        run_id = save_run(results[0], store, card=False)
    with Store.open() as fresh:  # a new session
        [(found, rec)] = stored_runs(fresh, limit=1)
    assert found == run_id and rec["actor"]
    assert metrics_table(rec["task"], rec["metrics"], rec.get("scorecard")).equals(metrics_frame(results[0]))
    fig = roc_overlay([(found, rec)])
    assert list(fig.data[0].x) == pytest.approx(list(results[0].curves["test"].fpr), abs=1e-5)
    bars = importance_overlay([(found, rec)], top=5).data[0]
    assert list(bars.y)[-1] == results[0].importance[0].feature  # the strongest at the top


def test_runs_saved_before_records_were_kept_still_list(workspace, results):
    with Store.open() as store:
        run = store.runs.save(
            dataset_fingerprint="x",
            target="default_12m",
            split={"kind": "random", "column": None},
            params={"summary": {"task": "binary", "data": {"name": "loans"}}},
            features=["a"],
            metrics={"test": {"auc": 0.7}},
            dataset="loans",
        )
        rec = record_from_run(store.runs.get(run.id))
    assert rec["metrics"]["test"]["auc"] == 0.7 and "curves" not in rec
    assert len(roc_overlay([(run.id, rec)]).data) == 1  # only the diagonal: nothing invented


@pytest.fixture
def page(app_test, table):
    def open_page(with_tables: bool = True):
        at = app_test()
        at.session_state["wb.data.certified"] = {"loans": table}
        at.run()
        at.switch_page("pages/model.py").run()
        assert not at.exception, at.exception
        return at

    return open_page


@pytest.mark.slow
def test_after_a_reload_the_model_page_shows_the_last_run_and_the_history(workspace, page):
    at = page()
    assert not at.get("plotly_chart")  # nothing trained, nothing stored
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception, at.exception
    at.number_input(key="wb.model.seed").set_value(7).run()
    finished(at.button(key="wb.model.train").click().run())
    with Store.open() as store:
        ids = [r.id for r in store.runs.list()]
    assert len(ids) == 2

    at = page()  # reload
    assert any(ids[0] in str(i.value) for i in at.info)  # the newest stored run, named
    [history] = [d.value for d in at.dataframe if len(d.value) == 2]  # every run, side by side
    assert set(history.iloc[:, 0]) == set(ids)
    assert set(at.multiselect(key="wb.model.compare").value) == set(ids)
    keys = {c.proto.id for c in at.get("plotly_chart")}
    assert len(at.get("plotly_chart")) >= 5, keys  # stored ROC, importance; comparison bars, ROC, importance
    assert at.selectbox(key="wb.model.dataset").value == "loans"
