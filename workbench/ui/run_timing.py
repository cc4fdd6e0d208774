"""Script-run timings, written only when ``WORKBENCH_RUN_TIMING`` names a file (the session benchmark sets it).

Where the time of a page view goes on a busy server is not visible from the browser: this records, for each
script run, its session, page, wall seconds and the script thread's CPU seconds, one JSON line per run.
Off by default: nothing is measured or written in normal use.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()


@contextmanager
def timed(session: str, page: str, part: str = "run") -> Iterator[None]:
    path = os.environ.get("WORKBENCH_RUN_TIMING")
    if not path:
        yield
        return
    wall, cpu = time.perf_counter(), time.thread_time()
    start = time.time()
    try:
        yield
    finally:
        line = {
            "session": session,
            "page": page,
            "part": part,
            "start": round(start, 3),
            "wall": round(time.perf_counter() - wall, 4),
            "cpu": round(time.thread_time() - cpu, 4),
        }
        with _LOCK, open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
