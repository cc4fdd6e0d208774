"""Work state in the store, on SQLite and PostgreSQL: bulk verdicts (one transaction, conflicts reported), lineage
of derived datasets, feature runs, each user's place in the app."""

from __future__ import annotations

import polars as pl
import pytest
from test_store_support import db_url, pg_shared_schema  # noqa: F401
from test_store_support import store as empty_store  # noqa: F401

from workbench.store import Feature, Store, StoreError


@pytest.fixture
def store(empty_store):  # noqa: F811
    empty_store.features.save_many(
        Feature(f"f{i}", "loans", {"source": "t", "aggregation": "count"}) for i in range(40)
    )
    return empty_store


def test_one_verdict_on_many_features_saves_each_with_history_and_audit(store):
    before = store.audit.count()
    saved, conflicts = store.reviews.record_many({f"f{i}": 0 for i in range(30)}, "accept", "", "park")
    assert len(saved) == 30 and conflicts == {}
    assert store.reviews.current("f7").reviewer == "park" and store.reviews.version("f7") == 1
    assert store.audit.count() == before + 1 and store.audit.verify().ok  # one entry names them all
    [entry] = store.audit.list(action="features.reviewed")
    assert entry.payload == {"verdict": "accept", "features": {f"f{i}": 1 for i in range(30)}}


def test_a_colleagues_verdict_in_between_is_kept_and_reported(store):
    store.reviews.record("f3", "reject", "분기말 급변", "kim", 0)
    saved, conflicts = store.reviews.record_many({"f2": 0, "f3": 0}, "accept", "", "park")
    assert [r.feature for r in saved] == ["f2"]
    assert conflicts["f3"].reviewer == "kim" and store.reviews.current("f3").verdict == "reject"


def test_a_bulk_rejection_needs_its_one_comment(store):
    with pytest.raises(StoreError):
        store.reviews.record_many({"f1": 0, "f2": 0}, "reject", " ", "park")
    assert store.reviews.current("f1") is None


def test_each_users_place_survives_a_new_session(store):
    store.ui_state.update("park", {"page": "features", "dataset": "loans"})
    store.ui_state.update("park", {"page": "model"})
    store.ui_state.update("kim", {"page": "profile"})
    with Store.open(home=store.home, url=store.engine.url.render_as_string(hide_password=False)) as fresh:
        assert fresh.ui_state.get("park") == {"page": "model", "dataset": "loans"}
        assert fresh.ui_state.get("kim") == {"page": "profile"}
        fresh.ui_state.update("park", {"dataset": None})
        assert fresh.ui_state.get("park") == {"page": "model"}


def test_a_derived_dataset_carries_its_role_and_source_run_and_loses_it_with_the_dataset(store):
    run = store.feature_runs.save("loans", {"specs": []}, pl.DataFrame({"customer_id": ["a"], "x": [1.0]}))
    store.datasets.save("features_loans", pl.DataFrame({"customer_id": ["a"], "default_12m": [1]}))
    store.lineage.record("features_loans", role="modelling_table", source_dataset="loans", source_run=run.id)
    assert store.lineage.get("features_loans").source_run == run.id
    assert store.feature_runs.frame(store.feature_runs.latest("loans"))["x"].to_list() == [1.0]
    with pytest.raises(StoreError):
        store.lineage.record("features_loans", role="label")
    store.datasets.delete("features_loans")
    assert store.lineage.all() == {}
