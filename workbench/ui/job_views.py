"""A page's side of a background job (``workbench.jobs``): start it on a click, show its progress while it
runs, take its result once when it is done.

Jobs are kept per owner: the analyst's name (``place.analyst``), so a reload or another tab of the same analyst
finds the running job; an unnamed tab owns its jobs alone (for its session), so two unnamed colleagues
never see each other's. The kind carries the workspace (the analysts' store or the tour's practice store).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench.i18n import get_language, t
from workbench.jobs import JOBS, Report
from workbench.ui import place, state
from workbench.ui.run_timing import timed

TAB = "wb.jobs.tab"  # an unnamed tab's own owner id
POLL_S = 1.0  # how often the progress redraws itself: a small fragment run, but a redraw in the browser too


def _session() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "-"


def owner() -> str:
    """The analyst's name; an unnamed tab gets an id of its own, kept for its session (a reload is another)."""
    who = place.analyst()
    return f"who:{who}" if who else f"tab:{st.session_state.setdefault(TAB, uuid.uuid4().hex)}"


def kind(name: str) -> str:
    return f"{name}@{state.store().url}"


def start(
    name: str, seen_key: str, params: str, work: Callable[[Report], Any], where: DeltaGenerator | None = None
) -> None:
    """Start ``work`` for this analyst and show its progress (in ``where``, an ``st.empty`` placed earlier on the
    page, else here); if their job ``name`` is already running, nothing starts and this says so."""
    session = _session()

    def timed_work(report: Report) -> Any:
        with timed(session, name, "job"):  # the worker's own wall and CPU, when WORKBENCH_RUN_TIMING is set
            return work(report)

    who, what = owner(), kind(name)
    job, started = JOBS.submit(who, what, params, timed_work)
    st.session_state[seen_key] = (job.id, False)
    if not started:
        st.info(t("jobs.running_same" if job.params == params else "jobs.running_other"))
        return
    with where.container() if where is not None else nullcontext():
        _progress(who, what, get_language())  # in this run: no second run of the page only to show it


def running(name: str) -> bool:
    """Whether this analyst's job ``name`` is queued or running."""
    job = JOBS.state(owner(), kind(name))
    return job is not None and job.active


def follow(name: str, seen_key: str) -> tuple[DeltaGenerator, Any]:
    """At every run of the page, where it is called: a running job's progress (redrawn by a fragment; the page
    reruns once when the job ends), or, once per session, the finished job not taken yet. Returns (the place of
    the progress, for a job started later in this run; the result to take, else None).

    A failed job's error is drawn here, one line per problem, and only for a session that saw the job run (a
    reload does not bring back an old error); a result whose memory was let go gives None (the page reads the
    store instead)."""
    box = st.empty()
    who, what = owner(), kind(name)
    job = JOBS.state(who, what)
    seen = st.session_state.get(seen_key)
    if job is None or seen == (job.id, True):
        return box, None
    if job.active:
        st.session_state[seen_key] = (job.id, False)
        with box.container():
            _progress(who, what, get_language())
        return box, None
    st.session_state[seen_key] = (job.id, True)
    if job.status == "failed":
        if seen == (job.id, False):
            st.error("  \n".join(job.error_lines()))
        return box, None
    return box, JOBS.result(job.id)


def _progress(who: str, what: str, lang: str) -> None:
    session, page = _session(), what.split("@", 1)[0]

    @st.fragment(run_every=POLL_S)
    def panel() -> None:
        with timed(session, page, "job_progress"):
            job = JOBS.state(who, what)
            if job is None or not job.active:
                st.rerun()  # the whole page, which takes the result or the error
            st.progress(job.fraction, text=job.text(lang))

    panel()
