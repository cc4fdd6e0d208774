"""Drawing pieces of the Learn page: the current step's card, answer widgets, "do it for me" buttons, the
mini review form, the step list, the glossary and the sidebar tour box. Checks live in ``workbench.learn``."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.intake import SAMPLE_TABLES
from workbench.io import read_table
from workbench.learn import DONE, STEPS, TERMS, Facts, Step, actions, current_index
from workbench.learn.tour import RAW_EXPORT
from workbench.ui import job_views, state
from workbench.ui.explain import read_box
from workbench.ui.nav import PAGES
from workbench.ui.shell import page_link
from workbench.ui.tables import missing_mark

USER = "wb.learn.user"
LAST = "wb.learn.last"  # (step id, params) of the step just answered right, shown once above the next one
OUTCOME = "wb.learn.outcome"  # (step id, reason key, params) of a wrong or revealed answer
SIDEBAR = "wb.learn.sidebar"  # show the tour box on every page
LEARN_PAGE = "pages/learn.py"
# the answer and its buttons: about 80 Korean characters a line, so a question, its box and "check" read as one
# thing on a 1920 px screen; a narrower screen gives them its full width
JOB = "wb.learn.job"  # (action job id, taken?) this session follows (``job_views.follow``)
READING_WIDTH = 720


@st.cache_resource(show_spinner=False)
def _raw_export(path: str, mtime: float):
    return read_table(path)


def user() -> str | None:
    """The name progress is saved under: what the trainee typed, or the OS user when empty."""
    return (st.session_state.get(USER) or "").strip() or None


def facts() -> Facts:
    """Expected answers over the sample bank's tables (other certified datasets in the workspace stay out of
    the tour: an analyst's own label table must not change what "the leaking column" is)."""
    raw = _raw_export(str(RAW_EXPORT), RAW_EXPORT.stat().st_mtime) if RAW_EXPORT.exists() else None
    certified = state.certified_tables()
    tables = {n: certified[n] for n in SAMPLE_TABLES if n in certified}
    return Facts(state.store(), tables, raw)


def page_title(path: str) -> str:
    return next((t(p.title_key) for p in PAGES if p.path == path), path)


def progress_of(store) -> Mapping[str, str]:
    return dict(store.progress.get(user()).steps)


def link(path: str, label: str, icon: str) -> None:
    """A page link; left out when the page runs outside the router (alone, or in a test harness)."""
    from streamlit.errors import StreamlitPageNotFoundError

    with contextlib.suppress(StreamlitPageNotFoundError):
        page_link(path, label, icon)


def how_to_read(key: str) -> None:
    read_box(key, "learn.page.how.title")


# --- answers -------------------------------------------------------------------------------------------------


def answer_widget(step: Step, f: Facts) -> Any:
    key = f"wb.learn.answer.{step.id}"
    label = t(step.question_key)
    if step.ask == "number":
        decimals = step.id == "baseline"
        return st.number_input(
            label,
            value=None,
            min_value=0.0 if decimals else 0,
            max_value=1.0 if decimals else None,
            step=0.01 if decimals else 1,
            format="%.2f" if decimals else "%d",
            key=key,
        )
    options = list(step.options(f)) if step.options else []
    if step.ask == "multi":
        return st.multiselect(label, options, key=key, placeholder=t("learn.page.answer"))
    if step.ask == "column_code":
        st.markdown(label)
        left, right = st.columns(2)
        column = left.selectbox(
            t("learn.page.column"), options, index=None, key=key + ".column", placeholder=t("ui.choose")
        )
        code = right.number_input(t("learn.page.code"), value=None, step=1, key=key + ".code")
        return (column, code)
    if step.id == "split":
        return st.radio(label, options, index=None, key=key, format_func=lambda o: t(f"learn.split.{o}"))
    if step.ask == "choice":
        return st.selectbox(label, options, index=None, key=key, placeholder=t("learn.page.answer"))
    return None


def check(step: Step, f: Facts, answer: Any) -> None:
    """Run the step's check; right → saved as done and explained above the next step; wrong → a hint."""
    try:
        with st.spinner(t("learn.page.check")):
            outcome = step.check(f, answer)
        if outcome.ok:
            f.store.progress.set_step(user(), step.id, DONE)
            st.session_state[LAST] = (step.id, dict(outcome.params))
            st.session_state.pop(OUTCOME, None)
        else:
            st.session_state[OUTCOME] = (step.id, outcome.reason or "learn.check.wrong", dict(outcome.params))
    except UserError as err:
        st.session_state[OUTCOME] = (step.id, None, {"error": str(err)})
    st.rerun()


