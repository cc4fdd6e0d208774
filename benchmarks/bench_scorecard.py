"""Scorecard benchmark: Workbench's scorecard against optbinning's ``Scorecard`` and toad's ``ScoreCard`` on the
same loans, the same features and the same out-of-time split.

Each contender runs twice, in its own process (the peers in ``benchmarks/.venv-peers``, which pins pandas < 3):

1. **own bins**: each tool's idiomatic pipeline (Workbench: quantile pre-bins + monotone trend; optbinning:
   ``BinningProcess`` with its optimal binning; toad: ``Combiner(method="chi")``), all scaled to 600 points
   at 50:1 with 20 points to double the odds. Reported: test AUC and KS of the score, and fit + score time.
2. **shared bins**: every tool is handed Workbench's bins (edges, special codes, category groups), fits its own
   WOE and logistic regression (scikit-learn, C = 1.0) and reports the points of every bin. Reported: how far
   the peers' points are from Workbench's, bin by bin (before Workbench rounds to whole points), on range and
   category bins and on missing bins apart. optbinning is fit here with empirical WoE for missing and special
   rows (its default fits them as WoE 0 yet scores them with their empirical WoE); toad's loaded rules have no
   missing bin (missing values join the first range), which moves its coefficients too.

``python benchmarks/bench_scorecard.py [--customers N]``: the shipped sample loans (5,000) and a sample bank of N
customers (default 100,000); prints a Markdown table for ``benchmarks/RESULTS.md``.
``python benchmarks/bench_scorecard.py peer NAME DIR`` is what the main run calls in the peers' interpreter.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS_PY = Path(os.environ.get("WORKBENCH_PEERS_PYTHON", ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"))
FEATURES = ["loan_amount", "loan_product", "term_months", "bureau_score", "monthly_income", "months_at_job"]
CATEGORICAL = ["loan_product"]
TARGET = "default_12m"
CUT = date(2025, 1, 1)  # out of time: 2024 trains, 2025 tests
SCALE = {"base_score": 600, "base_odds": 50, "pdo": 20}


def ks_auc(y, score) -> tuple[float, float]:
    """AUC and KS of a score where higher is safer (events should score low)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    fpr, tpr, _ = roc_curve(y, -score)
    return float(roc_auc_score(y, -score)), float((tpr - fpr).max())


# --- peers (run in the peers' interpreter) ----------------------------------------------------------------


def _peer_frames(folder: Path):
    import pandas as pd

    train = pd.read_parquet(folder / "train.parquet")
    test = pd.read_parquet(folder / "test.parquet")
    probe = pd.read_parquet(folder / "probe.parquet")
    bins = json.loads((folder / "bins.json").read_text())
    return train, test, probe, bins


def optbinning_run(folder: Path) -> dict:
    import numpy as np
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    train, test, probe, bins = _peer_frames(folder)
    params = {"pdo": SCALE["pdo"], "odds": SCALE["base_odds"], "scorecard_points": SCALE["base_score"]}
    out = {}
    for mode in ("own", "shared"):
        fit_params = None
        special = None
        if mode == "shared":
            fit_params = {}
            special = {}
            for b in bins:
                if b["numeric"]:
                    fit_params[b["feature"]] = {
                        "user_splits": b["edges"],
                        "user_splits_fixed": [True] * len(b["edges"]),  # else the solver may drop some
                        "monotonic_trend": None,
                    }
                    if b["specials"]:
                        special[b["feature"]] = b["specials"]
                else:
                    fit_params[b["feature"]] = {"user_splits": [np.array(g, dtype=object) for g in b["groups"]]}
        t0 = time.perf_counter()
        bp = BinningProcess(
            FEATURES, categorical_variables=CATEGORICAL, binning_fit_params=fit_params, special_codes=special or None
        )
        sc = Scorecard(bp, LogisticRegression(C=1.0, max_iter=1000), scaling_method="pdo_odds",
                       scaling_method_params=params)  # fmt: skip
        if mode == "own":
            sc.fit(train[FEATURES], train[TARGET])
        else:  # by default optbinning fits with WoE 0 for missing and special rows but scores them empirically
            sc.fit(train[FEATURES], train[TARGET], metric_missing="empirical", metric_special="empirical")
        score = sc.score(test[FEATURES])
        seconds = time.perf_counter() - t0
        auc, ks = ks_auc(test[TARGET].to_numpy(), score)
        out[mode] = {"seconds": seconds, "auc": auc, "ks": ks}
        if mode == "shared":
            idx = sc._transform(X=probe[FEATURES], metric="indices", metric_special="empirical",
                                metric_missing="empirical")  # fmt: skip
            table = sc._df_scorecard
            points = {f: table[table.Variable == f].Points.to_numpy()[idx[f]].tolist() for f in FEATURES}
            total = np.sum([points[f] for f in FEATURES], axis=0) + sc.intercept_
            assert np.allclose(total, sc.score(probe[FEATURES])), "per-bin points must add up to optbinning's score"
            out[mode]["points"] = points
    return out


