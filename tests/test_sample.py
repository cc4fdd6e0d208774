"""The synthetic bank: schema, determinism, the traps it promises and the signal it carries."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io.table import frame_fingerprint
from workbench.sample import (
    ACCOUNT_SCHEMA,
    CUSTOMER_SCHEMA,
    LOAN_SCHEMA,
    TRANSACTION_SCHEMA,
    generate,
    write,
)


@pytest.fixture(scope="module")
def small():
    return generate(customers=600, seed=7)


def test_same_seed_gives_identical_frames_and_parquet_bytes(tmp_path, small):
    again = generate(customers=600, seed=7)
    for name, frame in small.tables().items():
        assert frame_fingerprint(frame) == frame_fingerprint(again.tables()[name]), name
    a = write(small, tmp_path / "a")
    b = write(again, tmp_path / "b")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    other = generate(customers=600, seed=8)
    assert frame_fingerprint(other.transactions) != frame_fingerprint(small.transactions)


def test_every_table_has_the_published_schema(small):
    assert small.customers.schema == CUSTOMER_SCHEMA
    assert small.accounts.schema == ACCOUNT_SCHEMA
    assert small.transactions.schema == TRANSACTION_SCHEMA
    assert small.loans.schema == LOAN_SCHEMA


def test_cli_writes_the_four_tables(tmp_path):
    out = tmp_path / "bank"
    result = CliRunner().invoke(cli, ["sample", "--customers", "300", "--out", str(out), "--seed", "3"])
    assert result.exit_code == 0, result.output
    for name in ("customers", "accounts", "transactions", "loans"):
        assert pl.read_parquet(out / f"{name}.parquet").height > 0
