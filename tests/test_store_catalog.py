"""Table roles, relationships, the feature catalog, reviews, runs and learn progress, on both engines."""

# ruff: noqa: F811  (fixtures imported from test_store_support share their names with test arguments)

from __future__ import annotations

import datetime as dt
import inspect
import math
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest
from conftest import ROOT
from test_store_support import db_url, empty_db_url, pg_shared_schema, raw, store  # noqa: F401

import workbench.store as api
from workbench.i18n import has
from workbench.store import ConflictError, Feature, NotFoundError, Store, StoreError


def accounts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "customer_id": ["C1", "C1", "C2"],
            "account_type": ["입출금", "적금", "대출"],
            "opened_at": [dt.date(2021, 3, 1), dt.date(2022, 7, 15), dt.date(2023, 1, 2)],
        }
    )


def customers() -> pl.DataFrame:
    return pl.DataFrame({"customer_id": ["C1", "C2"], "age_band": ["30대", "40대"], "default_12m": [0, 1]})


@pytest.fixture
def bank(store: Store) -> Store:
    store.datasets.save("customers", customers(), certified=True)
    store.datasets.save("accounts", accounts(), certified=True)
    return store


# --- tables ---------------------------------------------------------------------------------------------


def test_table_roles_keys_and_overrides_round_trip(bank: Store):
    assert bank.tables.get("accounts") is None
    meta = bank.tables.set(
        "accounts",
        role="account",
        primary_key="account_id",
        time_column="opened_at",
        column_types={"account_type": "categorical"},
        actor="김대리",
    )
    assert meta.primary_key == ("account_id",) and meta.updated_by == "김대리"
    got = bank.tables.get("accounts")
    assert got == meta
    again = bank.tables.set("accounts", role="event", primary_key=["account_id", "customer_id"])
    assert bank.tables.get("accounts") == again and again.time_column is None and again.column_types == {}
    bank.tables.set("customers", role="label", primary_key="customer_id", target_column="default_12m")
    assert [(m.dataset, m.role) for m in bank.tables.list()] == [("accounts", "event"), ("customers", "label")]
    assert bank.audit.list(limit=1)[0].payload["target"] == "default_12m"


def test_a_new_dataset_version_keeps_its_role(bank: Store):
    bank.tables.set("customers", role="customer", primary_key="customer_id")
    bank.datasets.save("customers", customers().with_columns(pl.lit("서울").alias("sido")))
    assert bank.tables.get("customers").role == "customer"


def test_table_settings_are_checked_against_the_data(bank: Store):
    with pytest.raises(StoreError) as err:
        bank.tables.set("accounts", role="account", primary_key="acct_no", time_column="ts")
    assert err.value.message("en") == "Dataset 'accounts' has no column(s): acct_no, ts. Check the column names."
    assert "acct_no, ts" in err.value.message("ko")
    with pytest.raises(StoreError) as err:
        bank.tables.set("accounts", role="transactions")  # type: ignore[arg-type]
    assert "customer, account, event, label, other" in err.value.message("en")
    with pytest.raises(NotFoundError):
        bank.tables.set("loans", role="label")
    assert bank.tables.get("accounts") is None


def test_relationships_link_child_columns_to_parent_columns(bank: Store):
    rel = bank.tables.relate("accounts", "customer_id", "customers")
    assert (rel.child, rel.child_columns, rel.parent, rel.parent_columns) == (
        "accounts",
        ("customer_id",),
        "customers",
        ("customer_id",),
    )
    bank.datasets.save("transactions", pl.DataFrame({"tx_id": [1], "acct": ["A1"]}))
    bank.tables.relate("transactions", ["acct"], "accounts", ["account_id"])
    assert [(r.child, r.parent) for r in bank.tables.relationships()] == [
        ("accounts", "customers"),
        ("transactions", "accounts"),
    ]
    assert [r.child for r in bank.tables.relationships("accounts")] == ["accounts", "transactions"]
    bank.tables.relate("transactions", "acct", "accounts", "account_id")  # replaces, no duplicate
    assert len(bank.tables.relationships("transactions")) == 1

    with pytest.raises(StoreError):
        bank.tables.relate("accounts", ["customer_id", "account_id"], "customers", ["customer_id"])
    with pytest.raises(StoreError):
        bank.tables.relate("accounts", "account_id", "accounts")
    with pytest.raises(StoreError):
        bank.tables.relate("accounts", "cust", "customers", "customer_id")

    assert bank.tables.unrelate("accounts", "customers") and not bank.tables.unrelate("accounts", "customers")
    bank.datasets.delete("accounts")  # its role and links go with it
    assert bank.tables.relationships() == []


