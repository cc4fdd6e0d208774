"""The model page as the analyst meets it: an empty state that says why, training with a result dashboard,
and, in a real browser, charts drawn with their reading help."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from finished_job import finished
from lazy_tab import open_tab
from streamlit.testing.v1 import AppTest
from test_model_core import loans, masked

from workbench.i18n import set_language, t
from workbench.ui.glossary import term_help, term_name


@pytest.fixture(autouse=True)
def korean_again():
    yield
    set_language("ko")


@pytest.fixture
def page_with(app_test):
    """The model page through the router (as the server runs it), with these certified tables in session."""

    def open_page(certified: dict | None, lang: str = "ko") -> AppTest:
        set_language(lang)  # AppTest re-applies widgets' format_func in this thread: same language as the app
        at = app_test()
        at.session_state["wb.lang"] = lang
        if certified is not None:
            at.session_state["wb.data.certified"] = certified
        at.run()
        at.switch_page("pages/model.py").run()
        return at

    return open_page


def test_without_certified_data_the_page_says_why(workspace, page_with):
    at = page_with(None, "en")
    assert not at.exception
    assert at.warning[0].value == t("guard.no_certified", "en")
    links = {link.proto.label for link in at.get("page_link")}
    assert {t("guard.to_data", "en"), t("guard.to_privacy", "en")} <= links  # the way to certified data
    assert not at.button  # nothing to train


@pytest.mark.slow
def test_train_from_the_page_and_read_the_results(workspace, page_with):
    at = page_with({"loans": masked(loans(1500, leak=True))})
    assert not at.exception
    assert at.selectbox(key="wb.model.target").value == "overdue_days_after"  # last column preselected
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    assert at.selectbox(key="wb.model.event.loans.default_12m").value == "1"
    assert "overdue_days_after" in at.multiselect(key="wb.model.features.loans.default_12m").value
    split = at.radio(key="wb.model.split")
    assert len(split.options) == 3  # random, out-of-time on applied_at, grouped by customer
    assert split.help == term_help("out_of_time")
    split.set_value("time").run()
    assert at.selectbox(key="wb.model.split_date").value == "applied_at"
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception
    assert t("model.event_is", "ko", event="1", other="0") in [s.value for s in at.success]
    assert any("overdue_days_after" in e.value for e in at.error)  # the planted leak is called out
    metrics = at.dataframe[0].value
    assert list(metrics[t("model.table.split", "ko")][:3]) == [
        t(f"model.split.{s}", "ko") for s in ("train", "valid", "test")
    ]
    assert metrics["auc"].between(0, 1).all()
    column_help = json.loads(at.dataframe[0].proto.columns)
    assert {c: column_help[c]["help"] for c in ("auc", "gini", "ks")} == {
        c: term_help(c) for c in ("auc", "gini", "ks")
    }
    assert len(at.tabs) == 5 + 3  # the dashboard's five, then the scorecard's points, bin editor, new data
    result, _ = at.session_state["wb.model.result"]
    top = max(result.importance, key=lambda f: f.shap).feature
    help_title = t("model.help.title", "ko")
    glossary, inside, outside = [], 0, 0
    for i in range(5):  # only the open tab's charts are built: open each in turn
        open_tab(at, "wb.model.chart_tab", i)
        glossary += [p.proto.popover.label for p in at.get("popover")]
        here = [e.label for e in at.tabs[i].expander].count(help_title)
        inside, outside = inside + here, [e.label for e in at.expander].count(help_title) - here
        if i == 3:
            assert at.selectbox(key="wb.model.dependence").value == top  # the dependence plot opens on the top driver
    assert glossary == [term_name(term) for term in ("lift", "calibration", "shap")]
    assert inside + outside >= 13  # metrics, scorecard and one per chart
    # a threshold moved in its tab is still there after a look at another tab, and the metrics chart follows it
    open_tab(at, "wb.model.chart_tab", 2).slider(key="wb.model.threshold").set_value(0.3).run()
    open_tab(at, "wb.model.chart_tab", 0)
    assert not at.get("slider")  # the threshold tab is not built while closed
    assert open_tab(at, "wb.model.chart_tab", 2).slider(key="wb.model.threshold").value == 0.3
    open_tab(at, "wb.model.chart_tab", 0)

    # a second run without the leak shows up in the comparison, with a lower test AUC
    at.multiselect(key="wb.model.features.loans.default_12m").unselect("overdue_days_after").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception
    runs = at.dataframe[1].value
    assert len(runs) == 2 and runs["test"][1] < runs["test"][0]
    assert not [e for e in at.error if "overdue_days_after" in e.value]


def test_bad_choice_gives_one_line_in_the_users_language(workspace, page_with):
    at = page_with({"loans": masked(loans(600))}, "en")
    at.selectbox(key="wb.model.target").set_value("loan_product").run()
    at.selectbox(key="wb.model.task").set_value("regression").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception
    assert at.error[0].value == t("model.error.regression_needs_numbers", "en", column="loan_product")


@pytest.mark.browser
def test_model_page_in_the_browser(page, base_url, app_workspace, tmp_path):
    """Train on a certified table from the workspace and read the dashboard, with no request leaving the machine."""
    from conftest import wait_for_app
    from playwright.sync_api import expect

    from workbench.privacy import save_certified
    from workbench.store import Store

    with Store.open(home=app_workspace) as store:
        save_certified(store, masked(loans(1500), name="model_loans"))
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None,
    )

    page.goto(f"{base_url}/model")
    wait_for_app(page)
    dataset = page.get_by_role("combobox", name=t("model.page.dataset", "ko"))
    if dataset.input_value() != "model_loans":  # other tests may have put datasets in this workspace too
        dataset.click()
        page.get_by_role("option", name="model_loans").click()
    expect(page.get_by_role("combobox", name=t("model.page.target", "ko"))).to_have_value("default_12m")
    page.get_by_role("button", name=t("model.page.train", "ko")).click()
    expect(page.get_by_text(t("model.page.results", "ko"), exact=True)).to_be_visible(timeout=180_000)
    expect(page.get_by_text(t("model.event_is", "ko", event="1", other="0"))).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.get_by_text(t("model.help.title", "ko")).first.click()
    expect(page.get_by_text(t("model.help.metrics", "ko")[:30])).to_be_visible()
    page.get_by_role("tab", name=t("model.page.tab_explain", "ko")).click()
    expect(page.locator('[role="tabpanel"]:visible [data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(
        timeout=30_000
    )
    page.set_viewport_size({"width": 1400, "height": 3200})  # Streamlit scrolls inside the page: grow the window
    page.wait_for_timeout(1500)
    shots = ROOT / "test-results"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / "model_page.png")
    assert not outside, outside


def test_the_page_starts_on_the_label_table_and_its_recorded_target(workspace, app_test):
    from workbench.intake import take_in_sample
    from workbench.store import Store

    with Store.open(workspace) as store:
        take_in_sample(store)  # records loans as the label table with default_12m as its target
    at = app_test().run()
    at.switch_page("pages/model.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="wb.model.dataset").value == "loans"
    assert at.selectbox(key="wb.model.target").value == "default_12m"
