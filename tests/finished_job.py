"""After a click on Build or Train in AppTest: the work runs in a background job (``workbench.jobs``), so the
run of the click returns at once; this waits for the job to end and, when the page was showing its progress,
runs the page once more, as the progress fragment's own rerun does in a browser, so the page shows the result.
A job that ended within the click's run was already taken there: no extra run (which would be a new
interaction and clear a one-time message such as an error)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workbench.jobs import JOBS


def finished(at: AppTest, timeout: float = 240, *, taken_next_run: bool = False) -> AppTest:
    """``at`` after every background job has ended and the page has shown it (fails after ``timeout`` s).

    ``taken_next_run``: the page takes a finished job only at the top of its next run (the Learn page, whose
    own tour progress bar is always drawn), so it runs once more whatever is on screen."""
    assert JOBS.wait(timeout), f"a background job still runs after {timeout} s"
    if taken_next_run:
        return at.run()
    if at.get("progress"):  # the Features and Model pages draw a bar only for a running job
        at.run()
    assert not at.get("progress"), "the page still shows a job running"
    return at
