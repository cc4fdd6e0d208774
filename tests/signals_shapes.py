"""Generated credit tables with the shapes public credit data has (not data of any one source): a strong
legitimate predictor beside a planted after-the-fact one, repayment-status codes, a ``pdays`` with -1 for
"never contacted", sentinels, a signed column, yes/no flags and measurements that are nearly all distinct."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

# checking-account status: share of applicants and default rate per level (IV about 0.67 at 30 % defaults)
CHECKING = {"A11": (0.27, 0.48), "A12": (0.27, 0.37), "A13": (0.06, 0.22), "A14": (0.40, 0.13)}


def applications(n: int = 3_000, seed: int = 0) -> pl.DataFrame:
    """One row per credit application, ``default`` 0/1 (about 30 %), and a campaign's ``subscribed`` yes/no."""
    rng = np.random.default_rng(seed)
    levels = list(CHECKING)
    checking = rng.choice(levels, n, p=[CHECKING[k][0] for k in levels])
    rate = np.array([CHECKING[k][1] for k in checking])
    default = (rng.random(n) < rate).astype(np.int64)
    # after the fact: the collection call's duration is long for defaulters (IV about 1.6, AUC below 0.9)
    duration = np.round(np.where(default == 1, rng.lognormal(5.5, 0.7, n), rng.lognormal(4.6, 0.7, n)))
    # repayment status: -2 no consumption, -1 paid in full, 0 revolving, 1..8 months of delay
    pay = np.where(
        rng.random(n) < 0.25,
        rng.choice([-2, -1], n),
        np.minimum(rng.poisson(np.where(default == 1, 1.05, 0.3)), 8),
    )
    contacted = rng.random(n) >= 0.82
    previous = np.where(contacted, rng.integers(1, 8, n), 0)
    pdays = np.where(contacted, np.clip(rng.normal(200, 90, n) - 4 * previous, 1, 999).round(), -1).astype(np.int64)
    applied = [date(2024, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365, n)]
    return pl.DataFrame(
        {
            "application_no": np.arange(100_001, 100_001 + n),
            "applied_at": applied,
            "closed_at": [a + timedelta(days=int(d)) for a, d in zip(applied, rng.integers(30, 400, n), strict=True)],
            "checking_status": checking,
            "pay_0": pay.astype(np.int64),
            "pdays": pdays,
            "previous": previous.astype(np.int64),
            "balance_change": np.round(rng.normal(0, 300_000, n)).astype(np.int64),
            "balance_min": np.round(rng.lognormal(13, 1.2, n), 2),
            "amount_sum": np.round(rng.lognormal(14, 1.0, n)).astype(np.int64),
            "tenure_days": rng.integers(30, 40_000, n),
            "call_duration": duration.astype(np.int64),
            "housing": np.where(rng.random(n) < 0.55, "yes", "no"),
            "default": default,
        }
    )