def reveal(step: Step, f: Facts) -> None:
    outcome = step.check(f, None)
    st.session_state[OUTCOME] = (step.id, "reveal", dict(outcome.params))


# --- "do it for me" -------------------------------------------------------------------------------------------


def action_button(step: Step, f: Facts, progress_at=None) -> None:
    """ "Do it for me": load the sample, build the features or train, as a background job (as on the Features
    and Model pages), so a trainee can read on or move around while it runs; ``follow_action`` takes it."""
    if step.action is None or not st.button(t(f"learn.action.{step.action}"), key=f"wb.learn.do.{step.id}"):
        return
    if step.action == "train" and f.label_table is None:
        st.error(t("learn.check.no_sample"))
        return
    store, tables, action = f.store, dict(f.tables), step.action
    label_table, label, leaks = f.label_table, f.label, list(f.leaks)

    def work(report) -> tuple[str, Any]:
        report(0.0, f"learn.action.{action}")
        if action == "load":
            return action, actions.load_sample(store, progress=report)
        if action == "build":
            return action, actions.build_catalog(store, tables, progress=report)
        return action, actions.train_without_leaks(store, label_table, label, leaks, progress=report)

    job_views.start("learn", JOB, action, work, where=progress_at)


def follow_action():
    """At the top of the Learn page: a running action's progress, or the finished one taken once (its one line
    said, the sample's tables kept for this session), before the step card reads the workspace's facts.
    Returns the place of the progress, for an action started later in this run."""
    box, done = job_views.follow("learn", JOB)
    if done is None:
        return box
    action, value = done
    if action == "load":
        for masked in value.values():
            state.remember_certified(masked)
        state.flash(t("learn.action.loaded", n=len(value)))
    elif action == "build":
        state.flash(t("learn.action.built", n=value))
    else:
        state.flash(t("learn.action.trained", run=value))
    return box


def review_form(f: Facts) -> None:
    """A verdict on one of the strongest features, saved through the same review path as the Features page."""
    from workbench.features.review import submit_review

    strongest = [name for name, _ in f.strongest[:10]]
    if not strongest:
        return
    by_name = {feat.name: feat for feat in f.catalog}
    with st.form("wb.learn.review"):
        name = st.selectbox(t("learn.review.pick"), strongest, key="wb.learn.review.feature")
        verdict = st.radio(
            t("learn.review.verdict"),
            ["accept", "reject", "needs_change"],
            horizontal=True,
            format_func=lambda v: t(f"features.verdict.{v}"),
            key="wb.learn.review.verdict",
        )
        comment = st.text_input(t("learn.review.comment"), key="wb.learn.review.comment")
        submitted = st.form_submit_button(t("learn.review.submit"))
    feat = by_name[name]
    s = feat.scores or {}
    st.caption(f"{feat.description_ko} / {feat.description_en}")
    st.caption(
        t(
            "learn.review.scores",
            iv=f"{s.get('iv', 0):.3f}",
            auc=f"{s.get('auc') or 0:.3f}",
            psi=f"{s.get('psi') or 0:.3f}",
            missing=f"{s.get('missing') or 0:.1%}",
        )
    )
    if submitted:
        reviewer = user() or f.store.progress.get(None).user
        outcome = submit_review(f.store, name, verdict, comment, reviewer, f.store.reviews.version(name))
        if outcome.error:
            st.error(outcome.error)
        else:
            check(next(s for s in STEPS if s.id == "review"), f, None)


# --- the step card, the list, the glossary ----------------------------------------------------------------------


def last_success() -> None:
    last = st.session_state.pop(LAST, None)
    if last is not None:
        step_id, params = last
        st.success(f"**{t('learn.page.correct')}** " + t(f"learn.step.{step_id}.explain", **params))


