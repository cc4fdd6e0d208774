"""Reason codes: for every scored row, the three characteristics that hurt its score most, in Korean and English.

Since 2020 the Credit Information Act gives an applicant the right to an explanation of an automated credit
evaluation; the reasons are what the branch reads out. For the scorecard a reason is the points a row lost
against the characteristic's best bin (the usual "points below maximum" rule); for LightGBM it is the SHAP
value from LightGBM's own ``pred_contrib`` that raises the log-odds of the event. Only adverse reasons are
given: a characteristic that cost nothing (the row sits in the best bin, or its SHAP value lowers the risk)
is never listed, so a strong applicant may get fewer than three.

A reason is named by the feature's description (the catalog's ``description_ko``/``description_en`` for
generated features, the column's label for a known source column), never by a bare column code alone; the
code is kept beside it (``reason_1``) for the core system.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from workbench.i18n import has, t

TOP = 3


def descriptions(
    features: Sequence[str], catalog: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, tuple[str, str]]:
    """(Korean, English) name of every feature: the catalog's descriptions, else a known column label, else
    the name itself."""
    catalog = catalog or {}
    out = {}
    for f in features:
        ko, en = catalog.get(f, ("", ""))
        if ko and en:
            out[f] = (ko, en)
            continue
        for key in (f"scorecard.column.{f.lower()}", f"features.column.{f.lower()}"):
            if has(key):
                out[f] = (t(key, "ko"), t(key, "en"))
                break
        else:
            out[f] = (ko or f, en or f)
    return out


def reason_frame(
    features: Sequence[str],
    adverse: np.ndarray,
    names: Mapping[str, tuple[str, str]],
    key: str,
    *,
    decimals: int,
    top: int = TOP,
) -> pl.DataFrame:
    """``reason_k`` (feature code), ``reason_k_ko``, ``reason_k_en`` for k = 1…top from a rows × features matrix
    of how much each feature hurt each row (> 0 adverse). ``key`` is the i18n message with {description}, {value}."""
    n = adverse.shape[0]
    order = np.argsort(-adverse, axis=1, kind="stable")[:, :top]
    values = np.take_along_axis(adverse, order, axis=1)
    cols: dict[str, list[str | None]] = {}
    cache: dict[tuple[int, float], tuple[str, str]] = {}
    for k in range(min(top, len(features))):
        code: list[str | None] = [None] * n
        ko: list[str | None] = [None] * n
        en: list[str | None] = [None] * n
        for i in np.flatnonzero(values[:, k] > 0):
            j, v = int(order[i, k]), round(float(values[i, k]), decimals)
            if (j, v) not in cache:
                shown = f"{v:,.{decimals}f}"
                d_ko, d_en = names[features[j]]
                cache[(j, v)] = (
                    t(key, "ko", description=d_ko, value=shown),
                    t(key, "en", description=d_en, value=shown),
                )
            code[i] = features[j]
            ko[i], en[i] = cache[(j, v)]
        cols[f"reason_{k + 1}"], cols[f"reason_{k + 1}_ko"], cols[f"reason_{k + 1}_en"] = code, ko, en
    for k in range(len(features), top):  # fewer characteristics than reasons: the columns still exist
        for suffix in ("", "_ko", "_en"):
            cols[f"reason_{k + 1}{suffix}"] = [None] * n
    return pl.DataFrame(cols, schema={c: pl.String for c in cols})


def points_lost(
    points: Mapping[str, np.ndarray], codes: Mapping[str, np.ndarray], features: Sequence[str]
) -> np.ndarray:
    """Rows × characteristics: the best bin's points minus the row's (0 in the best bin)."""
    return np.column_stack([points[f].max() - points[f][codes[f]] for f in features])


def scorecard_reasons(card, frame: pl.DataFrame, names: Mapping[str, tuple[str, str]], top: int = TOP) -> pl.DataFrame:
    """Reasons of a ``Scorecard`` for every row of ``frame`` (points lost against each characteristic's best bin)."""
    feats = card.names
    lost = points_lost({f: card.points.points(f) for f in feats}, card.codes(frame), feats)
    return reason_frame(feats, lost, names, "scorecard.reason.points", decimals=0, top=top)


def shap_reasons(
    contributions: np.ndarray, features: Sequence[str], names: Mapping[str, tuple[str, str]], top: int = TOP
) -> pl.DataFrame:
    """Reasons from LightGBM's ``pred_contrib`` (rows × features, the bias column dropped): positive log-odds."""
    return reason_frame(features, contributions, names, "scorecard.reason.shap", decimals=2, top=top)
