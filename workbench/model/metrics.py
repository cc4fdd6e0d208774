"""Bank metrics and the curves behind every chart, computed once from (y, score) with numpy.

Binary scores are event probabilities. Ties are handled as a block (all rows with one score move together),
so AUC equals the Mann–Whitney statistic and matches scikit-learn exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EPS = float(np.finfo(np.float64).eps)  # the clip scikit-learn uses, so logloss matches it
CURVE_POINTS = 400  # curves are thinned to this many points for charts and stored runs


@dataclass(frozen=True)
class BinaryMetrics:
    """Discrimination (AUC, Gini = 2·AUC − 1, KS), calibration (logloss, Brier), and decisions at one
    threshold. ``event_rate`` is the observed share of events."""

    n: int
    events: int
    event_rate: float
    auc: float
    gini: float
    ks: float
    pr_auc: float
    logloss: float
    brier: float
    threshold: float
    precision: float
    recall: float
    f1: float
    accuracy: float


@dataclass(frozen=True)
class RegressionMetrics:
    n: int
    rmse: float
    mae: float
    r2: float
    mean: float


@dataclass(frozen=True)
class MulticlassMetrics:
    """``macro_auc``: one-vs-rest AUC averaged over classes that occur in this split."""

    n: int
    macro_auc: float
    logloss: float
    accuracy: float
    class_counts: tuple[int, ...]


Metrics = BinaryMetrics | RegressionMetrics | MulticlassMetrics


def _clean(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(p, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError("y and scores differ in length")
    return y, p


def _roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative (false positives, true positives) at each distinct score, highest score first."""
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]
    tps = np.cumsum(ys)[last_of_tie]
    fps = (last_of_tie + 1) - tps
    return np.r_[0.0, fps], np.r_[0.0, tps], ps[last_of_tie]


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under ROC; NaN when a split holds only one class (there is nothing to rank)."""
    y, p = _clean(y, p)
    pos = y.sum()
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    fps, tps, _ = _roc_points(y, p)
    return float(np.trapezoid(tps / pos, fps / neg))


def ks(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov–Smirnov: the largest gap between the cumulative event and non-event score distributions."""
    y, p = _clean(y, p)
    pos = y.sum()
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    fps, tps, _ = _roc_points(y, p)
    return float(np.max(np.abs(tps / pos - fps / neg)))


def average_precision(y: np.ndarray, p: np.ndarray) -> float:
    """PR-AUC as average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds (no interpolation)."""
    y, p = _clean(y, p)
    pos = y.sum()
    if pos == 0:
        return float("nan")
    fps, tps, _ = _roc_points(y, p)
    precision = tps[1:] / (tps[1:] + fps[1:])
    recall = tps / pos
    return float(np.sum(np.diff(recall) * precision))


def logloss(y: np.ndarray, p: np.ndarray) -> float:
    y, p = _clean(y, p)
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    y, p = _clean(y, p)
    return float(np.mean((p - y) ** 2))


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> BinaryMetrics:
    """All binary metrics; decisions are ``score >= threshold`` → predicted event."""
    y, p = _clean(y, p)
    pred = p >= threshold
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    a = auc(y, p)
    return BinaryMetrics(
        n=len(y),
        events=int(y.sum()),
        event_rate=float(y.mean()) if len(y) else float("nan"),
        auc=a,
        gini=2 * a - 1,
        ks=ks(y, p),
        pr_auc=average_precision(y, p),
        logloss=logloss(y, p),
        brier=brier(y, p),
        threshold=threshold,
        precision=precision,
        recall=recall,
        f1=f1,
        accuracy=float(np.mean(pred == (y == 1))),
    )


def regression_metrics(y: np.ndarray, p: np.ndarray) -> RegressionMetrics:
    y, p = _clean(y, p)
    err = p - y
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return RegressionMetrics(
        n=len(y),
        rmse=float(np.sqrt(np.mean(err**2))),
        mae=float(np.mean(np.abs(err))),
        r2=1 - float(np.sum(err**2)) / ss_tot if ss_tot else float("nan"),
        mean=float(y.mean()),
    )


def multiclass_metrics(y: np.ndarray, proba: np.ndarray) -> MulticlassMetrics:
    """``proba`` is n × k; classes absent from this split are skipped in the macro AUC."""
    y = np.asarray(y, dtype=np.int64).ravel()
    proba = np.asarray(proba, dtype=np.float64)
    k = proba.shape[1]
    aucs = [auc((y == c).astype(float), proba[:, c]) for c in range(k) if 0 < np.sum(y == c) < len(y)]
    p_true = np.clip(proba[np.arange(len(y)), y], EPS, 1)
    return MulticlassMetrics(
        n=len(y),
        macro_auc=float(np.mean(aucs)) if aucs else float("nan"),
        logloss=float(-np.mean(np.log(p_true))),
        accuracy=float(np.mean(proba.argmax(axis=1) == y)),
        class_counts=tuple(int(np.sum(y == c)) for c in range(k)),
    )


# --- curves for charts ----------------------------------------------------------------------------------


def _thin(n: int, points: int = CURVE_POINTS) -> np.ndarray:
    if n <= points:
        return np.arange(n)
    return np.unique(np.r_[np.linspace(0, n - 1, points).round().astype(int), n - 1])


