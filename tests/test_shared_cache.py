"""Ten analysts on one server: certified frames and results are shared across sessions by data identity,
bounded, and let go when nobody uses them."""

from __future__ import annotations

import gc
import threading
import time

import polars as pl
import pytest

from workbench.cache import SharedCache, WhileUsed, identity, shared
from workbench.io.table import Table
from workbench.privacy import certify
from workbench.relations import foreign_key_candidates


def masked(name: str, frame: pl.DataFrame):
    return certify(Table(name, frame), findings=())


def customers(n: int = 50) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": [f"C{i:05d}" for i in range(n)], "age_band": ["30대"] * n})


def accounts(n: int = 50) -> pl.DataFrame:
    return pl.DataFrame(
        {"account_id": [f"A{i:05d}" for i in range(2 * n)], "customer_id": [f"C{i // 2:05d}" for i in range(2 * n)]}
    )


def test_identity_is_the_content_not_the_object():
    a, b = masked("customers", customers()), masked("customers", customers())
    assert a is not b
    assert identity(a) == identity(b)
    changed = customers().with_columns(
        pl.when(pl.col("customer_id") == "C00007").then(pl.lit("40대")).otherwise("age_band").alias("age_band")
    )
    assert identity(masked("customers", changed)) != identity(a)
    # a renamed column is another table (Streamlit's own hash once ignored column names)
    assert identity(masked("customers", customers().rename({"age_band": "age_group"}))) != identity(a)
    assert identity(masked("clients", customers())) != identity(a)
    assert identity({"x": a, "y": b}) == identity({"y": b, "x": a})


def test_ten_sessions_asking_at_once_compute_once():
    calls = []

    @shared(max_entries=4)
    def slow_count(table) -> int:
        calls.append(1)
        time.sleep(0.2)
        return table.height

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(slow_count(masked("customers", customers())))) for _ in range(10)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [50] * 10
    assert len(calls) == 1


def test_cache_is_bounded_and_expires():
    cache = SharedCache(max_entries=2, ttl=0.2)
    for key in ("a", "b", "c"):
        cache.get_or_compute(key, lambda key=key: key.upper())
    assert len(cache) == 2  # the least recently used went
    assert cache.get_or_compute("a", lambda: "again") == "again"
    time.sleep(0.25)
    assert len(cache) == 0  # past the TTL nothing is held


def test_a_failed_computation_is_not_cached():
    cache = SharedCache()

    def boom():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get_or_compute("k", boom)
    assert cache.get_or_compute("k", lambda: 7) == 7


def test_while_used_shares_one_object_and_lets_go():
    held = WhileUsed()
    first = held.get_or_make("k", lambda: masked("customers", customers()))
    second = held.get_or_make("k", lambda: pytest.fail("made twice while still held"))
    assert first is second
    assert len(held) == 1
    del first, second
    gc.collect()
    assert len(held) == 0


def test_foreign_keys_of_equal_tables_are_computed_once():
    cache = foreign_key_candidates.cache
    before = cache.misses
    n = 1000 + int(time.time() * 1000) % 997  # tables no earlier test made
    one = {"customers": masked("customers", customers(n)), "accounts": masked("accounts", accounts(n))}
    other = {"customers": masked("customers", customers(n)), "accounts": masked("accounts", accounts(n))}
    found = foreign_key_candidates(one)
    assert [(f.child, f.column, f.parent) for f in found] == [("accounts", "customer_id", "customers")]
    assert foreign_key_candidates(other) is found  # another session, the same object
    assert cache.misses == before + 1


def test_sessions_share_certified_frames_from_the_store(workspace):
    from workbench.store import Store
    from workbench.ui.shared_tables import certified_from_store, shared_count

    gc.collect()
    start = shared_count()
    with Store.open(home=workspace) as store:
        store.datasets.save_masked(masked("customers", customers()), source=None)
        session_a, session_b = certified_from_store(store), certified_from_store(store)
        assert session_a["customers"] is session_b["customers"]
        assert session_a["customers"].frame is session_b["customers"].frame
        assert shared_count() == start + 1
        # a new version is a new file: sessions opening it get the new frame, never the stale one
        store.datasets.save_masked(masked("customers", customers(60)), source=None)
        assert certified_from_store(store)["customers"].height == 60
        del session_a, session_b
        gc.collect()
        assert shared_count() == start  # nobody holds the tables: their memory is returned


def test_a_set_argument_keys_by_its_members_in_any_order():
    """``candidate_features(table, target, known_after=...)`` may be handed a set of column names."""
    assert identity({"b", "a"}) == identity(frozenset(["a", "b"])) != identity({"a"})
    hash(identity({"a", "b"}))


def test_clear_all_empties_every_shared_cache_including_those_made_directly():
    from workbench.cache import clear_all

    direct = SharedCache()
    direct.get_or_compute("k", lambda: 1)

    @shared()
    def double(x: int) -> int:
        return 2 * x

    double(2)
    assert len(direct) == 1 and len(double.cache) == 1
    clear_all()
    assert len(direct) == 0 and len(double.cache) == 0
