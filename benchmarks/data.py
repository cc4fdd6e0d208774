"""The bank-like synthetic table every benchmark runs on (PERFORMANCE.md): written once to Parquet, read by all.

Shape: ``rows`` × 50 — 30 numeric columns (lognormal amounts, zero-inflated counts, nulls, a 9999 "unknown"
code), 14 categoricals (3 to 1,000 levels), one id column, 3 dates, a 0/1 flag and a binary target that
depends on a handful of features (so IV and AUC have something to find). Peers read the same file.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

DATA_DIR = Path(os.environ.get("WORKBENCH_BENCH_DATA", Path(__file__).with_name("data")))
N_NUMERIC = 30
CAT_LEVELS = (3, 4, 5, 7, 10, 12, 17, 25, 50, 100, 200, 300, 500, 1000)


def bank_like(rows: int, *, seed: int = 7) -> pl.DataFrame:
    """A deterministic bank-like frame (see module docstring)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {"customer_id": np.arange(10_000_000, 10_000_000 + rows, dtype=np.int64)}
    latent = rng.normal(size=rows)
    for i in range(N_NUMERIC):
        kind = i % 5
        if kind == 0:  # lognormal amounts in KRW
            x = np.round(rng.lognormal(10 + (i % 3), 1.0, rows) * (1 + 0.1 * latent * (i < 10)))
        elif kind == 1:  # zero-inflated counts
            x = rng.poisson(3, rows) * (rng.random(rows) < 0.35)
        elif kind == 2:  # scores tied to the target's latent factor
            x = 600 + 80 * (0.6 * latent + 0.8 * rng.normal(size=rows))
        elif kind == 3:  # income with 9999 = unknown
            x = np.round(rng.lognormal(8, 0.5, rows)).clip(0, 9000)
            x[rng.random(rows) < 0.03] = 9999
        else:  # ratios with nulls
            x = rng.beta(2, 5, rows)
        s = pl.Series(f"num_{i:02d}", x.astype(np.float64))
        if i % 4 == 0:
            s = s.scatter(np.flatnonzero(rng.random(rows) < 0.05 + 0.02 * (i % 3)), None)
        cols[s.name] = s
    for j, levels in enumerate(CAT_LEVELS):
        p = rng.dirichlet(np.full(levels, 0.7))
        codes = rng.choice(levels, rows, p=p)
        names = np.array([f"c{j}_{k:04d}" for k in range(levels)])
        s = pl.Series(f"cat_{j:02d}", names[codes])
        if j % 5 == 0:
            s = s.scatter(np.flatnonzero(rng.random(rows) < 0.02), None)
        cols[s.name] = s
    start = np.datetime64(date(2023, 1, 1))
    for k in range(3):
        days = rng.integers(0, 730, rows)
        cols[f"date_{k}"] = pl.Series((start + days.astype("timedelta64[D]")).astype("datetime64[D]"))
    cols["flag"] = rng.random(rows) < 0.2
    cols["target"] = (latent + rng.normal(size=rows) * 1.5 > 2.4).astype(np.int8)
    return pl.DataFrame(cols)


def ensure(rows: int, *, seed: int = 7) -> Path:
    """Path of the Parquet file for ``rows`` rows, generated on first use."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"bank_{rows}.parquet"
    if not path.exists():
        bank_like(rows, seed=seed).write_parquet(path)
    return path


def ensure_large(rows: int, *, block: int = 1_000_000) -> Path:
    """A ``rows`` × 50 Parquet file written block by block (each block a ``bank_like`` of its own seed, ids
    continued), so a 10M-row file is made without holding 10M rows in memory."""
    import pyarrow.parquet as pq

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"bank_large_{rows}.parquet"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    writer = None
    try:
        for k, start in enumerate(range(0, rows, block)):
            n = min(block, rows - start)
            frame = bank_like(n, seed=100 + k).with_columns(pl.col("customer_id") + start)
            table = frame.to_arrow()
            writer = writer or pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table, row_group_size=250_000)
    finally:
        if writer is not None:
            writer.close()
    tmp.rename(path)
    return path


def iv_like(rows: int, features: int = 200, *, seed: int = 11) -> pl.DataFrame:
    """``features`` numeric columns and a 0/1 ``target`` (about 8 % events): the WOE/IV benchmark table.

    Every tenth feature has 3 % nulls, every seventh a 2 % "9999" code; a third of the features carry some
    signal so IVs spread over the bands.
    """
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=rows)
    target = (latent + 1.2 * rng.normal(size=rows) > 2.2).astype(np.int8)
    cols: dict[str, object] = {}
    for i in range(features):
        weight = 0.5 if i % 3 == 0 else 0.0
        x = (weight * latent + rng.normal(size=rows)).astype(np.float64)
        if i % 2:
            x = np.round(np.exp(x + 6))  # amounts: many ties
        if i % 7 == 0:
            x[rng.random(rows) < 0.02] = 9999
        s = pl.Series(f"f{i:03d}", x)
        if i % 10 == 0:
            s = s.scatter(np.flatnonzero(rng.random(rows) < 0.03), None)
        cols[s.name] = s
    cols["target"] = target
    return pl.DataFrame(cols)


def ensure_iv(rows: int, features: int = 200) -> Path:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"iv_{rows}x{features}.parquet"
    if not path.exists():
        iv_like(rows, features).write_parquet(path)
    return path
