"""Target analysis: WOE and IV per feature on quantile pre-bins, bad rate by bin, univariate AUC and KS.

Conventions (the ones a credit-scoring team expects):

* WOE of a bin = ln(share of all non-events in the bin / share of all events in the bin): positive WOE means
  fewer events (e.g. defaults) than average. IV = Σ (non-event share − event share) × WOE.
* **Zero-count rule**: a bin with no events or no non-events has 0.5 added to *both* of its counts before the
  shares are taken (the other bins are untouched), so its WOE stays finite instead of being silently set to
  0 (optbinning #173) or treating 0 as 1 (toad #140). When this happens the table says ``smoothed`` and the
  profile raises a ``woe_smoothed`` alert naming the bins.
* Univariate AUC and KS rank rows by their bin's event rate, i.e. they measure what the binned feature can
  separate (equal to scikit-learn's ``roc_auc_score`` on the bin event rate as the score, ties counted half).
  AUC is therefore ≥ 0.5; KS = max |cumulative event share − cumulative non-event share| in that order.
* Bins: missing (null and NaN) and each special code get bins of their own; numeric values are cut at
  ``n_bins`` quantiles of the non-missing, non-special values of the column (of a seeded uniform sample of
  ``EDGE_SAMPLE`` rows when the table is larger); counts are always over every row. ``monotonic=True``
  merges adjacent numeric bins (pool-adjacent-violators on counts) until the event rate only rises or only
  falls.
* IV bands: < 0.02 useless, 0.02–0.1 weak, 0.1–0.3 medium, 0.3–0.5 strong, 0.5–1.0 very strong (a
  ``strong_predictor`` alert asks whether it is known at decision time), ≥ 1.0 suspicious (a
  ``leakage_suspect``); the top two edges are ``workbench.signals.leakage``'s, so a band never says more
  than the alert.

A binary target may be 0/1, booleans, or strings (yes/no, Y/N, good/bad, 1/0, 예/아니오, …): the event value
is chosen by ``resolve_event`` and reported (``TargetAnalysis.event``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from workbench.errors import UserError
from workbench.io.table import sample_positions
from workbench.privacy.gate import MaskedTable
from workbench.profile.binning import (
    BinKind,
    BinSpec,
    bin_index,
    categorical_specs,
    count_bins,
    fit_numeric_and_count,
    numeric_specs,
)
from workbench.profile.columns import TableProfile
from workbench.profile.reading import read_batches, read_columns
from workbench.signals.leakage import LEAK_IV, STRONG_IV

SMOOTHING = 0.5
EDGE_SAMPLE = 100_000
IVBand = Literal["useless", "weak", "medium", "strong", "very_strong", "suspicious"]
IV_BANDS: tuple[tuple[float, IVBand], ...] = (  # the top two follow the leakage grades (signals.leakage)
    (0.02, "useless"),
    (0.1, "weak"),
    (0.3, "medium"),
    (STRONG_IV, "strong"),
    (LEAK_IV, "very_strong"),
    (math.inf, "suspicious"),
)
EVENT_WORDS = ("1", "y", "yes", "true", "t", "bad", "default", "event", "예", "네", "불량", "부도")
NON_EVENT_WORDS = ("0", "n", "no", "false", "f", "good", "non-default", "아니오", "아니요", "정상", "우량")


class TargetError(UserError):
    """The chosen target cannot be analysed (not binary, missing, constant)."""


def iv_band(iv: float) -> IVBand:
    for upper, band in IV_BANDS:
        if iv < upper:
            return band
    return "suspicious"


@dataclass(frozen=True)
class Bin:
    label: str
    kind: BinKind
    lower: float | None
    upper: float | None
    events: int
    non_events: int

    @property
    def total(self) -> int:
        return self.events + self.non_events

    @property
    def event_rate(self) -> float | None:
        return self.events / self.total if self.total else None


@dataclass(frozen=True)
class BinTable:
    """Event/non-event counts per bin of one feature; every metric is derived from the counts."""

    feature: str
    bins: tuple[Bin, ...]

    @property
    def events(self) -> int:
        return sum(b.events for b in self.bins)

    @property
    def non_events(self) -> int:
        return sum(b.non_events for b in self.bins)

    @property
    def used(self) -> tuple[Bin, ...]:
        """Bins holding at least one row (empty bins take no part in WOE, IV, AUC or KS)."""
        return tuple(b for b in self.bins if b.total)

    @property
    def smoothed_bins(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.used if b.events == 0 or b.non_events == 0)

    @property
    def smoothed(self) -> bool:
        return bool(self.smoothed_bins)

    def _shares(self) -> tuple[np.ndarray, np.ndarray]:
        e = np.array([b.events for b in self.used], dtype=np.float64)
        n = np.array([b.non_events for b in self.used], dtype=np.float64)
        zero = (e == 0) | (n == 0)
        e[zero] += SMOOTHING
        n[zero] += SMOOTHING
        return e / e.sum(), n / n.sum()

    @property
    def woe(self) -> tuple[float, ...]:
        """WOE per used bin (same order as ``used``), zero-count rule applied."""
        if not self.events or not self.non_events:
            return tuple(0.0 for _ in self.used)
        es, ns = self._shares()
        return tuple(float(v) for v in np.log(ns / es))

    @property
    def iv_contributions(self) -> tuple[float, ...]:
        if not self.events or not self.non_events:
            return tuple(0.0 for _ in self.used)
        es, ns = self._shares()
        return tuple(float(v) for v in (ns - es) * np.log(ns / es))

    @property
    def iv(self) -> float:
        return float(sum(self.iv_contributions))

    @property
    def band(self) -> IVBand:
        return iv_band(self.iv)

    def _by_rate(self) -> tuple[np.ndarray, np.ndarray]:
        used = sorted(self.used, key=lambda b: b.events / b.total)
        return (
            np.array([b.events for b in used], dtype=np.float64),
            np.array([b.non_events for b in used], dtype=np.float64),
        )

    @property
    def auc(self) -> float:
        """P(an event's bin has a higher event rate than a non-event's), ties half; 0.5 when undefined."""
        e, n = self._by_rate()
        if not e.sum() or not n.sum():
            return 0.5
        below = np.concatenate(([0.0], np.cumsum(n)[:-1]))
        return float((e * (below + 0.5 * n)).sum() / (e.sum() * n.sum()))

    @property
    def ks(self) -> float:
        e, n = self._by_rate()
        if not e.sum() or not n.sum():
            return 0.0
        return float(np.max(np.abs(np.cumsum(e) / e.sum() - np.cumsum(n) / n.sum())))


@dataclass(frozen=True)
class TargetAnalysis:
    """WOE/IV tables of every feature against a binary target, strongest first."""

    target: str
    event: str  # the target value counted as the event (e.g. "1", "bad", "예")
    non_event: str
    rows: int  # rows with a known target
    events: int
    tables: tuple[BinTable, ...]
    missing_target: int = 0
    seconds: float = field(default=0.0, compare=False)
    approximate_edges: tuple[str, ...] = ()  # features cut at approximate quantiles (the Spark engine)

    @property
    def event_rate(self) -> float:
        return self.events / self.rows if self.rows else 0.0

    def table(self, feature: str) -> BinTable:
        for t in self.tables:
            if t.feature == feature:
                return t
        raise KeyError(feature)


@dataclass(frozen=True)
class NumericTargetRow:
    feature: str
    pearson: float | None
    spearman: float | None
    mutual_information: float  # nats, from decile bins of both sides


@dataclass(frozen=True)
class NumericTargetAnalysis:
    target: str
    rows: int
    sample_size: int
    features: tuple[NumericTargetRow, ...]


def resolve_event(values: pl.Series) -> tuple[str, str]:
    """(event, non_event) as strings for a two-valued target.

    1/0, true/false, Y/N, yes/no, bad/good, 예/아니오 are recognised (either case); for other pairs of
    values the less frequent one is the event (defaults are rare). Raises ``TargetError`` otherwise.
    """
    counts = values.drop_nulls().cast(pl.String).value_counts(sort=True, name="n")
    return event_of_levels(values.name, [str(v) for v in counts[values.name]])


def event_of_levels(column: str, levels: Sequence[str]) -> tuple[str, str]:
    """``resolve_event`` from the target's distinct values as text, most frequent first (however counted)."""
    if len(levels) != 2:
        raise TargetError("profile.target.not_binary", column=column, n=len(levels))
    low = [v.strip().lower() for v in levels]
    for i in (0, 1):
        if low[i] in EVENT_WORDS and low[1 - i] in NON_EVENT_WORDS:
            return levels[i], levels[1 - i]
    return levels[1], levels[0]  # the rarer value


