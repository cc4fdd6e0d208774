"""Plan → generate → score → select, as one call shared by the CLI and the Features page."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from workbench.features.checks import ensure_valid
from workbench.features.generate import FeatureSet, generate
from workbench.features.plan import plan_features
from workbench.features.project import FeatureProject
from workbench.features.relations import FeatureSpecError
from workbench.features.scoring import FeatureScore, score_features
from workbench.features.selection import Recommendation, Thresholds, ranked_table, select_features
from workbench.features.spec import FeatureSpec
from workbench.features.target import TargetCoding
from workbench.features.timing import LeftOut, without_known_after
from workbench.privacy.gate import MaskedTable

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class FeatureRun:
    """Everything one build produced. ``scores``/``recommendations`` are empty without a target."""

    features: FeatureSet
    scores: tuple[FeatureScore, ...]
    recommendations: tuple[Recommendation, ...]
    thresholds: Thresholds
    target: TargetCoding | None = None  # which target value was read as the event
    left_out: tuple[LeftOut, ...] = ()  # features of columns marked known only after (``features.timing``)

    @property
    def specs(self) -> tuple[FeatureSpec, ...]:
        return self.features.specs

    def score(self, name: str) -> FeatureScore | None:
        return next((s for s in self.scores if s.name == name), None)

    def recommendation(self, name: str) -> Recommendation | None:
        return next((r for r in self.recommendations if r.name == name), None)

    @property
    def selected(self) -> list[str]:
        return [r.name for r in self.recommendations if r.selected]

    def table(self, lang: str | None = None) -> pl.DataFrame:
        return ranked_table(self.specs, self.scores, self.recommendations, self.thresholds, lang)

    def summary(self, output: str | None = None) -> dict:
        """The CLI's ``--json`` contract: rows, features [{name, description_ko/en, iv, auc, missing, …}]."""
        frame = self.features.frame
        items = []
        for spec in self.specs:
            s, r = self.score(spec.name), self.recommendation(spec.name)
            missing = frame[spec.name].null_count() / max(frame.height, 1)
            items.append(
                {
                    "name": spec.name,
                    "description_ko": spec.description_ko,
                    "description_en": spec.description_en,
                    "iv": _num(s.iv) if s else None,
                    "auc": _num(s.auc) if s else None,
                    "ks": _num(s.ks) if s else None,
                    "psi": _num(s.psi) if s else None,
                    "missing": round(missing, 6),
                    "selected": r.selected if r else None,
                    "reason": r.reason if r else None,
                    "leakage_suspect": s.leakage_suspect if s else None,
                    "strong_predictor": s.strong_predictor if s else None,
                    "timing": spec.timing,
                    "spec": spec.to_dict(),
                }
            )
        return {
            "rows": frame.height,
            "features": items,
            "selected": self.selected,
            "target": self.target.to_dict() if self.target else None,
            "output": output,
        }


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def check_label_columns(
    project: FeatureProject, tables: Mapping[str, MaskedTable], specs: Sequence[FeatureSpec]
) -> None:
    """A label table that already holds generated features (a saved modelling table chosen as the label)
    would give two columns of one name: refuse in one line instead of failing inside polars."""
    label = project.relations.label.table
    if label not in tables:
        return
    clash = sorted(set(tables[label].columns) & {s.name for s in specs})
    if clash:
        raise FeatureSpecError(
            "features.error.label_holds_features", table=label, n=len(clash), columns=", ".join(clash[:3])
        )


def without_target_copies(fs: FeatureSet, coding: TargetCoding) -> FeatureSet:
    """Drop candidates whose values are the target's 0/1, row for row (nulls in the same rows): a copy of
    the outcome under another name scores perfectly and means nothing."""
    y = fs.frame.select(coding.expr()).to_series()
    copies = {
        s.name
        for s in fs.specs
        if (col := fs.frame.get_column(s.name)).dtype.is_numeric() or col.dtype == pl.Boolean
        if col.cast(pl.Float64).eq_missing(y).all()
    }
    if not copies:
        return fs
    specs = tuple(s for s in fs.specs if s.name not in copies)
    return FeatureSet(fs.frame.drop(sorted(copies)), specs, fs.label)


def build_features(
    project: FeatureProject,
    tables: Mapping[str, MaskedTable],
    *,
    specs: Sequence[FeatureSpec] | None = None,
    progress: Progress | None = None,
    batches: int | None = None,
    known_after: Mapping[str, Collection[str]] | None = None,
    engine: Callable[..., FeatureSet] = generate,
) -> FeatureRun:
    """Generate (planned ``specs`` unless given), then score and select when the label has a target.
    ``batches`` overrides the customer batch count of ``generate``; ``known_after`` (spec table → columns a
    domain expert marked known only after the decision) takes out every feature built from those columns.
    ``engine`` computes the values (``generate``, or ``workbench.spark.features.SparkFeatureEngine``); the
    plan, checks, scoring and selection are the same for every engine."""
    report = progress or (lambda _f, _m: None)
    coding = ensure_valid(project.relations, tables)  # every spec problem, one line each, before any work
    report(0.02, "plan")
    specs = tuple(specs) if specs is not None else plan_features(project.relations, tables, project.options)
    specs, left_out = without_known_after(specs, known_after)  # an expert's "known only after": out
    check_label_columns(project, tables, specs)
    fs = engine(project.relations, tables, specs, progress=lambda f, m: report(0.05 + 0.7 * f, m), batches=batches)
    target = project.relations.label.target
    if not target or coding is None:
        report(1.0, "")
        return FeatureRun(fs, (), (), project.thresholds, left_out=left_out)
    fs = without_target_copies(fs, coding)
    report(0.8, "score")
    frame = fs.frame.with_columns(pl.col(project.relations.label.cutoff).alias("_period"))
    scores = score_features(frame, fs.names, target, period="_period", every=project.psi_period)
    report(0.95, "select")
    snapshots = {s.name for s in fs.specs if s.snapshot_of_many}
    calendar = {s.name for s in fs.specs if s.of_the_calendar}
    recs = select_features(
        fs.frame.filter(pl.col(target).is_not_null()),
        scores,
        project.thresholds,
        snapshots=snapshots,
        calendar=calendar,
    )
    report(1.0, "")
    return FeatureRun(fs, scores, recs, project.thresholds, coding, left_out)
