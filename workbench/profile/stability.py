"""Stability: PSI (CSI for a single feature) of every feature across months of a time column, or between two
datasets (a reference such as the training sample, and a recent one).

Binning: numeric features are cut at the deciles of the *reference* (the first month, or the reference
dataset), with missing values and special codes in bins of their own; categorical features use the
reference's 20 most frequent levels plus "other" and "missing". Edges come from at most 200,000 (seeded,
uniformly sampled) reference rows; counts cover every row. **Empty-bin rule**: a bin with no rows on one
side counts 0.5 rows on that side before shares are taken, so the log stays finite and a bin that appears
or vanishes shows up as a large (not infinite) contribution. PSI = Σ (current share − reference share) ×
ln(current share / reference share). Bands: < 0.1 stable, 0.1–0.25 shifting, > 0.25 major shift, taken on
the largest PSI that sampling alone would not reach (``psi_null``): with 85 rows a month, ten bins drift by
0.3 between months of the very same population, and an analyst told "major shift" about it stops reading.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from scipy.stats import chi2

from workbench.errors import UserError
from workbench.io.table import sample_positions
from workbench.privacy.gate import MaskedTable
from workbench.profile.binning import BinSpec, categorical_specs, count_bins, fit_numeric_and_count
from workbench.profile.columns import TableProfile
from workbench.profile.reading import read_batches, read_columns

EMPTY_BIN_COUNT = 0.5
PSI_NULL_LEVEL = 0.01  # chance that a feature whose periods differ only by sampling is called shifted
PSIBand = Literal["stable", "shifting", "major"]
EDGE_SAMPLE = 200_000


class StabilityError(UserError):
    """The time column or the second dataset cannot be used for stability."""


def psi_band(psi: float) -> PSIBand:
    return "stable" if psi < 0.1 else "shifting" if psi <= 0.25 else "major"


def psi_null(bins: int, n_ref: float, n_cur: float, comparisons: int = 1) -> float:
    """The PSI that periods differing only by chance exceed with probability ``PSI_NULL_LEVEL`` (shared by
    ``comparisons`` later periods, Bonferroni): with nothing moving, PSI × n₀n₁ / (n₀ + n₁) is about χ² with
    ``bins − 1`` degrees of freedom (PSI is a symmetrised χ² divergence). At 85 rows a period and 10 bins that
    is about 0.5: a PSI of 0.3 there is sampling noise; at 100k rows a period it is 0.0004."""
    level = PSI_NULL_LEVEL / max(comparisons, 1)
    return float(chi2.ppf(1 - level, max(bins - 1, 1)) * (1 / max(n_ref, 1) + 1 / max(n_cur, 1)))


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """PSI of two count vectors over the same bins (empty-bin rule of the module docstring)."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    used = (ref > 0) | (cur > 0)
    ref, cur = ref[used], cur[used]
    if not ref.sum() or not cur.sum():
        return float("nan")
    ref = np.where(ref == 0, EMPTY_BIN_COUNT, ref)
    cur = np.where(cur == 0, EMPTY_BIN_COUNT, cur)
    r, c = ref / ref.sum(), cur / cur.sum()
    return float(((c - r) * np.log(c / r)).sum())


@dataclass(frozen=True)
class FeatureStability:
    """One feature's bin counts per period (row 0 = reference) and the PSI of each period against it."""

    feature: str
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # [period][bin]
    psi: tuple[float, ...]  # per period; the reference's own is 0

    @property
    def max_psi(self) -> float:
        vals = [v for v in self.psi[1:] if not np.isnan(v)]
        return max(vals) if vals else 0.0

    @property
    def last_psi(self) -> float:
        return self.psi[-1] if len(self.psi) > 1 else 0.0

    @property
    def chance_psi(self) -> tuple[float, ...]:
        """Per period, the PSI sampling alone reaches at its size and the reference's (``psi_null``)."""
        ref = np.asarray(self.counts[0], dtype=np.float64)
        later = max(len(self.counts) - 1, 1)
        out = [0.0]
        for row in self.counts[1:]:
            cur = np.asarray(row, dtype=np.float64)
            bins = int(((ref > 0) | (cur > 0)).sum())
            out.append(psi_null(bins, ref.sum(), cur.sum(), later))
        return tuple(out)

    @property
    def drift_psi(self) -> float:
        """The largest PSI of a period beyond what chance reaches there (0 when every shift is within chance)."""
        real = [v for v, null in zip(self.psi[1:], self.chance_psi[1:], strict=True) if v == v and v > null]
        return max(real) if real else 0.0

    @property
    def band(self) -> PSIBand:
        return psi_band(self.drift_psi)


