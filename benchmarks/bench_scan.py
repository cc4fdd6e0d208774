"""Scan benchmark: 1,000,000 rows × 50 columns (12 PII types, 9 look-alike decoys, 29 ordinary bank columns).

Run: ``python -m benchmarks.bench_scan [--rows N] [--repeat R] [--presidio-python PATH]``.

Prints the scan time (target ≤ 2 s: a 5,000-row sample for the majority tests, every row of every column swept
for checked identifiers), what was flagged (every PII column, no decoy), and, when a Python with
``presidio-analyzer`` is given, Presidio's speed and findings on the same sample of values (Presidio works
value by value on text, so it gets a sample, not the million rows).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import polars as pl

from workbench.io.table import Table
from workbench.privacy import fakes
from workbench.privacy.scan import scan

UNIQUE = 200_000  # distinct generated values per column; tiled (and shuffled) up to the row count


def bank_table(rows: int, seed: int = 42) -> tuple[pl.DataFrame, dict[str, str | None]]:
    """50 columns: the planted PII and decoys plus 29 ordinary columns a bank extract has."""
    base = min(rows, UNIQUE)
    planted, truth = fakes.planted_table(n=base, seed=seed)
    rng = np.random.default_rng(seed)
    extra: dict[str, object] = {}
    for i in range(15):
        x = rng.lognormal(10, 1.5, base)
        x[rng.random(base) < 0.1] = np.nan
        extra[f"num_{i:02d}"] = x
    for i, levels in enumerate((3, 5, 12, 30, 100, 250, 600, 1000)):
        extra[f"cat_{i}"] = rng.choice([f"CODE{j:04d}" for j in range(levels)], base)
    extra["opened_at"] = fakes.dates(rng, base)
    extra["closed_at"] = fakes.dates(rng, base)
    extra["ts"] = [d.isoformat() + " 10:15:00" for d in fakes.dates(rng, base)]
    extra["customer_token"] = [f"{x:020x}" for x in rng.integers(0, 2**63, base)]
    extra["is_active"] = rng.random(base) < 0.8
    extra["default_12m"] = (rng.random(base) < 0.06).astype(np.int8)
    frame = pl.concat([planted, pl.DataFrame(extra)], how="horizontal")
    truth.update(dict.fromkeys(extra))
    if rows > base:
        frame = pl.concat([frame] * (rows // base + 1)).head(rows)
        frame = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    return frame, truth


def time_scan(frame: pl.DataFrame, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds per run. On a shared machine the wall time depends on the neighbours; CPU
    seconds (all threads) say what the scan itself costs: on 2 idle cores, wall ≈ CPU / 2 … CPU."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = scan(Table("bench", frame))
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return walls, cpus, result


PRESIDIO_SCRIPT = r"""
# Presidio with a blank spaCy pipeline (no model can be downloaded here: no NER, so no PERSON/LOCATION),
# its default recognizers plus its Korean ones (RRN, FRN, BRN, passport, driver licence), value by value.
import json, sys, time
import spacy
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers.country_specific import korea
nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": sys.argv[2]}])
nlp.nlp = {"en": spacy.blank("en")}
engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
for cls in (korea.KrRrnRecognizer, korea.KrFrnRecognizer, korea.KrBrnRecognizer, korea.KrPassportRecognizer,
            korea.KrDriverLicenseRecognizer):
    engine.registry.add_recognizer(cls(supported_language="en"))
values = json.load(open(sys.argv[1], encoding="utf-8"))
out, t0, n = {}, time.perf_counter(), 0
for col, vals in values.items():
    found = {}
    for v in vals:
        n += 1
        hits = {r.entity_type for r in engine.analyze(text=v, language="en")
                if r.score >= 0.5 and r.end - r.start >= 0.8 * len(v)}
        for h in hits:
            found[h] = found.get(h, 0) + 1
    out[col] = found
print(json.dumps({"seconds": time.perf_counter() - t0, "values": n, "found": out}))
"""


def run_presidio(python: str, frame: pl.DataFrame, truth: dict, per_column: int, model: str) -> dict | None:
    cols = [c for c in frame.columns if c in truth and (truth[c] or c in fakes.DECOY_GENERATORS)]
    sample = frame.head(per_column)
    values = {c: [str(v) for v in sample[c].to_list() if v is not None] for c in cols}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(values, f, ensure_ascii=False)
    proc = subprocess.run([python, "-c", PRESIDIO_SCRIPT, f.name, model], capture_output=True, text=True, timeout=3600)
    if proc.returncode:
        print(f"presidio failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--presidio-python", default=None, help="A Python that has presidio-analyzer installed.")
    ap.add_argument("--presidio-model", default="blank:en", help="spaCy model for Presidio (blank:en: no NER).")
    ap.add_argument("--presidio-values", type=int, default=500, help="Values per column given to Presidio.")
    args = ap.parse_args()

    t0 = time.perf_counter()
    frame, truth = bank_table(args.rows)
    print(f"generated {frame.height:,} rows × {frame.width} columns in {time.perf_counter() - t0:.1f} s")
    times, cpus, result = time_scan(frame, args.repeat)
    load = os.getloadavg()[0]
    flagged = {f.column: f.pii_type for f in result.findings}
    expected = {c: t for c, t in truth.items() if t}
    tp = sum(flagged.get(c) == t for c, t in expected.items())
    fp = sum(1 for c, t in flagged.items() if truth.get(c) != t)
    print(
        f"scan: wall min {min(times):.2f} s, median {statistics.median(times):.2f} s; CPU min {min(cpus):.2f} s "
        f"over {len(times)} runs (target ≤ 2 s wall); load average {load:.1f} on {os.cpu_count()} cores; "
        f"sampled {result.sampled_rows:,} rows"
    )
    print(f"flagged {len(flagged)} columns: {tp}/{len(expected)} PII columns with the right type, {fp} false")
    # Presidio, on the same first values of each column
    small = frame.head(args.presidio_values)
    t0 = time.perf_counter()
    scan(Table("sample", small))
    ours_s = time.perf_counter() - t0
    print(f"workbench scan on {small.height} rows × {small.width} columns: {ours_s * 1000:.0f} ms")
    if args.presidio_python:
        got = run_presidio(args.presidio_python, frame, truth, args.presidio_values, args.presidio_model)
        if got:
            print(
                f"presidio ({args.presidio_model}): {got['values']:,} values in {got['seconds']:.1f} s "
                f"({got['values'] / got['seconds']:.0f} values/s)"
            )
            for col, found in got["found"].items():
                top = max(found.items(), key=lambda kv: kv[1]) if found else ("-", 0)
                share = top[1] / args.presidio_values
                print(
                    f"  {col:<16} truth={truth[col] or 'decoy':<30} presidio={top[0]} ({share:.0%})"
                    f"  workbench={flagged.get(col, '-')}"
                )


if __name__ == "__main__":
    main()
