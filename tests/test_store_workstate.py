"""Work state in the store: bulk verdicts (one transaction, conflicts reported), each user's place in the app."""

from __future__ import annotations

import pytest

from workbench.store import Feature, Store, StoreError


@pytest.fixture
def store(workspace):
    with Store.open() as s:
        s.features.save_many(Feature(f"f{i}", "loans", {"source": "t", "aggregation": "count"}) for i in range(40))
        yield s


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
    with Store.open(home=store.home) as fresh:
        assert fresh.ui_state.get("park") == {"page": "model", "dataset": "loans"}
        assert fresh.ui_state.get("kim") == {"page": "profile"}
        fresh.ui_state.update("park", {"dataset": None})
        assert fresh.ui_state.get("park") == {"page": "model"}
