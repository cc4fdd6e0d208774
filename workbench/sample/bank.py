"""The four public tables, built from the population, accounts and ledger, and how they are written.

Parquet is written with pyarrow (zstd, no page index, fixed row groups) so that the same frames give the
same bytes on every run; transactions go through one ``ParquetWriter`` a block at a time, which is what
lets a million customers stream to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from workbench.sample.accounts import Accounts, accounts_frame, build_accounts, tokens
from workbench.sample.identity import mask_name
from workbench.sample.ledger import iter_transactions
from workbench.sample.population import (
    AGE_BANDS,
    INCOME_BANDS,
    INCOME_UNKNOWN,
    LOAN_PRODUCTS,
    OCCUPATIONS,
    SIDO,
    Population,
    build_population,
    income_band,
)

CUSTOMER_SCHEMA = pl.Schema({
    "customer_id": pl.String, "name_masked": pl.String, "gender": pl.String, "age_band": pl.String,
    "sido": pl.String, "occupation": pl.String, "income_band": pl.String, "annual_income": pl.Int64,
    "credit_grade": pl.Int64, "joined_at": pl.Date,
})  # fmt: skip
ACCOUNT_SCHEMA = pl.Schema({
    "account_id": pl.String, "customer_id": pl.String, "account_type": pl.String, "opened_at": pl.Date,
    "status": pl.String, "limit_krw": pl.Int64,
})  # fmt: skip
TRANSACTION_SCHEMA = pl.Schema({
    "tx_id": pl.String, "account_id": pl.String, "ts": pl.Datetime("us"), "amount": pl.Int64,
    "direction": pl.String, "channel": pl.String, "merchant_category": pl.String, "balance_after": pl.Int64,
})  # fmt: skip
LOAN_SCHEMA = pl.Schema({
    "loan_id": pl.String, "customer_id": pl.String, "applied_at": pl.Date, "loan_amount": pl.Int64,
    "loan_product": pl.String, "term_months": pl.Int64, "bureau_score": pl.Int64, "monthly_income": pl.Int64,
    "months_at_job": pl.Int64, "overdue_days_after": pl.Int64, "default_12m": pl.Int64,
})  # fmt: skip

TABLES = ("customers", "accounts", "transactions", "loans")
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3  # zstd default: level 9 saves 4 % of disk at twice the write time


@dataclass(frozen=True)
class SampleBank:
    """The four tables; every id in a child table exists in its parent.

    customers 1 ─ n accounts 1 ─ n transactions; customers 1 ─ 1 loans (one application per customer).
    """

    customers: pl.DataFrame
    accounts: pl.DataFrame
    transactions: pl.DataFrame
    loans: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


@dataclass(frozen=True)
class _Skeleton:
    """Everything except transactions: small enough for memory at any size the generator supports."""

    pop: Population
    acc: Accounts
    customers: pl.DataFrame
    accounts: pl.DataFrame
    loans: pl.DataFrame


def _date(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _skeleton(customers: int, seed: int) -> _Skeleton:
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    pop = build_population(customers, seed)
    acc = build_accounts(pop)
    customer_ids = tokens("C", pop.n, seed, 1)
    account_ids = tokens("A", len(acc.customer), seed, 2)
    cust = pl.DataFrame(
        {
            "customer_id": customer_ids,
            "name_masked": mask_name(pop.surname, pop.given),
            "gender": np.array(["M", "F"])[pop.gender],
            "age_band": np.asarray(AGE_BANDS)[pop.age_band],
            "sido": np.asarray(SIDO)[pop.sido],
            "occupation": np.asarray(OCCUPATIONS)[pop.occupation],
            "income_band": np.asarray(INCOME_BANDS)[income_band(pop.income, pop.income_known)],
            "annual_income": np.where(pop.income_known, pop.income, INCOME_UNKNOWN),
            "credit_grade": pop.credit_grade,
            "joined_at": _date(pop.joined_at),
        },
        schema=CUSTOMER_SCHEMA,
    )
    loans = pl.DataFrame(
        {
            "loan_id": tokens("L", pop.n, seed, 3),
            "customer_id": customer_ids,
            "applied_at": _date(pop.applied_at),
            "loan_amount": pop.loan_amount,
            "loan_product": np.asarray(LOAN_PRODUCTS)[pop.product],
            "term_months": pop.term_months,
            "bureau_score": pop.bureau_score,
            "monthly_income": pop.monthly_income,
            "months_at_job": pl.Series(pop.months_at_job, nan_to_null=True).cast(pl.Int64),
            "overdue_days_after": pop.overdue_days_after,
            "default_12m": pop.default,
        },
        schema=LOAN_SCHEMA,
    ).sort("applied_at", "loan_id")
    accounts = accounts_frame(acc, customer_ids, account_ids)
    return _Skeleton(pop, acc, cust, accounts, loans)


def generate(customers: int = 5000, seed: int = 42) -> SampleBank:
    """The whole bank in memory; the shipped sample is ``generate()`` (5,000 customers, ~300k transactions).

    Deterministic: the same ``(customers, seed)`` gives equal frames (and byte-identical parquet via
    ``write``). A size changes every customer, not just the count: the sample is not a prefix of a bigger one.
    """
    sk = _skeleton(customers, seed)
    ids = sk.accounts["account_id"]
    parts = [frame for _, frame in iter_transactions(sk.pop, sk.acc, ids)]
    tx = pl.concat(parts) if parts else pl.DataFrame(schema=TRANSACTION_SCHEMA)
    return SampleBank(sk.customers, sk.accounts, tx, sk.loans)


def _partial(path: Path) -> Path:
    """Files are written next to their target and renamed together at the end: an interrupted run (Ctrl-C
    at 1M customers) leaves the previous files intact instead of a truncated or mismatched set."""
    return path.with_name(path.name + ".partial")


def _publish(paths: dict[str, Path], write_all: Callable[[], None]) -> dict[str, Path]:
    try:
        write_all()
    except BaseException:
        for path in paths.values():
            _partial(path).unlink(missing_ok=True)
        raise
    for path in paths.values():
        _partial(path).replace(path)
    return paths


def _write_frame(frame: pl.DataFrame, path: Path) -> None:
    table = frame.to_arrow()
    pq.write_table(
        table, _partial(path), compression=COMPRESSION, compression_level=COMPRESSION_LEVEL, row_group_size=1 << 20,
        write_page_index=False, write_statistics=True,
    )  # fmt: skip


def write(bank: SampleBank, out_dir: str | Path) -> dict[str, Path]:
    """Write ``{customers,accounts,transactions,loans}.parquet`` into ``out_dir``; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.parquet" for name in TABLES}

    def write_all() -> None:
        for name, frame in bank.tables().items():
            if name == "transactions":
                _write_transactions([frame], paths[name])
            else:
                _write_frame(frame, paths[name])

    return _publish(paths, write_all)


