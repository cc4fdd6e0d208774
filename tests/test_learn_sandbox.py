"""Finding 4 of the team trial: the tour runs in a practice workspace of its own. A trainee's sample, build
and verdicts stay there; the analysts' store (and so their export) never sees them."""

from __future__ import annotations

import pytest
from finished_job import finished
from lazy_tab import open_tab

from workbench.features.review import export_picks
from workbench.learn.sandbox import open_sandbox, sandbox_home
from workbench.store import Store

pytestmark = pytest.mark.slow


def session(app_test, page: str):
    at = app_test()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_a_trainees_accept_never_reaches_the_analysts_store(app_test, workspace, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB_URL", f"sqlite:///{workspace / 'analysts.db'}")  # even with a shared DB
    trainee = session(app_test, "pages/learn.py")
    assert trainee.session_state["wb.learn.in_tour"]
    assert any(str(sandbox_home(workspace)) in str(i.value) for i in trainee.info)  # the page says where
    finished(trainee.button(key="wb.learn.do.load").click().run(), taken_next_run=True)
    assert not trainee.exception, trainee.exception
    trainee.switch_page("pages/features.py").run()  # the same session, still in the tour
    finished(trainee.button(key="wb.features.build").click().run())
    open_tab(trainee, "wb.features.tab", 2)  # the review tab
    trainee.checkbox(key="wb.features.all_shown").check().run()
    trainee.button(key="wb.features.bulk.accept").click().run()
    assert not trainee.exception, trainee.exception

    with open_sandbox(workspace) as practice:
        accepted = {n for n, r in practice.reviews.states().items() if r.verdict == "accept"}
        assert accepted and practice.datasets.list() and practice.feature_runs.latest() is not None
    with Store.open() as analysts:  # WORKBENCH_HOME + WORKBENCH_DB_URL: what every analyst opens
        assert analysts.datasets.list() == [] and analysts.reviews.states() == {}
        assert analysts.features.list() == [] and analysts.feature_runs.latest() is None
        assert [e.action for e in analysts.audit.list()] == []

    analyst = session(app_test, "pages/features.py")  # another session, not in the tour: nothing to export
    assert any("인증" in str(w.value) or "certif" in str(w.value).lower() for w in analyst.warning)

    # the analyst loads and builds the same sample: the trainee's accepts are not theirs
    analyst.switch_page("pages/data.py").run()
    analyst.button(key="wb.data.load_sample").click().run()
    analyst.switch_page("pages/features.py").run()
    finished(analyst.button(key="wb.features.build").click().run())
    assert not analyst.exception, analyst.exception
    with Store.open() as analysts:
        run = analyst.session_state["wb.features.run"]
        picks = export_picks(run, analysts.reviews.states())
    assert picks and {p.decided_by for p in picks} == {"auto"}  # no trainee among the deciders


def test_leaving_the_tour_goes_back_to_the_analysts_workspace(app_test, workspace):
    at = session(app_test, "pages/learn.py")
    finished(at.button(key="wb.learn.do.load").click().run(), taken_next_run=True)
    assert at.session_state["wb.data.certified.tour"]
    at.button(key="wb.learn.leave").click().run()
    assert not at.exception, at.exception
    assert not at.session_state["wb.learn.in_tour"]
    at.switch_page("pages/model.py").run()
    assert any("인증" in str(w.value) for w in at.warning)  # the analysts' workspace holds nothing yet
