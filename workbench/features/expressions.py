"""One polars expression per feature spec: the direct definition of every event aggregation.

Every expression reads ``_age_us``: microseconds from the event to the cutoff, computed once per joined
row. Rows with ``_age_us <= 0`` (at or after the cutoff) were already dropped by the join, and a window of
``w`` days keeps ``_age_us <= w × 86 400 000 000``, i.e. ``cutoff - w days <= ts < cutoff``.

The engine evaluates these directly only for what does not decompose over window buckets (filtered std,
median, distinct counts, last values); everything else goes through ``buckets``. The exported polars code
(``codegen``) mirrors these expressions, and the tests check both paths give the same values.
"""

from __future__ import annotations

import polars as pl

from workbench.features.spec import FeatureSpec

AGE = "_age_us"
US_PER_DAY = 86_400_000_000


def in_window(days: int | None) -> pl.Expr:
    """True for events inside the window (the cutoff itself is excluded earlier, by the join filter)."""
    return pl.lit(True) if days is None else pl.col(AGE) <= days * US_PER_DAY


def matches(filter_: tuple[tuple[str, str], ...]) -> pl.Expr:
    """All (column == value) pairs hold; filter columns are cast to text when the events are prepared."""
    cond = pl.lit(True)
    for column, value in filter_:
        cond = cond & (pl.col(column) == value)
    return cond


def use_column(spec: FeatureSpec) -> str:
    """The joined column holding each event's use of the credit limit, for a ``limit_use`` spec."""
    return f"_use__{spec.column}__{spec.param('limit')}"


def tenure_column(column: str) -> str:
    """The joined column holding each row's microseconds from ``column`` (a date) to the cutoff."""
    return f"_tenure__{column}"


def limit_use(balance: pl.Expr, limit: pl.Expr) -> pl.Expr:
    """Share of the credit limit in use after an event (한도 소진율): the overdrawn part of the balance over
    the limit, so 0 while the account is in credit and 1 at the limit. Null without a positive limit (an
    account with no overdraft line has nothing to use) or without a balance, so such events never pull a
    mean towards 0."""
    b, lim = balance.cast(pl.Float64), limit.cast(pl.Float64)
    used = pl.when(b < 0).then(-b).otherwise(pl.lit(0.0))
    return pl.when((lim > 0) & b.is_not_null()).then(used / lim)


def _sum(value: pl.Expr, cond: pl.Expr) -> pl.Expr:
    return pl.when(cond).then(value).sum()


def event_expr(spec: FeatureSpec) -> pl.Expr:
    """The aggregation of ``spec`` over one (key, cutoff) group, named ``spec.name``.

    Ratios (share, ratio, trend) are null when their denominator is zero or there are no events: a ratio
    of nothing is unknown, not zero. ``std`` is the sample standard deviation (ddof = 1), null for one event.
    ``last`` relies on the events being sorted by (time, event key) before the join. ``limit_use`` reads the
    per-event ``limit_use`` column the events were prepared with (``use_column``).
    """
    agg = spec.aggregation
    cond = in_window(spec.window) & matches(spec.filter)
    value = pl.col(spec.column) if spec.column else pl.lit(1, dtype=pl.Int64)
    if agg == "count":
        expr = cond.sum().cast(pl.Int64)
    elif agg == "sum":
        expr = _sum(value, cond)
    elif agg in ("mean", "std", "min", "max", "median"):
        expr = getattr(pl.when(cond).then(value), agg)()
    elif agg == "n_unique":
        expr = pl.when(cond).then(value).drop_nulls().n_unique().cast(pl.Int64)
    elif agg == "limit_use":
        expr = getattr(pl.when(cond).then(pl.col(use_column(spec))), spec.param("stat"))()
    elif agg == "last":
        expr = value.filter(cond).last()
    elif agg in ("tenure_min", "tenure_max"):  # dates at or after the cutoff do not count
        age = pl.col(tenure_column(str(spec.column)))
        picked = getattr(pl.when(cond & (age > 0)).then(age), agg.removeprefix("tenure_"))()
        expr = (picked // US_PER_DAY).cast(pl.Int64)
    elif agg == "days_since_last":
        expr = pl.when(cond).then(pl.col(AGE)).min() / US_PER_DAY
    elif agg == "days_since_first":
        expr = pl.when(cond).then(pl.col(AGE)).max() / US_PER_DAY
    elif agg == "share":
        num = _sum(value, cond)
        den = _sum(value, in_window(spec.window))
        expr = pl.when(den != 0).then(num / den)
    elif agg == "ratio":
        num = _sum(value, cond)
        den = _sum(value, in_window(spec.window) & matches(spec.denominator_filter))
        expr = pl.when(den != 0).then(num / den)
    elif agg == "trend":
        assert spec.window is not None and spec.base_window is not None
        recent = _sum(value, cond)
        base_cond = ~in_window(spec.window) & in_window(spec.window + spec.base_window) & matches(spec.filter)
        base = _sum(value, base_cond)
        expr = pl.when(base != 0).then((recent / spec.window) / (base / spec.base_window))
    else:
        raise ValueError(f"{agg!r} is not an event aggregation")
    return expr.alias(spec.name)


def lookback_days(specs: list[FeatureSpec]) -> int | None:
    """The widest window any spec reads (trend reads window + base); None when one reads all history."""
    widest = 0
    for s in specs:
        if s.window is None:
            return None
        widest = max(widest, s.window + (s.base_window or 0))
    return widest
