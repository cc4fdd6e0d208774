"""Profile benchmark: Workbench's full profile (columns, overview, alerts, correlations) against
ydata-profiling (``minimal=True``: description + HTML) and skrub's ``TableReport(...).html()``; and
``workbench_disk``: a 10M-row file profiled from disk in column batches (time and peak memory, no peer).

Each contender runs in its own process (``python -m benchmarks.bench_profile NAME PATH``) and prints one JSON
line with its seconds and its own peak RSS; peers run from the separate peers virtualenv on the same file.
Reading the Parquet file is not timed for anyone.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def workbench(path: str) -> dict:
    import polars as pl

    from workbench.io.table import Table
    from workbench.privacy import certify
    from workbench.profile import profile

    frame = pl.read_parquet(path)
    table = certify(Table("bench", frame), findings=())
    t0 = time.perf_counter()
    result = profile(table)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    from workbench.report import html_report

    html = html_report(result)
    return {
        "seconds": seconds,
        "html_seconds": time.perf_counter() - t1,
        "html_bytes": len(html),
        "passes": dict(result.timings),
        "alerts": len(result.alerts),
        "shape": list(frame.shape),
    }


def workbench_disk(path: str) -> dict:
    """The file left on disk: opened as a scan, certified (the PII scan reads a sample and confirms on every
    row), profiled in column batches; the whole table is never in memory."""
    from workbench.io import read_table
    from workbench.privacy import certify
    from workbench.profile import profile

    t0 = time.perf_counter()
    table = certify(read_table(path, lazy=True), findings=())
    t_cert = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = profile(table)
    seconds = time.perf_counter() - t1
    return {
        "seconds": seconds,
        "certify_seconds": t_cert,
        "passes": dict(result.timings),
        "alerts": len(result.alerts),
        "shape": [table.height, len(table.columns)],
        "materialised": "frame" in table.__dict__,
    }


def ydata(path: str) -> dict:
    import pandas as pd
    from ydata_profiling import ProfileReport

    df = pd.read_parquet(path)
    t0 = time.perf_counter()
    report = ProfileReport(df, minimal=True, progress_bar=False)
    report.get_description()
    t1 = time.perf_counter()
    html = report.to_html()
    t2 = time.perf_counter()
    return {"seconds": t1 - t0, "html_seconds": t2 - t1, "html_bytes": len(html), "shape": list(df.shape)}


def skrub(path: str) -> dict:
    import polars as pl
    from skrub import TableReport

    df = pl.read_parquet(path)
    t0 = time.perf_counter()
    html = TableReport(df).html()
    return {"seconds": time.perf_counter() - t0, "html_bytes": len(html), "shape": list(df.shape)}


RUNNERS = {"workbench": workbench, "workbench_disk": workbench_disk, "ydata": ydata, "skrub": skrub}

if __name__ == "__main__":
    name, path = sys.argv[1], sys.argv[2]
    out = RUNNERS[name](path)
    out["peak_rss_mib"] = _peak_mib()
    print(json.dumps(out))
