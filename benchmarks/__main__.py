"""``make bench`` / ``python -m benchmarks``: Workbench and its peers on the same data files, same run.

Every contender runs in a fresh process that reports its own time and peak RSS; peers run from the peers
virtualenv (``benchmarks/.venv-peers``: ydata-profiling, skrub, optbinning and toad pin numpy/pandas versions
that cannot live beside the app's). Results go to ``benchmarks/data/results-*.json`` and to this area's
sections of ``benchmarks/RESULTS.md`` (between its markers, so other areas' sections are left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.data import DATA_DIR, ensure, ensure_iv, ensure_large

ROOT = Path(__file__).resolve().parents[1]
PEERS_PY = Path(os.environ.get("WORKBENCH_PEERS_PYTHON", ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def machine() -> dict:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    import polars

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem.split()[1]) / 2**20, 1),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_at_start": os.getloadavg(),
    }


def run(module: str, args: list[str], *, peer: bool = False, timeout: int = 3600) -> dict:
    python = str(PEERS_PY) if peer else sys.executable
    if peer and not PEERS_PY.exists():
        return {"skipped": f"no peers virtualenv at {PEERS_PY} (make bench creates it)"}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "2"}
    start = time.perf_counter()
    proc = subprocess.run(
        [python, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_seconds"] = time.perf_counter() - start
    out["load_after"] = os.getloadavg()[0]
    print(f"  {module} {args[0]}: {out.get('seconds', float('nan')):.2f} s, peak {out.get('peak_rss_mib', 0):.0f} MiB")
    return out


def _stamp() -> dict:
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "load_at_start": os.getloadavg()[0]}


PEER_RUNS = 3  # rounds of the profile benchmark: ydata-profiling's description took 18.8 s once, 33.8 s another time


def _median(done: list[dict]) -> dict:
    """The run with the median time, with every run's seconds beside it."""
    timed = sorted((r for r in done if "seconds" in r), key=lambda r: r["seconds"])
    if not timed:
        return done[0]
    return {**timed[len(timed) // 2], "runs": [round(r["seconds"], 3) for r in timed]}


def bench_profile(rows: int, peers: bool) -> dict:
    """Rounds of Workbench, ydata-profiling, Workbench, skrub (then Workbench once more), each in a fresh
    process, and each contender's median run. Workbench's profile takes about a second, so one slow
    scheduling slice on the shared machine shows in a single run as a 1.5× swing; and the machine's speed
    moves by a third within ten minutes, so runs taken one contender after the other would set a slow
    stretch against a fast one."""
    path = str(ensure(rows))
    print(f"profile {rows:,} rows: {path}")
    stamp = _stamp()
    order = ("workbench", "ydata", "workbench", "skrub") if peers else ("workbench",) * 2
    done: dict[str, list[dict]] = {name: [] for name in order}
    for name in [*order * PEER_RUNS, "workbench"]:  # the last run makes Workbench's count odd: its median is a run
        done[name].append(run("benchmarks.bench_profile", [name, path], peer=name != "workbench"))
    return {"rows": rows, **stamp, **{name: _median(runs) for name, runs in done.items()}}


def bench_large(rows: int) -> dict:
    path = str(ensure_large(rows))
    print(f"profile from disk {rows:,} rows: {path}")
    return {"rows": rows, **_stamp(), "workbench": run("benchmarks.bench_profile", ["workbench_disk", path])}


def bench_iv(rows: int, features: int, peer_features: int, peers: bool) -> dict:
    path = str(ensure_iv(rows, features))
    print(f"iv {rows:,} rows × {features} features: {path}")
    out = {"rows": rows, "features": features, "peer_features": peer_features, **_stamp()}
    out["workbench"] = run("benchmarks.bench_iv", ["workbench", path, str(features)])
    out["workbench_small"] = run("benchmarks.bench_iv", ["workbench", path, str(peer_features)])
    if peers:
        out["optbinning"] = run("benchmarks.bench_iv", ["optbinning", path, str(peer_features)], peer=True)
        out["toad"] = run("benchmarks.bench_iv", ["toad", path, str(peer_features)], peer=True)
    for r in out.values():
        if isinstance(r, dict):
            r.pop("ivs", None)
    return out


def _s(r: dict, key: str = "seconds") -> str:
    if "seconds" not in r:
        return r.get("skipped") or r.get("error", "—")
    return f"{r[key]:.2f} s"


def _ratio(peer: dict, ours: dict, *, with_reports: bool = False) -> str:
    """How many times faster Workbench is, like for like: the computation alone, or with each side's HTML
    report added to it (``with_reports``)."""

    def total(r: dict) -> float | None:
        if "seconds" not in r:
            return None
        return r["seconds"] + (r.get("html_seconds", 0.0) if with_reports else 0.0)

    a, b = total(peer), total(ours)
    if not a or not b:
        return "—"
    return f"{a / b:.1f}× faster" if a >= b else f"{b / a:.1f}× slower"


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        "<!-- profile:start -->",
        "## Profile and WOE/IV (area: profile)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, polars "
        f"{m['polars']}; {m['date']}; load average at start {m['load_at_start'][0]:.1f} (the machine is shared: "
        "absolute times drift, ratios come from the same run). `make bench` reproduces.",
        "",
    ]
    if "profile" in results:
        p = results["profile"]
        wb, yd, sk = p["workbench"], p.get("ydata", {}), p.get("skrub", {})
        lines += [
            f"### Full profile, {p['rows']:,} × 50 (bank-like table, benchmarks/data.py) — run {p.get('date', '?')}, "
            f"load {p.get('load_at_start', float('nan')):.1f}",
            "",
            "| contender | profile | + HTML report | peak RSS | Workbench is |",
            "|---|---|---|---|---|",
            f"| Workbench `profile()` (columns, overview, alerts, correlations) | {_s(wb)} | {_s(wb, 'html_seconds')} "
            f"| {wb.get('peak_rss_mib', 0):,.0f} MiB | — |",
            f"| ydata-profiling `minimal=True`: `get_description()` + `to_html()` | {_s(yd)} | "
            f"{_s(yd, 'html_seconds') if 'html_seconds' in yd else '—'} | {yd.get('peak_rss_mib', 0):,.0f} MiB | "
            f"{_ratio(yd, wb)} (description vs profile); "
            f"{_ratio(yd, wb, with_reports=True)} with both HTML reports |",
            f"| skrub `TableReport(df).html()` | {_s(sk)} | (included) | {sk.get('peak_rss_mib', 0):,.0f} MiB | "
            f"{_ratio(sk, wb)} (its report vs the profile); {_ratio(sk, wb, with_reports=True)} with ours |",
            "",
        ]
        medians = [
            f"{who}: the median of {len(r['runs'])} fresh processes ({', '.join(f'{v:.2f}' for v in r['runs'])} s)"
            for who, r in (("Workbench's profile", wb), ("ydata-profiling's description", yd), ("skrub", sk))
            if "runs" in r
        ]
        if medians:
            lines += ["; ".join(medians) + ".", ""]
        if "passes" in wb:
            lines.append("Workbench passes: " + ", ".join(f"{k} {v:.2f} s" for k, v in wb["passes"].items()) + ".")
            lines.append("")
    if "large" in results:
        g = results["large"]
        wb = g["workbench"]
        lines += [
            f"### Full profile from disk, {g['rows']:,} × 50 — run {g.get('date', '?')}, "
            f"load {g.get('load_at_start', float('nan')):.1f}",
            "",
            "The Parquet file is opened as a scan, certified, and profiled in column batches of about 512 MB "
            "(`workbench/profile/reading.py`); no peer runs at this size.",
            "",
            "| work | time | peak RSS | target |",
            "|---|---|---|---|",
            f"| Workbench `profile()` from disk (columns, overview, alerts, correlations) | {_s(wb)} "
            f"| {wb.get('peak_rss_mib', 0):,.0f} MiB | ≤ 30 s, ≤ 3 GB |",
            f"| certify the scan first (PII scan of a sample, confirmed on every row) | "
            f"{_s(wb, 'certify_seconds') if 'certify_seconds' in wb else '—'} | (same process) | — |",
            "",
        ]
        if "passes" in wb:
            lines.append("Passes: " + ", ".join(f"{k} {v:.2f} s" for k, v in wb["passes"].items()) + ".")
            lines.append("")
    if "iv" in results:
        v = results["iv"]
        wb, ws, ob, td = v["workbench"], v["workbench_small"], v.get("optbinning", {}), v.get("toad", {})
        lines += [
            f"### WOE/IV + AUC + KS, {v['rows']:,} rows — run {v.get('date', '?')}, "
            f"load {v.get('load_at_start', float('nan')):.1f}",
            "",
            "| contender | features | time | peak RSS | Workbench is |",
            "|---|---|---|---|---|",
            f"| Workbench `target_analysis` | {v['features']} | {_s(wb)} | {wb.get('peak_rss_mib', 0):,.0f} MiB | — |",
            f"| Workbench `target_analysis` | {v['peer_features']} | {_s(ws)} "
            f"| {ws.get('peak_rss_mib', 0):,.0f} MiB | — |",
            f"| optbinning `BinningProcess` | {v['peer_features']} | {_s(ob)} | {ob.get('peak_rss_mib', 0):,.0f} MiB "
            f"| {_ratio(ob, ws)} |",
            f"| toad `stats.IV` (n_bins=10) | {v['peer_features']} | {_s(td)} | {td.get('peak_rss_mib', 0):,.0f} MiB "
            f"| {_ratio(td, ws)} |",
            "",
            f"IV check: Workbench's IV equals a plain reference computation on identical bins (bins read back from "
            f"each `BinTable`) for {wb.get('checked_features', 0)} features, largest absolute difference "
            f"{wb.get('max_abs_iv_diff_vs_reference', float('nan')):.2g}. Peers ran on the first "
            f"{v['peer_features']} of the same features (their time on all {v['features']} would run for minutes).",
            "",
        ]
    lines.append("<!-- profile:end -->")
    return "\n".join(lines)


def write_results(block: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(r"<!-- profile:start -->.*?<!-- profile:end -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["profile", "large", "iv"], default=None)
    ap.add_argument("--large-rows", type=int, default=10_000_000)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--iv-features", type=int, default=200)
    ap.add_argument("--peer-features", type=int, default=20)
    args = ap.parse_args()
    results: dict = {"machine": machine()}
    if args.only in (None, "profile"):
        results["profile"] = bench_profile(args.rows, not args.no_peers)
    if args.only in (None, "large"):
        results["large"] = bench_large(args.large_rows)
    if args.only in (None, "iv"):
        results["iv"] = bench_iv(args.rows, args.iv_features, args.peer_features, not args.no_peers)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    previous = sorted(DATA_DIR.glob("results-*.json"))
    if args.only and previous:  # keep the other section from the latest full run
        last = json.loads(previous[-1].read_text(encoding="utf-8"))
        for key in ("profile", "large", "iv"):
            if key not in results and key in last:
                results[key] = last[key]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    (DATA_DIR / f"results-{stamp}.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    write_results(render(results))
    print(render(results))


if __name__ == "__main__":
    main()
