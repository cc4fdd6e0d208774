"""Auto-selection with a stated reason for every feature, and the ranked table analysts and reviewers read.

The rules, in order (the first that applies decides):

1. ``leakage_suspect`` – evidence of leakage as ``workbench.signals.leakage`` grades it (IV ≥ 1.0, univariate
   AUC ≥ 0.9 with ≥ 30 events, or a copy of the target): usually recorded after the outcome. Not selected; a
   person must look at it. A ``strong_predictor`` (0.5 ≤ IV < 1.0, no such evidence) is a real behaviour
   feature on a strong portfolio as often as not: it can be selected, with the reason ``selected_flagged``
   asking the reviewer to confirm it is known before the cutoff.
2. ``empty`` – missing in more than ``max_missing`` of the rows, or a single value: nothing to learn.
3. ``weak`` – IV below ``min_iv`` (0.02, the usual "not predictive" line).
4. ``unstable`` – PSI above ``max_psi`` (0.25, "significant shift") between cutoff periods *and* above
   the PSI random period assignment reaches at these period sizes (``scoring.psi_null``): 85 rows a
   quarter shift by 0.3 from sampling alone, so a fixed line would call a stable feature unstable.
   ``snapshot_review`` – an aggregate over an undated one-to-many table (``FeatureSpec.snapshot_of_many``):
   its rows were extracted after the fact and may include what happened after the cutoff (a loan's own
   repayment order), so it waits for an expert's acceptance instead of being selected.
   ``calendar_review`` – the month or weekday of the cutoff (``FeatureSpec.of_the_calendar``): it says when,
   not who; a month scored later holds one value of it, so it too waits for an expert.
5. ``redundant`` – |correlation| above ``max_corr`` (0.9) with a feature already kept; features are visited
   by IV, strongest first, so of a correlated pair the stronger stays. Correlation is Pearson on WOE-encoded
   values over at most ``sample_rows`` rows, which treats numbers, categories and missing alike.
6. otherwise ``selected``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.features.scoring import FeatureScore, woe_encode
from workbench.features.spec import FeatureSpec
from workbench.i18n import t
from workbench.profile.stability import PSI_NULL_LEVEL
from workbench.signals import leakage


@dataclass(frozen=True)
class Thresholds:
    min_iv: float = 0.02
    max_psi: float = 0.25
    max_corr: float = 0.9
    max_missing: float = 0.95
    sample_rows: int = 50_000


@dataclass(frozen=True)
class Recommendation:
    name: str
    selected: bool
    reason: str  # leakage_suspect | empty | weak | unstable | redundant | selected | selected_flagged
    corr: float | None = None  # largest |corr| with a feature kept before it
    corr_with: str | None = None

    def explain(self, score: FeatureScore, thresholds: Thresholds, lang: str | None = None) -> str:
        if self.reason in ("leakage_suspect", "selected_flagged"):  # the profile's and the model's words
            g = score.leakage
            code = g.code or leakage.STRONG
            said = leakage.message(code, score.name, dict(g.params()), lang)
            return f"{t(f'profile.alert_title.{code}', lang)}: {said}"
        key = "selected_first" if self.reason == "selected" and self.corr is None else self.reason
        text = t(
            f"features.reason.{key}",
            lang,
            iv=f"{score.iv:.3f}",
            auc=f"{score.auc:.3f}" if score.auc is not None else "-",
            psi=f"{score.psi:.3f}" if score.psi is not None else "-",
            psi_null=f"{score.psi_null:.3f}" if score.psi_null is not None else "-",
            level=f"{PSI_NULL_LEVEL:.0%}",
            missing=f"{score.missing:.0%}",
            corr=f"{self.corr:.2f}" if self.corr is not None else "-",
            other=self.corr_with or "-",
            min_iv=thresholds.min_iv,
            max_psi=thresholds.max_psi,
            max_corr=thresholds.max_corr,
        )
        if self.selected and score.psi is not None and score.psi > thresholds.max_psi:  # kept: the shift is noise
            text += " " + t(
                "features.reason.psi_within_noise",
                lang,
                psi=f"{score.psi:.3f}",
                psi_null=f"{score.psi_null:.3f}" if score.psi_null is not None else "-",
                level=f"{PSI_NULL_LEVEL:.0%}",
            )
        return text


def _woe_matrix(frame: pl.DataFrame, scores: Sequence[FeatureScore], rows: int) -> np.ndarray:
    sample = frame.sample(n=rows, seed=0) if frame.height > rows else frame
    cols = [woe_encode(sample[s.name], s).to_numpy() for s in scores]
    return np.column_stack(cols) if cols else np.empty((sample.height, 0))


def select_features(
    frame: pl.DataFrame,
    scores: Sequence[FeatureScore],
    thresholds: Thresholds | None = None,
    *,
    snapshots: Collection[str] = (),
    calendar: Collection[str] = (),
) -> tuple[Recommendation, ...]:
    """One recommendation per score, in the order of ``scores``; ``snapshots`` names the aggregates of
    undated one-to-many tables and ``calendar`` the cutoff's month and weekday, which are never selected
    automatically."""
    th = thresholds or Thresholds()
    decided: dict[str, Recommendation] = {}
    candidates: list[FeatureScore] = []
    for s in scores:
        if s.leakage_suspect:
            decided[s.name] = Recommendation(s.name, False, "leakage_suspect")
        elif s.missing > th.max_missing or s.distinct <= 1:
            decided[s.name] = Recommendation(s.name, False, "empty")
        elif s.iv < th.min_iv:
            decided[s.name] = Recommendation(s.name, False, "weak")
        elif s.unstable(th.max_psi):
            decided[s.name] = Recommendation(s.name, False, "unstable")
        elif s.name in snapshots:
            decided[s.name] = Recommendation(s.name, False, "snapshot_review")
        elif s.name in calendar:
            decided[s.name] = Recommendation(s.name, False, "calendar_review")
        else:
            candidates.append(s)
    candidates.sort(key=lambda s: -s.iv)
    matrix = _woe_matrix(frame, candidates, th.sample_rows)
    if matrix.shape[1]:
        centred = matrix - matrix.mean(axis=0)
        norms = np.linalg.norm(centred, axis=0)
        norms[norms == 0] = 1.0
        unit = centred / norms
    kept: list[int] = []
    for i, s in enumerate(candidates):
        best, best_j = None, None
        if kept:
            corr = np.abs(unit[:, kept].T @ unit[:, i])
            k = int(np.argmax(corr))
            best, best_j = float(corr[k]), kept[k]
        if best is not None and best > th.max_corr:
            decided[s.name] = Recommendation(s.name, False, "redundant", best, candidates[best_j].name)
        else:
            kept.append(i)
            other = candidates[best_j].name if best_j is not None else None
            reason = "selected_flagged" if s.strong_predictor else "selected"
            decided[s.name] = Recommendation(s.name, True, reason, best, other)
    return tuple(decided[s.name] for s in scores)


def ranked_table(
    specs: Sequence[FeatureSpec],
    scores: Sequence[FeatureScore],
    recommendations: Sequence[Recommendation],
    thresholds: Thresholds | None = None,
    lang: str | None = None,
) -> pl.DataFrame:
    """Selected first, then by IV: name, description, IV, AUC, KS, missing, PSI, decision and its reason."""
    th = thresholds or Thresholds()
    by_name = {s.name: s for s in specs}
    rows = []
    for s, r in zip(scores, recommendations, strict=True):
        spec = by_name.get(s.name)
        rows.append(
            {
                "name": s.name,
                "description": spec.description(lang) if spec else s.name,
                "iv": s.iv,
                "auc": s.auc,
                "ks": s.ks,
                "missing": s.missing,
                "psi": s.psi,
                "corr_max": r.corr,
                "selected": r.selected,
                "leakage_suspect": s.leakage_suspect,
                "reason_code": r.reason,
                "reason": r.explain(s, th, lang),
            }
        )
    schema = {
        "name": pl.String,
        "description": pl.String,
        "iv": pl.Float64,
        "auc": pl.Float64,
        "ks": pl.Float64,
        "missing": pl.Float64,
        "psi": pl.Float64,
        "corr_max": pl.Float64,
        "selected": pl.Boolean,
        "leakage_suspect": pl.Boolean,
        "reason_code": pl.String,
        "reason": pl.String,
    }
    table = pl.DataFrame(rows, schema=schema)
    table = table.sort(["selected", "iv"], descending=[True, True])
    return table.with_row_index("rank", offset=1)
