"""A feature run as a stored record and back, so a reload or a colleague reopens the build that was reviewed.

The candidate table goes to the store as a file (``store.feature_runs``); everything else (the project, the
specs, the scores with their bins, the recommendations and thresholds) is JSON. Restoring reads both and
rebuilds the same ``FeatureRun``: nothing is computed again, so the review sees exactly the scores it had.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from workbench.cache import SharedCache
from workbench.features.generate import FeatureSet
from workbench.features.pipeline import FeatureRun
from workbench.features.project import FeatureProject
from workbench.features.propose import project_to_dict
from workbench.features.scoring import Binning, BinStat, FeatureScore
from workbench.features.selection import Recommendation, Thresholds
from workbench.features.spec import FeatureSpec
from workbench.features.target import TargetCoding


def _finite(v: Any) -> Any:
    """JSON has no inf/NaN: they travel as strings and come back as floats."""
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


def _float(v: Any) -> Any:
    return float(v) if isinstance(v, str) else v


def _score_dict(s: FeatureScore) -> dict[str, Any]:
    d = asdict(s)
    d["bins"] = [{k: _finite(v) for k, v in b.items()} for b in d["bins"]]
    return {k: _finite(v) for k, v in d.items()}


def _score(d: dict[str, Any]) -> FeatureScore:
    b = d["binning"]
    return FeatureScore(
        name=d["name"],
        iv=_float(d["iv"]),
        auc=_float(d["auc"]),
        direction=d["direction"],
        ks=_float(d["ks"]),
        missing=_float(d["missing"]),
        psi=_float(d["psi"]),
        psi_null=_float(d.get("psi_null")),
        distinct=d["distinct"],
        bins=tuple(BinStat(**{k: _float(v) if k == "woe" else v for k, v in x.items()}) for x in d["bins"]),
        binning=Binning(
            b["kind"],
            tuple(_float(e) for e in b["edges"]),
            tuple(b["categories"]),
            tuple(_float(e) for e in b.get("specials", ())),
        ),
        smoothed=d["smoothed"],
    )


PAIRS = ("filter", "denominator_filter", "params")


def _spec_dict(spec: FeatureSpec) -> dict[str, Any]:
    """``FeatureSpec.to_dict`` with filters and params as lists of pairs: the store writes JSON with sorted
    keys, and a filter's order is part of the feature's name."""
    d = spec.to_dict()
    for k in PAIRS:
        if k in d:
            d[k] = [[a, _listify(b)] for a, b in getattr(spec, k)]
    return d


def _listify(v: Any) -> Any:
    return [_listify(x) for x in v] if isinstance(v, tuple) else v


def run_record(run: FeatureRun, project: FeatureProject) -> dict[str, Any]:
    """Everything of ``run`` but the candidate table, JSON-ready."""
    return {
        "project": project_to_dict(project),
        "specs": [_spec_dict(s) for s in run.specs],
        "scores": [_score_dict(s) for s in run.scores],
        "recommendations": [asdict(r) for r in run.recommendations],
        "thresholds": asdict(run.thresholds),
        "selected": run.selected,
        "target": asdict(run.target) if run.target is not None else None,
    }


def run_from_record(record: dict[str, Any], frame) -> tuple[FeatureRun, FeatureProject]:
    """The ``FeatureRun`` and ``FeatureProject`` a record and its candidate table describe."""
    project = FeatureProject.from_dict(record["project"])
    specs = tuple(FeatureSpec.from_dict(d) for d in record["specs"])
    features = FeatureSet(frame, specs, project.relations.label)
    run = FeatureRun(
        features,
        tuple(_score(d) for d in record["scores"]),
        tuple(Recommendation(**d) for d in record["recommendations"]),
        Thresholds(**record["thresholds"]),
        TargetCoding(**record["target"]) if record.get("target") else None,
    )
    return run, project


def save_feature_run(store, run: FeatureRun, project: FeatureProject, *, actor: str | None = None) -> str:
    """Keep ``run`` in the workspace as its label table's newest build; returns the stored run's id."""
    stored = store.feature_runs.save(project.relations.label.table, run_record(run, project), run.features.frame)
    return stored.id


_OPENED = SharedCache(max_entries=8)


def latest_feature_run(store, label: str | None = None) -> tuple[str, FeatureRun, FeatureProject] | None:
    """The newest stored build (on ``label`` when given) as (id, run, project), or ``None``.

    Every analyst's Features page reopens on it: the candidate table is read and checked against its SHA-256
    and the record parsed once per stored build and workspace, and the one (immutable) run is handed to every
    session, as certified tables are."""
    stored = store.feature_runs.latest(label)
    if stored is None:
        return None
    # the file's size and time in the key: a candidate table changed on disk is read and checked again (refused)
    on_disk = stored.frame_path.stat() if stored.frame_path and stored.frame_path.exists() else None
    key = (str(stored.frame_path), stored.id, stored.frame_sha256, on_disk and (on_disk.st_size, on_disk.st_mtime_ns))
    run, project = _OPENED.get_or_compute(
        key, lambda: run_from_record(dict(stored.record), store.feature_runs.frame(stored))
    )
    return stored.id, run, project
