"""Finding 2 of the team trial: the page the user was on comes back in a new session (a link to it), and the
Model page reopens on the dataset chosen last."""

from __future__ import annotations

import pytest
from finished_job import finished
from lazy_tab import open_tab

from workbench.i18n import t
from workbench.store import Store


def links(at) -> list[str]:
    return [el.proto.label for el in at.get("page_link")]


def test_a_new_session_offers_the_page_of_the_last_one(app_test, workspace):
    first = app_test()
    first.run()
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) not in links(first)  # nothing to come back to
    first.switch_page("pages/model.py").run()
    with Store.open() as s:
        assert s.ui_state.get()["page"] == "model"

    later = app_test()  # a reload or a new browser: it starts on the first page
    later.run()
    assert not later.exception, later.exception
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) in links(later)
    later.switch_page("pages/model.py").run()  # once there, the offer is gone
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) not in links(later)


def test_the_model_page_reopens_on_the_dataset_chosen_last(app_test, workspace):
    from test_model_core import loans, masked

    tables = {"loans": masked(loans(300)), "loans_2025": masked(loans(200))}

    def model_page():
        at = app_test()
        at.session_state["wb.data.certified"] = dict(tables)
        at.run()
        at.switch_page("pages/model.py").run()
        assert not at.exception, at.exception
        return at

    at = model_page()
    first = at.selectbox(key="wb.model.dataset").value
    other = next(n for n in tables if n != first)
    at.selectbox(key="wb.model.dataset").set_value(other).run()
    assert model_page().selectbox(key="wb.model.dataset").value == other


# --- two analysts on one server: the place is keyed by the analyst and by the browser tab ---------------------
def analyst_session(app_test, tables, who: str | None = None, dataset: str | None = None):
    """A new browser tab: its address may carry the analyst's name and the dataset it showed."""
    at = app_test()
    at.session_state["wb.data.certified"] = dict(tables)
    if who:
        at.query_params["who"] = who
    if dataset:
        at.query_params["dataset"] = dataset
    at.run()
    assert not at.exception, at.exception
    return at


def on_model_page(at):
    at.switch_page("pages/model.py").run()
    assert not at.exception, at.exception
    return at.selectbox(key="wb.model.dataset")


@pytest.fixture
def two_tables():
    from test_model_core import loans, masked

    return {"loans": masked(loans(300)), "loans_2025": masked(loans(200))}


def test_two_analysts_on_one_server_never_get_each_others_place(app_test, workspace, two_tables):
    kim = analyst_session(app_test, two_tables, who="김 분석가")
    on_model_page(kim).set_value("loans_2025").run()
    assert kim.query_params["dataset"] == "loans_2025" and kim.query_params["who"] == "김 분석가"

    lee = analyst_session(app_test, two_tables, who="이 전문가")
    assert on_model_page(lee).value == "loans"  # not kim's choice
    lee.switch_page("pages/profile.py").run()

    with Store.open() as s:
        assert s.ui_state.get("김 분석가") == {"page": "model", "model_dataset": "loans_2025"}
        assert s.ui_state.get("이 전문가")["page"] == "profile"
        assert "page" not in s.ui_state.get()  # the OS user's place is nobody's here

    again = analyst_session(app_test, two_tables, who="김 분석가")  # kim reloads: her place, not lee's
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) in links(again)
    assert t("flow.resume", "ko", page=t("nav.profile", "ko")) not in links(again)
    assert on_model_page(again).value == "loans_2025"
    other = analyst_session(app_test, two_tables, who="이 전문가")
    assert t("flow.resume", "ko", page=t("nav.profile", "ko")) in links(other)
    assert on_model_page(other).value == "loans"

    fresh = analyst_session(app_test, two_tables)  # a fresh tab without a name: neither analyst's place
    assert not [x for x in links(fresh) if x.startswith(t("flow.resume", "ko", page=""))]
    assert on_model_page(fresh).value == "loans"


