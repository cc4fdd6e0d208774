"""The tour's checks on a workspace holding the certified sample bank: the right answer passes, a plausible
wrong one does not, a missing prerequisite says what to do; progress is kept per user across sessions."""

from __future__ import annotations

import pytest

from workbench.intake import take_in_sample
from workbench.learn import STEPS, Facts, actions, current_index, facts, step
from workbench.learn.tour import AUC_TOLERANCE
from workbench.privacy import load_certified
from workbench.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store.open(home=tmp_path_factory.mktemp("learn-ws"))
    take_in_sample(s)
    yield s
    s.close()


def facts_of(store) -> Facts:
    return Facts(store, {d.name: load_certified(store, d.name) for d in store.datasets.list() if d.certified})


def test_steps_are_data_with_catalog_keys_and_installed_pages():
    from workbench.i18n import has
    from workbench.ui.nav import PAGES

    assert [s.id for s in STEPS][:2] == ["load", "privacy"] and STEPS[-1].id == "baseline"
    for s in STEPS:
        assert s.page in {p.path for p in PAGES}
        for key in (s.title_key, s.goal_key, s.question_key, s.hint_key, s.explain_key):
            assert has(key), key


def test_empty_workspace_says_load_the_sample(tmp_path):
    with Store.open(home=tmp_path) as empty:
        f = Facts(empty, {})
        assert step("load").check(f, 5000).reason == "learn.check.no_sample"
        assert step("leak").check(f, "overdue_days_after").reason == "learn.check.no_sample"
        assert step("features").check(f, "x").reason == "learn.check.no_catalog"


def test_load_privacy_and_profile_answers(store):
    f = facts_of(store)
    loans = f.tables["loans"]
    assert step("load").check(f, loans.height).ok
    assert not step("load").check(f, loans.height - 1).ok
    pii = facts.pii_columns(f.raw)
    assert step("privacy").check(f, sorted(pii)).ok
    partial = step("privacy").check(f, [*sorted(pii)[1:], "성별"])
    assert not partial.ok and partial.params["missed"] == 1 and partial.params["extra"] == 1
    leak = step("leak").check(f, "overdue_days_after")
    assert leak.ok and float(leak.params["iv"]) > 0.5
    assert not step("leak").check(f, "bureau_score").ok
    assert "overdue_days_after" in step("leak").options(f) and "default_12m" not in step("leak").options(f)
    assert step("special").check(f, ("customers.annual_income", 9999)).ok
    assert not step("special").check(f, ("customers.annual_income", 999)).ok
    assert not step("special").check(f, ("loans.monthly_income", 9999)).ok
    drift = step("drift").check(f, "bureau_score")
    assert drift.ok and float(drift.params["psi"]) > 0.25
    assert not step("drift").check(f, "loan_amount").ok
    assert step("split").check(f, "time").ok and not step("split").check(f, "random").ok


def test_feature_question_offers_the_strongest_among_weaker_ones(store):
    from workbench.store import Feature

    f = facts_of(store)
    assert step("review").check(f, None).reason == "learn.check.no_catalog"
    store.features.save_many(
        [
            Feature(
                f"f{i}", "loans", {"aggregation": "count"}, "", "", {"iv": iv, "leakage_suspect": False}, None, None
            )
            for i, iv in enumerate([0.05, 0.41, 0.12, 0.2, 0.01, 0.3, 0.02, 0.03, 0.04, 0.06, 0.07, 0.08])
        ]
    )
    f = facts_of(store)
    options = step("features").options(f)
    assert "f1" in options and len(options) == 3  # ranks 1, 4 and 11 of 12 features
    assert step("features").check(f, "f1").ok and not step("features").check(f, "f5").ok
    assert step("review").check(f, None).reason == "learn.check.no_review"
    store.reviews.record("f1", "accept", "", "민지", 0)
    review = step("review").check(facts_of(store), None)
    assert review.ok and review.params["reviewer"] == "민지"


@pytest.mark.slow
def test_baseline_answer_is_the_stored_leak_free_run(store):
    f = facts_of(store)
    assert step("baseline").check(f, 0.7).reason == "learn.check.no_run"
    run_id = actions.train_without_leaks(store, f.tables["loans"], f.label, list(f.leaks))
    run = store.runs.get(run_id)
    assert "overdue_days_after" not in run.features and run.split["kind"] == "time"
    auc = run.metrics["test"]["auc"]
    assert 0.55 < auc < 0.85  # honest: nowhere near the leaky 0.99
    # A newer run that uses the leak does not move the expected answer.
    store.runs.save(
        dataset_fingerprint=run.dataset_fingerprint,
        dataset="loans",
        target="default_12m",
        split=run.split,
        params={},
        features=[*run.features, "overdue_days_after"],
        metrics={"test": {"auc": 0.99}},
    )
    f = facts_of(store)
    assert step("baseline").check(f, round(auc, 2)).ok
    assert not step("baseline").check(f, 0.99).ok
    assert not step("baseline").check(f, auc + 2 * AUC_TOLERANCE).ok


def test_progress_resumes_at_the_first_step_not_done(store):
    store.progress.reset("지훈")
    assert current_index(store.progress.get("지훈").steps) == 0
    store.progress.set_step("지훈", "load", "done")
    store.progress.set_step("지훈", "privacy", "done")
    assert STEPS[current_index(store.progress.get("지훈").steps)].id == "leak"
    assert current_index(store.progress.get("someone-else").steps) == 0
