"""Heavy work (a feature build, a model training) run off the Streamlit script thread.

A script thread busy for a minute answers nothing else in that session (no filter, no tab, no other page),
and ten such threads on two cores make every analyst wait. So a click hands the work to a small, bounded pool
and returns at once; the page reads the job's progress and, when it is done, its result.

One registry per server process (``JOBS``), keyed by ``(owner, kind)``: ``owner`` is whoever the page works
for (the analyst's name, else the browser session) and ``kind`` what is being done and in which workspace.
An owner has at most one job of a kind queued or running: a second click, from the same tab or after a reload,
gets the running job back instead of a duplicate. Another owner's jobs are never returned.

The worker only updates the job's record; it never touches Streamlit (no ``st.*``: there is no page in that
thread). A ``UserError`` becomes the job's error, rendered by the page in the reader's language; anything else
is logged with its traceback on the server and the user reads one line (``jobs.error.unexpected``).
A finished job keeps its result for ``keep_s`` seconds (a reload picks it up), then lets it go: the run is in
the store by then, and the memory goes back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Literal

from workbench.errors import UserError
from workbench.i18n import get_language, reset_language, set_language, t

log = logging.getLogger(__name__)

WORKERS = 2  # the server's cores: more threads would only share them
KEEP_S = 900.0  # a finished job's result stays this long for a reload to pick it up

Status = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class JobState:
    """What a page may read of a job. ``fraction`` is 0–1; ``message`` an i18n key with ``message_params``;
    ``error`` the one-line reason of a failed job (rendered in the reader's language by ``error_lines``)."""

    id: str
    owner: str
    kind: str
    params: str  # the inputs asked for, as one comparable text (a second click with the same is the same job)
    status: Status = "queued"
    fraction: float = 0.0
    message: str = "jobs.queued"
    message_params: tuple[tuple[str, Any], ...] = ()
    error: UserError | None = None
    submitted_at: float = 0.0
    finished_at: float | None = None

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def text(self, lang: str | None = None) -> str:
        return t(self.message, lang, **dict(self.message_params))

    def error_lines(self, lang: str | None = None) -> list[str]:
        return self.error.lines(lang) if self.error is not None else []


class Report:
    """Handed to the work function: ``report(fraction, key, **params)`` records progress (thread-safe)."""

    def __init__(self, jobs: Jobs, job_id: str) -> None:
        self._jobs, self._id = jobs, job_id

    def __call__(self, fraction: float, message: str, **params: Any) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        self._jobs._update(self._id, fraction=fraction, message=message, message_params=tuple(params.items()))


@dataclass
class _Job:
    state: JobState
    result: Any = None


class Jobs:
    """A bounded pool and the record of every owner's latest job of each kind."""

    def __init__(self, workers: int = WORKERS, keep_s: float = KEEP_S) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="workbench-job")
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, str], str] = {}  # (owner, kind) -> job id
        self._jobs: dict[str, _Job] = {}
        self.workers = workers
        self.keep_s = keep_s

    def submit(self, owner: str, kind: str, params: str, work: Callable[[Report], Any]) -> tuple[JobState, bool]:
        """Start ``work(report)`` for ``owner`` unless a job of ``kind`` is queued or running for them: then
        that job comes back and nothing starts. Returns (the job's state, whether it was started now).

        The caller's language goes with the work, so what it saves (a model card) reads as the caller's."""
        lang = get_language()
        with self._lock:
            self._forget_old()
            running = self._current(owner, kind)
            if running is not None and running.state.active:
                return running.state, False
            job_id = uuid.uuid4().hex
            job = _Job(JobState(job_id, owner, kind, params, submitted_at=time.time()))
            self._jobs[job_id] = job
            previous = self._latest.get((owner, kind))
            self._latest[(owner, kind)] = job_id
            if previous is not None:
                self._jobs.pop(previous, None)  # one record per owner and kind: the newest
            self._pool.submit(self._run, job_id, work, lang)
            return job.state, True

    def state(self, owner: str, kind: str) -> JobState | None:
        """``owner``'s newest job of ``kind`` (running or finished), or None."""
        with self._lock:
            self._forget_old()
            job = self._current(owner, kind)
            return job.state if job is not None else None

    def result(self, job_id: str) -> Any:
        """What the finished job returned, while it is kept (None before, after ``keep_s``, or on failure)."""
        with self._lock:
            self._forget_old()
            job = self._jobs.get(job_id)
            return job.result if job is not None else None

    def active(self) -> int:
        """Jobs queued or running, of every owner (for tests and the benchmark)."""
        with self._lock:
            return sum(j.state.active for j in self._jobs.values())

    def wait(self, timeout: float) -> bool:
        """Block until no job is queued or running, at most ``timeout`` seconds; True when idle."""
        deadline = time.monotonic() + timeout
        while self.active():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    # --- the worker side -------------------------------------------------------------------------------------
    def _run(self, job_id: str, work: Callable[[Report], Any], lang: str) -> None:
        token = set_language(lang)
        self._update(job_id, status="running", message="jobs.started")
        try:
            result = work(Report(self, job_id))
        except UserError as err:
            self._finish(job_id, "failed", error=err)
        except Exception as err:  # a bug or the machine: the server log gets the traceback, the user one line
            log.exception("job %s failed", job_id)
            self._finish(job_id, "failed", error=UserError("jobs.error.unexpected", error=type(err).__name__))
        else:
            self._finish(job_id, "done", result=result)
        finally:
            reset_language(token)

    def _finish(self, job_id: str, status: Status, *, result: Any = None, error: UserError | None = None) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            done = status == "done"
            job.result = result
            job.state = replace(
                job.state,
                status=status,
                error=error,
                fraction=1.0 if done else job.state.fraction,
                message="jobs.done" if done else job.state.message,
                message_params=() if done else job.state.message_params,
                finished_at=time.time(),
            )

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                job.state = replace(job.state, **changes)

    def _current(self, owner: str, kind: str) -> _Job | None:
        job_id = self._latest.get((owner, kind))
        return self._jobs.get(job_id) if job_id is not None else None

    def _forget_old(self) -> None:
        """Finished results older than ``keep_s`` go (their state stays, small, for the page to read)."""
        now = time.time()
        for job in self._jobs.values():
            if job.result is not None and job.state.finished_at and now - job.state.finished_at > self.keep_s:
                job.result = None


JOBS = Jobs()
