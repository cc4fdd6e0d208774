"""What several subcommands share: loading a path and passing it through the privacy gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def load_masked(path: str | Path, *, sheet: str | None = None, actor: str | None = None, lazy: bool | None = False):
    """Read ``path`` and return it certified.

    A raw file is scanned on the way: with no PII column it is certified automatically (and the audit log
    says so); with PII the gate refuses in one line that names the columns and points to ``workbench mask``.
    ``lazy=None``: a Parquet file too large for memory stays on disk (see ``read_table``).
    """
    from workbench.io import read_table
    from workbench.privacy import auto_certify

    return auto_certify(read_table(path, sheet=sheet, lazy=lazy), actor=actor)


def echo_json(payload: Any) -> None:
    """The contract's JSON on stdout: UTF-8 (Korean stays readable), no NaN."""
    click.echo(json.dumps(payload, ensure_ascii=False, allow_nan=False, default=str, indent=2))


def write_frame(frame, out: Path) -> None:
    """Write ``frame`` to ``out`` (.csv/.tsv as text, anything else as Parquet) through a ``.part`` file, so a
    failed write never leaves half a file under the final name."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    suffix = out.suffix.lower()
    if suffix in (".csv", ".tsv"):
        frame.write_csv(tmp, separator="\t" if suffix == ".tsv" else ",")
    else:
        frame.write_parquet(tmp)
    tmp.replace(out)
