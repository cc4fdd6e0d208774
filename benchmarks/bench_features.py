"""Candidate-feature generation: Workbench vs featuretools DFS on the same bank, same primitives and windows.

    python benchmarks/bench_features.py [--customers 100000] [--tx 100] [--ft-customers 10000] [--json OUT]
    python benchmarks/bench_features.py --customers 1000000 --tx 100 --skip-ft --categorical   # 100M transactions
    python benchmarks/bench_features.py --relational [--accounts 3000] [--tx 30]   # relational bank vs DFS

``--tx`` is transactions per customer, so ``--customers 1000000 --tx 100`` is a bank of 100M transactions.

1. Writes a synthetic bank (``workbench.features.synthetic``) to ``benchmarks/data/features/`` as Parquet; past
   ``CHUNK`` customers in chunks of that many (own seed and id prefix each), transactions streamed into one
   file, so writing 100M rows never holds them all in memory.
2. Workbench: ~300 features (5 windows × count/sum/mean/std/min/max/median on amount and balance, distinct
   merchant categories, last value, days since first/last, per-category counts and shares, trends, out/in
   ratios, account roll-ups, customer attributes) in a fresh process, in customer batches (``--batches``, by
   default about 5M transactions each); wall time, peak RSS and the batch count. ``--categorical`` reads the
   transactions' category columns as polars Categoricals (4 bytes a row instead of a 16-byte string view),
   which is what lets 100M transactions sit in memory beside the generation.
3. featuretools (run with the peers interpreter ``benchmarks/.venv-peers``, which pins pandas < 3): DFS with the same
   aggregation primitives and ``where`` values, one ``calculate_feature_matrix`` per training window, cutoff
   times from the loans with ``include_cutoff_time=False``. It runs on ``--ft-customers`` (a subset, since
   it is orders of magnitude slower); Workbench runs on that subset too, so the ratio compares equal work.
4. Checks that the features both tools compute (count, sum, mean, max, min per window; where-counts) agree.

Timings on a shared 2-core machine drift: read the ratio, not the absolute seconds.
"""

from __future__ import annotations

import argparse
import contextlib
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
CHUNK = 100_000  # customers per generated chunk (10M transactions at --tx 100)
CATEGORIES = ("direction", "channel", "merchant_category")
sys.path.insert(0, str(ROOT))  # this checkout's workbench, not an installed one

from benchmarks import relational  # noqa: E402
from workbench.features.synthetic import BANK_SCHEMA  # noqa: E402

SCHEMA = BANK_SCHEMA


