"""``workbench inspect PATH [--sheet S] [--json]``: what a file holds, before loading it."""

from __future__ import annotations

import click

from workbench.commands._common import echo_json, note_loaded


def _cells(text: str) -> int:
    """Terminal width: Hangul and other wide characters take two cells."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _cells(text), 0)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} B"


@click.command()
@click.argument("path")
@click.option("--sheet", default=None, help="Excel sheet (name or 0-based position) or database table.")
@click.option("--skip-bad-lines", is_flag=True, help="Leave out lines whose field count differs from the header's.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: format, encoding, delimiter, rows, columns.")
def inspect(path: str, sheet: str | None, skip_bad_lines: bool, as_json: bool) -> None:
    """Describe PATH (CSV/TSV, Excel, Parquet, SQLite or SQL URI): encoding, delimiter, rows, types."""
    from workbench.i18n import t
    from workbench.io import inspect_path
    from workbench.io.errors import note_message

    chosen: str | int | None = sheet
    if sheet is not None and sheet.isdigit():
        chosen = sheet if _has_sheet_named(path, sheet) else int(sheet)
    result = inspect_path(path, sheet=chosen, skip_bad_lines=skip_bad_lines)
    if as_json:
        note_loaded(result.notes)
        payload = result.to_dict()
        payload["notes"] = [{**n, "message": note_message((n["key"], n["params"]))} for n in payload["notes"]]
        echo_json(payload)
        return
    delimiter = {"\t": "TAB", " ": "SPACE"}.get(result.delimiter or "", result.delimiter)
    lines = [
        (t("io.inspect.format"), result.format),
        (t("io.inspect.encoding"), result.encoding),
        (t("io.inspect.delimiter"), delimiter),
        (t("io.inspect.sheet"), result.sheet),
        (t("io.inspect.rows"), f"{result.rows:,}"),
        (t("io.inspect.memory"), _size(result.memory_bytes)),
    ]
    click.echo(result.path)
    for label, value in lines:
        if value:
            click.echo(f"  {label}: {value}")
    if result.large:
        click.echo(f"  ! {t('io.inspect.large')}")
    width = max([_cells(c.name) for c in result.columns] + [_cells(t("io.inspect.column"))])
    click.echo("")
    click.echo(f"  {_pad(t('io.inspect.column'), width)}  {t('io.inspect.dtype')}")
    for c in result.columns:
        click.echo(f"  {_pad(c.name, width)}  {c.dtype}")
    if result.notes:
        click.echo("")
        click.echo(f"  {t('io.inspect.notes')}:")
        for note in result.notes:
            click.echo(f"  - {note_message(note)}")


def _has_sheet_named(path: str, sheet: str) -> bool:
    """``--sheet 2`` means the sheet called "2" when there is one, else the third sheet."""
    from pathlib import Path

    from workbench.io import sheet_names
    from workbench.io.excel import EXTENSIONS

    if Path(path).suffix.lower() not in EXTENSIONS or not Path(path).is_file():
        return True
    return sheet in sheet_names(path)
