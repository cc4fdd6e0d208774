"""The accounts each customer holds, and the random-looking ids every table uses.

About 2.3 accounts per customer: the main 입출금 (a third of salaried customers with a 마이너스통장 limit), the
loan account opened when the loan is paid out, and for some a 적금, a 정기예금 or a dormant 입출금.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.sample.calendar import ACTIVITY_END, ACTIVITY_START
from workbench.sample.population import SALARIED, Population

ACCOUNT_TYPES = ("입출금", "정기예금", "적금", "대출")
DEMAND, TIME_DEPOSIT, SAVINGS, LOAN = range(4)  # index into ACCOUNT_TYPES
STATUSES = ("정상", "휴면", "해지")
ACTIVE, DORMANT, CLOSED = range(3)  # index into STATUSES
NO_LIMIT = -1


def tokens(prefix: str, n: int, seed: int, salt: int) -> list[str]:
    """Unique, random-looking ids: an affine bijection of 0…n-1 on 40 bits, as 10 hex digits.

    Bijective, so never a collision at any size; keyed by seed so two sample banks do not share ids.
    """
    rng = np.random.default_rng([seed, 9, salt])
    a = int(rng.integers(1 << 20, 1 << 39)) | 1
    b = int(rng.integers(0, 1 << 40))
    x = (np.arange(n, dtype=np.uint64) * np.uint64(a) + np.uint64(b)) & np.uint64((1 << 40) - 1)
    return [f"{prefix}{v:010x}" for v in x.tolist()]


@dataclass(frozen=True)
class Accounts:
    """Account-level arrays, ordered by customer; ``main`` is each customer's active 입출금 account."""

    customer: np.ndarray
    kind: np.ndarray  # index into ACCOUNT_TYPES
    opened_at: np.ndarray
    status: np.ndarray  # index into STATUSES
    limit: np.ndarray  # KRW, NO_LIMIT where none
    opening_balance: np.ndarray  # drawn; lifted later to keep the balance within the limit
    savings_amount: np.ndarray  # monthly 적금 deposit / 정기예금 principal (KRW), 0 otherwise
    term: np.ndarray  # months (적금), 0 otherwise
    dormant: np.ndarray  # bool: no transactions
    main: np.ndarray  # per customer: row of the main 입출금 account
    loan: np.ndarray  # per customer: row of the 대출 account