# --- features and reviews -----------------------------------------------------------------------------------

SPEC = {"source": "transactions", "key": "customer_id", "window": 90, "aggregation": "sum", "column": "amount"}


def test_feature_catalog_round_trip(store: Store):
    saved = store.features.save(
        "txn_amount_sum_90d",
        dataset="loans",
        spec=SPEC,
        description_ko="최근 90일 거래 금액 합계",
        description_en="Sum of transaction amounts over the last 90 days",
        scores={"iv": 0.21, "auc": 0.612, "missing": 0.0, "psi": math.nan},
    )
    got = store.features.get("txn_amount_sum_90d")
    assert got.spec == SPEC and got.description_ko == "최근 90일 거래 금액 합계"
    assert got.scores == {"iv": 0.21, "auc": 0.612, "missing": 0.0, "psi": None}  # NaN can't be JSON
    assert got.created_at == saved.created_at

    store.features.save("txn_amount_sum_90d", dataset="loans", spec={**SPEC, "window": 180}, scores={"iv": 0.3})
    updated = store.features.get("txn_amount_sum_90d")
    assert updated.spec["window"] == 180 and updated.created_at == saved.created_at
    assert updated.updated_at >= saved.updated_at
    store.features.save("age_band", dataset="customers", spec={"source": "customers", "column": "age_band"})
    assert [f.name for f in store.features.list()] == ["age_band", "txn_amount_sum_90d"]
    assert [f.name for f in store.features.list(dataset="customers")] == ["age_band"]
    with pytest.raises(NotFoundError):
        store.features.get("nope")


def test_saving_a_batch_is_all_or_nothing(store: Store):
    good = Feature("a_count_30d", "loans", SPEC)
    with pytest.raises(StoreError):
        store.features.save_many([good, Feature("", "loans", SPEC)])
    assert store.features.list() == []
    assert len(store.features.save_many([good, Feature("b_max_30d", "loans", SPEC)])) == 2


def test_review_conflict_names_who_and_when_and_keeps_history(store: Store, workspace: Path, db_url: str):
    store.features.save("bureau_score", dataset="loans", spec={"column": "bureau_score"})
    other = Store.open(workspace, db_url)  # a second analyst's session
    try:
        seen_by_kim = store.reviews.version("bureau_score")
        seen_by_lee = other.reviews.version("bureau_score")
        assert seen_by_kim == seen_by_lee == 0

        first = store.reviews.record("bureau_score", "accept", "안정적", "김대리", seen_by_kim)
        assert first.version == 1
        with pytest.raises(ConflictError) as err:
            other.reviews.record("bureau_score", "reject", "월별로 흔들림", "이과장", seen_by_lee)
        message_en, message_ko = err.value.message("en"), err.value.message("ko")
        when = first.at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")  # local time, as the reader lives
        assert message_en.startswith("김대리 changed the review of feature 'bureau_score' at " + when)
        assert "김대리" in message_ko and when in message_ko and "버전 1" in message_ko
        assert store.reviews.current("bureau_score") == first  # the stale write saved nothing

        # 이과장 reloads, sees 김대리's verdict, and records a reasoned change
        second = other.reviews.record(
            "bureau_score", "needs_change", "월별 PSI 확인 필요", "이과장", other.reviews.version("bureau_score")
        )
        third = store.reviews.record("bureau_score", "accept", "PSI 0.04, 문제없음", "김대리", second.version)
    finally:
        other.close()
    history = store.reviews.history("bureau_score")
    assert [(r.version, r.verdict, r.reviewer) for r in history] == [
        (1, "accept", "김대리"),
        (2, "needs_change", "이과장"),
        (3, "accept", "김대리"),
    ]
    assert history[-1] == third == store.reviews.current("bureau_score")
    assert store.reviews.states() == {"bureau_score": third}
    assert store.reviews.states(dataset="customers") == {}
    assert [e.payload["version"] for e in store.audit.list(action="feature.reviewed", newest_first=False)] == [1, 2, 3]


