"""The Learn page through the router (AppTest): a trainee answers two steps, closes the browser, comes back
under the same name and resumes at step 3; wrong answers get a hint, not the answer; English switches."""

from __future__ import annotations

import pytest
from finished_job import finished

from workbench.i18n import t
from workbench.io import read_table
from workbench.learn import facts
from workbench.learn.tour import RAW_EXPORT

pytestmark = pytest.mark.slow


def open_learn(app_test, name: str | None = None, lang: str = "ko"):
    at = app_test()
    at.session_state["wb.lang"] = lang
    at.run()
    at.switch_page("pages/learn.py").run()
    assert not at.exception, at.exception
    if name is not None:
        at.text_input(key="wb.learn.user_input").input(name).run()
    return at


def test_two_steps_then_a_new_session_resumes_at_step_three(app_test, workspace):
    at = open_learn(app_test, "민지")
    assert at.number_input(key="wb.learn.answer.load").label == t("learn.step.load.question", "ko")
    finished(at.button(key="wb.learn.do.load").click().run(), taken_next_run=True)  # "load the sample for me"
    assert not at.exception, at.exception
    at.number_input(key="wb.learn.answer.load").set_value(4999).run()
    at.button(key="wb.learn.check.load").click().run()
    assert t("learn.step.load.hint", "ko") in at.warning[0].value  # a hint, and still on step 1
    at.number_input(key="wb.learn.answer.load").set_value(5000).run()
    at.button(key="wb.learn.check.load").click().run()
    assert "5,000" in at.success[0].value  # the explanation of the right answer
    pii = sorted(facts.pii_columns(read_table(RAW_EXPORT)))
    at.multiselect(key="wb.learn.answer.privacy").set_value(pii).run()
    at.button(key="wb.learn.check.privacy").click().run()
    assert not at.exception, at.exception
    assert pii[0] in at.success[0].value

    later = open_learn(app_test, "민지")  # a new session: nothing but the workspace remembers
    assert later.selectbox(key="wb.learn.answer.leak").label == t("learn.step.leak.question", "ko")
    assert any(t("learn.page.progress", "ko", done=2, total=9) == p.proto.text for p in later.get("progress"))

    newcomer = open_learn(app_test, "지훈")  # another trainee starts at the beginning
    assert newcomer.number_input(key="wb.learn.answer.load")


def test_english_tour_and_glossary(app_test, workspace):
    at = open_learn(app_test, lang="en")
    assert at.title[0].value == t("learn.page.title", "en")
    glossary = " ".join(m.value for m in at.markdown)
    for term in ("WOE (weight of evidence)", "k-anonymity", "Cutoff", "Missing not at random"):
        assert term in glossary
    at.text_input(key="wb.learn.glossary_filter").input("psi").run()
    shown = [m.value for m in at.markdown if "·" in m.value]
    assert len(shown) == 1 and "PSI / CSI" in shown[0]


def sidebar_script():
    import streamlit as st

    from workbench.ui.learn_views import tour_sidebar
    from workbench.ui.shell import apply_language

    apply_language()
    st.title("any page")
    tour_sidebar()


def test_sidebar_box_shows_the_current_step_on_any_page(workspace, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from workbench.learn.sandbox import open_sandbox

    with open_sandbox(workspace) as store:  # the tour's progress lives in its practice workspace
        store.progress.set_step("민지", "load", "done")
        store.progress.set_step("민지", "privacy", "done")
    at = AppTest.from_function(sidebar_script, default_timeout=30)
    at.session_state["wb.learn.user"] = "민지"
    at.run()
    assert not at.sidebar.markdown  # outside the tour, no tour box
    at.session_state["wb.learn.in_tour"] = True
    at.run()
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.sidebar.markdown)
    assert t("learn.sidebar.title", "ko", n=3, total=9) in text and t("learn.step.leak.title", "ko") in text
    assert t("learn.step.leak.goal", "ko") in " ".join(c.value for c in at.sidebar.caption)
    at.session_state["wb.learn.sidebar"] = False  # the Learn page's toggle turns it off
    at.run()
    assert not any(t("learn.step.leak.title", "ko") in m.value for m in at.sidebar.markdown)


def answer_block(node, key: str, width=None):
    """The pixel width of the nearest container around the widget ``key`` that has one (None: full width)."""
    for i in sorted(getattr(node, "children", {}) or {}):
        kid = node.children[i]
        if getattr(kid, "key", None) == key:
            return True, width
        proto = getattr(kid, "proto", None)
        own = proto.width_config.pixel_width if proto is not None and hasattr(proto, "width_config") else 0
        found, w = answer_block(kid, key, own or width)
        if found:
            return True, w
    return False, None


def test_the_answer_and_its_buttons_keep_a_reading_width(app_test, workspace):
    """At 1920 px a full-width answer box puts "check" a screen away from the question: the answer, the check
    and reveal buttons sit in one container of a reading width (capped to the screen on a narrower one)."""
    from workbench.ui.learn_views import READING_WIDTH

    at = open_learn(app_test)
    assert 480 <= READING_WIDTH <= 800
    for key in ("wb.learn.answer.load", "wb.learn.check.load", "wb.learn.reveal.load", "wb.learn.do.load"):
        assert answer_block(at.main, key) == (True, READING_WIDTH), key


def test_do_it_for_me_runs_in_the_background_and_its_result_arrives_on_the_next_run(app_test, workspace):
    """Loading the sample (certifying 340k rows) is work for a job, as Build and Train are: the click's run
    returns while it runs, showing its progress, and the next run takes the tables and says what was done."""
    at = open_learn(app_test, "민지")
    at.button(key="wb.learn.do.load").click().run()
    assert not at.exception, at.exception
    tour = "wb.data.certified.tour"
    assert tour not in at.session_state or not at.session_state[tour]  # not taken in the click's own run
    finished(at, taken_next_run=True)
    assert not at.exception, at.exception
    assert len(at.session_state[tour]) == 4
    assert any(t("learn.action.loaded", "ko", n=4) in str(s.value) for s in at.success)
