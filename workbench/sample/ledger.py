"""The ledger: events sorted per account with running balances, as the public transactions frame.

Transactions are produced a block of ``BLOCK`` customers at a time. Each block draws from its own random
streams, so the in-memory ``generate`` and the streaming ``write_sample`` produce identical rows and tx ids
continue across blocks.

Balances are consistent: within an account ordered by time, ``balance_after`` changes by exactly ±amount.
Accounts without a limit never go below zero, a 마이너스통장 never below −limit; a loan account starts at 0,
goes to −loan_amount on disbursement and climbs back with each repayment.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from workbench.sample.accounts import DEMAND, LOAN, NO_LIMIT, Accounts
from workbench.sample.calendar import US_PER_DAY
from workbench.sample.events import CATEGORIES, CATEGORY, CHANNELS, DIRECTIONS, IN, MOBILE, block_events
from workbench.sample.population import Population

BLOCK = 5000  # customers per block (one random stream and one parquet row group each)


def _running(acct: np.ndarray, ts: np.ndarray, signed: np.ndarray):
    """Sort by (account, time); return the order, group starts, group sizes and the in-account running sum."""
    order = np.lexsort((ts, acct))
    acct, signed = acct[order], signed[order]
    n = len(acct)
    starts = np.flatnonzero(np.r_[True, acct[1:] != acct[:-1]]) if n else np.empty(0, np.int64)
    sizes = np.diff(np.r_[starts, n])
    cum = np.cumsum(signed)
    within = cum - np.repeat(cum[starts] - signed[starts], sizes)
    return order, starts, sizes, within


def _group_min(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.minimum.reduceat(values, starts) if len(values) else np.empty(0, np.int64)


def block_transactions(
    pop: Population, acc: Accounts, account_ids: pl.Series, start: int, stop: int, first_tx: int
) -> pl.DataFrame:
    """The transactions of customers ``start``…``stop-1`` as the public frame, sorted by account and time.

    The opening balance is drawn independently of what happens later and lifted only by the low point
    *before* a distress episode. If a stretch of the episode (from its start to the loan payout, then
    after the payout) would push the balance under zero or under the overdraft limit, the customer brings
    money in from elsewhere (a 이체입금 just before the stretch). A cushion sized by future troubles would
    make troubled customers look richer beforehand, the opposite of what a bank sees.
    """
    e = block_events(pop, acc, start, stop, start // BLOCK)
    ts = e["day"] * US_PER_DAY + e["sec"] * 1_000_000
    signed = np.where(e["dir"] == IN, e["amount"], -e["amount"])
    order, starts, sizes, within = _running(e["acct"], ts, signed)
    acct, ts_sorted = e["acct"][order], ts[order]

    acc_rows = acct[starts]
    cust = acc.customer[acc_rows]
    floor = np.where(acc.limit[acc_rows] == NO_LIMIT, 0, -acc.limit[acc_rows])
    floor = np.where(acc.kind[acc_rows] == LOAN, -acc.limit[acc_rows], floor)  # a loan runs down to −amount
    big = np.iinfo(np.int64).max
    episode = pop.distress[cust] & (acc.kind[acc_rows] == DEMAND)
    nine = 9 * 3600 * 1_000_000
    cuts = [
        np.where(episode, pop.onset[cust] * US_PER_DAY + nine, big),  # the episode starts
        np.where(episode, acc.opened_at[acc.loan[cust]] * US_PER_DAY + nine, big),  # the loan is paid out
        np.full(len(acc_rows), big),
    ]
    before = ts_sorted < np.repeat(cuts[0], sizes)
    lowest_before = np.minimum(_group_min(np.where(before, within, big), starts), 0)
    rng = np.random.default_rng([pop.seed, 5, start // BLOCK])
    # outside an episode only one overdraft holder in six dips into the 마이너스통장 habitually
    habitual = rng.random(len(acc_rows)) < 0.15
    floor_before = np.where(habitual | (acc.kind[acc_rows] == LOAN), floor, np.maximum(floor, 0))
    opening = np.maximum(acc.opening_balance[acc_rows], floor_before - lowest_before)
    opening = np.where(acc.kind[acc_rows] == LOAN, 0, opening)
    for k in (0, 1):  # each stretch of the episode: bring money in when it would breach the floor
        lo, hi = np.repeat(cuts[k], sizes), np.repeat(cuts[k + 1], sizes)
        inside = (ts_sorted >= lo) & (ts_sorted < hi)
        lowest = _group_min(np.where(inside, within + np.repeat(opening, sizes), big), starts)
        short = lowest < floor
        if not short.any():
            continue
        need = floor[short] - lowest[short] + rng.integers(0, 1_000_000, short.sum())
        e = {
            "acct": np.r_[e["acct"], acc_rows[short]],
            "dir": np.r_[e["dir"], np.full(short.sum(), IN)],
            "ch": np.r_[e["ch"], np.full(short.sum(), MOBILE)],
            "cat": np.r_[e["cat"], np.full(short.sum(), CATEGORY["이체입금"])],
        }
        ts = np.r_[ts, cuts[k][short] - 1_000_000]
        signed = np.r_[signed, -(-need // 100_000) * 100_000]
        order, starts, sizes, within = _running(e["acct"], ts, signed)
        acct, ts_sorted = e["acct"][order], ts[order]
    balance = within + np.repeat(opening, sizes)  # same accounts, same order of groups
    n = len(acct)
    signed = signed[order]

    return pl.DataFrame(
        {
            "tx_id": pl.int_range(first_tx, first_tx + n, eager=True, dtype=pl.Int64),
            "account_id": account_ids.gather(acct),
            "ts": pl.Series(ts_sorted, dtype=pl.Int64).cast(pl.Datetime("us")),
            "amount": pl.Series(np.abs(signed), dtype=pl.Int64),
            "direction": pl.Series(DIRECTIONS).gather(e["dir"][order]),
            "channel": pl.Series(CHANNELS).gather(e["ch"][order]),
            "merchant_category": pl.Series(CATEGORIES).gather(e["cat"][order]),
            "balance_after": pl.Series(balance, dtype=pl.Int64),
        }
    ).with_columns(tx_id=pl.format("T{}", pl.col("tx_id").cast(pl.String).str.zfill(11)))


def iter_transactions(
    pop: Population, acc: Accounts, account_ids: list[str] | pl.Series
) -> Iterator[tuple[int, pl.DataFrame]]:
    """(customers done, frame) per block, in order; tx ids continue across blocks."""
    ids = account_ids if isinstance(account_ids, pl.Series) else pl.Series(account_ids)
    next_tx = 1
    for start in range(0, pop.n, BLOCK):
        stop = min(start + BLOCK, pop.n)
        frame = block_transactions(pop, acc, ids, start, stop, next_tx)
        next_tx += frame.height
        yield stop, frame
