"""The server warms itself: the first analyst does not pay for the imports and the per-identity suggestions."""

from __future__ import annotations

import threading
import time

import polars as pl

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.relations import foreign_key_candidates, primary_key_candidates, suggest_roles, target_candidates
from workbench.store import Store
from workbench.ui import warmup
from workbench.ui.shared_tables import certified_from_store


def bank(n: int) -> dict[str, pl.DataFrame]:
    return {
        "customers": pl.DataFrame({"customer_id": [f"C{i:05d}" for i in range(n)], "age_band": ["30대"] * n}),
        "loans": pl.DataFrame(
            {
                "loan_id": [f"L{i:05d}" for i in range(n)],
                "customer_id": [f"C{i:05d}" for i in range(n)],
                "default_12m": [i % 7 == 0 for i in range(n)],
            }
        ),
    }


def misses() -> tuple[int, ...]:
    return tuple(f.cache.misses for f in (primary_key_candidates, foreign_key_candidates, target_candidates))


def seeded(home, n: int) -> None:
    with Store.open(home=home) as store:
        for name, frame in bank(n).items():
            store.datasets.save_masked(certify(Table(name, frame), findings=()), source=None)


def test_warm_up_computes_what_the_first_page_view_needs(workspace):
    seeded(workspace, 300 + int(time.time() * 1000) % 997)  # tables no earlier test made
    before = misses()
    took = warmup.warm(workspace)
    assert set(took) == {"imports", "suggestions", "profile"}
    warmed = misses()
    # each suggestion computed once: 2 tables' keys, 1 link search, 2 target scans
    assert tuple(w - b for w, b in zip(warmed, before, strict=True)) == (2, 1, 2)
    # the first session on the server: the same tables, read by the page, find every result computed
    with Store.open(home=workspace) as store:
        roles = suggest_roles(certified_from_store(store))
    assert roles["loans"].primary_key == "loan_id"
    assert misses() == warmed


def test_warm_up_profiles_the_dataset_the_profile_page_opens_on(workspace, monkeypatch):
    import workbench.profile as wp
    from workbench.ui import profile_views

    seeded(workspace, 2300 + int(time.time() * 1000) % 997)
    warmup.warm(workspace)
    calls = []
    real = wp.profile_columns
    monkeypatch.setattr(wp, "profile_columns", lambda *a, **k: calls.append(1) or real(*a, **k))
    with Store.open(home=workspace) as store:
        tables = certified_from_store(store)
    profile_views.precompute("customers", tables["customers"], None)  # the first by name: computed already
    assert calls == []
    profile_views.precompute("loans", tables["loans"], None)  # not warmed: computed on demand, as before
    assert calls == [1]


def test_warm_up_and_sessions_arriving_together_compute_once(workspace):
    seeded(workspace, 1300 + int(time.time() * 1000) % 997)
    before = misses()
    thread = warmup.warm_in_background(workspace, wait_for_server=False)
    results = []

    def session() -> None:
        with Store.open(home=workspace) as store:
            results.append(suggest_roles(certified_from_store(store)))

    sessions = [threading.Thread(target=session) for _ in range(4)]
    for s in sessions:
        s.start()
    for s in [thread, *sessions]:
        s.join(timeout=60)
    assert len(results) == 4
    # five callers at once, and still one computation per table identity, whoever asked first
    assert tuple(a - b for a, b in zip(misses(), before, strict=True)) == (2, 1, 2)


def test_warm_up_of_an_empty_or_unreadable_workspace_does_not_fail(workspace, tmp_path, caplog):
    assert warmup.warm(workspace)["suggestions"] >= 0
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "workbench.db").write_text("not a database")
    with caplog.at_level("WARNING", logger="workbench.ui.warmup"):
        warmup.warm(broken)  # logged, not raised: the pages report the store's problem in the user's language
    assert "warm-up skipped the workspace" in caplog.text


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_after_warm_up_full_collections_skip_what_was_alive_and_still_free_new_garbage():
    """Streamlit collects all generations after every script run; the warm server's objects are frozen so
    that walk no longer costs a tenth of a second per page view, and no garbage is frozen with them."""
    import gc
    import weakref

    def timed_full_collection() -> float:
        start = time.perf_counter()
        gc.collect()
        return time.perf_counter() - start

    alive = [Cycle() for _ in range(200_000)]  # a warm server's long-lived objects
    before = weakref.ref(Cycle())  # garbage (a cycle) made before the freeze
    try:
        slow = min(timed_full_collection() for _ in range(3))
        frozen = warmup.freeze_heap()
        assert before() is None  # collected, not kept for ever
        assert frozen >= len(alive)
        fast = min(timed_full_collection() for _ in range(3))
        after = weakref.ref(Cycle())  # what a session leaves behind afterwards is still collected
        gc.collect()
        assert after() is None
        assert fast < slow / 5, (slow, fast)
    finally:
        gc.unfreeze()