def step_card(step: Step, index: int, f: Facts, progress_at=None) -> None:
    st.subheader(t("learn.page.step_label", n=index + 1, title=t(step.title_key)))
    st.markdown(f"**{t('learn.page.goal')}** — {t(step.goal_key)}")
    link(step.page, t("learn.page.go", page=page_title(step.page)), ":material/arrow_forward:")
    outcome = st.session_state.get(OUTCOME)
    if outcome is not None and outcome[0] == step.id:
        _, reason, params = outcome
        if reason is None:
            st.error(params["error"])
        elif reason == "reveal":
            st.info(t(step.explain_key, **params))
        else:
            st.warning(t(reason, **params) + " " + t(step.hint_key))
    with st.container(width=READING_WIDTH, key="wb.learn.answer_box"):
        answer_box(step, f, progress_at)


def answer_box(step: Step, f: Facts, progress_at=None) -> None:
    """The answer widget (or the review form), "check", "show me" and "do it for me", at a reading width."""
    if step.ask == "action":
        review_form(f)
        answer = None
    else:
        answer = answer_widget(step, f)
    buttons = st.container(horizontal=True)
    if step.ask != "action" and buttons.button(t("learn.page.check"), type="primary", key=f"wb.learn.check.{step.id}"):
        check(step, f, answer)
    if step.ask == "action" and buttons.button(t("learn.page.check"), key=f"wb.learn.check.{step.id}"):
        check(step, f, None)
    if buttons.button(t("learn.page.reveal"), key=f"wb.learn.reveal.{step.id}"):
        try:
            reveal(step, f)
        except UserError as err:
            st.error(str(err))
        st.rerun()
    action_button(step, f, progress_at)


def steps_table(done: Mapping[str, str]) -> None:
    current = current_index(done)
    rows = []
    for i, s in enumerate(STEPS):
        status = "done" if done.get(s.id) == DONE else "current" if i == current else "todo"
        rows.append(
            {
                t("learn.page.col_step"): f"{i + 1}. {t(s.title_key)}",
                t("learn.page.col_page"): page_title(s.page),
                t("learn.page.col_status"): t(f"learn.page.status_{status}"),
            }
        )
    st.dataframe(pd.DataFrame(rows), placeholder=missing_mark(), hide_index=True, width="stretch")
    how_to_read("learn.page.how.steps")


def glossary() -> None:
    query = st.text_input(t("learn.page.glossary_filter"), key="wb.learn.glossary_filter").strip().lower()
    for term in TERMS:
        names = (t(term.name_key, "ko"), t(term.name_key, "en"))
        if query and not any(query in x.lower() for x in (*names, term.id, *term.aliases)):
            continue
        pages = ", ".join(page_title(p) for p in term.pages)
        st.markdown(f"**{names[0]}** · *{names[1]}*  \n{t(term.body_key)}  \n:gray[{pages}]")
    how_to_read("learn.page.how.glossary")


def enter_tour() -> None:
    """The Learn page runs the tour in the practice workspace; says so, with the way back. Entering reruns
    once, so the sidebar (drawn before the page) shows the practice workspace too."""
    if not state.in_tour():
        state.set_tour(True)
        st.rerun()
    with st.container(border=True):
        st.info(t("learn.sandbox.banner", path=str(state.store().home)), icon=":material/school:")
        if st.button(t("learn.sandbox.leave"), key="wb.learn.leave"):
            leave_tour()


def leave_tour() -> None:
    state.set_tour(False)
    st.switch_page("pages/data.py")


def tour_sidebar() -> None:
    """While in the tour: the practice-workspace mark and the current step's goal in the sidebar of every
    page (for ``app.py``, after ``flow_status()``)."""
    if not state.in_tour():
        return
    st.sidebar.warning(t("learn.sandbox.sidebar"), icon=":material/school:")
    if st.sidebar.button(t("learn.sandbox.leave"), key="wb.learn.leave_sidebar"):
        leave_tour()
    if not st.session_state.get(SIDEBAR, True):
        return
    try:
        done = progress_of(state.store())
    except UserError:
        return
    index = current_index(done)
    box = st.sidebar.container(border=True)
    if index >= len(STEPS):
        box.caption(t("learn.sidebar.finished"))
        return
    step = STEPS[index]
    box.markdown(f"**{t('learn.sidebar.title', n=index + 1, total=len(STEPS))}** — {t(step.title_key)}")
    box.caption(t(step.goal_key))
    with box:
        link(step.page, t("learn.page.go", page=page_title(step.page)), ":material/arrow_forward:")
        link(LEARN_PAGE, t("learn.sidebar.open"), ":material/school:")