def test_review_input_is_checked(store: Store):
    store.features.save("f", dataset="loans", spec={})
    with pytest.raises(StoreError) as err:
        store.reviews.record("f", "maybe", "", "김대리", 0)  # type: ignore[arg-type]
    assert "accept, reject, needs_change" in err.value.message("en")
    with pytest.raises(StoreError) as err:
        store.reviews.record("f", "reject", "  ", "김대리", 0)
    assert err.value.key == "store.review.needs_comment"
    with pytest.raises(StoreError) as err:
        store.reviews.record("f", "accept", "", "김대리", 3)
    assert err.value.key == "store.review.bad_version" and not isinstance(err.value, ConflictError)
    with pytest.raises(NotFoundError):
        store.reviews.record("missing", "accept", "", "김대리", 0)
    assert store.reviews.history("f") == [] and store.reviews.current("f") is None


REVIEWER = textwrap.dedent(
    """
    import sys
    from workbench.store import ConflictError, Store

    store, me, saved, conflicts = Store.open(), sys.argv[1], 0, 0
    for i in range(15):
        seen = store.reviews.version("txn_cnt_90d")
        try:
            store.reviews.record("txn_cnt_90d", "needs_change", f"{me} {i}", me, seen)
            saved += 1
        except ConflictError:
            conflicts += 1
    print(saved, conflicts)
    """
)


@pytest.mark.slow
def test_racing_reviewers_never_overwrite_each_other(store: Store, workspace: Path, db_url: str):
    store.features.save("txn_cnt_90d", dataset="loans", spec={})
    env = {**os.environ, "WORKBENCH_HOME": str(workspace), "WORKBENCH_DB_URL": db_url, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", REVIEWER, who], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for who in ("김대리", "이과장")
    ]
    saved = 0
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        mine, conflicts = map(int, out.split())
        assert mine + conflicts == 15  # each attempt either saved or was told who got there first
        saved += mine
    history = store.reviews.history("txn_cnt_90d")
    assert [r.version for r in history] == list(range(1, saved + 1))  # every success is in the history, once
    assert store.reviews.current("txn_cnt_90d").version == saved


# --- runs -----------------------------------------------------------------------------------------------


