"""A fast, deterministic bank (customers → accounts → transactions, loans as the label table) at any size.

Used by the feature tests and the benchmark (10M transactions in seconds, vectorised numpy). The default
depends on behaviour *before* the application (recent withdrawals, falling balances, few deposits) and on
the credit grade, so transaction features carry signal beyond customer attributes, as in the sample bank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import polars as pl

START = datetime(2023, 1, 1)
SPAN_DAYS = 730
CHANNELS = ("창구", "ATM", "인터넷뱅킹", "모바일")
CATEGORIES = ("식품", "교통", "통신", "의료", "교육", "여가", "온라인쇼핑", "주유", "이체", "기타")
ACCOUNT_TYPES = ("입출금", "정기예금", "적금", "대출")


@dataclass(frozen=True)
class Bank:
    customers: pl.DataFrame
    accounts: pl.DataFrame
    transactions: pl.DataFrame
    loans: pl.DataFrame


def make_bank(customers: int = 2000, tx_per_customer: int = 100, seed: int = 7) -> Bank:
    rng = np.random.default_rng(seed)
    n = customers
    cid = np.array([f"C{i:07d}" for i in range(n)])
    grade = rng.integers(1, 11, n)
    risk = rng.normal(0, 1, n)  # latent behaviour: drives withdrawals and the default
    cust = pl.DataFrame(
        {
            "customer_id": cid,
            "gender": rng.choice(["M", "F"], n),
            "age_band": rng.choice(["20대", "30대", "40대", "50대", "60대"], n),
            "credit_grade": grade,
            "annual_income": rng.integers(2000, 12000, n),
            "joined_at": [date(2015, 1, 1) + (date(2024, 6, 1) - date(2015, 1, 1)) * float(f) for f in rng.random(n)],
        }
    )
    n_acc = rng.integers(1, 4, n)
    acc_owner = np.repeat(np.arange(n), n_acc)
    m = acc_owner.size
    acc = pl.DataFrame(
        {
            "account_id": np.array([f"A{i:08d}" for i in range(m)]),
            "customer_id": cid[acc_owner],
            "account_type": rng.choice(ACCOUNT_TYPES, m, p=[0.6, 0.15, 0.15, 0.1]),
            "opened_at": [date(2016, 1, 1) + (date(2024, 9, 1) - date(2016, 1, 1)) * float(f) for f in rng.random(m)],
            "limit_krw": rng.integers(100, 5000, m) * 10_000,
        }
    ).with_columns(pl.when(pl.Series(rng.random(m) < 0.3)).then(pl.col("limit_krw")).alias("limit_krw"))
    k = n * tx_per_customer
    owner = rng.integers(0, n, k)
    # each transaction on one of its owner's accounts
    first_acc = np.concatenate([[0], np.cumsum(n_acc)[:-1]])
    acc_idx = first_acc[owner] + (rng.random(k) * n_acc[owner]).astype(np.int64)
    secs = rng.integers(0, SPAN_DAYS * 86_400, k)
    app_days = rng.integers(0, 240, n)  # applications from 2024-03-01 (day 425 of the span) on
    app_secs = (425 + app_days[owner]) * 86_400
    late = (secs > app_secs - 120 * 86_400) & (secs < app_secs + 60 * 86_400)  # stress around the application
    p_out = np.clip(0.5 + 0.12 * risk[owner] * late, 0.05, 0.95)
    out = rng.random(k) < p_out
    amount = np.round(np.exp(rng.normal(11, 1.2, k)) / 100).astype(np.int64) * 100 + 100
    channel_p = np.array([0.15, 0.2, 0.25, 0.4])
    tx = pl.DataFrame(
        {
            "tx_id": np.arange(k, dtype=np.int64),
            "account_id": acc["account_id"].to_numpy()[acc_idx],
            "ts": (np.datetime64(START, "us") + secs.astype("timedelta64[s]")).astype("datetime64[us]"),
            "amount": amount,
            "direction": np.where(out, "출금", "입금"),
            "channel": rng.choice(CHANNELS, k, p=channel_p),
            "merchant_category": rng.choice(CATEGORIES, k),
            "balance_after": np.maximum(0, rng.normal(3e6, 2e6, k) - 1.5e6 * risk[owner] * late).astype(np.int64),
        }
    )
    applied = date(2024, 3, 1)
    logit = -3.2 + 0.9 * risk + 0.12 * (grade - 5.5) + rng.normal(0, 0.5, n)
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    loans = pl.DataFrame(
        {
            "loan_id": np.array([f"L{i:07d}" for i in range(n)]),
            "customer_id": cid,
            "applied_at": [applied + np.timedelta64(int(d), "D").item() for d in app_days],
            "loan_amount": rng.integers(100, 5000, n) * 10_000,
            "default_12m": default,
        }
    )
    return Bank(customers=cust, accounts=acc, transactions=tx, loans=loans)


# The sample bank's structure as a spec's ``tables``/``label`` part (paths omitted): what tests and the
# features benchmark build on, so both describe the bank in one place.
BANK_SCHEMA: dict = {
    "tables": {
        "customers": {"key": "customer_id", "alias": "cust"},
        "accounts": {
            "key": "account_id",
            "parent": "customers",
            "parent_key": "customer_id",
            "time": "opened_at",
            "alias": "acct",
            "by": ["account_type"],
            "columns": ["limit_krw"],
        },
        "transactions": {
            "key": "tx_id",
            "parent": "accounts",
            "parent_key": "account_id",
            "time": "ts",
            "alias": "tx",
            "by": ["channel", "direction", "merchant_category"],
            "columns": ["amount", "balance_after"],
        },
    },
    "label": {"table": "loans", "key": "customer_id", "cutoff": "applied_at", "target": "default_12m"},
}
