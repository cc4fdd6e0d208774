"""Accounts and their transactions, generated block by block of customers so any size fits in memory.

Each block of ``BLOCK`` customers draws from its own random stream (``[seed, 2, block]``), so the
transactions of a customer do not depend on how many blocks are generated at once: the in-memory
``generate`` and the streaming ``write`` produce identical rows.

Balances are consistent: within an account ordered by time, ``balance_after`` changes by exactly ±amount.
An account's opening balance is lifted just enough that it never goes below zero (or below ``-limit_krw``
for an overdraft 마이너스통장); a loan account starts at 0, goes to −loan_amount on disbursement and climbs
back with each repayment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.sample.calendar import ACTIVITY_END, ACTIVITY_START, MONTHS, US_PER_DAY
from workbench.sample.population import PENSIONER, SALARIED, SELF_EMPLOYED, Population

CASH_PRODUCTS = (0, 4, 5)  # 신용대출, 소액신용대출, 사업자대출: index into LOAN_PRODUCTS

BLOCK = 5000  # customers per block (one random stream and one parquet row group each)

ACCOUNT_TYPES = ("입출금", "정기예금", "적금", "대출")
STATUSES = ("정상", "휴면", "해지")
DIRECTIONS = ("입금", "출금")
CHANNELS = ("창구", "ATM", "인터넷뱅킹", "모바일")
CATEGORIES = (
    "급여", "사업소득", "연금", "카드대금", "현금인출", "이체입금", "이체출금", "공과금", "온라인결제",
    "통신비", "보험료", "현금입금", "소액대출", "대출실행", "대출상환", "적금납입", "예금입금",
)  # fmt: skip
_C = {name: i for i, name in enumerate(CATEGORIES)}
IN, OUT = 0, 1
BRANCH, ATM, WEB, MOBILE = 0, 1, 2, 3
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
    loan_status = np.where((loan_ends <= ACTIVITY_END) & (pop.default == 0), 2, 0)

    has_savings = rng.random(n) < 0.15
    sav_open = np.maximum(pop.joined_at, ACTIVITY_START - 365) + (
        rng.random(n) * np.maximum(ACTIVITY_END - 60 - np.maximum(pop.joined_at, ACTIVITY_START - 365), 1)
    ).astype(np.int64)
    sav_term = np.array([12, 24, 36])[rng.integers(0, 3, n)]
    sav_amount = rng.integers(1, 11, n) * 100_000
    sav_status = np.where(sav_open + (sav_term * 30.44).astype(np.int64) <= ACTIVITY_END, 2, 0)
    months_before = np.maximum((ACTIVITY_START - sav_open) // 30, 0)
    sav_open_balance = np.minimum(months_before, sav_term) * sav_amount

    has_deposit = rng.random(n) < 0.12
    dep_open = np.maximum(pop.joined_at, ACTIVITY_START - 720) + (
        rng.random(n) * np.maximum(ACTIVITY_END - 30 - np.maximum(pop.joined_at, ACTIVITY_START - 720), 1)
    ).astype(np.int64)
    dep_amount = rng.integers(5, 101, n) * 1_000_000
    dep_status = np.where(rng.random(n) < 0.2, 2, 0)
    dep_open_balance = np.where(dep_open < ACTIVITY_START, dep_amount, 0)

    has_dormant = rng.random(n) < 0.05
    dormant_open = pop.joined_at + (
        rng.random(n) * np.maximum(ACTIVITY_START - 400 - pop.joined_at, 1)
    ).astype(np.int64)
    dormant_balance = rng.integers(0, 50_000, n)

    # (customer, order, kind, opened, status, limit, opening balance, amount, term, dormant)
    idx = np.arange(n)
    parts = [
        (idx, 0, 0, pop.joined_at, 0, limit, main_open_balance, 0, 0, False),
        (idx[has_dormant], 1, 0, dormant_open[has_dormant], 1, NO_LIMIT, dormant_balance[has_dormant],
         0, 0, True),
        (idx[has_savings], 2, 2, sav_open[has_savings], sav_status[has_savings], NO_LIMIT,
         sav_open_balance[has_savings], sav_amount[has_savings], sav_term[has_savings], False),
        (idx[has_deposit], 3, 1, dep_open[has_deposit], dep_status[has_deposit], NO_LIMIT,
         dep_open_balance[has_deposit], dep_amount[has_deposit], 0, False),
        (idx, 4, 3, disbursed, loan_status, pop.loan_amount, 0, 0, 0, False),
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


def accounts_frame(
    pop: Population, acc: Accounts, customer_ids: list[str], account_ids: list[str]
) -> pl.DataFrame:
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


# --- transactions ----------------------------------------------------------------------------------------


class _Events:
    """Columns of generated events, appended by each kind of activity and concatenated once."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("acct", "day", "sec", "amount", "dir", "ch", "cat")
        }

    def add(self, acct, day, sec, amount, direction, channel, category) -> None:
        size = len(acct)
        for key, value in zip(self.cols, (acct, day, sec, amount, direction, channel, category), strict=True):
            self.cols[key].append(np.broadcast_to(np.asarray(value, dtype=np.int64), (size,)))

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.empty(0, np.int64) for k, v in self.cols.items()}