def tiny_model() -> tuple[lgb.Booster, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 3))
    y = (x[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    params = {"objective": "binary", "verbose": -1, "num_threads": 1, "min_data_in_leaf": 5}
    return lgb.train(params, lgb.Dataset(x, y), num_boost_round=5), x


def test_run_round_trip_with_a_real_lightgbm_model(store: Store):
    booster, x = tiny_model()
    run = store.runs.save(
        dataset="loans",
        dataset_fingerprint="f" * 32,
        target="default_12m",
        split={"kind": "time", "column": "applied_at", "valid_from": "2025-07-01"},
        params={"learning_rate": 0.05, "num_leaves": 31},
        features=["bureau_score", "txn_amount_sum_90d"],
        metrics={"valid": {"auc": 0.71, "gini": 0.42, "ks": 0.33, "logloss": math.inf}},
        warnings=[{"code": "leakage_suspect", "feature": "overdue_days_after", "message": "..."}],
        model_text=booster.model_to_string(),
        card_text="# 모델 카드\n",
        actor="김대리",
    )
    assert run.model_path == store.paths.model_file(run.id) and run.model_path.is_file()
    assert run.card_path == store.paths.card_file(run.id, "md") and run.card_path.read_text() == "# 모델 카드\n"
    got = store.runs.get(run.id)
    assert got.metrics == {"valid": {"auc": 0.71, "gini": 0.42, "ks": 0.33, "logloss": None}}
    assert got.features == ("bureau_score", "txn_amount_sum_90d") and got.split["kind"] == "time"
    assert got == store.runs.get(run.id)
    reloaded = lgb.Booster(model_str=store.runs.model_text(run.id))
    np.testing.assert_allclose(reloaded.predict(x), booster.predict(x))
    assert store.check().ok and store.check().orphan_files == ()


def test_a_model_run_record_is_kept_whole(store: Store):
    """The model package hands over ``run_record(result)``: columns come from it, the rest is kept."""
    booster, x = tiny_model()
    record = {
        "task": "binary",
        "target": "default_12m",
        "metrics": {"train": {"auc": 0.8}, "valid": {"auc": 0.74}, "test": {"auc": 0.72, "gini": 0.44}},
        "importance": [{"feature": "bureau_score", "gain": 120.5, "split": 14, "shap": 0.031}],
        "warnings": [{"code": "drift", "feature": "bureau_score", "severity": "warning", "message": "PSI 0.31"}],
        "features": ["bureau_score", "annual_income"],
        "split": {"kind": "time", "column": "applied_at", "seed": 42, "valid_frac": 0.2, "test_frac": 0.2},
        "params": {"learning_rate": 0.05, "num_leaves": 15},
        "data": {"name": "loans", "fingerprint": "0123abcd" * 4, "policy_version": 2, "rows": 12000},
        "trained_at": "2026-11-25T15:20:00+00:00",
    }
    run_id = store.runs.add(record, booster.model_to_string(), card_text="<html>카드</html>", actor="박주임")
    run = store.runs.get(run_id)
    assert (run.dataset, run.dataset_fingerprint, run.target, run.actor) == (
        "loans",
        "0123abcd" * 4,
        "default_12m",
        "박주임",
    )
    assert run.metrics["test"]["gini"] == 0.44 and run.features == ("bureau_score", "annual_income")
    assert run.split["kind"] == "time" and run.warnings[0]["code"] == "drift"
    assert run.record == record
    assert run.card_path is not None and run.card_path.name == "card.html"
    np.testing.assert_allclose(lgb.Booster(model_str=store.runs.model_text(run_id)).predict(x), booster.predict(x))
    assert [r.id for r in store.runs.list(dataset="loans")] == [run_id]


def test_runs_list_newest_first_and_refuse_bad_ids(store: Store):
    ids = [
        store.runs.save(
            dataset_fingerprint=fp, target="y", split="random", params={}, features=[], metrics={}, dataset="loans"
        ).id
        for fp in ("a" * 32, "b" * 32, "a" * 32)
    ]
    assert [r.id for r in store.runs.list()] == ids[::-1]
    assert [r.id for r in store.runs.list(fingerprint="a" * 32)] == [ids[2], ids[0]]
    assert [r.id for r in store.runs.list(limit=1)] == [ids[2]]
    assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{6}", ids[0])
    with pytest.raises(StoreError) as err:
        store.runs.save(
            dataset_fingerprint="a", target="y", split={}, params={}, features=[], metrics={}, run_id=ids[0]
        )
    assert err.value.key == "store.run.exists"
    with pytest.raises(StoreError):
        store.runs.save(
            dataset_fingerprint="a", target="y", split={}, params={}, features=[], metrics={}, run_id="../x"
        )
    with pytest.raises(StoreError) as err:
        store.runs.model_text(ids[0])
    assert err.value.key == "store.run.no_model"
    with pytest.raises(NotFoundError):
        store.runs.get("nope")


# --- learn progress -------------------------------------------------------------------------------------


def test_learn_progress_is_per_user(store: Store):
    assert store.progress.get("김대리").steps == {}
    store.progress.set_step("김대리", "load", "done")
    p = store.progress.set_step("김대리", "profile", "started")
    assert p.steps == {"load": "done", "profile": "started"} == store.progress.get("김대리").steps
    store.progress.set_step("이과장", "load", "started")
    assert store.progress.get("김대리").steps["load"] == "done"
    assert store.progress.save("김대리", {"features": "done"}).steps == {"features": "done"}
    store.progress.reset("김대리")
    assert store.progress.get("김대리").steps == {} and store.progress.get("이과장").steps == {"load": "started"}


# --- the API as documented --------------------------------------------------------------------------------


def test_every_public_repository_method_is_in_the_api_summary(workspace: Path):
    doc = api.__doc__ or ""
    with Store.open(workspace) as store:
        for attr in ("datasets", "tables", "policies", "audit", "features", "reviews", "runs", "progress"):
            assert f"store.{attr}" in doc
            repo = getattr(store, attr)
            for name, _ in inspect.getmembers(type(repo), inspect.isfunction):
                if not name.startswith("_"):
                    assert re.search(rf"\b{name}\(", doc), f"store.{attr}.{name} missing from the API summary"


def test_every_message_key_the_store_uses_exists_in_both_languages():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "workbench" / "store").rglob("*.py"))
    keys = set(re.findall(r"""Error\(\s*["'](store\.[a-z_.]+)["']""", source))
    keys |= {f"store.audit.{r}" for r in ("ok", "edited", "chain_broken", "gap", "truncated")}
    keys |= {f"store.kind.{k}" for k in re.findall(r"""check_name\([^)]*["'](\w+)["']\)""", source)}
    assert len(keys) > 30
    assert [k for k in sorted(keys) if not has(k)] == []
