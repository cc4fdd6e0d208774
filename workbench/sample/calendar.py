"""The sample bank's clock: when activity starts and ends, when loans are applied for, how days are stored.

Dates travel through the generator as integer days since 1970-01-01 (what a polars ``Date`` is underneath),
timestamps as integer microseconds, so every step stays vectorised numpy.
"""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)
US_PER_DAY = 86_400_000_000


def day(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - EPOCH).days


ACTIVITY_START = day(date(2023, 7, 1))  # first transaction day: 180 days before the first application
ACTIVITY_END = day(date(2025, 9, 30))  # last transaction day (inclusive): 3+ months after every application
APPLY_START = day(date(2024, 1, 1))  # applications spread over 18 months
APPLY_END = day(date(2025, 6, 30))
AGE_REFERENCE = date(2025, 6, 30)  # age bands are ages on this day


def month_starts(first: date = date(2023, 7, 1), count: int = 27) -> np.ndarray:
    """First day of each month, as days since epoch: 2023-07 … 2025-09 by default."""
    out = []
    y, m = first.year, first.month
    for _ in range(count):
        out.append(day(date(y, m, 1)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return np.asarray(out, dtype=np.int64)


MONTHS = month_starts()
