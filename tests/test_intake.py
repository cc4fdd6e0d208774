"""Taking tables in: clean tables are certified, saved and audited; a raw export is held back, values unseen."""

import polars as pl
import pytest
from conftest import SAMPLE

from workbench.intake import retype, take_in, take_in_sample
from workbench.io import LoadError, read_table
from workbench.store import Store


@pytest.fixture
def store(workspace):
    with Store.open(home=workspace) as s:
        yield s


def test_sample_bank_is_certified_saved_with_roles_and_links(store):
    results = take_in_sample(store)
    assert [r.name for r in results] == ["customers", "accounts", "transactions", "loans"]
    assert all(r.certified for r in results)
    assert {d.name for d in store.datasets.list()} == {"customers", "accounts", "transactions", "loans"}
    assert store.datasets.get("transactions").rows == results[2].rows > 250_000
    roles = {m.dataset: m for m in store.tables.list()}
    assert roles["loans"].role == "label" and roles["loans"].target_column == "default_12m"
    assert roles["loans"].time_column == "applied_at"
    assert roles["transactions"].role == "event" and roles["transactions"].time_column == "ts"
    links = {(r.child, r.parent) for r in store.tables.relationships()}
    assert {("transactions", "accounts"), ("accounts", "customers"), ("loans", "customers")} <= links
    actions = [e.action for e in store.audit.list()]
    assert actions.count("privacy.auto_certified") == 4
    assert store.audit.verify().ok


def test_second_take_in_keeps_decided_roles(store):
    take_in_sample(store)
    store.tables.set("customers", role="other", primary_key="customer_id")
    take_in_sample(store)
    assert store.tables.get("customers").role == "other"


def test_raw_export_with_pii_is_held_and_nothing_is_saved(store):
    raw = read_table(SAMPLE / "raw" / "customers_raw_cp949.csv")
    result = take_in(raw, store)
    assert not result.certified and result.masked is None
    assert {"주민등록번호", "성명", "휴대폰번호", "카드번호"} <= {f.column for f in result.findings}
    assert store.datasets.list() == []
    first_rrn = raw.frame.get_column("주민등록번호")[0]
    assert first_rrn not in repr(result)  # findings carry masked evidence only


def test_clean_table_quasi_identifiers_alone_do_not_block(store):
    table = read_table(SAMPLE / "customers.parquet")
    assert {"gender", "age_band", "sido"} <= set(table.frame.columns)
    result = take_in(table, store)
    assert result.certified
    assert result.dataset is not None and result.dataset.certified
    back = store.datasets.read("customers")
    assert back.equals(table.frame) and isinstance(back, pl.DataFrame)


def test_retype_casts_rescans_and_saves_a_new_version(store):
    first = take_in(read_table(SAMPLE / "customers.parquet"), store)
    result = retype(first.masked, {"credit_grade": "str", "annual_income": "float"}, store)
    assert result.certified
    assert result.masked.frame.schema["credit_grade"] == pl.String
    assert result.masked.frame.schema["annual_income"] == pl.Float64
    assert result.masked.frame["credit_grade"].to_list()[:3] == [str(v) for v in first.masked.frame["credit_grade"][:3]]
    assert [d.version for d in store.datasets.versions("customers")] == [1, 2]


def test_retype_that_does_not_fit_is_one_line_and_saves_nothing(store):
    first = take_in(read_table(SAMPLE / "customers.parquet"), store)
    with pytest.raises(LoadError) as err:
        retype(first.masked, {"sido": "int"}, store)
    assert "sido" in str(err.value) and "\n" not in str(err.value)
    assert len(store.datasets.versions("customers")) == 1