def _monotonic_merge(bins: list[Bin]) -> list[Bin]:
    """Merge adjacent range bins (pool adjacent violators) until the event rate is monotonic."""
    ranges = [b for b in bins if b.kind == "range" and b.total]
    if len(ranges) < 3:
        return bins
    rates = np.array([b.events / b.total for b in ranges])
    rising = np.corrcoef(np.arange(len(rates)), rates)[0, 1] >= 0 if rates.std() > 0 else True
    blocks: list[list[Bin]] = []
    for b in ranges:
        blocks.append([b])
        while len(blocks) > 1:
            a, c = blocks[-2], blocks[-1]
            ra = sum(x.events for x in a) / sum(x.total for x in a)
            rc = sum(x.events for x in c) / sum(x.total for x in c)
            if (rc < ra) if rising else (rc > ra):
                blocks[-2:] = [a + c]
            else:
                break
    merged = []
    for blk in blocks:
        lo, hi = blk[0].lower, blk[-1].upper
        label = blk[0].label if len(blk) == 1 else _range_label(lo, hi)
        merged.append(Bin(label, "range", lo, hi, sum(x.events for x in blk), sum(x.non_events for x in blk)))
    others = [b for b in bins if not (b.kind == "range" and b.total)]
    return (
        [b for b in others if b.kind in ("missing", "special")]
        + merged
        + [b for b in others if b.kind not in ("missing", "special", "range")]
    )


