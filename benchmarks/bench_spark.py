"""Feature generation on Spark ``local[2]`` against the polars engine, same bank, same 383 specs, same run.

    python benchmarks/bench_spark.py [--customers 100000] [--tx 100] [--master local[2]] [--data DIR] [--json OUT]

1. The bank of ``bench_features`` (100k customers, 200k accounts, 10M transactions, 100k loans by default) in
   ``benchmarks/data/features/``, written once.
2. Each engine runs in a fresh child process: read and certify the four Parquet files, plan (windows 7–365,
   out/in ratios, 10 categories: 383 features), generate. The parent samples the child's whole process tree
   from /proc every 0.2 s (for Spark: the Python driver, the ``spark-submit`` shell and the JVM that does the
   work) and keeps the peak of the summed RSS; each child also reports its processes' own peaks (VmHWM).
3. The two feature tables are compared column by column (floats to 1e-9 relative).
4. Spark's status store gives each stage's task time, input and shuffle bytes: from them the throughput per
   core and the shuffle per transaction that the 1B-transaction sizing in RESULTS.md is computed from.

Timings on a shared 2-core machine drift with the load (recorded with the results): read ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data" / "features"
WINDOWS = (7, 30, 90, 180, 365)
NAMES = ("customers", "accounts", "transactions", "loans")


# --- memory of a process tree, from /proc ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def status(pid: int, field: str) -> int:
    """Bytes of a /proc/PID/status field (VmRSS now, VmHWM the peak); 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


