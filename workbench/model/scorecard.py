"""The traditional scorecard beside the gradient-boosted model: quantile bins → WOE → logistic regression.

Binning works on counts, never on rows: numeric features are cut at training-split quantiles (≤ 10 bins),
text features keep their categories (levels under 1 % of rows pooled as ``(other)``); missing values always
get their own bin, so an unknown income can never hide inside a numeric bin.

WOE of a bin = ln(share of non-events / share of events). A bin with no events or no non-events would have an
infinite WOE: we add 0.5 to both counts of every bin (Laplace-style smoothing), the rule toad applies silently.
Values not seen in training (a new category) get WOE 0, i.e. the population average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression

from workbench.model.metrics import BinaryMetrics, binary_metrics

MAX_BINS = 10
RARE_SHARE = 0.01
SMOOTH = 0.5
MISSING = "(missing)"
OTHER = "(other)"
FIT_SAMPLE = 200_000  # bins, WOE and the logistic fit use at most this many training rows


@dataclass(frozen=True)
class WoeBin:
    label: str
    rows: int
    events: int
    woe: float


@dataclass(frozen=True)
class FeatureBins:
    """One feature's bins. Numeric: ``edges`` are upper bounds (right-closed), last bin open-ended."""

    feature: str
    numeric: bool
    edges: tuple[float, ...]
    categories: tuple[str, ...]  # for text features, the label of each non-missing bin in order
    bins: tuple[WoeBin, ...]
    iv: float
    smoothed: bool  # a bin had zero events or zero non-events and relied on the 0.5 smoothing


@dataclass(frozen=True)
class Scorecard:
    """WOE bins, logistic coefficients (one per feature, on WOE) and metrics per split."""

    features: tuple[FeatureBins, ...]
    intercept: float
    coefficients: tuple[float, ...]
    metrics: dict[str, BinaryMetrics]


def _woe(events: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, float, bool]:
    non = rows - events
    smoothed = bool(np.any(events == 0) or np.any(non == 0))
    e = events + SMOOTH
    n = non + SMOOTH
    de, dn = e / e.sum(), n / n.sum()
    woe = np.log(dn / de)
    iv = float(np.sum((dn - de) * woe))
    return woe, iv, smoothed


def _bin_labels(s: pl.Series, fb_numeric: bool, edges: tuple[float, ...], cats: tuple[str, ...]) -> pl.Series:
    if fb_numeric:
        v = s.cast(pl.Float64).to_numpy()
        idx = np.searchsorted(np.asarray(edges), v, side="left").astype(np.int64)
        labels = np.where(np.isnan(v), -1, idx)
        return pl.Series(s.name, labels)
    text = s.cast(pl.String)
    mapping = {c: i for i, c in enumerate(cats)}
    other = mapping.get(OTHER, len(cats))
    return text.replace_strict(mapping, default=other, return_dtype=pl.Int64).fill_null(-1)


def fit_bins(s: pl.Series, y: np.ndarray) -> FeatureBins:
    """Bins and WOE of one feature on the training rows (``y`` 0/1)."""
    numeric = s.dtype.is_numeric() or s.dtype == pl.Boolean
    n = len(s)
    if numeric:
        v = s.cast(pl.Float64)
        finite = v.drop_nulls().drop_nans()
        if finite.is_empty():
            edges: tuple[float, ...] = ()
        else:
            q = np.unique(np.quantile(finite.to_numpy(), np.linspace(0, 1, MAX_BINS + 1)[1:-1]))
            edges = tuple(float(x) for x in q)
        cats: tuple[str, ...] = ()
    else:
        counts = s.cast(pl.String).drop_nulls().value_counts(sort=True)
        common = [c for c, k in counts.iter_rows() if k >= RARE_SHARE * n]
        rare = counts.height > len(common)
        cats = tuple(common) + ((OTHER,) if rare else ())
        edges = ()
    labels = _bin_labels(s, numeric, edges, cats).to_numpy()
    n_bins = (len(edges) + 1) if numeric else len(cats)
    codes = np.where(labels < 0, n_bins, labels)  # missing goes last
    rows = np.bincount(codes, minlength=n_bins + 1).astype(float)
    events = np.bincount(codes, weights=y, minlength=n_bins + 1).astype(float)
    present = rows > 0
    woe = np.zeros(n_bins + 1)
    w, iv, smoothed = _woe(events[present], rows[present])
    woe[present] = w
    if numeric:
        names = [f"≤ {edges[0]:g}"] if edges else ["all"]
        names += [f"({edges[i - 1]:g}, {edges[i]:g}]" for i in range(1, len(edges))]
        if edges:
            names.append(f"> {edges[-1]:g}")
    else:
        names = list(cats)
    names.append(MISSING)
    bins = tuple(WoeBin(names[i], int(rows[i]), int(events[i]), float(woe[i])) for i in range(n_bins + 1))
    return FeatureBins(s.name, numeric, edges, cats, bins, iv, smoothed)


def woe_encode(fb: FeatureBins, s: pl.Series) -> np.ndarray:
    labels = _bin_labels(s, fb.numeric, fb.edges, fb.categories).to_numpy()
    n_bins = len(fb.bins) - 1
    table = np.array([b.woe if b.rows else 0.0 for b in fb.bins])
    codes = np.where(labels < 0, n_bins, np.minimum(labels, n_bins))
    return table[codes]


def fit_scorecard(
    X: pl.DataFrame,
    y: np.ndarray,
    splits: dict[str, np.ndarray],
    *,
    threshold: float = 0.5,
    seed: int = 42,
) -> Scorecard:
    """Bins and the logistic regression are fit on ``splits['train']`` only (on a seeded sample of
    ``FIT_SAMPLE`` rows past that size: quantile edges and WOE counts are stable long before); the
    validation and test splits are scored in full, the training metrics on the fitted rows."""
    train = splits["train"]
    if len(train) > FIT_SAMPLE:
        train = np.sort(np.random.default_rng(seed).choice(train, FIT_SAMPLE, replace=False))
    splits = {**splits, "train": train}
    Xt, yt = X[train], y[train]
    fbs = tuple(fit_bins(Xt[c], yt) for c in X.columns)
    enc = {
        name: np.column_stack([woe_encode(fb, X[fb.feature][idx]) for fb in fbs])
        for name, idx in splits.items()
        if len(idx)
    }
    lr = LogisticRegression(C=1.0, max_iter=1000)
    lr.fit(enc["train"], yt)
    metrics = {
        name: binary_metrics(y[idx], lr.predict_proba(enc[name])[:, 1], threshold)
        for name, idx in splits.items()
        if len(idx)
    }
    return Scorecard(fbs, float(lr.intercept_[0]), tuple(float(c) for c in lr.coef_[0]), metrics)