def toad_run(folder: Path) -> dict:
    import numpy as np
    import toad

    train, test, probe, bins = _peer_frames(folder)
    out = {}
    for mode in ("own", "shared"):
        t0 = time.perf_counter()
        comb = toad.transform.Combiner()
        if mode == "own":
            comb.fit(train[[*FEATURES, TARGET]], y=TARGET, method="chi", min_samples=0.05, empty_separate=True)
        else:
            rules = {}
            for b in bins:
                # toad has no special codes: the shared rules put a cut on each side of a code instead.
                # Loaded rules have no missing bin: toad puts missing values in the first range.
                rules[b["feature"]] = (
                    sorted({*b["edges"], *b["specials"], *(s + 1e-9 for s in b["specials"])})
                    if b["numeric"]
                    else [list(g) for g in b["groups"]]
                )
            comb.load(rules)
        woe = toad.transform.WOETransformer()
        train_woe = woe.fit_transform(comb.transform(train[FEATURES]), train[TARGET])
        card = toad.ScoreCard(combiner=comb, transer=woe, pdo=SCALE["pdo"], rate=2, base_odds=SCALE["base_odds"],
                              base_score=SCALE["base_score"], C=1.0, max_iter=1000)  # fmt: skip
        card.fit(train_woe, train[TARGET])
        score = np.asarray(card.predict(test[FEATURES]))
        seconds = time.perf_counter() - t0
        auc, ks = ks_auc(test[TARGET].to_numpy(), score)
        out[mode] = {"seconds": seconds, "auc": auc, "ks": ks}
        if mode == "shared":
            _, sub = card.predict(probe[FEATURES], return_sub=True)
            out[mode]["points"] = {f: np.asarray(sub[f], dtype=float).tolist() for f in FEATURES}
    return out


# --- Workbench and the comparison (run in the app's interpreter) ---------------------------------------------


def _data(customers: int | None):
    import polars as pl

    if customers is None:
        return "sample loans (5,000, shipped)", pl.read_parquet(ROOT / "sample_data" / "loans.parquet")
    from workbench.sample import generate

    return f"sample bank, {customers:,} customers", generate(customers, seed=7).loans


def _probe(card) -> tuple[list, object]:
    """One row per (characteristic, bin) holding a value of that bin, others at their first range bin."""
    import polars as pl

    rows = []
    for fb in card.features:
        for k, (_, kind, lo, hi) in enumerate(fb.binning.labels()):
            value = None
            if kind == "special":
                value = lo
            elif kind == "range":
                value = lo if lo is not None else (hi - 1 if hi is not None else 0.0)
            elif kind == "category":
                value = fb.binning.groups[k - fb.binning.first_body][0]
            elif kind == "other":
                continue  # a level no tool saw in training: each has its own default
            rows.append((fb.feature, k, value, kind))
    base = {}
    for fb in card.features:
        lo = fb.binning.labels()[fb.binning.first_body][2]
        hi = fb.binning.labels()[fb.binning.first_body][3]
        base[fb.feature] = (
            fb.binning.groups[0][0] if not fb.binning.numeric else (lo if lo is not None else (hi or 1.0) - 1)
        )
    frame = {f: [] for f in FEATURES}
    for feature, _, value, _ in rows:
        for f in FEATURES:
            frame[f].append(value if f == feature else base[f])
    schema = {f: (pl.String if f in CATEGORICAL else pl.Float64) for f in FEATURES}
    return rows, pl.DataFrame(frame, schema=schema)