@dataclass(frozen=True)
class Stability:
    """PSI of every feature per period, the first period (or dataset) being the reference."""

    periods: tuple[str, ...]  # "2024-01", … or ("reference", "current")
    period_rows: tuple[int, ...]
    features: tuple[FeatureStability, ...]
    time_column: str | None = None
    seconds: float = field(default=0.0, compare=False)
    approximate_edges: tuple[str, ...] = ()  # features cut at approximate quantiles (the Spark engine)

    def feature(self, name: str) -> FeatureStability:
        for f in self.features:
            if f.feature == name:
                return f
        raise KeyError(name)


def stability_columns(
    schema: pl.Schema, columns: Sequence[str], profile: TableProfile | None
) -> tuple[list[str], list[str], dict[str, tuple[float, ...]]]:
    """(numeric features, categorical features, special codes per numeric feature) that PSI is computed
    for, the same for every engine: identifier-like, text and date columns are left out."""
    numeric, cats, specials = [], [], {}
    for c in columns:
        dtype = schema[c]
        kind = profile.column(c).kind if profile is not None else None
        if kind in ("id_like", "text", "date") or (kind is None and dtype.is_temporal()):
            continue
        if dtype.is_numeric() and kind != "categorical":
            numeric.append(c)
            if profile is not None:
                specials[c] = tuple(s.value for s in profile.column(c).special_codes)
        else:
            cats.append(c)
    return numeric, cats, specials


def _fit_and_count(
    frame: pl.DataFrame,
    columns: Sequence[str],
    group: np.ndarray,
    n_groups: int,
    profile: TableProfile | None,
    seed: int,
) -> tuple[list[BinSpec], dict[str, np.ndarray]]:
    """Bins fitted on the reference rows (group 0) and counts per group, for every usable feature."""
    numeric, cats, specials = stability_columns(frame.schema, columns, profile)
    ref_rows = np.flatnonzero(group == 0)
    if ref_rows.size > EDGE_SAMPLE:
        ref_rows = np.sort(np.random.default_rng(seed).choice(ref_rows, EDGE_SAMPLE, replace=False))
    specs, counts = fit_numeric_and_count(
        frame, numeric, group, n_groups, n_bins=10, specials=specials, edge_rows=ref_rows
    )
    flat = [s.column for s in specs if not s.edges]
    if flat:  # one value in the reference period: bins from every period, so a later spread still shows
        every = sample_positions(frame.height, EDGE_SAMPLE, seed=seed)
        refit, recount = fit_numeric_and_count(
            frame, flat, group, n_groups, n_bins=10, specials=specials, edge_rows=every
        )
        refitted = {s.column: s for s in refit}
        specs = [refitted.get(s.column, s) for s in specs]
        counts.update(recount)
    cat_specs = categorical_specs(frame.filter(pl.Series(group == 0)), cats, max_levels=20)
    counts.update(count_bins(frame, cat_specs, group, n_groups))
    return specs + cat_specs, counts


