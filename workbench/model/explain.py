"""Why the model says what it says: importance by gain and by split count, and SHAP values from LightGBM's
own ``pred_contrib`` (exact TreeSHAP, no ``shap`` package) on a sample of at most 5,000 rows.

Gain answers "which feature reduced the loss most in training"; SHAP answers "which feature moves the
scores of *these* customers most" and is the one to show a reviewer. They disagree when a feature is used
for rare, large corrections; the importance table shows all three side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd

SHAP_SAMPLE = 5_000
TOP_BEESWARM = 12
TOP_DEPENDENCE = 6


@dataclass(frozen=True)
class FeatureImportance:
    """``gain`` and ``shap`` as shares of their totals (0–1), ``split`` as the raw number of splits."""

    feature: str
    gain: float
    split: int
    shap: float
    shap_raw: float  # mean |SHAP| in the model's raw-score units (log-odds for binary)


@dataclass(frozen=True, eq=False)
class ShapSample:
    """SHAP values (rows × features, raw-score units) on a sample, with the feature values behind them.

    ``values[:, j]`` belongs to ``features[j]``; ``feature_values[name]`` holds the inputs as floats (NaN for
    missing) or text for categoricals, aligned with the rows. Multiclass values are summed |SHAP| per class.
    """

    features: tuple[str, ...]
    values: np.ndarray
    base_value: float
    feature_values: dict[str, np.ndarray]
    categorical: tuple[str, ...]
    rows: int


def shap_sample(
    booster: lgb.Booster,
    X: pd.DataFrame,
    *,
    n_classes: int = 1,
    seed: int = 42,
    size: int = SHAP_SAMPLE,
) -> ShapSample:
    """SHAP on ``min(size, len(X))`` rows drawn with ``seed``; the last contrib column is the base value."""
    rows = np.sort(np.random.default_rng(seed).choice(len(X), min(size, len(X)), replace=False))
    sample = X.iloc[rows]
    contrib = booster.predict(sample, pred_contrib=True, num_iteration=booster.best_iteration or None)
    k = len(X.columns) + 1
    if n_classes > 2:
        parts = np.asarray(contrib).reshape(len(sample), n_classes, k)
        values = np.abs(parts[:, :, :-1]).sum(axis=1)
        base = float(parts[:, :, -1].mean())
    else:
        values = np.asarray(contrib)[:, :-1]
        base = float(np.asarray(contrib)[0, -1])
    cats = tuple(c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype))
    feature_values = {}
    for c in X.columns:
        col = sample[c]
        feature_values[c] = (
            col.astype(object).where(col.notna(), None).to_numpy()
            if c in cats
            else col.to_numpy(dtype=float, na_value=np.nan)
        )
    return ShapSample(tuple(X.columns), values, base, feature_values, cats, len(sample))


def importance(
    booster: lgb.Booster, features: tuple[str, ...], shap: ShapSample | None
) -> tuple[FeatureImportance, ...]:
    """All features, sorted by gain share (the order the charts and the card use). Names come from the
    frame, by position: LightGBM rewrites spaces and some characters in the names it stores."""
    names = list(features)
    gain = booster.feature_importance("gain", iteration=booster.best_iteration or None).astype(float)
    split = booster.feature_importance("split", iteration=booster.best_iteration or None)
    mean_abs = np.abs(shap.values).mean(axis=0) if shap is not None else np.zeros(len(names))
    by_name = dict(zip(shap.features, mean_abs, strict=True)) if shap is not None else {}
    raw = np.array([by_name.get(n, 0.0) for n in names])
    gain_share = gain / gain.sum() if gain.sum() else gain
    shap_share = raw / raw.sum() if raw.sum() else raw
    out = [
        FeatureImportance(n, float(g), int(s), float(sh), float(r))
        for n, g, s, sh, r in zip(names, gain_share, split, shap_share, raw, strict=True)
    ]
    return tuple(sorted(out, key=lambda f: (-f.gain, -f.shap, f.feature)))


def ranked_by_shap(features: tuple[FeatureImportance, ...]) -> tuple[str, ...]:
    """Feature names, largest mean |SHAP| first (ties keep the importance order): the dependence plot's
    choices, so the default is the feature that moves scores most."""
    return tuple(f.feature for f in sorted(features, key=lambda f: -f.shap))