def _range_label(lo: float | None, hi: float | None) -> str:
    from workbench.profile.binning import _fmt

    if lo is None and hi is None:
        return "all"
    if lo is None:
        return f"< {_fmt(hi)}"  # type: ignore[arg-type]
    if hi is None:
        return f"≥ {_fmt(lo)}"
    return f"[{_fmt(lo)}, {_fmt(hi)})"


@dataclass(frozen=True)
class TargetCounts:
    """What an engine counts for target analysis: the bins of every feature and the rows of each
    (``counts[feature]`` is an array [2, n_bins]: row 0 non-events, row 1 events). Every metric comes from
    these counts (``analysis_from_counts``), whichever engine counted them."""

    target: str
    event: str
    non_event: str
    specs: tuple[BinSpec, ...]
    counts: Mapping[str, np.ndarray]
    rows: int  # rows with a known target
    events: int
    missing_target: int


def analysis_from_counts(
    counted: TargetCounts,
    *,
    monotonic: bool = False,
    approximate_edges: Sequence[str] = (),
    seconds: float = 0.0,
) -> TargetAnalysis:
    """WOE/IV, AUC and KS tables from bin counts: the one place both engines (polars, Spark) derive them.

    ``approximate_edges`` names the features whose quantile edges came from approximate quantiles."""
    tables = []
    for spec in counted.specs:
        c = counted.counts[spec.column]
        bins = [
            Bin(label, kind, lo, hi, int(c[1, k]), int(c[0, k]))
            for k, (label, kind, lo, hi) in enumerate(spec.labels())
        ]
        if monotonic and spec.numeric:
            bins = _monotonic_merge(bins)
        tables.append(BinTable(spec.column, tuple(bins)))
    return TargetAnalysis(
        target=counted.target,
        event=counted.event,
        non_event=counted.non_event,
        rows=counted.rows,
        events=counted.events,
        tables=tuple(sorted(tables, key=lambda t: -t.iv)),
        missing_target=counted.missing_target,
        seconds=seconds,
        approximate_edges=tuple(approximate_edges),
    )


def target_counts(
    table: MaskedTable,
    target: str,
    *,
    profile: TableProfile | None = None,
    features: Sequence[str] | None = None,
    n_bins: int = 10,
    max_levels: int = 20,
    specials: Mapping[str, Sequence[float]] | None = None,
    seed: int = 0,
) -> TargetCounts:
    """The bins and their event/non-event counts of every feature, counted by polars and numpy."""
    schema = table.schema
    if target not in schema:
        raise TargetError("profile.target.missing_column", column=target)
    target_col = read_columns(table, [target])[target]
    event, non_event = resolve_event(target_col)
    y = (
        pl.select(pl.when(target_col.is_null()).then(-1).otherwise((target_col.cast(pl.String) == event).cast(pl.Int8)))
        .to_series()
        .to_numpy()
    )
    del target_col
    numeric_cols, cat_cols, sp = feature_columns(schema, target, profile, features, specials)
    edge_rows = sample_positions(table.height, EDGE_SAMPLE, seed=seed)
    num_specs: list[BinSpec] = []
    cat_specs: list[BinSpec] = []
    counts: dict[str, np.ndarray] = {}
    for frame in read_batches(table, [*numeric_cols, *cat_cols]):
        batch_num = [c for c in numeric_cols if c in frame.columns]
        batch_cat = [c for c in cat_cols if c in frame.columns]
        specs_n, counted = fit_numeric_and_count(
            frame, batch_num, y, 2, n_bins=n_bins, specials=sp, edge_rows=edge_rows
        )
        specs_c = categorical_specs(frame, batch_cat, max_levels=max_levels)
        counted.update(count_bins(frame, specs_c, y, 2))
        num_specs += specs_n
        cat_specs += specs_c
        counts.update(counted)
    known = int((y >= 0).sum())
    return TargetCounts(
        target, event, non_event, tuple(num_specs + cat_specs), counts, known, int((y == 1).sum()), table.height - known
    )