def _daytime_seconds(rng: np.random.Generator, n: int, late_share: float | np.ndarray = 0.03) -> np.ndarray:
    """Seconds after midnight: mostly 08–22 h with a lunchtime and evening bump; ``late_share`` at 23–04 h."""
    hour = np.clip(np.round(rng.normal(14.5, 3.6, n)), 8, 22)
    late = rng.random(n) < late_share
    hour = np.where(late, (23 + rng.integers(0, 6, n)) % 24, hour)
    return (hour * 3600 + rng.integers(0, 3600, n)).astype(np.int64)


def _lognormal_krw(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int, unit: int
) -> np.ndarray:
    value = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    return np.maximum(np.round(value / unit), 1).astype(np.int64) * unit


def _in_distress(pop: Population, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    return pop.distress[cust] & (day >= pop.onset[cust]) & (day < pop.distress_end[cust])


def _monthly(cust: np.ndarray, day_of_month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (customer, month) pair of the activity window, flattened: customer index and day."""
    k = len(MONTHS)
    c = np.repeat(cust, k)
    d = np.tile(MONTHS, len(cust)) + np.repeat(day_of_month, k) - 1
    return c, d


def block_events(pop: Population, acc: Accounts, start: int, stop: int) -> dict[str, np.ndarray]:
    """Events of customers ``start``…``stop-1``, unsorted, as integer columns."""
    rng = np.random.default_rng([pop.seed, 2, start // BLOCK])
    cust = np.arange(start, stop)
    ev = _Events()
    main = acc.main[cust]
    active_from = np.maximum(acc.opened_at[main], ACTIVITY_START)

    # 1. income: 급여 on payday, 사업소득 irregular, 연금 on the 25th; stops during a distress episode
    occ = pop.occupation[cust]
    paid_here = rng.random(len(cust)) < 0.8  # the others are paid into another bank
    for kind, cat in ((0, "급여"), (1, "사업소득"), (2, "연금")):
        members = {
            0: np.isin(occ, SALARIED) & paid_here,
            1: np.isin(occ, SELF_EMPLOYED),
            2: occ == PENSIONER,
        }[kind]
        who = cust[members]
        payday = {0: np.array([10, 15, 21, 25])[rng.integers(0, 4, len(who))],
                  1: rng.integers(1, 29, len(who)), 2: np.full(len(who), 25)}[kind]  # fmt: skip
        c, d = _monthly(who, payday)
        if kind == 1:
            d = d + rng.integers(-9, 10, len(d))
        keep = (d >= np.maximum(acc.opened_at[acc.main[c]], ACTIVITY_START)) & (d <= ACTIVITY_END)
        keep &= ~(_in_distress(pop, c, d) & pop.salary_stops[c])
        if kind == 1:
            keep &= rng.random(len(d)) < 0.6
        c, d = c[keep], d[keep]
        base = pop.income[c] * 10_000 / 12 * (0.82 if kind == 0 else 1.0)
        sigma = 0.03 if kind != 1 else 0.45
        amount = _lognormal_krw(rng, base / (0.6 if kind == 1 else 1.0), sigma, len(c), 10)
        sec = (6 * 3600 + rng.integers(0, 3 * 3600, len(c))) if kind != 1 else _daytime_seconds(rng, len(c))
        ev.add(acc.main[c], d, sec, amount, IN, WEB, _C[cat])

    # 2. the monthly outflow that spends an income: the card bill (자동이체) or a transfer out for living
    #    costs; it grows during distress, when the income has often stopped, so the balance falls
    earner = (np.isin(occ, SALARIED) & paid_here) | np.isin(occ, SELF_EMPLOYED) | (occ == PENSIONER)
    has_card = rng.random(len(cust)) < 0.6
    who, card = cust[earner], has_card[earner]
    share = rng.uniform(0.5, 0.95, len(who))
    billday = np.where(card, np.array([14, 25])[rng.integers(0, 2, len(who))], rng.integers(1, 29, len(who)))
    c, d = _monthly(who, billday)
    share_c, card_c = np.repeat(share, len(MONTHS)), np.repeat(card, len(MONTHS))
    keep = (d >= np.maximum(acc.opened_at[acc.main[c]], ACTIVITY_START)) & (d <= ACTIVITY_END)
    c, d, share_c, card_c = c[keep], d[keep], share_c[keep], card_c[keep]
    median = pop.income[c] * 10_000 / 12 * share_c * np.where(_in_distress(pop, c, d), 1.6, 1.0)
    amount = _lognormal_krw(rng, median, 0.25, len(c), 10)
    sec = np.where(card_c, 8 * 3600 + rng.integers(0, 3600, len(c)), _daytime_seconds(rng, len(c)))
    channel = np.where(card_c, WEB, np.where(rng.random(len(c)) < 0.6, MOBILE, WEB))
    ev.add(acc.main[c], d, sec, amount, OUT, channel, np.where(card_c, _C["카드대금"], _C["이체출금"]))

    # 3. everyday activity: Poisson counts per customer over the active window, uniform days
    rate = np.exp(np.log(0.33) + 0.6 * rng.standard_normal(len(cust)))  # events per month
    span = np.maximum(ACTIVITY_END + 1 - active_from, 0)
    count = rng.poisson(rate * span / 30.44)
    c = np.repeat(cust, count)
    d = np.repeat(active_from, count) + (rng.random(count.sum()) * np.repeat(span, count)).astype(np.int64)
    mix = np.array([0.22, 0.22, 0.20, 0.08, 0.14, 0.06, 0.04, 0.04])
    kinds = rng.choice(len(mix), size=len(c), p=mix)
    spec = np.array([  # category, direction, channel (-1: mobile/web mix), median KRW, rounding unit
        [_C["현금인출"], OUT, ATM, 150_000, 10_000],
        [_C["이체출금"], OUT, -1, 300_000, 1_000],
        [_C["이체입금"], IN, -1, 300_000, 1_000],
        [_C["공과금"], OUT, -2, 80_000, 10],
        [_C["온라인결제"], OUT, MOBILE, 50_000, 10],
        [_C["통신비"], OUT, WEB, 60_000, 10],
        [_C["보험료"], OUT, WEB, 120_000, 10],
        [_C["현금입금"], IN, -3, 500_000, 10_000],
    ])  # fmt: skip
    s = spec[kinds]
    u = rng.random(len(c))
    channel = np.select(
        [s[:, 2] == -1, s[:, 2] == -2, s[:, 2] == -3],
        [np.where(u < 0.6, MOBILE, WEB), np.where(u < 0.7, WEB, BRANCH), np.where(u < 0.5, BRANCH, ATM)],
        s[:, 2],
    )
    senior = pop.age[c] >= 60
    channel = np.where(senior & (channel == MOBILE) & (rng.random(len(c)) < 0.5), BRANCH, channel)
    scale = np.sqrt(np.maximum(pop.income[c], 600) / 4000)
    amount = _lognormal_krw(rng, s[:, 3] * scale, 0.7, len(c), 1) // s[:, 4] * s[:, 4]
    amount = np.maximum(amount, s[:, 4])
    late = np.where(_in_distress(pop, c, d), 0.12, 0.03)
    ev.add(acc.main[c], d, _daytime_seconds(rng, len(c), late), amount, s[:, 1], channel, s[:, 0])

    # 4. distress: cash withdrawals, late-night mobile small loans and their repayments
    who = cust[pop.distress[cust]]
    lo = np.maximum(pop.onset[who], active_from[pop.distress[cust]])
    hi = np.minimum(pop.distress_end[who], ACTIVITY_END + 1)
    span = np.maximum(hi - lo, 0)
    count = rng.poisson(rng.uniform(1.0, 3.0, len(who)) * span / 30.44)
    c = np.repeat(who, count)
    d = np.repeat(lo, count) + (rng.random(count.sum()) * np.repeat(span, count)).astype(np.int64)
    kinds = rng.choice(3, size=len(c), p=[0.45, 0.30, 0.25])
    cat = np.array([_C["현금인출"], _C["소액대출"], _C["이체출금"]])[kinds]
    direction = np.array([OUT, IN, OUT])[kinds]
    channel = np.where(kinds == 0, ATM, MOBILE)
    amount = np.select(
        [kinds == 0, kinds == 1],
        [rng.integers(10, 51, len(c)) * 10_000, rng.integers(5, 31, len(c)) * 100_000],
        rng.integers(5, 40, len(c)) * 10_000,
    )
    ev.add(acc.main[c], d, _daytime_seconds(rng, len(c), np.where(kinds == 0, 0.2, 0.6)), amount, direction,
           channel, cat)  # fmt: skip

    # 5. the loan: disbursement, then monthly repayments that stop for defaulters
    loan = acc.loan[cust]
    disb = acc.opened_at[loan]
    disb_sec = 10 * 3600 + rng.integers(0, 6 * 3600, len(cust))
    disb_channel = np.where(rng.random(len(cust)) < 0.5, BRANCH, WEB)
    ev.add(loan, disb, disb_sec, pop.loan_amount[cust], OUT, disb_channel, _C["대출실행"])
    # credit and business loans are paid into the main account (mortgage, 전세, car loans go to the seller)
    to_main = np.isin(pop.product[cust], CASH_PRODUCTS)
    ev.add(acc.main[cust[to_main]], disb[to_main], disb_sec[to_main] + 60, pop.loan_amount[cust[to_main]], IN,
           disb_channel[to_main], _C["대출실행"])  # fmt: skip
    k = np.arange(1, 31)
    c = np.repeat(cust, 30)
    kk = np.tile(k, len(cust))
    d = np.repeat(disb, 30) + (kk * 30.44).astype(np.int64)
    stop_paying = np.where(
        pop.default[cust] == 1, pop.applied_at[cust] + rng.integers(45, 300, len(cust)), 10**9
    )
    keep = (kk <= pop.term_months[c]) & (d <= ACTIVITY_END) & (d < np.repeat(stop_paying, 30))
    c, d = c[keep], d[keep]
    installment = pop.loan_amount[c] // pop.term_months[c]
    ev.add(acc.loan[c], d, 7 * 3600 + rng.integers(0, 3600, len(c)), installment, IN, WEB, _C["대출상환"])

    # 6. 적금 monthly deposits and 정기예금 principal
    rows = np.flatnonzero((acc.customer >= start) & (acc.customer < stop))
    sav = rows[acc.kind[rows] == 2]
    c, d = _monthly(sav, (acc.opened_at[sav] - 1) % 28 + 1)  # here c indexes accounts
    months_in = (d - np.repeat(acc.opened_at[sav], len(MONTHS))) / 30.44
    keep = (d >= acc.opened_at[c]) & (d <= ACTIVITY_END) & (months_in < acc.term[c])
    c, d = c[keep], d[keep]
    ev.add(c, d, _daytime_seconds(rng, len(c)), acc.savings_amount[c],
           IN, np.where(rng.random(len(c)) < 0.6, MOBILE, WEB), _C["적금납입"])  # fmt: skip
    dep = rows[(acc.kind[rows] == 1) & (acc.opened_at[rows] >= ACTIVITY_START)]
    ev.add(dep, acc.opened_at[dep], _daytime_seconds(rng, len(dep)), acc.savings_amount[dep], IN,
           np.where(rng.random(len(dep)) < 0.5, BRANCH, WEB), _C["예금입금"])  # fmt: skip
    return ev.arrays()


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
    *before* a distress episode; if the episode would then push the balance under zero (or under the
    overdraft limit), the customer brings money in from elsewhere (이체입금) on the day it starts.
    A cushion that depended on future troubles would make troubled customers look richer beforehand.
    """
    e = block_events(pop, acc, start, stop)
    ts = e["day"] * US_PER_DAY + e["sec"] * 1_000_000
    signed = np.where(e["dir"] == IN, e["amount"], -e["amount"])
    order, starts, sizes, within = _running(e["acct"], ts, signed)
    acct, ts_sorted = e["acct"][order], ts[order]

    acc_rows = acct[starts]
    cust = acc.customer[acc_rows]
    floor = np.where(acc.limit[acc_rows] == NO_LIMIT, 0, -acc.limit[acc_rows])
    floor = np.where(acc.kind[acc_rows] == 3, -acc.limit[acc_rows], floor)  # a loan runs down to −amount
    big = np.iinfo(np.int64).max
    episode = pop.distress[cust] & (acc.kind[acc_rows] == 0)
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
    floor_before = np.where(habitual | (acc.kind[acc_rows] == 3), floor, np.maximum(floor, 0))
    opening = np.maximum(acc.opening_balance[acc_rows], floor_before - lowest_before)
    opening = np.where(acc.kind[acc_rows] == 3, 0, opening)
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
            "cat": np.r_[e["cat"], np.full(short.sum(), _C["이체입금"])],
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
