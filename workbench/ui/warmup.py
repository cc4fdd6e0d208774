"""Warm the server before the first analyst arrives, in a background thread started with the server.

Measured on the sample (2 shared cores): the first page view on a fresh server spent 1.8 s of CPU importing
the pages' libraries (polars, plotly, scipy, scikit-learn, LightGBM, SQLAlchemy), then read the certified
tables, computed the key, role and relationship suggestions and profiled the first dataset; ten analysts
arriving together all waited on that one import lock and computation. The server now does this work once,
as soon as it is up, while nobody waits on it; a session arriving meanwhile waits only for the part still
under way (imports and the shared caches let the second asker wait for the first). A failure here is
logged, never raised: the pages compute what they need as before.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import threading
import time
from pathlib import Path

LOG = logging.getLogger(__name__)

# Every module a page imports at its top: importing them is most of a cold first page view.
PAGE_MODULES = (
    "workbench.ui.data_views",
    "workbench.ui.profile_views",
    "workbench.ui.features_views",
    "workbench.ui.model_views",
    "workbench.ui.scorecard_views",
    "workbench.ui.privacy_views",
    "workbench.ui.learn_views",
    "workbench.ui.flow",
)


def warm(home: Path, url: str | None = None) -> dict[str, float]:
    """Import the pages' modules, then compute the per-identity suggestions of the certified tables in the
    store at ``home``/``url`` and the profile the Profile page opens on. Returns the seconds each step took
    (the server logs them)."""
    from workbench.errors import UserError

    took: dict[str, float] = {}
    start = time.perf_counter()
    for name in PAGE_MODULES:
        importlib.import_module(name)
    # every page's first words: ten sessions arriving together would each read the catalogs
    importlib.import_module("workbench.i18n").catalog()
    took["imports"] = time.perf_counter() - start

    from workbench.features.propose import propose_project
    from workbench.features.saved import latest_feature_run
    from workbench.relations import suggest_roles, target_candidates
    from workbench.store import Store
    from workbench.ui import profile_views
    from workbench.ui.shared_tables import certified_from_store

    start = time.perf_counter()
    try:
        with Store.open(home=home, url=url) as store:
            tables = certified_from_store(store)
            if tables:
                suggest_roles(tables)
                for table in tables.values():
                    target_candidates(table)
                metas = store.tables.list()
                propose_project(tables, metas=metas, relationships=store.tables.relationships())
                took["suggestions"] = time.perf_counter() - start
                # a new analyst's Profile page opens on the first dataset by name: its profile, as that visit asks
                first = sorted(tables)[0]
                profile_views.precompute(first, tables[first], next((m for m in metas if m.dataset == first), None))
                latest_feature_run(store)  # the build every analyst's Features page reopens on
    except UserError as err:  # an unreadable store or table: the pages say so in the user's language
        LOG.warning("warm-up skipped the workspace: %s", err)
    took.setdefault("suggestions", time.perf_counter() - start)
    took["profile"] = time.perf_counter() - start - took["suggestions"]
    return took


def warm_in_background(home: Path, url: str | None = None, *, wait_for_server: bool = True) -> threading.Thread:
    """Start ``warm`` in a daemon thread, once Streamlit's runtime exists (its caches must be the server's)."""

    def run() -> None:
        if wait_for_server:
            from streamlit.runtime import Runtime

            while not Runtime.exists():
                time.sleep(0.05)
        try:
            took = warm(home, url)
            LOG.info("warm-up done: %s", ", ".join(f"{k} {v:.2f} s" for k, v in took.items()))
        except Exception:  # never take the server down: the pages do the same work on demand
            LOG.exception("warm-up failed")
        if wait_for_server:
            try:
                LOG.info("warm-up asked for %d frontend files", warm_frontend_files(own_url()))
            except OSError:  # the server is not listening (yet, or any more): the first visitor asks instead
                LOG.warning("warm-up could not ask for the frontend files", exc_info=True)
        LOG.info("warm-up kept %d objects out of later full collections", freeze_heap())

    thread = threading.Thread(target=run, name="workbench-warmup", daemon=True)
    thread.start()
    return thread


def own_url() -> str:
    """This server's address as a client on the same machine reaches it (Streamlit's own options)."""
    from streamlit import config

    host = config.get_option("server.address") or "127.0.0.1"
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def warm_frontend_files(url: str, timeout: float = 30.0) -> int:
    """Ask the server at ``url`` once for every file of Streamlit's frontend bundle, so it keeps them in memory
    and compresses the text ones (``workbench.immutable_files``) before the first analyst's browser asks:
    otherwise ten analysts opening the app together each fetch ~140 files through the whole stack. Waits up
    to ``timeout`` seconds for the server to listen. Returns how many files were asked for."""
    import urllib.request
    from urllib.parse import quote

    import streamlit

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while True:
        try:
            with opener.open(f"{url}/_stcore/health", timeout=2) as answer:
                answer.read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    root = Path(streamlit.__file__).parent / "static"
    files = sorted(p.relative_to(root).as_posix() for p in (root / "static").rglob("*") if p.is_file())
    for name in files:
        with opener.open(f"{url}/{quote(name)}", timeout=timeout) as answer:
            answer.read()
    return len(files)


def freeze_heap() -> int:
    """Keep what is alive once the server is warm (the libraries' modules, the certified tables, the shared
    caches) out of every later full garbage collection; returns how many objects that is.

    Streamlit runs a full collection (``gc.collect(2)``, option ``runner.postScriptGC``) after every script
    run, holding the GIL. With the pages' libraries loaded that walks ~250,000 objects: 0.1–0.4 s measured,
    once per page view per analyst, during which no other session's script and no websocket message moves.
    Frozen, those objects are only skipped by the cycle collector: reference counting still frees them, and
    what sessions create afterwards is collected as before. Garbage is collected first, so none is kept."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def enabled() -> bool:
    return os.environ.get("WORKBENCH_WARMUP", "1") != "0"