def stability_from_counts(
    specs: Sequence[BinSpec],
    counts: Mapping[str, np.ndarray],
    periods: Sequence[str],
    rows: Sequence[int],
    time_column: str | None,
    t0: float,
    *,
    approximate_edges: Sequence[str] = (),
) -> Stability:
    """PSI of every feature from its counts per period and bin (``counts[feature]``: [n_periods, n_bins],
    row 0 the reference): the one place both engines (polars, Spark) derive it."""
    feats = []
    for spec in specs:
        c = counts[spec.column]
        feats.append(
            FeatureStability(
                spec.column,
                tuple(label for label, *_ in spec.labels()),
                tuple(tuple(int(v) for v in row) for row in c),
                tuple(0.0 if k == 0 else psi(c[0], c[k]) for k in range(c.shape[0])),
            )
        )
    feats.sort(key=lambda f: -f.max_psi)
    return Stability(
        tuple(periods), tuple(rows), tuple(feats), time_column, time.perf_counter() - t0, tuple(approximate_edges)
    )


def period_expr(column: str, dtype: pl.DataType, every: str = "1mo") -> pl.Expr:
    """The first day of each row's period. A text column is read as dates ("2024-01-15") or months
    ("2024-01"), as banks often keep a month key as text; a value that reads as neither has no period."""
    col = pl.col(column)
    if dtype == pl.String:
        day = col.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        month = (col + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        return pl.coalesce(day, month).dt.truncate(every)
    if not dtype.is_temporal():
        raise StabilityError("profile.stability.not_a_date", column=column)
    return col.cast(pl.Date).dt.truncate(every)


def check_periods(column: str, n_periods: int) -> None:
    """Refuse a time column that gives no period (text that reads as no date) or a single one."""
    if n_periods == 0:
        raise StabilityError("profile.stability.not_a_date", column=column)
    if n_periods < 2:
        raise StabilityError("profile.stability.one_period", column=column)


def stability_by_period(
    table: MaskedTable,
    time_column: str,
    *,
    profile: TableProfile | None = None,
    features: Sequence[str] | None = None,
    every: str = "1mo",
    seed: int = 0,
) -> Stability:
    """PSI of every feature per month (``every``) of ``time_column``, against the first month."""
    t0 = time.perf_counter()
    schema = table.schema
    if time_column not in schema:
        raise StabilityError("profile.stability.missing_column", column=time_column)
    period = period_expr(time_column, schema[time_column], every)
    when = read_columns(table, [time_column])
    labels = when.select(period.drop_nulls().unique().sort()).to_series()
    check_periods(time_column, labels.len())
    index = (
        when.select(
            period.replace_strict(labels, pl.int_range(labels.len(), eager=True), default=-1, return_dtype=pl.Int64)
        )
        .to_series()
        .to_numpy()
    )
    del when
    columns = [c for c in (features or list(schema)) if c != time_column]
    specs: list[BinSpec] = []
    counts: dict[str, np.ndarray] = {}
    for frame in read_batches(table, columns):
        batch_specs, batch_counts = _fit_and_count(frame, frame.columns, index, labels.len(), profile, seed)
        specs += batch_specs
        counts.update(batch_counts)
    rows = np.bincount(index[index >= 0], minlength=labels.len())
    names = [d.strftime("%Y-%m") if every == "1mo" else d.isoformat() for d in labels.to_list()]
    return stability_from_counts(specs, counts, names, [int(r) for r in rows], time_column, t0)


def compare_datasets(
    reference: MaskedTable,
    current: MaskedTable,
    *,
    profile: TableProfile | None = None,
    features: Sequence[str] | None = None,
    seed: int = 0,
) -> Stability:
    """PSI of every shared feature between two datasets (e.g. train vs recent), binned on ``reference``."""
    t0 = time.perf_counter()
    shared = [c for c in (features or reference.columns) if c in current.columns]
    if not shared:
        raise StabilityError("profile.stability.no_shared_columns")
    both = pl.concat([reference.frame.select(shared), current.frame.select(shared)], how="vertical_relaxed")
    group = np.repeat(np.array([0, 1]), [reference.height, current.height])
    specs, counts = _fit_and_count(both, shared, group, 2, profile, seed)
    return stability_from_counts(specs, counts, ("reference", "current"), (reference.height, current.height), None, t0)
