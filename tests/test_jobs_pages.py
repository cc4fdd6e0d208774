"""Build and Train run off the script thread (AppTest): the click returns at once, the page shows the job's
progress, a second click starts nothing, leaving the page and coming back (or a reload) still shows the job,
another analyst does not see it, and when it ends the page shows the result and the store holds the run."""

from __future__ import annotations

import threading

import pytest
from finished_job import finished
from test_features_generate import bank_frames, masked
from test_model_core import loans
from test_model_core import masked as masked_loans

from workbench.i18n import t
from workbench.jobs import JOBS
from workbench.store import Store
from workbench.ui import features_views, model_views

FEATURES, MODEL, DATA = "pages/features.py", "pages/model.py", "pages/data.py"


@pytest.fixture
def gate(monkeypatch):
    """Build and train wait for the test to open the gate once started, so the test sees them running."""
    opened = threading.Event()
    opened.reached = threading.Event()  # set once the job has reported its step

    def held(real, *step):
        def call(*args, **kwargs):
            kwargs["progress"](*step)  # one progress report, then wait
            opened.reached.set()
            assert opened.wait(60)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(features_views, "build_features", held(features_views.build_features, 0.25, "transactions"))
    monkeypatch.setattr(model_views, "train_baseline", held(model_views.train_baseline, 1, 4, "auc", 0.5))
    yield opened
    opened.set()
    JOBS.wait(60)


def session(app_test, who: str, certified: dict, page: str):
    """A browser tab of analyst ``who`` (the sidebar's name) on ``page``."""
    at = app_test()
    at.session_state["wb.who"] = who
    at.session_state["wb.data.certified"] = certified
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def progress_text(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def messages(at) -> str:
    return "\n".join(str(x.value) for x in [*at.info, *at.success, *at.warning, *at.error])


def test_a_build_runs_off_the_page_and_comes_back_to_it(workspace, app_test, gate):
    tables = masked(bank_frames(customers=120, per_customer=8))
    kim = session(app_test, "kim", tables, FEATURES)
    kim.button(key="wb.features.build").click().run()
    assert not kim.exception, kim.exception
    assert JOBS.active() == 1 and len(progress_text(kim)) == 1  # shown in the run of the click
    assert gate.reached.wait(30)
    assert progress_text(kim.run()) == [t("features.page.step", "ko", step="transactions")]  # and while it runs
    assert "wb.features.run" not in kim.session_state or kim.session_state["wb.features.run"] is None

    kim.button(key="wb.features.build").click().run()  # an impatient second click
    assert JOBS.active() == 1 and t("jobs.running_same", "ko") in messages(kim)
    kim.switch_page(DATA).run()
    assert not kim.get("progress")  # the Data page is not the job's
    kim.switch_page(FEATURES).run()
    assert progress_text(kim)  # back on the page: still running, shown, not started again
    reload = session(app_test, "kim", tables, FEATURES)
    assert progress_text(reload) and JOBS.active() == 1  # a reload finds the running build too
    lee = session(app_test, "lee", tables, FEATURES)
    assert not lee.get("progress")  # another analyst does not see kim's build

    gate.set()
    finished(kim)
    assert not kim.exception, kim.exception
    run = kim.session_state["wb.features.run"]
    assert t(
        "features.page.built", "ko", rows=run.features.rows, features=len(run.specs), selected=len(run.selected)
    ) in [s.value for s in kim.success]
    with Store.open() as store:
        stored = store.feature_runs.latest("loans")
        assert stored is not None and stored.id == kim.session_state["wb.features.run_id"]
        assert store.features.exists(run.specs[0].name)  # the catalog was saved by the worker
        assert store.ui_state.get("kim")["label"] == "loans"  # and the page remembered kim's label table
    assert finished(reload).session_state["wb.features.run_id"] == stored.id  # the reloaded tab takes it too
    lee.run()
    assert not lee.get("progress") and lee.session_state["wb.features.run"] is None  # kim's job is not lee's

    # a rebuild: while it runs, the tab does not say "built" of the run it replaces
    gate.clear()
    kim.button(key="wb.features.build").click().run()
    assert progress_text(kim) and not kim.success
    gate.set()
    assert finished(kim).success and kim.session_state["wb.features.run_id"] != stored.id


def test_a_failed_build_is_one_line_and_keeps_the_page(workspace, app_test, monkeypatch):
    from workbench.errors import UserError

    def broken(*args, **kwargs):
        raise UserError("features.error.no_time", table="transactions")

    monkeypatch.setattr(features_views, "build_features", broken)
    kim = session(app_test, "kim", masked(bank_frames(customers=60, per_customer=4)), FEATURES)
    finished(kim.button(key="wb.features.build").click().run())
    assert not kim.exception and [e.value for e in kim.error] == [
        t("features.error.no_time", "ko", table="transactions")
    ]
    assert kim.session_state["wb.features.run"] is None
    kim.run()
    assert not kim.error  # said once, like any message after a click


def test_a_training_runs_off_the_page_and_its_run_is_saved(workspace, app_test, gate):
    tables = {"loans": masked_loans(loans(600))}
    kim = session(app_test, "kim", tables, MODEL)
    kim.selectbox(key="wb.model.target").set_value("default_12m").run()
    kim.button(key="wb.model.train").click().run()
    assert not kim.exception, kim.exception
    assert len(progress_text(kim)) == 1  # shown once, in the run of the click
    assert gate.reached.wait(30)
    expected = t("model.progress", "ko", iteration=1, total=4, metric="auc", value="0.5000")
    assert progress_text(kim.run()) == [expected]
    kim.button(key="wb.model.train").click().run()
    assert JOBS.active() == 1 and t("jobs.running_same", "ko") in messages(kim)
    kim.switch_page(DATA).run()
    kim.switch_page(MODEL).run()
    assert progress_text(kim) == [expected]
    assert not session(app_test, "lee", tables, MODEL).get("progress")

    gate.set()
    finished(kim)
    assert not kim.exception, kim.exception
    result, run_id = kim.session_state["wb.model.result"]
    assert run_id is not None and t("model.page.results", "ko") in [h.value for h in kim.header]
    with Store.open() as store:
        assert store.runs.get(run_id).target == result.target.column == "default_12m"


def test_two_unnamed_tabs_do_not_see_each_others_job(workspace, app_test, gate):
    tables = {"loans": masked_loans(loans(600))}
    first, second = (session(app_test, None, tables, MODEL) for _ in range(2))
    first.button(key="wb.model.train").click().run()
    assert first.get("progress") and JOBS.active() == 1
    second.run()
    assert not second.get("progress")  # the same OS user, but another tab: not its job
    gate.set()
    assert finished(first).session_state["wb.model.result"][1] is not None
    assert "wb.model.result" not in second.run().session_state


def test_a_crash_in_the_worker_is_one_line_without_a_traceback(workspace, app_test, monkeypatch):
    def crashed(*args, **kwargs):
        raise RuntimeError("row 17: 900101-1234567")  # a bug whose text carries data

    monkeypatch.setattr(model_views, "train_baseline", crashed)
    kim = session(app_test, "kim", {"loans": masked_loans(loans(300))}, MODEL)
    finished(kim.button(key="wb.model.train").click().run())
    assert not kim.exception  # no Streamlit exception box
    assert [e.value for e in kim.error] == [t("jobs.error.unexpected", "ko", error="RuntimeError")]
    assert "wb.model.result" not in kim.session_state
    with Store.open() as store:
        assert not store.runs.list()
