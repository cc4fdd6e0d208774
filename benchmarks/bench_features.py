"""Candidate-feature generation: Workbench vs featuretools DFS on the same bank, same primitives and windows.

    python benchmarks/bench_features.py [--customers 100000] [--tx 100] [--ft-customers 10000] [--json OUT]

1. Writes a synthetic bank (``workbench.features.synthetic``) to ``benchmarks/data/features/`` as Parquet.
2. Workbench: ~300 features (5 windows × count/sum/mean/std/min/max/median on amount and balance, distinct
   merchant categories, last value, days since first/last, per-category counts and shares, trends, out/in
   ratios, account roll-ups, customer attributes) in a fresh process; wall time and peak RSS.
3. featuretools (run with the peers interpreter ``benchmarks/.venv-peers``, which pins pandas < 3): DFS with the same
   aggregation primitives and ``where`` values, one ``calculate_feature_matrix`` per training window, cutoff
   times from the loans with ``include_cutoff_time=False``. It runs on ``--ft-customers`` (a subset, since
   it is orders of magnitude slower); Workbench runs on that subset too, so the ratio compares equal work.
4. Checks that the features both tools compute (count, sum, mean, max, min per window; where-counts) agree.

Timings on a shared 2-core machine drift: read the ratio, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "features"
FT_PYTHON = Path(
    os.environ.get("WORKBENCH_BENCH_PYTHON", Path(__file__).resolve().parent / ".venv-peers" / "bin" / "python")
)
WINDOWS = (7, 30, 90, 180, 365)
sys.path.insert(0, str(ROOT))  # this checkout's workbench, not an installed one

from workbench.features.synthetic import BANK_SCHEMA  # noqa: E402

SCHEMA = BANK_SCHEMA


def write_bank(folder: Path, customers: int, tx: int) -> dict[str, int]:
    from workbench.features.synthetic import make_bank

    folder.mkdir(parents=True, exist_ok=True)
    bank = make_bank(customers, tx, seed=11)
    sizes = {}
    for name in ("customers", "accounts", "transactions", "loans"):
        frame = getattr(bank, name)
        frame.write_parquet(folder / f"{name}.parquet")
        sizes[name] = frame.height
    return sizes


# --- workbench side (runs in a child process so peak RSS is its own) ---------------------------------------


def run_workbench(folder: Path, out: Path) -> None:
    import resource

    import polars as pl

    from workbench.features.generate import generate
    from workbench.features.plan import PlanOptions, Ratio, plan_features
    from workbench.features.relations import Relations
    from workbench.io.table import Table
    from workbench.privacy.gate import certify

    t0 = time.perf_counter()
    frames = {n: pl.read_parquet(folder / f"{n}.parquet") for n in ("customers", "accounts", "transactions", "loans")}
    t_read = time.perf_counter() - t0
    tables = {n: certify(Table(n, f), findings=()) for n, f in frames.items()}  # fingerprints every row
    rel = Relations.from_dict(SCHEMA)
    out_in = Ratio("transactions", "amount", (("direction", "출금"),), (("direction", "입금"),))
    specs = plan_features(rel, tables, PlanOptions(windows=WINDOWS, ratios=(out_in,), max_categories=10))
    t1 = time.perf_counter()
    c1 = time.process_time()
    fs = generate(rel, tables, specs)
    t_gen = time.perf_counter() - t1
    cpu_gen = time.process_time() - c1  # all threads: on a busy shared machine wall time drifts, CPU time less
    fs.frame.write_parquet(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = {
        "features": len(specs),
        "rows": fs.rows,
        "read_s": t_read,
        "generate_s": t_gen,
        "generate_cpu_s": cpu_gen,
        "peak_rss_gb": peak / 1e9,
    }
    print(json.dumps(result))


# --- featuretools side (runs under FT_PYTHON; pandas < 3) -------------------------------------------------


def run_featuretools(folder: Path, out: Path) -> None:
    import resource

    import featuretools as ft
    import pandas as pd

    t0 = time.perf_counter()
    cust = pd.read_parquet(folder / "customers.parquet")
    acc = pd.read_parquet(folder / "accounts.parquet")
    tx = pd.read_parquet(folder / "transactions.parquet")
    loans = pd.read_parquet(folder / "loans.parquet")
    es = ft.EntitySet("bank")
    es = es.add_dataframe(
        dataframe_name="customers", dataframe=cust[["customer_id", "credit_grade"]], index="customer_id"
    )
    es = es.add_dataframe(dataframe_name="accounts", dataframe=acc[["account_id", "customer_id"]], index="account_id")
    es = es.add_dataframe(
        dataframe_name="transactions",
        dataframe=tx,
        index="tx_id",
        time_index="ts",
        logical_types={"channel": "Categorical", "direction": "Categorical", "merchant_category": "Categorical"},
    )
    es = es.add_relationship("customers", "customer_id", "accounts", "customer_id")
    es = es.add_relationship("accounts", "account_id", "transactions", "account_id")
    for col in ("channel", "direction", "merchant_category"):
        es.add_interesting_values(
            dataframe_name="transactions", values={col: sorted(tx[col].value_counts().index[:10].tolist())}
        )
    cutoff = pd.DataFrame({"customer_id": loans["customer_id"], "time": pd.to_datetime(loans["applied_at"])})
    t_setup = time.perf_counter() - t0
    defs = ft.dfs(
        entityset=es,
        target_dataframe_name="customers",
        features_only=True,
        max_depth=2,
        agg_primitives=["count", "sum", "mean", "std", "min", "max", "median", "num_unique"],
        trans_primitives=[],
        where_primitives=["count", "sum"],
        ignore_columns={"transactions": ["tx_id"]},
    )
    defs = [d for d in defs if "accounts." not in d.get_name() or "transactions" in d.get_name()]
    t1 = time.perf_counter()
    frames = []
    for w in WINDOWS:
        fm = ft.calculate_feature_matrix(
            defs,
            entityset=es,
            cutoff_time=cutoff,
            training_window=f"{w} days",
            include_cutoff_time=False,
            cutoff_time_in_index=False,
        )
        frames.append(fm.add_suffix(f"@{w}d"))
    t_calc = time.perf_counter() - t1
    result = pd.concat(frames, axis=1).reset_index()
    result.to_parquet(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "features": len(defs) * len(WINDOWS),
                "rows": len(result),
                "setup_s": t_setup,
                "generate_s": t_calc,
                "peak_rss_gb": peak / 1e9,
            }
        )
    )


# --- comparison ---------------------------------------------------------------------------------------------


def compare(wb_path: Path, ft_path: Path) -> dict[str, object]:
    """Pairs of (workbench name, featuretools name) that mean the same thing; values must agree."""
    import polars as pl

    wb = pl.read_parquet(wb_path).unique("customer_id", keep="first")
    ft = pl.read_parquet(ft_path)
    pairs = []
    for w in WINDOWS:
        pairs.append((f"tx_count_{w}d", f"COUNT(transactions)@{w}d"))
        for col in ("amount", "balance_after"):
            for agg in ("sum", "mean", "max", "min", "std", "median"):
                pairs.append((f"tx_{col}_{agg}_{w}d", f"{agg.upper()}(transactions.{col})@{w}d"))
        pairs.append((f"tx_merchant_category_n_unique_{w}d", f"NUM_UNIQUE(transactions.merchant_category)@{w}d"))
        pairs.append((f"tx_count_{w}d__모바일", f"COUNT(transactions WHERE channel = 모바일)@{w}d"))
        pairs.append((f"tx_count_{w}d__출금", f"COUNT(transactions WHERE direction = 출금)@{w}d"))
    joined = wb.join(ft, on="customer_id", how="inner")
    checked, differing = 0, []
    for a, b in pairs:
        if a not in joined.columns or b not in joined.columns:
            continue
        x, y = joined[a].cast(pl.Float64), joined[b].cast(pl.Float64)
        if a.startswith("tx_count") or "_sum_" in a or "n_unique" in a:  # empty windows: NaN in featuretools
            x, y = x.fill_null(0).fill_nan(0), y.fill_null(0).fill_nan(0)
        both = (x.is_null() | x.is_nan()) & (y.is_null() | y.is_nan())
        close = ((x - y).abs() <= 1e-6 * (1 + x.abs())).fill_null(False)
        checked += 1
        if not bool((both | close).all()):
            differing.append(a)
    return {"shared_features": checked, "differing": differing, "rows_compared": joined.height}


def child(kind: str, folder: Path, out: Path) -> dict:
    python = str(FT_PYTHON) if kind == "featuretools" else sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [python, __file__, "--child", kind, str(folder), str(out)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--tx", type=int, default=100, help="transactions per customer")
    ap.add_argument("--ft-customers", type=int, default=10_000)
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--skip-ft", action="store_true", help="do not run featuretools (it takes minutes)")
    ap.add_argument("--json")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "FOLDER", "OUT"))
    args = ap.parse_args()
    if args.child:
        kind, folder, out = args.child
        (run_featuretools if kind == "featuretools" else run_workbench)(Path(folder), Path(out))
        return
    report: dict[str, object] = {}
    small = DATA / f"c{args.ft_customers}_t{args.tx}"
    report["same_data"] = {"sizes": write_bank(small, args.ft_customers, args.tx)}
    wb = child("workbench", small, small / "wb.parquet")
    report["same_data"]["workbench"] = wb
    print("workbench (same data):", wb, flush=True)
    if FT_PYTHON.exists() and not args.skip_ft:
        ftr = child("featuretools", small, small / "ft.parquet")
        report["same_data"]["featuretools"] = ftr
        report["same_data"]["speedup"] = ftr["generate_s"] / wb["generate_s"]
        report["same_data"]["speedup_per_feature"] = (ftr["generate_s"] / ftr["features"]) / (
            wb["generate_s"] / wb["features"]
        )
        report["same_data"]["agreement"] = compare(small / "wb.parquet", small / "ft.parquet")
        print("featuretools (same data):", ftr, flush=True)
    else:
        report["same_data"]["featuretools"] = f"not run: no interpreter at {FT_PYTHON}"
    if not args.skip_full:
        full = DATA / f"c{args.customers}_t{args.tx}"
        report["full"] = {"sizes": write_bank(full, args.customers, args.tx)}
        report["full"]["workbench"] = child("workbench", full, full / "wb.parquet")
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
