"""Role and key suggestions on a small bank: customers ← accounts ← transactions, loans as the label table."""

import datetime as dt

import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.relations import foreign_key_candidates, primary_key_candidates, suggest_roles


def masked(name: str, frame: pl.DataFrame):
    return certify(Table(name, frame), findings=())


@pytest.fixture
def bank():
    customers = pl.DataFrame({"customer_id": ["c1", "c2", "c3"], "age_band": ["20대", "30대", "30대"]})
    accounts = pl.DataFrame({"account_id": ["a1", "a2", "a3", "a4"], "customer_id": ["c1", "c1", "c2", "c3"]})
    tx = pl.DataFrame(
        {
            "tx_id": range(8),
            "account_id": ["a1", "a1", "a2", "a2", "a3", "a3", "a4", "a4"],
            "ts": [dt.datetime(2024, 1, d + 1, 9) for d in range(8)],
            "amount": [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000],
        }
    )
    loans = pl.DataFrame(
        {
            "loan_id": ["L1", "L2", "L3"],
            "customer_id": ["c1", "c2", "c3"],
            "applied_at": [dt.date(2024, 2, 1)] * 3,
            "default_12m": [0, 1, 0],
        }
    )
    return {
        n: masked(n, f)
        for n, f in {"customers": customers, "accounts": accounts, "transactions": tx, "loans": loans}.items()
    }


def test_unique_complete_columns_are_key_candidates_id_names_first(bank):
    keys = primary_key_candidates("transactions", bank["transactions"])
    assert [k.column for k in keys] == ["tx_id", "amount"]  # amount is unique here too, but not id-like
    assert keys[0].named_like_id and not keys[1].named_like_id


def test_column_with_a_null_or_a_duplicate_is_no_key():
    t = masked("t", pl.DataFrame({"a_id": [1, 2, None], "b_id": [1, 1, 2]}))
    assert primary_key_candidates("t", t) == ()


def test_foreign_keys_found_by_inclusion_with_many_side(bank):
    fks = {(f.child, f.column, f.parent): f for f in foreign_key_candidates(bank)}
    assert fks[("transactions", "account_id", "accounts")].rows_per_key == 2.0
    assert fks[("accounts", "customer_id", "customers")].inclusion == 1.0
    assert ("customers", "customer_id", "loans") not in fks  # a label table is never a parent


def test_foreign_key_below_inclusion_threshold_is_not_suggested(bank):
    orphans = pl.DataFrame({"account_id": ["a1", "zz", "yy", "xx"], "x": [1, 2, 3, 4]})
    tables = {"accounts": bank["accounts"], "orphans": masked("orphans", orphans)}
    assert not [f for f in foreign_key_candidates(tables) if f.child == "orphans"]


def test_roles_follow_the_bank_structure(bank):
    roles = suggest_roles(bank)
    assert {n: r.role for n, r in roles.items()} == {
        "customers": "customer",
        "accounts": "account",
        "transactions": "event",
        "loans": "label",
    }
    assert roles["loans"].target == "default_12m"
    assert roles["loans"].time_column == "applied_at"
    assert roles["transactions"].time_column == "ts"
    assert roles["accounts"].primary_key == "account_id"
