"""``workbench sample``: write the synthetic bank (any size) and, with ``--raw``, its CP949 raw export."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from workbench.commands._common import echo_json
from workbench.errors import UserError
from workbench.i18n import t


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{size} B"
        size /= 1024
    return f"{size} B"


def _progress_printer():
    """One line on stderr per block, rewritten in place on a terminal; about ten lines otherwise."""
    tty = sys.stderr.isatty()
    last_decile = -1

    def show(done: int, total: int, rows: int) -> None:
        nonlocal last_decile
        decile = done * 10 // total
        if not tty and decile == last_decile and done != total:
            return
        last_decile = decile
        line = t("sample.progress", done=f"{done:,}", total=f"{total:,}", rows=f"{rows:,}")
        click.echo(("\r" + line) if tty else line, err=True, nl=not tty or done == total)

    return show


@click.command(help="Write a reproducible synthetic bank (customers, accounts, transactions, loans) as parquet.")
@click.option("--customers", type=int, default=5000, show_default=True, help="Number of customers.")
@click.option(
    "--out",
    "out",
    type=click.Path(),
    default="sample_data",
    show_default=True,
    help="Output folder.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed: same seed, same files.")
@click.option("--raw", is_flag=True, help="Also write raw/customers_raw_cp949.csv with fake personal data.")
@click.option("--json", "as_json", is_flag=True, help="Print the written files as JSON.")
def sample(customers: int, out: str, seed: int, raw: bool, as_json: bool) -> None:
    from workbench.sample import RAW_FILE, generate_raw, write_raw, write_sample

    if customers < 1:
        raise UserError("sample.error.customers", value=customers)
    if seed < 0:
        raise UserError("sample.error.seed", value=seed)
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError("sample.error.out_not_dir", path=str(out_dir))
    started = time.perf_counter()
    paths = write_sample(out_dir, customers=customers, seed=seed, progress=_progress_printer())
    if raw:
        paths["raw"] = write_raw(generate_raw(customers, seed), out_dir / RAW_FILE)
    seconds = time.perf_counter() - started

    import polars as pl

    files = []
    for name, path in paths.items():
        rows = pl.scan_parquet(path).select(pl.len()).collect().item() if path.suffix == ".parquet" else customers
        files.append({"table": name, "path": str(path), "rows": rows, "bytes": path.stat().st_size})
    if as_json:
        echo_json({"out": str(out_dir), "seed": seed, "customers": customers, "seconds": round(seconds, 2),
                   "files": files})  # fmt: skip
        return
    for f in files:
        click.echo(t("sample.written", path=f["path"], rows=f"{f['rows']:,}", size=_human(f["bytes"])))
    click.echo(t("sample.done", out=str(out_dir), seconds=f"{seconds:.1f}", seed=seed))