def build_accounts(pop: Population) -> Accounts:
    """About 2.3 accounts per customer: main 입출금, the loan, sometimes 적금, 정기예금, a dormant 입출금."""
    rng = np.random.default_rng([pop.seed, 3])
    n = pop.n
    salaried = np.isin(pop.occupation, SALARIED)
    has_limit = rng.random(n) < np.where(salaried, 0.32, 0.12)
    limit = np.where(has_limit, rng.integers(5, 31, n) * 1_000_000, NO_LIMIT)
    income_factor = np.sqrt(pop.income / 4000)
    main_open_balance = np.round(np.exp(np.log(1_500_000) + 0.8 * rng.standard_normal(n)) * income_factor, -3)
    disbursed = pop.applied_at + rng.integers(1, 8, n)
    loan_ends = disbursed + (pop.term_months * 30.44).astype(np.int64)
    loan_status = np.where((loan_ends <= ACTIVITY_END) & (pop.default == 0), CLOSED, ACTIVE)

    has_savings = rng.random(n) < 0.15
    sav_open = np.maximum(pop.joined_at, ACTIVITY_START - 365) + (
        rng.random(n) * np.maximum(ACTIVITY_END - 60 - np.maximum(pop.joined_at, ACTIVITY_START - 365), 1)
    ).astype(np.int64)
    sav_term = np.array([12, 24, 36])[rng.integers(0, 3, n)]
    sav_amount = rng.integers(1, 11, n) * 100_000
    sav_status = np.where(sav_open + (sav_term * 30.44).astype(np.int64) <= ACTIVITY_END, CLOSED, ACTIVE)
    months_before = np.maximum((ACTIVITY_START - sav_open) // 30, 0)
    sav_open_balance = np.minimum(months_before, sav_term) * sav_amount

    has_deposit = rng.random(n) < 0.12
    dep_open = np.maximum(pop.joined_at, ACTIVITY_START - 720) + (
        rng.random(n) * np.maximum(ACTIVITY_END - 30 - np.maximum(pop.joined_at, ACTIVITY_START - 720), 1)
    ).astype(np.int64)
    dep_amount = rng.integers(5, 101, n) * 1_000_000
    dep_status = np.where(rng.random(n) < 0.2, CLOSED, ACTIVE)
    dep_open_balance = np.where(dep_open < ACTIVITY_START, dep_amount, 0)

    has_dormant = rng.random(n) < 0.05
    dormant_open = pop.joined_at + (rng.random(n) * np.maximum(ACTIVITY_START - 400 - pop.joined_at, 1)).astype(
        np.int64
    )
    dormant_balance = rng.integers(0, 50_000, n)

    # (customer, order, kind, opened, status, limit, opening balance, amount, term, dormant)
    idx = np.arange(n)
    parts = [
        (idx, 0, DEMAND, pop.joined_at, ACTIVE, limit, main_open_balance, 0, 0, False),
        (idx[has_dormant], 1, DEMAND, dormant_open[has_dormant], DORMANT, NO_LIMIT, dormant_balance[has_dormant],
         0, 0, True),
        (idx[has_savings], 2, SAVINGS, sav_open[has_savings], sav_status[has_savings], NO_LIMIT,
         sav_open_balance[has_savings], sav_amount[has_savings], sav_term[has_savings], False),
        (idx[has_deposit], 3, TIME_DEPOSIT, dep_open[has_deposit], dep_status[has_deposit], NO_LIMIT,
         dep_open_balance[has_deposit], dep_amount[has_deposit], 0, False),
        (idx, 4, LOAN, disbursed, loan_status, pop.loan_amount, 0, 0, 0, False),
    ]  # fmt: skip
    cols = [[], [], [], [], [], [], [], [], [], []]
    for part in parts:
        size = len(part[0])
        for j, value in enumerate(part):
            cols[j].append(np.broadcast_to(np.asarray(value), (size,)))
    c = [np.concatenate(col) for col in cols]
    order = np.lexsort((c[1], c[0]))
    customer, slot = c[0][order], c[1][order]
    rows = np.arange(len(order))
    main = np.empty(n, dtype=np.int64)
    loan = np.empty(n, dtype=np.int64)
    main[customer[slot == 0]] = rows[slot == 0]
    loan[customer[slot == 4]] = rows[slot == 4]
    return Accounts(
        customer=customer, kind=c[2][order].astype(np.int64), opened_at=c[3][order].astype(np.int64),
        status=c[4][order].astype(np.int64), limit=c[5][order].astype(np.int64),
        opening_balance=c[6][order].astype(np.int64), savings_amount=c[7][order].astype(np.int64),
        term=c[8][order].astype(np.int64), dormant=c[9][order].astype(bool), main=main, loan=loan,
    )  # fmt: skip


def accounts_frame(acc: Accounts, customer_ids: list[str], account_ids: list[str]) -> pl.DataFrame:
    """The public accounts table; ``limit_krw`` is null where an account has no limit."""
    return pl.DataFrame(
        {
            "account_id": account_ids,
            "customer_id": pl.Series(customer_ids).gather(acc.customer),
            "account_type": pl.Series(ACCOUNT_TYPES).gather(acc.kind),
            "opened_at": pl.Series(acc.opened_at.astype(np.int32)).cast(pl.Date),
            "status": pl.Series(STATUSES).gather(acc.status),
            "limit_krw": pl.Series(acc.limit, dtype=pl.Int64).set(pl.Series(acc.limit == NO_LIMIT), None),
        }
    )