def target_analysis(
    table: MaskedTable,
    target: str,
    *,
    profile: TableProfile | None = None,
    features: Sequence[str] | None = None,
    n_bins: int = 10,
    max_levels: int = 20,
    monotonic: bool = False,
    specials: Mapping[str, Sequence[float]] | None = None,
    seed: int = 0,
) -> TargetAnalysis:
    """WOE/IV, AUC and KS of every feature against the binary ``target`` (see the module docstring).

    ``profile`` supplies kinds and detected special codes; without one, numeric dtypes are binned as numbers
    and strings as categories. ``specials`` overrides the special codes per column. Identifier-like, text
    and date columns are skipped.
    """
    t0 = time.perf_counter()
    counted = target_counts(
        table,
        target,
        profile=profile,
        features=features,
        n_bins=n_bins,
        max_levels=max_levels,
        specials=specials,
        seed=seed,
    )
    return analysis_from_counts(counted, monotonic=monotonic, seconds=time.perf_counter() - t0)


def feature_columns(
    schema: Mapping[str, pl.DataType],
    target: str,
    profile: TableProfile | None,
    features: Sequence[str] | None,
    specials: Mapping[str, Sequence[float]] | None,
) -> tuple[list[str], list[str], dict[str, tuple[float, ...]]]:
    """(numeric features, categorical features, special codes per numeric feature): which columns each
    engine bins and how; identifier-like, text and date columns are left out."""
    wanted = [c for c in (features or list(schema)) if c != target]
    numeric, cats, sp = [], [], {}
    for c in wanted:
        dtype = schema[c]
        if profile is not None:
            cp = profile.column(c)
            if cp.kind in ("numeric",) or (cp.kind == "boolean" and dtype.is_numeric()):
                numeric.append(c)
                sp[c] = tuple(s.value for s in cp.special_codes)
            elif cp.kind in ("categorical", "boolean"):
                cats.append(c)
        elif dtype.is_numeric():
            numeric.append(c)
        elif dtype in (pl.String, pl.Boolean) or isinstance(dtype, pl.Categorical | pl.Enum):
            cats.append(c)
    for c, codes in (specials or {}).items():
        sp[c] = tuple(float(v) for v in codes)
    return numeric, cats, sp


def numeric_target_analysis(
    table: MaskedTable, target: str, *, profile: TableProfile, sample_rows: int = 200_000, seed: int = 0
) -> NumericTargetAnalysis:
    """Pearson, Spearman and mutual information (nats, decile bins of both) of numeric features vs ``target``."""
    feats = [c.name for c in profile.columns if c.kind == "numeric" and c.name != target]
    sample = table.sample_rows(sample_rows, seed=seed)
    sample = sample.select([*feats, target]).with_columns(pl.all().cast(pl.Float64).fill_nan(None))
    row = sample.select(
        [pl.corr(f, target).alias(f"p{i}") for i, f in enumerate(feats)]
        + [pl.corr(pl.col(f).rank(), pl.col(target).rank()).alias(f"s{i}") for i, f in enumerate(feats)]
    ).row(0, named=True)
    t_spec = numeric_specs(sample, [target], n_bins=10)[0]
    specs = numeric_specs(sample, feats, n_bins=10)
    known = sample.filter(pl.col(target).is_not_null())
    t_bin = bin_index(t_spec, known[target]) - 1  # the target has no missing bin here
    counts = count_bins(known, specs, t_bin, t_spec.n_bins - 1)
    out = []
    for i, f in enumerate(feats):
        c = counts[f].astype(np.float64)
        c = c[:, c.sum(0) > 0]
        p = c / c.sum() if c.sum() else c
        pa, pb = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            mi = float(np.nansum(np.where(p > 0, p * np.log(p / (pa * pb)), 0.0)))
        out.append(NumericTargetRow(f, row[f"p{i}"], row[f"s{i}"], mi))
    return NumericTargetAnalysis(
        target, table.height, sample.height, tuple(sorted(out, key=lambda r: -r.mutual_information))
    )


def numeric_target_rows(analysis: NumericTargetAnalysis) -> list[dict[str, str | float]]:
    """One row per feature (pearson, spearman, mutual information) for a table of a numeric target."""
    return [
        {"feature": r.feature, "pearson": r.pearson, "spearman": r.spearman, "MI": r.mutual_information}
        for r in analysis.features
    ]
