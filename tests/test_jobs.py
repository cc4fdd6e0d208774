"""The background job registry (``workbench.jobs``): one job per owner and kind, progress and results read by
the page, errors as one translated line, owners kept apart, never more workers than the pool has."""

from __future__ import annotations

import threading
import time
from dataclasses import FrozenInstanceError

import pytest

from workbench.errors import UserError
from workbench.i18n import set_language, t
from workbench.jobs import Jobs


@pytest.fixture
def jobs():
    registry = Jobs(workers=2)
    yield registry
    registry.wait(10)


def gated(gate: threading.Event, result: object = "ok"):
    """Work that reports once, then waits for the test to open ``gate``."""

    def work(report):
        report(0.25, "features.page.step", step="transactions 30d")
        assert gate.wait(10)
        return result

    return work


def until(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_second_click_while_running_returns_the_running_job(jobs):
    gate = threading.Event()
    first, started = jobs.submit("who:kim", "features@ws", "spec-a", gated(gate))
    again, started_again = jobs.submit("who:kim", "features@ws", "spec-a", gated(gate, "duplicate"))
    other, started_other = jobs.submit("who:kim", "features@ws", "spec-b", gated(gate, "other"))
    assert started and not started_again and not started_other
    assert again.id == first.id == other.id and other.params == "spec-a"  # the running one, not the new choices
    gate.set()
    assert jobs.wait(5)
    assert jobs.result(first.id) == "ok" and jobs.active() == 0
    # once it has ended, a click starts a new job, which replaces the old record
    gate2 = threading.Event()
    gate2.set()
    second, started = jobs.submit("who:kim", "features@ws", "spec-a", gated(gate2, "second"))
    assert started and second.id != first.id
    assert jobs.wait(5) and jobs.result(second.id) == "second" and jobs.result(first.id) is None


def test_progress_is_read_while_the_job_runs_and_done_at_the_end(jobs):
    gate = threading.Event()
    job, _ = jobs.submit("who:kim", "features@ws", "spec", gated(gate, ("run-1", "run")))
    until(lambda: jobs.state("who:kim", "features@ws").fraction == 0.25)
    running = jobs.state("who:kim", "features@ws")
    assert running.status == "running" and running.active
    assert running.text("ko") == t("features.page.step", "ko", step="transactions 30d")
    assert jobs.result(job.id) is None  # nothing to take before the end
    gate.set()
    assert jobs.wait(5)
    done = jobs.state("who:kim", "features@ws")
    assert (done.status, done.fraction, done.error) == ("done", 1.0, None) and not done.active
    assert done.finished_at >= done.submitted_at
    assert jobs.result(job.id) == ("run-1", "run")
    with pytest.raises(FrozenInstanceError):
        done.fraction = 0.5  # the public state is frozen: only the worker's registry replaces it


def test_a_user_error_is_the_jobs_error_in_the_readers_language(jobs):
    def work(report):
        report(0.1, "model.stage.frame")
        raise UserError("model.error.regression_needs_numbers", column="loan_product")

    job, _ = jobs.submit("who:kim", "model@ws", "cfg", work)
    assert jobs.wait(5)
    failed = jobs.state("who:kim", "model@ws")
    assert failed.status == "failed" and jobs.result(job.id) is None
    assert failed.error_lines("en") == [t("model.error.regression_needs_numbers", "en", column="loan_product")]
    assert failed.error_lines("ko") == [t("model.error.regression_needs_numbers", "ko", column="loan_product")]


def test_an_unexpected_error_is_one_line_without_the_traceback_or_its_values(jobs, caplog):
    def work(report):
        raise ValueError("900101-1234567 in row 17")  # an exception text may carry data: never shown

    jobs.submit("who:kim", "model@ws", "cfg", work)
    assert jobs.wait(5)
    failed = jobs.state("who:kim", "model@ws")
    (line,) = failed.error_lines("ko")
    assert line == t("jobs.error.unexpected", "ko", error="ValueError")
    assert "900101" not in line and "Traceback" not in line and "\n" not in line
    assert "job" in caplog.text and "ValueError" in caplog.text  # the server log keeps the traceback


def test_two_owners_are_kept_apart(jobs):
    gate = threading.Event()
    kim, started_kim = jobs.submit("who:kim", "features@ws", "spec", gated(gate, "kim's"))
    lee, started_lee = jobs.submit("who:lee", "features@ws", "spec", gated(gate, "lee's"))
    assert started_kim and started_lee and kim.id != lee.id  # the same inputs, another analyst: their own job
    assert jobs.state("who:park", "features@ws") is None  # nothing of theirs is anyone else's
    assert jobs.state("who:kim", "features@other-workspace") is None  # nor of another workspace
    gate.set()
    assert jobs.wait(5)
    assert jobs.result(jobs.state("who:kim", "features@ws").id) == "kim's"
    assert jobs.result(jobs.state("who:lee", "features@ws").id) == "lee's"


def test_no_more_jobs_run_at_once_than_the_pool_has_workers(jobs):
    gate, lock = threading.Event(), threading.Lock()
    running, most = [0], [0]

    def work(report):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        gate.wait(10)
        with lock:
            running[0] -= 1
        return "ok"

    for who in ("a", "b", "c", "d"):
        jobs.submit(f"who:{who}", "model@ws", "cfg", work)
    until(lambda: running[0] == 2)
    time.sleep(0.1)
    states = [jobs.state(f"who:{w}", "model@ws") for w in "abcd"]
    assert sorted(s.status for s in states) == ["queued", "queued", "running", "running"]
    assert {s.text("en") for s in states if s.status == "queued"} == {t("jobs.queued", "en")}
    gate.set()
    assert jobs.wait(5)
    assert most[0] == 2 and all(jobs.state(f"who:{w}", "model@ws").status == "done" for w in "abcd")


def test_the_worker_has_no_page_and_reads_in_the_callers_language(jobs):
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from workbench.i18n import get_language

    seen = {}

    def work(report):
        seen["ctx"] = get_script_run_ctx(suppress_warning=True)
        seen["lang"] = get_language()
        seen["thread"] = threading.current_thread().name
        return "ok"

    set_language("en")
    jobs.submit("who:kim", "model@ws", "cfg", work)
    assert jobs.wait(5)
    assert seen["ctx"] is None and seen["lang"] == "en" and seen["thread"].startswith("workbench-job")


def test_a_finished_result_is_let_go_after_a_while(jobs):
    jobs.keep_s = 1.0
    job, _ = jobs.submit("who:kim", "features@ws", "spec", lambda report: "big run")
    assert jobs.wait(5) and jobs.result(job.id) == "big run"
    time.sleep(1.1)
    assert jobs.result(job.id) is None  # the memory goes back; the run is in the store
    assert jobs.state("who:kim", "features@ws").status == "done"  # the small record stays
