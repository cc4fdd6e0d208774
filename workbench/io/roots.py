"""Where the app may read from: the workspace, the shipped sample data, and the folders named in
``WORKBENCH_DATA_DIRS`` (``os.pathsep``-separated). Never the workspace's own store.

The path box on the Data page takes any text a user types, in a server process that can read more than the
user should (key files, other users' exports, the store itself). Paths are resolved first, symlinks and
``..`` included, so a link inside a root that points outside it is outside.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.io.errors import LoadError

DATA_DIRS_ENV = "WORKBENCH_DATA_DIRS"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
STORE_FILE = "workbench.db"


def workspace_home() -> Path:
    return Path(os.environ.get("WORKBENCH_HOME") or "workspace").expanduser().resolve()


def allowed_roots() -> tuple[Path, ...]:
    """The workspace, the sample data and each configured data folder, resolved."""
    configured = [p for p in os.environ.get(DATA_DIRS_ENV, "").split(os.pathsep) if p.strip()]
    roots = [workspace_home(), SAMPLE_DIR, *(Path(p.strip()).expanduser().resolve() for p in configured)]
    return tuple(dict.fromkeys(roots))


def _store_files() -> tuple[Path, ...]:
    db = workspace_home() / STORE_FILE
    return (
        db,
        db.with_name(STORE_FILE + "-wal"),
        db.with_name(STORE_FILE + "-shm"),
        db.with_name(STORE_FILE + "-journal"),
    )


def allowed_path(text: str | Path) -> Path:
    """The resolved path when it lies under an allowed root and is not the store; else ``LoadError``."""
    path = Path(text).expanduser()
    resolved = path.resolve()
    if resolved in _store_files():
        raise LoadError("io.error.own_store")
    roots = allowed_roots()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise LoadError("io.error.outside_roots", path=str(path), env=DATA_DIRS_ENV)
    return resolved


def allowed_uri(uri: str) -> str:
    """A database URI the app may read: a SQLite file under an allowed root; a server URL as it is (the
    server's own permissions and the read-only transaction govern it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(uri)
    except (ArgumentError, ValueError):
        return uri  # read_sql refuses it in its own words
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        allowed_path(url.database)
    return uri


def is_own_store(url) -> bool:
    """Whether a SQLAlchemy URL is the workspace's store: its SQLite file, or ``WORKBENCH_DB_URL``'s
    database (same server, port and database name)."""
    from sqlalchemy.engine import make_url

    if url.get_backend_name() == "sqlite":
        return bool(url.database) and Path(url.database).expanduser().resolve() in _store_files()
    own = os.environ.get("WORKBENCH_DB_URL")
    if not own:
        return False
    from workbench.store.db import normalise_url

    mine = make_url(normalise_url(own))
    same = (mine.get_backend_name(), mine.host or "", mine.port or 0, mine.database or "")
    return same == (url.get_backend_name(), url.host or "", url.port or 0, url.database or "")
