"""Certified tables shared by every session of the server.

Each session used to read every certified dataset of the workspace into its own frames: ten analysts, ten
copies. A dataset version is now read once per server and handed to every session that opens it, keyed by
its stored file and that file's SHA-256 (a new version is a new file, so nobody gets a stale frame). The
table is held weakly: when the last session holding it is gone, its memory goes back too.
"""

from __future__ import annotations

from workbench.cache import WhileUsed
from workbench.privacy import MaskedTable, load_certified
from workbench.store import Store

_TABLES = WhileUsed()


def certified_from_store(store: Store) -> dict[str, MaskedTable]:
    """The newest certified version of every dataset in ``store``, as objects shared across sessions."""
    return {
        d.name: _TABLES.get_or_make((str(d.path), d.file_sha256), lambda d=d: load_certified(store, d.name, d.version))
        for d in store.datasets.list()
        if d.certified
    }


def shared_count() -> int:
    """How many certified tables the server holds right now (for tests and the session benchmark)."""
    return len(_TABLES)
