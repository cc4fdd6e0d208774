"""What several subcommands share: loading a path and passing it through the privacy gate."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

# load notes that change what the table holds: every command's JSON reports them as ``notices``
NOTICE_KEYS = ("io.note.rows_dropped", "io.note.skipped_lines")
_notices: contextvars.ContextVar[tuple[dict, ...]] = contextvars.ContextVar("workbench_notices", default=())


def start_notices() -> None:
    """A fresh command: no notices yet (the CLI group calls this before each command)."""
    _notices.set(())


def note_loaded(notes: Iterable[tuple[str, dict]]) -> None:
    """Keep the notes of a file just read that say rows were dropped or read specially (total rows, extra
    header rows, skipped lines), and print each as one ``notice:`` line on stderr for a reader of the text."""
    from workbench.io.errors import note_message

    found = tuple(
        {"code": key.removeprefix("io.note."), "message": note_message((key, params))}
        for key, params in notes
        if key in NOTICE_KEYS
    )
    for n in found:
        click.echo(f"notice: {n['message']}", err=True)
    _notices.set(_notices.get() + found)


def notices() -> list[dict]:
    return list(_notices.get())


def load_masked(path: str | Path, *, sheet: str | None = None, actor: str | None = None, lazy: bool | None = False):
    """Read ``path`` and return it certified.

    A raw file is scanned on the way: with no PII column it is certified automatically (and the audit log
    says so); with PII the gate refuses in one line that names the columns and points to ``workbench mask``.
    ``lazy=None``: a Parquet file too large for memory stays on disk (see ``read_table``).
    """
    from workbench.io import read_table
    from workbench.privacy import auto_certify

    table = read_table(path, sheet=sheet, lazy=lazy)
    note_loaded(table.source.notes)
    return auto_certify(table, actor=actor)


def load_tables(paths):
    """Each file passes the gate once, whatever the spec calls its table: the feature engine knows a table by
    the spec's name (the key of this mapping), never by the certified table's own name, so a spec may call
    ``account_x.parquet`` ``account`` and the label may share a file with a table."""
    certified: dict = {}
    out = {}
    for name, path in paths.items():
        where = str(path.resolve())
        if where not in certified:
            certified[where] = load_masked(path)
        out[name] = certified[where]
    return out


def timing_marks(dataset: str) -> dict:
    """A domain expert's current timing marks on ``dataset``'s columns, from the workspace store."""
    from workbench.store import Store

    with Store.open() as store:
        return store.timing.current(dataset)


def add_notice(code: str, message: str) -> None:
    """A notice of the command's own (a column left out because of its timing mark): JSON and stderr."""
    click.echo(f"notice: {message}", err=True)
    _notices.set((*_notices.get(), {"code": code, "message": message}))


def echo_json(payload: Any) -> None:
    """The contract's JSON on stdout: UTF-8 (Korean stays readable), no NaN; an object gets the command's
    ``notices`` (``[{code, message}]``, empty when nothing was dropped at load)."""
    if isinstance(payload, dict):
        payload = {**payload, "notices": notices()}
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


def engine_options(engine_help: str):
    """``--engine polars|spark`` and ``--master``, alike on every command that can run on Spark (only what the
    engine does there differs: ``engine_help``)."""

    def wrap(command):
        command = click.option(
            "--master",
            default=None,
            help="Spark master for --engine spark: local[*] (default), yarn, spark://host:port, k8s://…, or Spark "
            "Connect sc://host:port. Default from WORKBENCH_SPARK_MASTER.",
        )(command)
        return click.option(
            "--engine", type=click.Choice(["polars", "spark"]), default="polars", show_default=True, help=engine_help
        )(command)

    return wrap


def spark_progress():
    """Spark's job progress on stderr (``report(fraction, where)`` for ``spark.session.job_progress``): one
    line rewritten in place on a terminal, else one line per tenth."""
    import sys

    from workbench.i18n import t

    tty = sys.stderr.isatty()
    last = [-1]

    def show(fraction: float, where: str) -> None:
        tenth = int(fraction * 10)
        if not where or (not tty and tenth == last[0]):
            return
        last[0] = tenth
        line = t("features.spark.progress", percent=f"{fraction:.0%}", where=where)
        click.echo(("\r" + line) if tty else line, err=True, nl=not tty)

    return show


def left_out_lines(record: dict) -> list[str]:
    """One line per stored bin edit the scorecard did not apply (its bins are gone), in the reader's language."""
    from workbench.model.edits import LeftOut

    model = record.get("scorecard_model") or {}
    return ["! " + LeftOut.from_dict(e).message() for e in model.get("edits_left_out", ())]