class TreePeak:
    """Samples the summed RSS of a process tree in a thread; ``peak`` is the highest sum seen."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, sum(status(p, "VmRSS") for p in tree(self.pid)))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


# --- the child: one engine ---------------------------------------------------------------------------------


def project(folder: Path):
    from workbench.features.plan import PlanOptions, Ratio
    from workbench.features.project import FeatureProject
    from workbench.features.relations import Relations
    from workbench.features.synthetic import BANK_SCHEMA

    spec = {k: dict(v) for k, v in BANK_SCHEMA["tables"].items()}
    for name in spec:
        spec[name]["path"] = f"{name}.parquet"
    rel = Relations.from_dict({"tables": spec, "label": {**BANK_SCHEMA["label"], "path": "loans.parquet"}})
    out_in = Ratio("transactions", "amount", (("direction", "출금"),), (("direction", "입금"),))
    options = PlanOptions(windows=WINDOWS, ratios=(out_in,), max_categories=10)
    return FeatureProject(rel, options, base_dir=folder)


def run_child(engine: str, folder: Path, out: Path, master: str) -> None:
    from workbench.commands._common import load_masked
    from workbench.features.generate import generate
    from workbench.features.plan import plan_features

    proj = project(folder)
    t0 = time.perf_counter()
    session = views = None
    if engine == "spark":
        from workbench.spark.session import spark_session

        session = spark_session(
            master,
            app_name="workbench-bench",
            conf={"spark.driver.memory": "6g", "spark.sql.shuffle.partitions": "8", "spark.ui.enabled": "false"},
        )
    t_start = time.perf_counter() - t0
    t0 = time.perf_counter()
    # the polars engine holds its tables in memory; the Spark driver keeps the transactions on disk
    lazy = {n: engine == "spark" and n == "transactions" for n in NAMES}
    tables = {n: load_masked(folder / f"{n}.parquet", lazy=lazy[n]) for n in NAMES}
    if session is not None:
        views = {}
        for n in NAMES:
            session.read.parquet(str(folder / f"{n}.parquet")).createOrReplaceTempView(f"wb_{n}")
            views[n] = f"wb_{n}"
    t_certify = time.perf_counter() - t0
    t0 = time.perf_counter()
    specs = plan_features(proj.relations, tables, proj.options)
    t_plan = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    runs = None
    if session is None:
        fs = generate(proj.relations, tables, specs)
    else:
        from workbench.spark.features import SparkFeatureEngine

        engine_ = SparkFeatureEngine(session, views)
        fs = engine_(proj.relations, tables, specs)
        runs = engine_.to_dict()["queries"]
    t_gen = time.perf_counter() - t0
    cpu_gen = time.process_time() - c0
    fs.frame.write_parquet(out)
    peaks = {f"{command(p)}[{p}]": status(p, "VmHWM") / 1e9 for p in tree(os.getpid())}
    result = {
        "engine": engine,
        "features": len(specs),
        "rows": fs.rows,
        "transactions": tables["transactions"].height,
        "session_start_s": t_start,
        "read_certify_s": t_certify,
        "plan_s": t_plan,
        "generate_s": t_gen,
        "generate_driver_cpu_s": cpu_gen,
        "process_peaks_gb": peaks,
        "queries": runs,
    }
    if session is not None:
        result["spark"] = spark_metrics(session)
        session.stop()
    print(json.dumps(result))


def spark_metrics(session) -> dict:
    """Totals over every stage the application ran: task time (all cores), input and shuffle bytes."""
    try:
        context = session.sparkContext
        no_quantiles = context._gateway.new_array(context._jvm.double, 0)
        # AppStatusStore.stageList(statuses, details, withSummaries, unsortedQuantiles, taskStatus): a Scala Seq
        stages = context._jsc.sc().statusStore().stageList(None, False, False, no_quantiles, None)
        task_ms = read = shuffle_w = shuffle_r = 0
        for i in range(stages.size()):
            s = stages.apply(i)
            task_ms += s.executorRunTime()
            read += s.inputBytes()
            shuffle_w += s.shuffleWriteBytes()
            shuffle_r += s.shuffleReadBytes()
        return {
            "stages": stages.size(),
            "task_s": task_ms / 1000,
            "input_gb": read / 1e9,
            "shuffle_write_gb": shuffle_w / 1e9,
            "shuffle_read_gb": shuffle_r / 1e9,
        }
    except Exception as e:  # the status store is internal API: report what failed instead of a number
        return {"error": f"{type(e).__name__}: {e}"[:200]}


# --- the parent ----------------------------------------------------------------------------------------------


def ensure_bank(folder: Path, customers: int, tx: int) -> dict:
    import polars as pl

    if all((folder / f"{n}.parquet").exists() for n in NAMES):
        rows = pl.scan_parquet(folder / "transactions.parquet").select(pl.len()).collect().item()
        if rows == customers * tx:
            return {"transactions": rows, "written": False}
    from benchmarks.bench_features import write_bank

    return {**write_bank(folder, customers, tx), "written": True}


def run_engine(engine: str, folder: Path, out: Path, master: str) -> dict:
    cmd = [sys.executable, __file__, "--child", engine, "--data", str(folder), "--out", str(out), "--master", master]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    watch = TreePeak(proc.pid)
    stdout, stderr = proc.communicate()
    peak = watch.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - t0
    result["tree_peak_rss_gb"] = peak / 1e9
    return result


def compare(a: Path, b: Path) -> dict:
    import polars as pl

    x, y = pl.read_parquet(a), pl.read_parquet(b)
    if x.columns != y.columns or x.height != y.height:
        return {"equal": 0, "compared": x.width, "note": "columns or rows differ"}
    differ = []
    for c in x.columns:
        p, q = x[c], y[c]
        if p.dtype.is_float():
            ok = bool(((p.is_null() & q.is_null()) | ((p - q).abs() <= 1e-9 * (1 + p.abs())).fill_null(False)).all())
        else:
            ok = p.equals(q)
        if not ok:
            differ.append(c)
    return {
        "equal": x.width - len(differ),
        "compared": x.width,
        "differ": differ[:10],
        "same_types": x.schema == y.schema,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--tx", type=int, default=100)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--data", type=Path, default=DATA, help="folder of the bank's Parquet files")
    ap.add_argument("--child", choices=["polars", "spark"])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.child:
        os.environ.setdefault("WORKBENCH_HOME", str(DATA.parent / "workspace"))
        run_child(args.child, args.data, args.out, args.master)
        return
    bank = ensure_bank(args.data, args.customers, args.tx)
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    outs = {e: args.data.parent / f"bench-spark-{e}.parquet" for e in ("polars", "spark")}
    results = {e: run_engine(e, args.data, outs[e], args.master) for e in ("polars", "spark")}
    summary = {
        "started": started,
        "bank": bank,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "cpu": os.cpu_count(),
        "equality": compare(outs["polars"], outs["spark"]),
        **results,
    }
    text = json.dumps(summary, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