@dataclass(frozen=True)
class DecileRow:
    """One tenth of the population by descending score: decile 1 holds the riskiest 10 %."""

    decile: int
    rows: int
    events: int
    event_rate: float
    min_score: float
    max_score: float
    lift: float  # event rate in the decile / overall event rate
    cum_gain: float  # share of all events captured up to this decile
    cum_lift: float


@dataclass(frozen=True)
class BinaryCurves:
    """Everything the charts draw for one split, thinned to ``CURVE_POINTS``."""

    fpr: tuple[float, ...]
    tpr: tuple[float, ...]
    recall: tuple[float, ...]
    precision: tuple[float, ...]
    population: tuple[float, ...]  # share of rows above the threshold (KS chart x-axis)
    cum_events: tuple[float, ...]  # share of events above the threshold
    cum_non_events: tuple[float, ...]
    deciles: tuple[DecileRow, ...]
    calib_pred: tuple[float, ...]  # mean predicted probability per calibration bin
    calib_obs: tuple[float, ...]  # observed event rate per calibration bin
    calib_n: tuple[int, ...]
    thresholds: tuple[float, ...]  # confusion matrices on this grid (0.00 … 1.00)
    confusion: tuple[tuple[int, int, int, int], ...]  # (tn, fp, fn, tp) per threshold
    hist_edges: tuple[float, ...]
    hist_events: tuple[int, ...]
    hist_non_events: tuple[int, ...]
    base_rate: float = field(default=float("nan"))


def deciles(y: np.ndarray, p: np.ndarray, bins: int = 10) -> tuple[DecileRow, ...]:
    """Rows sorted by descending score and cut into ``bins`` near-equal groups (ties may straddle a cut)."""
    y, p = _clean(y, p)
    order = np.argsort(-p, kind="mergesort")
    ys, ps = y[order], p[order]
    total_events = ys.sum()
    base = total_events / len(ys) if len(ys) else float("nan")
    rows, cum_e, cum_n = [], 0.0, 0
    for d, chunk in enumerate(np.array_split(np.arange(len(ys)), bins), start=1):
        if len(chunk) == 0:
            continue
        e = float(ys[chunk].sum())
        cum_e += e
        cum_n += len(chunk)
        rate = e / len(chunk)
        rows.append(
            DecileRow(
                decile=d,
                rows=len(chunk),
                events=int(e),
                event_rate=rate,
                min_score=float(ps[chunk].min()),
                max_score=float(ps[chunk].max()),
                lift=rate / base if base else float("nan"),
                cum_gain=cum_e / total_events if total_events else float("nan"),
                cum_lift=(cum_e / cum_n) / base if base else float("nan"),
            )
        )
    return tuple(rows)


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quantile bins of the score: mean predicted vs observed event rate (a calibrated model sits on y = x)."""
    y, p = _clean(y, p)
    order = np.argsort(p, kind="mergesort")
    chunks = [c for c in np.array_split(order, bins) if len(c)]
    return (
        np.array([p[c].mean() for c in chunks]),
        np.array([y[c].mean() for c in chunks]),
        np.array([len(c) for c in chunks]),
    )


def binary_curves(y: np.ndarray, p: np.ndarray) -> BinaryCurves:
    y, p = _clean(y, p)
    pos = max(y.sum(), 1.0)
    neg = max(len(y) - y.sum(), 1.0)
    fps, tps, _ = _roc_points(y, p)
    keep = _thin(len(fps))
    fpr, tpr = fps[keep] / neg, tps[keep] / pos
    precision = np.where(tps + fps > 0, tps / np.maximum(tps + fps, 1), 1.0)
    population = (tps + fps) / len(y)
    grid = np.round(np.linspace(0, 1, 101), 2)
    sorted_p = np.sort(p)
    confusion = []
    ev_sorted = np.sort(p[y == 1])
    for th in grid:
        predicted_pos = len(p) - np.searchsorted(sorted_p, th, side="left")
        tp = len(ev_sorted) - np.searchsorted(ev_sorted, th, side="left")
        fp = predicted_pos - tp
        fn = len(ev_sorted) - tp
        tn = len(p) - tp - fp - fn
        confusion.append((int(tn), int(fp), int(fn), int(tp)))
    edges = np.linspace(0, 1, 51) if p.min() >= 0 and p.max() <= 1 else np.linspace(p.min(), p.max(), 51)
    h_e, _ = np.histogram(p[y == 1], bins=edges)
    h_n, _ = np.histogram(p[y == 0], bins=edges)
    cp, co, cn = calibration(y, p)
    f = lambda a: tuple(float(v) for v in a)  # noqa: E731
    return BinaryCurves(
        fpr=f(fpr),
        tpr=f(tpr),
        recall=f(tps[keep] / pos),
        precision=f(precision[keep]),
        population=f(population[keep]),
        cum_events=f(tpr),
        cum_non_events=f(fpr),
        deciles=deciles(y, p),
        calib_pred=f(cp),
        calib_obs=f(co),
        calib_n=tuple(int(v) for v in cn),
        thresholds=f(grid),
        confusion=tuple(confusion),
        hist_edges=f(edges),
        hist_events=tuple(int(v) for v in h_e),
        hist_non_events=tuple(int(v) for v in h_n),
        base_rate=float(y.mean()),
    )