def compare(customers: int | None) -> dict:
    import numpy as np
    import polars as pl

    from workbench.model.points import PointsScale
    from workbench.model.scorecard import ScorecardOptions, fit_scorecard

    label, loans = _data(customers)
    loans = loans.select([*FEATURES, "applied_at", TARGET])
    train_idx = np.flatnonzero((loans["applied_at"] < CUT).to_numpy())
    test_idx = np.flatnonzero((loans["applied_at"] >= CUT).to_numpy())
    X, y = loans.select(FEATURES), loans[TARGET].to_numpy()
    scale = PointsScale(SCALE["base_score"], SCALE["base_odds"], SCALE["pdo"])
    t0 = time.perf_counter()
    card = fit_scorecard(X, y, {"train": train_idx, "test": test_idx}, options=ScorecardOptions(scale=scale))
    auc, ks = ks_auc(y[test_idx], card.score(X[test_idx]))
    own = {"seconds": time.perf_counter() - t0, "auc": auc, "ks": ks}
    results = {"own": own, "shared": own}  # the shared bins are Workbench's own
    rows, probe = _probe(card)
    raw = card.points.frame()
    wb_points = {
        f: [raw.filter((pl.col("feature") == f) & (pl.col("bin") == k))["raw"].item() for g, k, _, _ in rows if g == f]
        for f in FEATURES
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        loans[train_idx].write_parquet(folder / "train.parquet")
        loans[test_idx].write_parquet(folder / "test.parquet")
        probe.write_parquet(folder / "probe.parquet")
        (folder / "bins.json").write_text(json.dumps([fb.binning.to_dict() for fb in card.features]))
        peers = {}
        for name in ("optbinning", "toad"):
            if not PEERS_PY.exists():  # the peers' interpreter is set up by hand (see the module docstring)
                peers[name] = {"error": f"not installed ({PEERS_PY} is missing)"}
                continue
            proc = subprocess.run(
                [str(PEERS_PY), __file__, "peer", name, str(folder)], capture_output=True, text=True, timeout=3600
            )
            if proc.returncode != 0:
                peers[name] = {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
                continue
            peers[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    agreement = {}
    for name, out in peers.items():
        if "error" in out:
            continue
        by_bin = []
        for f in FEATURES:
            theirs = [
                (k, kind, v) for (g, k, _, kind), v in zip(rows, out["shared"]["points"][f], strict=True) if g == f
            ]
            for (k, kind, v), mine in zip(theirs, wb_points[f], strict=True):
                by_bin.append({"feature": f, "bin": k, "kind": kind, "workbench": mine, "peer": v})
        body = [abs(b["workbench"] - b["peer"]) for b in by_bin if b["kind"] in ("range", "category")]
        apart = [abs(b["workbench"] - b["peer"]) for b in by_bin if b["kind"] in ("missing", "special")]
        agreement[name] = {
            "max": float(max(body)),
            "mean": float(np.mean(body)),
            "bins": len(body),
            "missing_max": float(max(apart)) if apart else None,
            "by_bin": by_bin,
        }
    return {
        "data": label,
        "rows": {"train": len(train_idx), "test": len(test_idx)},
        "events": {"train": int(y[train_idx].sum()), "test": int(y[test_idx].sum())},
        "workbench": results,
        "peers": peers,
        "agreement": agreement,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "peer":
        runner = {"optbinning": optbinning_run, "toad": toad_run}[sys.argv[2]]
        print(json.dumps(runner(Path(sys.argv[3]))))
        return
    sys.path.insert(0, str(ROOT))
    customers = 100_000
    if "--customers" in sys.argv:
        customers = int(sys.argv[sys.argv.index("--customers") + 1])
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    out = [compare(None), compare(customers)]
    print(json.dumps({"run": started, "machine": machine, "results": out}, indent=2))
    print(markdown(started, machine, out))


def markdown(started: str, machine: str, results: list[dict]) -> str:
    lines = [f"Run {started}, {machine}. Test = applications from 2025-01 on (out of time).", ""]
    for r in results:
        lines += [
            f"**{r['data']}** — train {r['rows']['train']:,} rows ({r['events']['train']:,} defaults), "
            f"test {r['rows']['test']:,} ({r['events']['test']:,}):",
            "",
            "| tool | own bins: test AUC | KS | fit + score (s) | on Workbench's bins: test AUC | KS "
            "| points vs Workbench on ranges and levels, max / mean | on missing bins, max |",
            "|---|---|---|---|---|---|---|---|",
        ]
        w = r["workbench"]
        lines.append(
            f"| Workbench | {w['own']['auc']:.4f} | {w['own']['ks']:.4f} | {w['own']['seconds']:.2f} | "
            f"{w['shared']['auc']:.4f} | {w['shared']['ks']:.4f} | — | — |"
        )
        for name, p in r["peers"].items():
            if "error" in p:
                lines.append(f"| {name} | error: {p['error']} | | | | | | |")
                continue
            a = r["agreement"][name]
            lines.append(
                f"| {name} | {p['own']['auc']:.4f} | {p['own']['ks']:.4f} | {p['own']['seconds']:.2f} | "
                f"{p['shared']['auc']:.4f} | {p['shared']['ks']:.4f} | {a['max']:.3g} / {a['mean']:.3g} "
                f"({a['bins']} bins) | {a['missing_max']:.3g} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