def _write_transactions(frames, path: Path) -> int:
    writer = None
    rows = 0
    try:
        for frame in frames:
            table = frame.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(
                    _partial(path), table.schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL,
                    write_page_index=False, write_statistics=True,
                )  # fmt: skip
            writer.write_table(table, row_group_size=1 << 20)
            rows += frame.height
    finally:
        if writer is not None:
            writer.close()
    return rows


def write_sample(
    out_dir: str | Path,
    *,
    customers: int = 5000,
    seed: int = 42,
    progress: Callable[[int, int, int], None] | None = None,
) -> dict[str, Path]:
    """Generate and write a bank of any size, streaming transactions ``BLOCK`` customers at a time.

    Memory grows with customers and accounts (1.3 GB peak at 1M customers), never with transactions.
    ``progress(customers_done, customers_total, transactions_written)`` is called after each block.
    The tables read back equal ``generate(customers, seed)`` (row groups differ: one per block here).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sk = _skeleton(customers, seed)
    paths = {name: out / f"{name}.parquet" for name in TABLES}

    def frames():
        written = 0
        for done, frame in iter_transactions(sk.pop, sk.acc, sk.accounts["account_id"]):
            written += frame.height
            yield frame
            if progress is not None:
                progress(done, customers, written)

    def write_all() -> None:
        _write_frame(sk.customers, paths["customers"])
        _write_frame(sk.accounts, paths["accounts"])
        _write_frame(sk.loans, paths["loans"])
        _write_transactions(frames(), paths["transactions"])

    return _publish(paths, write_all)