def test_the_name_asked_once_in_the_sidebar_keys_the_place_of_each_analyst(app_test, workspace, two_tables):
    kim = analyst_session(app_test, two_tables, who="김 분석가")
    assert kim.sidebar.text_input(key="wb.who.box").value == "김 분석가"  # prefilled from the address
    lee = analyst_session(app_test, two_tables)  # a tab opened without a name
    assert lee.sidebar.text_input(key="wb.who.box").value == ""
    lee.sidebar.text_input(key="wb.who.box").input("이 전문가").run()
    assert lee.query_params["who"] == "이 전문가"  # stored in the address: a reload keeps it
    on_model_page(lee).set_value("loans_2025").run()
    assert lee.query_params["who"] == "이 전문가" and lee.sidebar.text_input(key="wb.who.box").value == "이 전문가"
    assert on_model_page(kim).value == "loans"  # kim's tab is not moved by lee's choice
    with Store.open() as s:
        assert s.ui_state.get("이 전문가") == {"page": "model", "model_dataset": "loans_2025"}
        assert "model_dataset" not in s.ui_state.get()  # nothing written under the OS user for unnamed tabs
        assert s.ui_state.get("김 분석가").get("model_dataset") != "loans_2025"

    assert on_model_page(analyst_session(app_test, two_tables, who="이 전문가")).value == "loans_2025"  # lee reloads
    assert on_model_page(analyst_session(app_test, two_tables)).value == "loans"  # another unnamed tab: not lee's
    cleared = analyst_session(app_test, two_tables, who="이 전문가")
    cleared.sidebar.text_input(key="wb.who.box").input("  ").run()  # a blank name is no name, not an error
    assert not cleared.exception and "who" not in cleared.query_params


def test_a_reload_restores_the_tabs_own_dataset_even_after_another_tab_moved_on(app_test, workspace, two_tables):
    first_tab = analyst_session(app_test, two_tables, who="kim")
    on_model_page(first_tab).set_value("loans_2025").run()
    second_tab = analyst_session(app_test, two_tables, who="kim")
    on_model_page(second_tab).set_value("loans").run()  # the analyst's last choice is now loans

    reload = analyst_session(app_test, two_tables, who="kim", dataset="loans_2025")  # the first tab's address
    assert on_model_page(reload).value == "loans_2025"
    fresh = on_model_page(analyst_session(app_test, two_tables, who="kim"))  # a fresh tab: the last one she saw
    assert fresh.value == "loans_2025"


@pytest.mark.slow
def test_the_name_typed_for_reviews_is_whose_place_the_tab_keeps(app_test, workspace):
    from test_features_lineage import load_bank

    with Store.open() as s:
        load_bank(s, 120, 10)
    at = app_test()
    at.run()
    at.switch_page("pages/features.py").run()
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    open_tab(at, "wb.features.tab", 2)  # the review tab
    at.text_input(key="wb.features.reviewer").input("박 심사역").run()
    assert at.query_params["who"] == "박 심사역"
    at.switch_page("pages/model.py").run()  # a page change clears the address; the name is written back
    assert at.query_params["who"] == "박 심사역"
    with Store.open() as s:
        assert s.ui_state.get("박 심사역")["page"] == "model"

    reload = app_test()  # the tab reloaded: the name comes back from the address, in the review form too
    reload.query_params["who"] = "박 심사역"
    reload.run()
    reload.switch_page("pages/features.py").run()
    assert open_tab(reload, "wb.features.tab", 2).text_input(key="wb.features.reviewer").value == "박 심사역"


def test_the_sidebar_counts_a_run_as_soon_as_it_is_trained(app_test, workspace, two_tables):
    at = analyst_session(app_test, two_tables)
    on_model_page(at)
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    assert any(t("flow.model", "ko", n=0) in str(m.value) for m in at.sidebar.markdown)
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception, at.exception
    assert any(t("flow.model", "ko", n=1) in str(m.value) for m in at.sidebar.markdown)
