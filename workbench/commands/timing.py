"""``workbench timing``: a domain expert marks when a column is known (at decision time, or only after).

The marks are stored in the workspace (who, when, audited); ``features`` and ``train`` leave columns marked
``after`` out and say so, and the profile's leakage alerts show the mark.
"""

from __future__ import annotations

import click

from workbench.commands._common import echo_json


def _record(m) -> dict:
    return {
        "dataset": m.dataset,
        "column": m.column,
        "mark": m.mark,
        "comment": m.comment,
        "actor": m.actor,
        "at": m.created_at.isoformat(timespec="seconds"),
    }


@click.group("timing")
def timing() -> None:
    """Mark columns known at decision time (before) or only after it (after)."""


@timing.command("mark")
@click.argument("dataset")
@click.argument("column")
@click.argument("mark", type=click.Choice(["before", "after"]))
@click.option("--comment", default="", help="Why: what the expert knows about when the value is written.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored mark as JSON.")
def mark(dataset: str, column: str, mark: str, comment: str, as_json: bool) -> None:
    """Mark COLUMN of DATASET (a table's name: the file name without its extension) as known BEFORE or AFTER."""
    from workbench.i18n import t
    from workbench.store import Store

    with Store.open() as store:
        m = store.timing.mark(dataset, column, mark, comment=comment)  # type: ignore[arg-type]
    if as_json:
        echo_json(_record(m))
        return
    click.echo(f"{dataset}.{column}: {t(f'signals.mark.{m.mark}')} ({m.actor}, {m.comment or '-'})")


@timing.command("list")
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="Print the current marks as JSON.")
def list_marks(dataset: str, as_json: bool) -> None:
    """Show the current timing mark of each marked column of DATASET."""
    from workbench.i18n import t
    from workbench.store import Store

    with Store.open() as store:
        marks = store.timing.current(dataset)
    if as_json:
        echo_json({"dataset": dataset, "marks": [_record(m) for m in marks.values()]})
        return
    for m in marks.values():
        click.echo(
            f"{m.column}: {t(f'signals.mark.{m.mark}')} ({m.actor}, {m.created_at:%Y-%m-%d}, {m.comment or '-'})"
        )
