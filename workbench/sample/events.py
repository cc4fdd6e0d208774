"""What happens on the accounts: every kind of transaction, drawn vectorised for one block of customers.

Each kind of activity is one function that appends integer columns (account row, day, second, amount,
direction, channel, category) to an ``_Events`` buffer; ``ledger`` sorts them and computes balances.
The functions run in a fixed order on one random stream per block, which keeps the output deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.sample.accounts import SAVINGS, TIME_DEPOSIT, Accounts
from workbench.sample.calendar import ACTIVITY_END, ACTIVITY_START, MONTHS
from workbench.sample.population import PENSIONER, SALARIED, SELF_EMPLOYED, Population

DIRECTIONS = ("입금", "출금")
CHANNELS = ("창구", "ATM", "인터넷뱅킹", "모바일")
CATEGORIES = (
    "급여", "사업소득", "연금", "카드대금", "현금인출", "이체입금", "이체출금", "공과금", "온라인결제",
    "통신비", "보험료", "현금입금", "소액대출", "대출실행", "대출상환", "적금납입", "예금입금",
)  # fmt: skip
CATEGORY = {name: i for i, name in enumerate(CATEGORIES)}
IN, OUT = 0, 1
BRANCH, ATM, WEB, MOBILE = 0, 1, 2, 3
CASH_PRODUCTS = (0, 4, 5)  # 신용대출, 소액신용대출, 사업자대출: index into LOAN_PRODUCTS


class _Events:
    """Columns of generated events, appended by each kind of activity and concatenated once."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {k: [] for k in ("acct", "day", "sec", "amount", "dir", "ch", "cat")}

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


def _lognormal_krw(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int, unit: int) -> np.ndarray:
    value = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    return np.maximum(np.round(value / unit), 1).astype(np.int64) * unit


