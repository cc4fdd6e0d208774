"""The ``workbench profile --json`` payload (DESIGN.md contract), rendered from a ``Profile``."""

from __future__ import annotations

import math
from typing import Any

from workbench.profile import Profile


def _num(v: float | None, digits: int = 6) -> float | None:
    return None if v is None or math.isnan(v) or math.isinf(v) else round(float(v), digits)


def profile_json(result: Profile) -> dict[str, Any]:
    """``rows``, ``columns``, ``alerts`` always; ``target`` (+ ``event``) with a target; ``stability`` with a
    time column. ``missing`` counts null and NaN; ``distinct_exact`` says whether ``distinct`` is exact;
    ``approximate_edges`` whether a feature was cut at approximate quantiles (``--engine spark``).
    """
    tp = result.table
    out: dict[str, Any] = {
        "table": tp.name,
        "rows": tp.rows,
        "duplicate_rows": tp.duplicate_rows,
        "columns": [
            {
                "name": c.name,
                "kind": c.kind,
                "missing": c.missing,
                "distinct": c.distinct,
                "distinct_exact": c.distinct_exact,
                "null": c.n_null,
                "nan": c.n_nan,
            }
            for c in tp.columns
        ],
        "alerts": [
            {"code": a.code, "column": a.column, "severity": a.severity, "message": a.message()} for a in result.alerts
        ],
        "correlation_sample": result.correlations.sample_size,
    }
    if result.target is not None:
        ta = result.target
        out["target_column"] = ta.target
        out["event"] = ta.event
        out["event_rate"] = _num(ta.event_rate)
        out["target"] = [
            {
                "feature": tb.feature,
                "iv": _num(tb.iv),
                "auc": _num(tb.auc),
                "ks": _num(tb.ks),
                "band": tb.band,
                "approximate_edges": tb.feature in ta.approximate_edges,
            }
            for tb in ta.tables
        ]
    elif result.numeric_target is not None:
        nt = result.numeric_target
        out["target_column"] = nt.target
        out["target"] = [
            {
                "feature": r.feature,
                "pearson": _num(r.pearson),
                "spearman": _num(r.spearman),
                "mutual_information": _num(r.mutual_information),
            }
            for r in nt.features
        ]
    if result.stability is not None:
        st = result.stability
        out["periods"] = list(st.periods)
        out["stability"] = [
            {
                "feature": f.feature,
                "psi": _num(f.max_psi),
                "band": f.band,
                "by_period": [_num(v) for v in f.psi],
                "approximate_edges": f.feature in st.approximate_edges,
            }
            for f in st.features
        ]
    return out
