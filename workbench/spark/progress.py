"""Spark's own job progress, read from its status tracker while a profile runs: tasks done of the active
stages, reported to a callback (the CLI prints it on stderr). A Spark Connect session has no status tracker
in the client, so it reports nothing."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

POLL_SECONDS = 0.2


@contextmanager
def job_progress(spark, show: Callable[[int, int], None], *, every: float = POLL_SECONDS) -> Iterator[None]:
    """Call ``show(tasks_done, tasks_total)`` of the running stages every ``every`` seconds while the block
    runs, whenever the numbers change."""
    try:
        tracker = spark.sparkContext.statusTracker()
    except Exception:  # Spark Connect: no SparkContext on the client
        yield
        return
    stop = threading.Event()

    def watch() -> None:
        last = None
        while not stop.wait(every):
            done = total = 0
            for sid in tracker.getActiveStageIds():
                info = tracker.getStageInfo(sid)
                if info is not None:
                    done, total = done + info.numCompletedTasks, total + info.numTasks
            if total and (done, total) != last:
                last = (done, total)
                show(done, total)

    context = contextvars.copy_context()  # the caller's language (and other context) in the watching thread
    thread = threading.Thread(target=context.run, args=(watch,), name="spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