def _in_distress(pop: Population, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
    return pop.distress[cust] & (day >= pop.onset[cust]) & (day < pop.distress_end[cust])


def business_day(days: np.ndarray, *, later: bool) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (auto-debits) or the Friday before (pay days)."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    if later:
        return days + np.select([weekday == 5, weekday == 6], [2, 1], 0)
    return days - np.select([weekday == 5, weekday == 6], [1, 2], 0)


def _monthly(cust: np.ndarray, day_of_month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (customer, month) pair of the activity window, flattened: customer index and day."""
    k = len(MONTHS)
    c = np.repeat(cust, k)
    d = np.tile(MONTHS, len(cust)) + np.repeat(day_of_month, k) - 1
    return c, d


@dataclass(frozen=True)
class _Block:
    """One block of customers and what every kind of activity needs to know about them."""

    pop: Population
    acc: Accounts
    cust: np.ndarray  # customer indices
    rng: np.random.Generator
    active_from: np.ndarray  # per customer: first day the main account can move
    paid_here: np.ndarray  # per customer: salary (if any) is paid into this bank


def _income(b: _Block, ev: _Events) -> None:
    """급여 on a pay day (the business day before when it falls on a weekend), 사업소득 irregular,
    연금 on the 25th; all stop during a distress episode for the customers whose salary stops."""
    pop, acc, cust, rng = b.pop, b.acc, b.cust, b.rng
    occ = pop.occupation[cust]
    groups = (
        ("급여", np.isin(occ, SALARIED) & b.paid_here),
        ("사업소득", np.isin(occ, SELF_EMPLOYED)),
        ("연금", occ == PENSIONER),
    )
    for cat, members in groups:
        who = cust[members]
        irregular = cat == "사업소득"
        if cat == "급여":
            payday = np.array([10, 15, 21, 25])[rng.integers(0, 4, len(who))]
        else:
            payday = rng.integers(1, 29, len(who)) if irregular else np.full(len(who), 25)
        c, d = _monthly(who, payday)
        d = d + rng.integers(-9, 10, len(d)) if irregular else business_day(d, later=False)
        keep = (d >= np.maximum(acc.opened_at[acc.main[c]], ACTIVITY_START)) & (d <= ACTIVITY_END)
        keep &= ~(_in_distress(pop, c, d) & pop.salary_stops[c])
        if irregular:
            keep &= rng.random(len(d)) < 0.6
        c, d = c[keep], d[keep]
        base = pop.income[c] * 10_000 / 12 * (0.82 if cat == "급여" else 1.0)  # net of tax for salaries
        amount = _lognormal_krw(rng, base / (0.6 if irregular else 1.0), 0.45 if irregular else 0.03, len(c), 10)
        sec = _daytime_seconds(rng, len(c)) if irregular else 6 * 3600 + rng.integers(0, 3 * 3600, len(c))
        ev.add(acc.main[c], d, sec, amount, IN, WEB, CATEGORY[cat])


def _monthly_spending(b: _Block, ev: _Events) -> None:
    """The monthly outflow that spends an income: the card bill (자동이체) or a transfer out for living costs.

    It grows by 60 % during distress, when the income has often stopped, so the balance falls.
    """
    pop, acc, cust, rng = b.pop, b.acc, b.cust, b.rng
    occ = pop.occupation[cust]
    earner = (np.isin(occ, SALARIED) & b.paid_here) | np.isin(occ, SELF_EMPLOYED) | (occ == PENSIONER)
    has_card = rng.random(len(cust)) < 0.6
    who, card = cust[earner], has_card[earner]
    share = rng.uniform(0.5, 0.95, len(who))
    billday = np.where(card, np.array([14, 25])[rng.integers(0, 2, len(who))], rng.integers(1, 29, len(who)))
    c, d = _monthly(who, billday)
    d = business_day(d, later=True)
    share_c, card_c = np.repeat(share, len(MONTHS)), np.repeat(card, len(MONTHS))
    keep = (d >= np.maximum(acc.opened_at[acc.main[c]], ACTIVITY_START)) & (d <= ACTIVITY_END)
    c, d, share_c, card_c = c[keep], d[keep], share_c[keep], card_c[keep]
    median = pop.income[c] * 10_000 / 12 * share_c * np.where(_in_distress(pop, c, d), 1.6, 1.0)
    amount = _lognormal_krw(rng, median, 0.25, len(c), 10)
    sec = np.where(card_c, 8 * 3600 + rng.integers(0, 3600, len(c)), _daytime_seconds(rng, len(c)))
    channel = np.where(card_c, WEB, np.where(rng.random(len(c)) < 0.6, MOBILE, WEB))
    category = np.where(card_c, CATEGORY["카드대금"], CATEGORY["이체출금"])
    ev.add(acc.main[c], d, sec, amount, OUT, channel, category)


# everyday kinds: category, direction, channel (−1 mobile/web, −2 web/branch, −3 branch/ATM), median KRW, unit
_EVERYDAY = np.array([
    [CATEGORY["현금인출"], OUT, ATM, 150_000, 10_000],
    [CATEGORY["이체출금"], OUT, -1, 300_000, 1_000],
    [CATEGORY["이체입금"], IN, -1, 300_000, 1_000],
    [CATEGORY["공과금"], OUT, -2, 80_000, 10],
    [CATEGORY["온라인결제"], OUT, MOBILE, 50_000, 10],
    [CATEGORY["통신비"], OUT, WEB, 60_000, 10],
    [CATEGORY["보험료"], OUT, WEB, 120_000, 10],
    [CATEGORY["현금입금"], IN, -3, 500_000, 10_000],
])  # fmt: skip
_EVERYDAY_P = np.array([0.22, 0.22, 0.20, 0.08, 0.14, 0.06, 0.04, 0.04])


def _everyday(b: _Block, ev: _Events) -> None:
    """Cash, transfers, bills and payments: a Poisson count per customer (rate ~0.33 a month, lognormal
    across customers) on uniform days; seniors use the branch more, distress moves activity to late night."""
    pop, acc, cust, rng = b.pop, b.acc, b.cust, b.rng
    rate = np.exp(np.log(0.33) + 0.6 * rng.standard_normal(len(cust)))  # events per month
    span = np.maximum(ACTIVITY_END + 1 - b.active_from, 0)
    count = rng.poisson(rate * span / 30.44)
    c = np.repeat(cust, count)
    d = np.repeat(b.active_from, count) + (rng.random(count.sum()) * np.repeat(span, count)).astype(np.int64)
    s = _EVERYDAY[rng.choice(len(_EVERYDAY_P), size=len(c), p=_EVERYDAY_P)]
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


def _distress(b: _Block, ev: _Events) -> None:
    """During an episode, 1–3 extra events a month: ATM cash withdrawals, late-night mobile small loans
    (소액대출, paid in) and transfers out to repay them."""
    pop, acc, cust, rng = b.pop, b.acc, b.cust, b.rng
    troubled = pop.distress[cust]
    who = cust[troubled]
    lo = np.maximum(pop.onset[who], b.active_from[troubled])
    hi = np.minimum(pop.distress_end[who], ACTIVITY_END + 1)
    span = np.maximum(hi - lo, 0)
    count = rng.poisson(rng.uniform(1.0, 3.0, len(who)) * span / 30.44)
    c = np.repeat(who, count)
    d = np.repeat(lo, count) + (rng.random(count.sum()) * np.repeat(span, count)).astype(np.int64)
    kinds = rng.choice(3, size=len(c), p=[0.45, 0.30, 0.25])
    category = np.array([CATEGORY["현금인출"], CATEGORY["소액대출"], CATEGORY["이체출금"]])[kinds]
    direction = np.array([OUT, IN, OUT])[kinds]
    channel = np.where(kinds == 0, ATM, MOBILE)
    amount = np.select(
        [kinds == 0, kinds == 1],
        [rng.integers(10, 51, len(c)) * 10_000, rng.integers(5, 31, len(c)) * 100_000],
        rng.integers(5, 40, len(c)) * 10_000,
    )
    sec = _daytime_seconds(rng, len(c), np.where(kinds == 0, 0.2, 0.6))
    ev.add(acc.main[c], d, sec, amount, direction, channel, category)


def _loan(b: _Block, ev: _Events) -> None:
    """Disbursement on the loan account (and into the main account for cash products), then monthly
    repayments on business days, which stop 45–300 days after applying for defaulters."""
    pop, acc, cust, rng = b.pop, b.acc, b.cust, b.rng
    loan = acc.loan[cust]
    disb = acc.opened_at[loan]
    disb_sec = 10 * 3600 + rng.integers(0, 6 * 3600, len(cust))
    disb_channel = np.where(rng.random(len(cust)) < 0.5, BRANCH, WEB)
    ev.add(loan, disb, disb_sec, pop.loan_amount[cust], OUT, disb_channel, CATEGORY["대출실행"])
    # credit and business loans are paid into the main account (mortgage, 전세, car loans go to the seller)
    to_main = np.isin(pop.product[cust], CASH_PRODUCTS)
    ev.add(acc.main[cust[to_main]], disb[to_main], disb_sec[to_main] + 60, pop.loan_amount[cust[to_main]], IN,
           disb_channel[to_main], CATEGORY["대출실행"])  # fmt: skip
    months = len(MONTHS) + 3  # more than any loan can be repaid within the window
    c = np.repeat(cust, months)
    k = np.tile(np.arange(1, months + 1), len(cust))
    d = business_day(np.repeat(disb, months) + (k * 30.44).astype(np.int64), later=True)
    stop_paying = np.where(pop.default[cust] == 1, pop.applied_at[cust] + rng.integers(45, 300, len(cust)), 10**9)
    keep = (k <= pop.term_months[c]) & (d <= ACTIVITY_END) & (d < np.repeat(stop_paying, months))
    c, d = c[keep], d[keep]
    installment = pop.loan_amount[c] // pop.term_months[c]
    ev.add(acc.loan[c], d, 7 * 3600 + rng.integers(0, 3600, len(c)), installment, IN, WEB, CATEGORY["대출상환"])


def _savings(b: _Block, ev: _Events) -> None:
    """적금: a fixed deposit every month of its term; 정기예금: the principal once, when opened in the window."""
    acc, rng = b.acc, b.rng
    rows = np.flatnonzero((acc.customer >= b.cust[0]) & (acc.customer <= b.cust[-1]))
    sav = rows[acc.kind[rows] == SAVINGS]
    c, d = _monthly(sav, (acc.opened_at[sav] - 1) % 28 + 1)  # here c indexes accounts
    months_in = (d - np.repeat(acc.opened_at[sav], len(MONTHS))) / 30.44
    keep = (d >= acc.opened_at[c]) & (d <= ACTIVITY_END) & (months_in < acc.term[c])
    c, d = c[keep], d[keep]
    channel = np.where(rng.random(len(c)) < 0.6, MOBILE, WEB)
    ev.add(c, d, _daytime_seconds(rng, len(c)), acc.savings_amount[c], IN, channel, CATEGORY["적금납입"])
    dep = rows[(acc.kind[rows] == TIME_DEPOSIT) & (acc.opened_at[rows] >= ACTIVITY_START)]
    channel = np.where(rng.random(len(dep)) < 0.5, BRANCH, WEB)
    ev.add(dep, acc.opened_at[dep], _daytime_seconds(rng, len(dep)), acc.savings_amount[dep], IN, channel,
           CATEGORY["예금입금"])  # fmt: skip


def block_events(pop: Population, acc: Accounts, start: int, stop: int, block: int) -> dict[str, np.ndarray]:
    """Events of customers ``start``…``stop-1`` (random stream ``[seed, 2, block]``), unsorted, as int columns."""
    rng = np.random.default_rng([pop.seed, 2, block])
    cust = np.arange(start, stop)
    paid_here = rng.random(len(cust)) < 0.8  # the other salaried customers are paid into another bank
    b = _Block(pop, acc, cust, rng, np.maximum(acc.opened_at[acc.main[cust]], ACTIVITY_START), paid_here)
    ev = _Events()
    for activity in (_income, _monthly_spending, _everyday, _distress, _loan, _savings):
        activity(b, ev)
    return ev.arrays()
