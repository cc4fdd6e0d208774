"""Special codes: values of a numeric column that stand for "unknown" or "not applicable", not a quantity.

Found, not only listed. Besides the spellings banks agree on (``KNOWN``: -1, -9, -999, 9999, 99999…), a
column's value counts reveal:

* **a small set of negative whole numbers** (at most ``MAX_NEGATIVE``) in an otherwise non-negative whole
  number column: repayment status with -2 "no consumption" and -1 "paid in full" beside 0…8 months of delay,
  ``pdays`` = -1 "never contacted". A signed quantity is not one: a balance change has many negative values,
  and a change of grade (-2…+2) has as many values below zero as its non-negative side can mirror, so the
  non-negative side must hold at least ``REST_PER_NEGATIVE`` times as many distinct values as there are codes;
* **a sentinel at the top**: the largest value, repeated (``MIN_SHARE``), spelled in nines (99, 9999,
  99999999) or lying further above the rest than the rest's whole range (``FAR_RANGES``).

Every code must cover at least ``MIN_SHARE`` of the non-missing values and ``MIN_ROWS`` rows. The profile
bins codes apart and leaves them out of moments, quantiles, histograms, correlations and PSI bins; ``train``
bins them apart when it grades leakage, as the profile does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

KNOWN: tuple[int, ...] = (-99999, -9999, -999, -99, -9, -1, 0, 99, 999, 9999, 99999, 999999, 9999999)
MIN_SHARE = 0.001  # of the non-missing values
MIN_ROWS = 5
MAX_NEGATIVE = 3
REST_PER_NEGATIVE = 3
FAR_RANGES = 1.0  # a top value more than this many times the rest's range above the rest
SPIKE_SHARE = 0.01  # a known positive code inside the range still counts as a spike of this share


@dataclass(frozen=True)
class SpecialCode:
    """A value such as 9999 or -1 that sits apart from the rest of the column: "unknown", not a quantity."""

    value: float
    count: int
    share: float  # of non-missing values


def _whole(x: np.ndarray) -> np.ndarray:
    return np.isfinite(x) & (np.floor(x) == x)


def _nines(x: float) -> bool:
    return x >= 99 and float(x).is_integer() and set(str(int(x))) == {"9"}


def enough(count: int, nonmissing: int, min_rows: int = MIN_ROWS) -> bool:
    return count >= max(min_rows, MIN_SHARE * nonmissing)


def find(values: np.ndarray, counts: np.ndarray, *, min_rows: int = MIN_ROWS) -> tuple[SpecialCode, ...]:
    """The special codes of a column from its value counts (``values`` sorted ascending, distinct, no NaN).

    ``min_rows`` lowers the row floor when the counts are of a sample (candidates, confirmed on the whole
    column by ``apart``)."""
    v = np.asarray(values, dtype=np.float64)
    n = np.asarray(counts, dtype=np.int64)
    total = int(n.sum())
    if v.size < 3 or not total:
        return ()
    found: dict[float, int] = {}
    whole = bool(_whole(v).all())
    neg = v < 0
    k = int(neg.sum())
    small_set = whole and 0 < k <= MAX_NEGATIVE and (v.size - k) >= REST_PER_NEGATIVE * k
    if small_set and all(enough(int(c), total, min_rows) for c in n[neg]):
        found.update({float(x): int(c) for x, c in zip(v[neg], n[neg], strict=True)})
    top, second, low = float(v[-1]), float(v[-2]), float(v[0])
    if _whole(v[-1:]).all() and enough(int(n[-1]), total, min_rows) and v.size >= 4:
        rest_range = second - low
        if _nines(top) or (rest_range > 0 and top - second > FAR_RANGES * rest_range):
            found[top] = int(n[-1])
    for code in KNOWN:  # the agreed spellings, by the rule the profile has always used
        at = np.flatnonzero(v == code)
        if not at.size or code in found or not enough(int(n[at[0]]), total, min_rows):
            continue
        rest = v[v != code]
        if apart(code, int(n[at[0]]), total, float(rest.min()), float(rest.max()), _median(v, n)):
            found[float(code)] = int(n[at[0]])
    return tuple(SpecialCode(x, c, c / total) for x, c in sorted(found.items()))


def _median(v: np.ndarray, n: np.ndarray) -> float:
    ends = np.cumsum(n)
    return float(v[np.searchsorted(ends, (ends[-1] - 1) / 2, side="right")])


def apart(
    code: float, count: int, nonmissing: int, rest_min: float | None, rest_max: float | None, median: float | None
) -> bool:
    """Whether a candidate code sits apart from the column's other values (``rest_min``/``rest_max``).

    A positive code counts when above every other value, or (a known spelling) a spike of ≥ ``SPIKE_SHARE``;
    a negative code when every other value is non-negative; 0 when every other value is above 1 and at least
    5 % of the median (an age or income of 0 that means "not given"; a count whose smallest other value is
    1 keeps its legitimate zeros)."""
    if not enough(count, nonmissing):
        return False
    if code > 0:
        return (rest_max is not None and code > rest_max) or (code in KNOWN and count >= SPIKE_SHARE * nonmissing)
    if code < 0:
        return rest_min is not None and rest_min >= 0
    return rest_min is not None and rest_min > 1 and median is not None and rest_min >= 0.05 * median


def of_series(s: pl.Series) -> tuple[SpecialCode, ...]:
    """The special codes of one numeric column (value counts of its present values)."""
    if not s.dtype.is_numeric():
        return ()
    x = s.cast(pl.Float64).fill_nan(None).drop_nulls()
    if x.is_empty():
        return ()
    vc = x.value_counts().sort(x.name)
    return find(vc[x.name].to_numpy(), vc["count"].to_numpy())


def of_frame(frame: pl.DataFrame, columns: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Special code values per numeric column of ``frame`` (columns without any are left out)."""
    out = {}
    for c in columns:
        found = of_series(frame[c])
        if found:
            out[c] = tuple(f.value for f in found)
    return out
