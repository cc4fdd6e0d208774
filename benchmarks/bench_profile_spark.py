"""Profile on Spark against the default engine: ``workbench profile --target target --time-col date_0`` on the
bank-like table (benchmarks/data.py), each engine in its own process, the file certified first (not timed).

``python -m benchmarks.bench_profile_spark ENGINE PATH`` prints one JSON line: seconds of the profile, peak RSS
of the Python process and (Spark) of the JVM driver beside it (``VmHWM`` from /proc: the JVM is a child of the
Python process), the load average at start, and per feature IV, AUC, KS and largest PSI. ``python -m
benchmarks.bench_profile_spark compare ROWS`` runs both engines on a ROWS-row file and prints the comparison.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

TARGET, TIME = "target", "date_0"


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            out += [child, *_children(child)]
    return out


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _summary(result) -> dict:
    return {
        "target": {t.feature: [t.iv, t.auc, t.ks] for t in result.target.tables},
        "psi": {f.feature: f.max_psi for f in result.stability.features},
        "approximate_edges": list(result.target.approximate_edges),
    }


def run(engine: str, path: str) -> dict:
    from workbench.io import read_table
    from workbench.privacy import certify

    load = os.getloadavg()[0]
    table = certify(read_table(path, lazy=True), findings=())
    if engine == "polars":
        from workbench.profile import profile

        t0 = time.perf_counter()
        result = profile(table, target=TARGET, time_column=TIME)
        out = {"seconds": time.perf_counter() - t0, "jvm_peak_mib": 0.0}
    else:
        from workbench.spark.profile import profile_on_spark
        from workbench.spark.session import running_session

        with running_session("local[2]", app_name="bench-profile", conf={"spark.driver.memory": "4g"}) as spark:
            t0 = time.perf_counter()
            result = profile_on_spark(spark, table, path, target=TARGET, time_column=TIME)
            seconds = time.perf_counter() - t0
            jvm = max((_peak_mib(p) for p in _children(os.getpid())), default=0.0)
        out = {"seconds": seconds, "jvm_peak_mib": jvm}
    out.update(_summary(result))
    out["python_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_at_start"] = load
    out["passes"] = dict(result.table.timings)
    return out


def compare(rows: int) -> dict:
    from benchmarks.data import ensure_large

    path = str(ensure_large(rows))
    got = {}
    for engine in ("polars", "spark"):
        line = (
            subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_profile_spark", engine, path],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        got[engine] = json.loads(line)
    a, b = got["polars"], got["spark"]
    iv = {f: abs(a["target"][f][0] - b["target"][f][0]) for f in a["target"]}
    auc = {f: abs(a["target"][f][1] - b["target"][f][1]) for f in a["target"]}
    psi = {f: abs(a["psi"][f] - b["psi"][f]) for f in a["psi"]}
    exact = [f for f in a["target"] if f not in b["approximate_edges"]]
    return {
        "rows": rows,
        "polars": {k: a[k] for k in ("seconds", "python_peak_mib", "load_at_start", "passes")},
        "spark": {k: b[k] for k in ("seconds", "python_peak_mib", "jvm_peak_mib", "load_at_start", "passes")},
        "features": len(iv),
        "approximate_edges": len(b["approximate_edges"]),
        "iv_max_abs_diff_exact_edges": max((iv[f] for f in exact), default=0.0),
        "iv_max_abs_diff_approximate_edges": max((iv[f] for f in b["approximate_edges"]), default=0.0),
        "iv_max_rel_diff_approximate_edges": max(
            (iv[f] / a["target"][f][0] for f in b["approximate_edges"] if a["target"][f][0] > 0.01), default=0.0
        ),
        "auc_max_abs_diff": max(auc.values()),
        "psi_max_abs_diff": max(psi.values()),
    }


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        print(json.dumps(compare(int(sys.argv[2])), indent=2))
    else:
        print(json.dumps(run(sys.argv[1], sys.argv[2])))
