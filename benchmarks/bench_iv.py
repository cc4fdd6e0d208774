"""WOE/IV + AUC + KS benchmark: Workbench's ``target_analysis`` against optbinning's ``BinningProcess`` and
toad's IV, on the same Parquet file, each in its own process; plus an IV check against a straightforward
reference computation on identical bins.

``python -m benchmarks.bench_iv NAME PATH N_FEATURES`` prints one JSON line (seconds, own peak RSS).
"""

from __future__ import annotations

import itertools
import json
import math
import resource
import sys
import time


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _features(columns: list[str], n: int) -> list[str]:
    return [c for c in columns if c != "target"][:n]


def reference_iv(values, y, edges, specials) -> float:
    """IV the plain way on given bins: a Python loop over bins, boolean masks, the textbook formula.

    Same bins as Workbench (missing, each special code, then [edge_k, edge_k+1)) and the same zero-count
    rule (0.5 added to both counts of a bin with no events or no non-events).
    """
    import numpy as np

    x = np.asarray(values, dtype=float)
    masks = [np.isnan(x)]
    rest = ~np.isnan(x)
    for s in specials:
        masks.append(x == s)
        rest &= x != s
    bounds = [-math.inf, *edges, math.inf]
    for lo, hi in itertools.pairwise(bounds):
        masks.append(rest & (x >= lo) & (x < hi))
    counts = []
    for m in masks:
        e = float(np.sum(y[m] == 1))
        n = float(np.sum(y[m] == 0))
        if e + n == 0:
            continue
        if e == 0 or n == 0:
            e, n = e + 0.5, n + 0.5
        counts.append((e, n))
    te, tn = sum(e for e, _ in counts), sum(n for _, n in counts)
    return sum((n / tn - e / te) * math.log((n / tn) / (e / te)) for e, n in counts)


def workbench(path: str, n: int) -> dict:
    import polars as pl

    from workbench.io.table import Table
    from workbench.privacy import certify
    from workbench.profile import target_analysis

    frame = pl.read_parquet(path)
    feats = _features(frame.columns, n)
    table = certify(Table("iv", frame.select([*feats, "target"])), findings=())
    specials = {f: (9999.0,) for f in feats}
    t0 = time.perf_counter()
    result = target_analysis(table, "target", specials=specials, n_bins=10)
    seconds = time.perf_counter() - t0
    # reference check on identical bins: the edges and codes read back from each BinTable, IV recomputed
    y = frame["target"].to_numpy()
    diffs = []
    for f in feats[:20]:
        bins = result.table(f).bins
        edges = sorted(b.lower for b in bins if b.kind == "range" and b.lower is not None)
        codes = [b.lower for b in bins if b.kind == "special"]
        diffs.append(abs(reference_iv(frame[f].to_numpy(), y, edges, codes) - result.table(f).iv))
    return {
        "seconds": seconds,
        "features": len(feats),
        "rows": frame.height,
        "max_abs_iv_diff_vs_reference": max(diffs),
        "checked_features": len(diffs),
        "top": [[t.feature, round(t.iv, 4), round(t.auc, 4), round(t.ks, 4)] for t in result.tables[:3]],
        "ivs": {t.feature: t.iv for t in result.tables},
    }


def optbinning(path: str, n: int) -> dict:
    import pandas as pd
    from optbinning import BinningProcess

    df = pd.read_parquet(path)
    feats = _features(list(df.columns), n)
    X, y = df[feats], df["target"].to_numpy()
    t0 = time.perf_counter()
    bp = BinningProcess(variable_names=feats, special_codes=[9999])
    bp.fit(X, y)
    summary = bp.summary()
    seconds = time.perf_counter() - t0
    ivs = dict(zip(summary["name"], summary["iv"], strict=True))
    return {"seconds": seconds, "features": len(feats), "rows": len(df), "ivs": ivs}


def toad(path: str, n: int) -> dict:
    import pandas as pd
    import toad as toad_

    df = pd.read_parquet(path)
    feats = _features(list(df.columns), n)
    t0 = time.perf_counter()
    ivs = {f: float(toad_.stats.IV(df[f], df["target"], n_bins=10)) for f in feats}
    return {"seconds": time.perf_counter() - t0, "features": len(feats), "rows": len(df), "ivs": ivs}


RUNNERS = {"workbench": workbench, "optbinning": optbinning, "toad": toad}

if __name__ == "__main__":
    name, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    out = RUNNERS[name](path, n)
    out["peak_rss_mib"] = _peak_mib()
    print(json.dumps(out, default=float))
