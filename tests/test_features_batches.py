"""Generation in customer batches gives the same values as one pass, on the sample bank's full plan."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import SAMPLE
from polars.testing import assert_frame_equal

from workbench.features.batches import Sources, batch_count, batch_sources, split_keys
from workbench.features.generate import generate
from workbench.features.plan import plan_features
from workbench.features.project import FeatureProject
from workbench.io.table import Table
from workbench.privacy.gate import certify


@pytest.fixture(scope="module")
def sample():
    project = FeatureProject.from_yaml(SAMPLE / "features.yaml")
    tables = {n: certify(Table(n, pl.read_parquet(p)), findings=()) for n, p in project.paths().items()}
    specs = plan_features(project.relations, tables, project.options)
    return project.relations, tables, specs


@pytest.mark.slow
def test_seven_customer_batches_give_exactly_the_values_of_one_pass(sample):
    rel, tables, specs = sample
    assert len(specs) > 500 and {s.aggregation for s in specs} >= {"median", "std", "last", "limit_use", "trend"}
    one = generate(rel, tables, specs, batches=1)
    steps: list[tuple[float, str]] = []
    seven = generate(rel, tables, specs, batches=7, progress=lambda f, m: steps.append((f, m)))
    # exact, but for the sample standard deviations: their float sums follow the joined rows' order, which
    # differs in the last bit between two unbatched runs too
    std = [s.name for s in specs if s.aggregation == "std"]
    assert_frame_equal(one.frame.drop(std), seven.frame.drop(std), check_exact=True)
    assert_frame_equal(one.frame.select(std), seven.frame.select(std), rel_tol=1e-12, abs_tol=0)
    assert seven.frame["loan_id"].to_list() == tables["loans"].frame["loan_id"].to_list()  # the label's order
    # progress names each batch and each table in it, and only moves forward
    assert "고객 묶음 7/7: transactions" in [m for _, m in steps]
    assert {m.split(":")[0] for _, m in steps if m} == {f"고객 묶음 {b}/7" for b in range(1, 8)}
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_batch_count_follows_the_tallest_event_table(sample):
    _, tables, specs = sample
    assert tables["transactions"].height == 324_122
    assert batch_count(tables, specs) == 1  # the sample fits one batch of 5M events
    assert batch_count(tables, specs, events_per_batch=50_000) == 7
    labels_only = [s for s in specs if not s.is_event]
    assert batch_count(tables, labels_only, events_per_batch=1) == 1  # no event table, nothing to split


def test_a_batch_reads_only_its_customers_transactions(sample):
    rel, tables, _ = sample
    src = Sources.of(tables)
    keys = tables["loans"].frame.select("customer_id", pl.col("applied_at").alias("_cutoff"))
    parts = list(split_keys(keys, "customer_id", 4))
    assert [p.height for p in parts] == [p.height for p in parts if p.height] and sum(p.height for p in parts) == 5000
    accounts = tables["accounts"].frame
    seen = 0
    paths = [p for p in rel.paths(src.columns_of) if p.source in ("transactions", "accounts")]
    for part in parts:
        cut = batch_sources(rel, src, part["customer_id"], paths)
        tx = cut.lazy["transactions"].collect()
        owners = tx.join(accounts, on="account_id")["customer_id"].unique()
        assert set(owners.to_list()) <= set(part["customer_id"].to_list())
        assert cut.lazy["accounts"].collect()["customer_id"].is_in(part["customer_id"].implode()).all()
        seen += tx.height
    assert seen == tables["transactions"].height  # every customer has a loan: every transaction in one batch
