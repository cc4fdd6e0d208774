"""The tour's practice workspace: a store of its own, so nothing a trainee does reaches the analysts' store.

It lives in the ``tour/`` folder of the workspace directory with its own SQLite database, whatever
``WORKBENCH_DB_URL`` says (the shared PostgreSQL, if any, is the analysts'). A trainee's sample, catalog,
verdicts, runs and progress stay there: an "accept" in the tour never counts in an analyst's export.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

SANDBOX_FOLDER = "tour"


def sandbox_home(workspace: Path) -> Path:
    return Path(workspace) / SANDBOX_FOLDER


def sandbox_url(workspace: Path) -> str:
    """An explicit SQLite URL, so ``Store.open`` never falls back to the analysts' ``WORKBENCH_DB_URL``."""
    return sa.engine.URL.create("sqlite", database=str(sandbox_home(workspace) / "workbench.db")).render_as_string()


def open_sandbox(workspace: Path):
    from workbench.store import Store

    return Store.open(home=sandbox_home(workspace), url=sandbox_url(workspace))