def _chunk(index: int, customers: int, tx: int, tx_offset: int):
    """One chunk of a large bank: its own seed, ids prefixed by two letters (no longer digit runs than the
    one-piece bank's, which the PII scan would rightly take for account numbers)."""
    import polars as pl

    from workbench.features.synthetic import make_bank

    bank = make_bank(customers, tx, seed=11 + index)
    tag = chr(97 + index // 26) + chr(97 + index % 26)

    def retag(column: str) -> pl.Expr:
        return (pl.col(column).str.slice(0, 1) + tag + pl.col(column).str.slice(1)).alias(column)

    return {
        "customers": bank.customers.with_columns(retag("customer_id")),
        "accounts": bank.accounts.with_columns(retag("account_id"), retag("customer_id")),
        "transactions": bank.transactions.with_columns(retag("account_id"), pl.col("tx_id") + tx_offset),
        "loans": bank.loans.with_columns(retag("loan_id"), retag("customer_id")),
    }


def write_bank(folder: Path, customers: int, tx: int) -> dict[str, object]:
    import polars as pl

    from workbench.features.synthetic import make_bank

    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    names = ("customers", "accounts", "transactions", "loans")
    if customers <= CHUNK:
        bank = make_bank(customers, tx, seed=11)
        frames = {n: getattr(bank, n) for n in names}
        for name, frame in frames.items():
            frame.write_parquet(folder / f"{name}.parquet")
        sizes: dict[str, object] = {n: f.height for n, f in frames.items()}
    else:
        parts = folder / "parts"
        parts.mkdir(exist_ok=True)
        small: dict[str, list] = {n: [] for n in names if n != "transactions"}
        offset = 0
        for i in range(-(-customers // CHUNK)):
            chunk = _chunk(i, min(CHUNK, customers - i * CHUNK), tx, offset)
            chunk["transactions"].write_parquet(parts / f"transactions-{i:03d}.parquet")
            offset += chunk["transactions"].height
            for n in small:
                small[n].append(chunk[n])
            print(f"chunk {i}: {offset:,} transactions, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        for n, frames_ in small.items():
            pl.concat(frames_).write_parquet(folder / f"{n}.parquet")
        pl.scan_parquet(parts / "transactions-*.parquet").sink_parquet(folder / "transactions.parquet")
        for f in parts.glob("*.parquet"):
            f.unlink()
        parts.rmdir()
        sizes = {n: pl.scan_parquet(folder / f"{n}.parquet").select(pl.len()).collect().item() for n in names}
    sizes["write_s"] = round(time.perf_counter() - t0, 1)
    sizes["disk_gb"] = round(sum(f.stat().st_size for f in folder.glob("*.parquet")) / 1e9, 2)
    return sizes


# --- workbench side (runs in a child process so peak RSS is its own) ---------------------------------------


def run_workbench(folder: Path, out: Path, batches: int | None = None, categorical: bool = False) -> None:
    import resource

    import polars as pl

    from workbench.features.batches import batch_count
    from workbench.features.generate import generate
    from workbench.features.plan import PlanOptions, Ratio, plan_features
    from workbench.features.relations import Relations
    from workbench.io.table import Table
    from workbench.privacy.gate import certify

    t0 = time.perf_counter()
    frames = {}
    for n in ("customers", "accounts", "transactions", "loans"):
        lf = pl.scan_parquet(folder / f"{n}.parquet")
        if categorical and n == "transactions":
            lf = lf.with_columns(pl.col(c).cast(pl.Categorical) for c in CATEGORIES)
        frames[n] = lf.collect()
    t_read = time.perf_counter() - t0
    rss_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    tables = {n: certify(Table(n, f), findings=()) for n, f in frames.items()}  # scans and fingerprints every row
    t_certify = time.perf_counter() - t0
    del frames
    rel = Relations.from_dict(SCHEMA)
    out_in = Ratio("transactions", "amount", (("direction", "출금"),), (("direction", "입금"),))
    t0 = time.perf_counter()
    specs = plan_features(rel, tables, PlanOptions(windows=WINDOWS, ratios=(out_in,), max_categories=10))
    t_plan = time.perf_counter() - t0
    steps: list[tuple[float, float, str]] = []
    count = batches or batch_count(tables, specs)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # reading, certifying, planning
    held = _rss("VmRSS")
    _reset_peak()
    t1 = time.perf_counter()
    c1 = time.process_time()
    fs = generate(rel, tables, specs, batches=count, progress=lambda f, m: steps.append((time.perf_counter(), f, m)))
    t_gen = time.perf_counter() - t1
    cpu_gen = time.process_time() - c1  # all threads: on a busy shared machine wall time drifts, CPU time less
    peak_gen = _rss("VmHWM")
    fs.frame.write_parquet(out)
    peak = max(peak_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    result = {
        "features": len(specs),
        "rows": fs.rows,
        "transactions": tables["transactions"].height,
        "batches": count,
        "categorical": categorical,
        "read_s": t_read,
        "certify_s": t_certify,
        "plan_s": t_plan,
        "generate_s": t_gen,
        "generate_cpu_s": cpu_gen,
        "rss_after_read_gb": rss_read / 1e9,
        "rss_tables_held_gb": held / 1e9,  # the certified tables in memory when generation starts
        "generate_peak_rss_gb": peak_gen / 1e9,  # the process's peak during generation (tables included)
        "peak_rss_gb": peak / 1e9,
        "progress_reports": len(steps),
        "load_after": os.getloadavg(),
    }
    print(json.dumps(result))


def _rss(field: str) -> int:
    """Bytes of ``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    """Restart the peak-RSS counter, so generation's own peak is not hidden by reading's (Linux ≥ 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


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
    result = relational.windowed_matrix(defs, es, cutoff, WINDOWS)
    t_calc = time.perf_counter() - t1
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


def child(kind: str, folder: Path, out: Path, extra: list[str] | None = None) -> dict:
    python = str(FT_PYTHON) if kind.startswith("featuretools") else sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [python, __file__, "--child", kind, str(folder), str(out), *(extra or [])],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["load_at_start"] = load
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--tx", type=int, default=100, help="transactions per customer")
    ap.add_argument("--ft-customers", type=int, default=10_000)
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--skip-ft", action="store_true", help="do not run featuretools (it takes minutes)")
    ap.add_argument("--skip-same", action="store_true", help="only the full-size run (no small same-data run)")
    ap.add_argument("--batches", type=int, help="customer batches for Workbench (default: ~5M transactions each)")
    ap.add_argument("--categorical", action="store_true", help="read category columns as polars Categoricals")
    ap.add_argument("--reuse", action="store_true", help="keep an already written bank of the same size")
    ap.add_argument("--json")
    ap.add_argument("--relational", action="store_true", help="the relational bank vs featuretools DFS only")
    ap.add_argument("--accounts", type=int, default=3000, help="accounts of the relational bank")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "FOLDER", "OUT"))
    args = ap.parse_args()
    if args.child:
        kind, folder, out = args.child
        if kind == "featuretools":
            run_featuretools(Path(folder), Path(out))
        elif kind == "featuretools-relational":
            relational.run_featuretools_relational(Path(folder), Path(out))
        elif kind == "workbench-relational":
            relational.run_workbench_relational(Path(folder), Path(out))
        else:
            run_workbench(Path(folder), Path(out), args.batches, args.categorical)
        return
    if args.relational:
        report = relational_run(args)
        text = json.dumps(report, indent=2, ensure_ascii=False)
        print(text)
        if args.json:
            Path(args.json).write_text(text, encoding="utf-8")
        return
    extra = [
        *(["--batches", str(args.batches)] if args.batches else []),
        *(["--categorical"] if args.categorical else []),
    ]
    report: dict[str, object] = {}
    if not args.skip_same:
        same_data(args, report, extra)
    if not args.skip_full:
        full = DATA / f"c{args.customers}_t{args.tx}"
        kept = args.reuse and (full / "transactions.parquet").exists()
        report["full"] = {"sizes": "reused" if kept else write_bank(full, args.customers, args.tx)}
        print("bank:", report["full"]["sizes"], flush=True)
        report["full"]["workbench"] = child("workbench", full, full / "wb.parquet", extra)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")


def relational_run(args: argparse.Namespace) -> dict:
    """Workbench and featuretools DFS on the same relational bank (lookups, a bridge, undated children, dated
    grandchildren); the shared features must agree."""
    folder = DATA / f"relational_a{args.accounts}_t{args.tx}"
    report: dict = {"sizes": relational.write_relational(folder, args.accounts, args.tx)}
    report["workbench"] = child("workbench-relational", folder, folder / "wb.parquet")
    print("workbench (relational):", report["workbench"], flush=True)
    if FT_PYTHON.exists() and not args.skip_ft:
        report["featuretools"] = child("featuretools-relational", folder, folder / "ft.parquet")
        print("featuretools (relational):", report["featuretools"], flush=True)
        report["speedup"] = report["featuretools"]["generate_s"] / report["workbench"]["generate_s"]
        report["agreement"] = relational.compare_relational(folder / "wb.parquet", folder / "ft.parquet")
    return report


def same_data(args: argparse.Namespace, report: dict, extra: list[str]) -> None:
    """Workbench and featuretools on the same small bank; Workbench's values checked against featuretools'."""
    small = DATA / f"c{args.ft_customers}_t{args.tx}"
    report["same_data"] = {"sizes": write_bank(small, args.ft_customers, args.tx)}
    wb = child("workbench", small, small / "wb.parquet", extra)
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


if __name__ == "__main__":
    main()
