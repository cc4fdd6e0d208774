"""A table left on disk (a certified Parquet scan, for tables larger than memory) is profiled exactly like
the same table in memory, read a few columns at a time and never whole."""

import dataclasses
from datetime import date

import numpy as np
import polars as pl
import pytest

from workbench.io import read_table
from workbench.io.table import ScannedTable, Table
from workbench.privacy import auto_certify, certify
from workbench.privacy.gate import GateError
from workbench.profile import profile, reading

ROWS = 450_000  # past 2 × QUANTILE_SAMPLE, so quantiles come from the row sample on both sides


def bank_table(rows: int = ROWS) -> pl.DataFrame:
    rng = np.random.default_rng(3)
    income = np.round(rng.lognormal(8, 0.5, rows))
    income[rng.random(rows) < 0.04] = 9999  # "unknown"
    ratio = rng.beta(2, 5, rows)
    ratio[rng.random(rows) < 0.1] = np.nan
    score = 600 + 80 * rng.normal(size=rows)
    default = (rng.random(rows) < 1 / (1 + np.exp((score - 520) / 40))).astype(np.int8)
    months = rng.integers(0, 6, rows)
    frame = pl.DataFrame(
        {
            "income": income,
            "ratio": ratio,
            "score": score,
            "grade": rng.choice(["A", "B", "C", "D"], rows, p=[0.4, 0.3, 0.2, 0.1]),
            "branch": rng.choice([f"b{i:03d}" for i in range(300)], rows),
            "opened": [
                date(2024, 1 + int(m), 1 + int(d)) for m, d in zip(months, rng.integers(0, 28, rows), strict=True)
            ],
            "vip": rng.random(rows) < 0.05,
            "default": default,
        }
    ).with_columns(pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise(pl.col("grade")).alias("grade"))
    return pl.concat([frame, frame.head(1_000)])  # 1,000 duplicate rows


def same(a, b) -> bool:
    """Equal field by field; floats to 1e-9 (sums over differently chunked columns differ in the last bits)."""
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a) if f.compare)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return a == b


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    frame = bank_table()
    path = tmp_path_factory.mktemp("lazy") / "loans.parquet"
    frame.write_parquet(path, row_group_size=50_000)
    return frame, path


def test_a_parquet_file_opened_lazily_reads_nothing_but_its_footer(on_disk):
    frame, path = on_disk
    scanned = read_table(path, lazy=True)
    assert isinstance(scanned, ScannedTable)
    assert scanned.height == frame.height and scanned.columns == frame.columns
    assert read_table(path, lazy=None).__class__ is Table  # small enough to read whole
    assert read_table(path, lazy=True).fingerprint == scanned.fingerprint  # the file's identity is stable


def test_the_profile_on_disk_equals_the_profile_in_memory(on_disk, monkeypatch):
    frame, path = on_disk
    monkeypatch.setattr(reading, "BATCH_BYTES", 8 * ROWS * 3)  # about three numeric columns a batch
    lazy = certify(read_table(path, lazy=True), findings=())
    eager = certify(Table("loans", frame), findings=())
    assert not lazy.in_memory and eager.in_memory
    on_disk_profile = profile(lazy, target="default", time_column="opened")
    in_memory = profile(eager, target="default", time_column="opened")

    assert "frame" not in lazy.__dict__  # the whole table was never materialised
    assert len(reading.column_batches(lazy.schema, lazy.height, in_memory=False)) >= 3
    a, b = on_disk_profile.table, in_memory.table
    assert same(a.columns, b.columns)  # every statistic of every column, quantiles and top values included
    assert (a.rows, a.duplicate_rows, a.missing_patterns) == (b.rows, b.duplicate_rows, b.missing_patterns)
    assert a.duplicate_rows == 1_000
    assert a.column("income").special_codes[0].value == 9999
    assert same(on_disk_profile.correlations, in_memory.correlations)
    assert same(on_disk_profile.target, in_memory.target)
    assert same(on_disk_profile.stability, in_memory.stability)
    assert [x.code for x in on_disk_profile.alerts] == [x.code for x in in_memory.alerts]
    iv = {t.feature: t.iv for t in on_disk_profile.target.tables}
    assert iv["score"] > 0.3  # the score drives the default


def test_a_raw_file_on_disk_goes_through_the_gate_like_one_in_memory(tmp_path):
    rng = np.random.default_rng(1)
    phones = [f"010-{rng.integers(1000, 9999)}-{rng.integers(1000, 9999)}" for _ in range(20_000)]
    path = tmp_path / "raw.parquet"
    pl.DataFrame({"amount": rng.normal(size=20_000), "휴대폰": phones}).write_parquet(path)
    with pytest.raises(GateError) as err:
        auto_certify(read_table(path, lazy=True))
    assert "휴대폰" in str(err.value) and "workbench mask" in str(err.value)

    clean = tmp_path / "clean.parquet"
    pl.DataFrame({"amount": rng.normal(size=20_000)}).write_parquet(clean)
    masked = auto_certify(read_table(clean, lazy=True))
    assert not masked.in_memory and masked.height == 20_000


def test_the_cli_profiles_a_file_too_large_for_memory_from_disk(on_disk, workspace, monkeypatch):
    import json

    from click.testing import CliRunner

    from workbench.cli import cli
    from workbench.io import parquet as io_parquet
    from workbench.io import read as io_read

    frame, path = on_disk
    monkeypatch.setattr(io_read, "LAZY_BYTES", 0)  # every Parquet file counts as too large

    def never(*_a, **_k):
        raise AssertionError("the file was read whole")

    monkeypatch.setattr(io_parquet, "read_parquet", never)
    res = CliRunner().invoke(
        cli, ["--lang", "en", "profile", str(path), "--target", "default", "--json"], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    eager = profile(certify(Table("loans", frame), findings=()), target="default")
    assert out["rows"] == frame.height
    assert [c["distinct"] for c in out["columns"]] == [c.distinct for c in eager.table.columns]
    assert out["target"][0]["feature"] == "score"
