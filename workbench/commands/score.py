"""``workbench score RUN PATH -o OUT [--json]``: a stored run scores new certified data (score, grade, reasons).

PATH goes through the privacy gate like every stage (``load_masked``: scanned, certified automatically when it
holds no personal data, refused otherwise). OUT keeps every input column and adds the score, the grade and
three reasons in Korean and English; writing it is audited as an export. With ``--outcome`` (once loans have
matured) the bad rate per grade, per vintage with ``--vintage``; with ``--challenger`` a second run side by side.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.commands._common import echo_json, left_out_lines, load_masked, load_tables, write_frame


@click.command("score")
@click.argument("run_id", metavar="RUN")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Scored output (.parquet, .csv or .tsv): every input column plus score, grade and reasons.",
)  # fmt: skip
@click.option(
    "--model", type=click.Choice(["scorecard", "lightgbm"]), default=None,
    help="Which of the run's models scores (default: the scorecard when the run has one).",
)  # fmt: skip
@click.option(
    "--spec", "spec_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
    help="PATH is a label table: take the related tables from this spec (default: the run's own spec).",
)  # fmt: skip
@click.option(
    "--tables", "table_args", multiple=True, metavar="NAME=PATH",
    help="PATH is a label table: read the spec's table NAME from PATH (repeatable; overrides the spec).",
)  # fmt: skip
@click.option("--outcome", default=None, help="Outcome column, once known: bad rate by grade (monitoring).")
@click.option("--vintage", default=None, help="Application date column: bad rate by grade per month (with --outcome).")
@click.option("--challenger", default=None, help="A second run scored on the same rows, side by side.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def score(
    run_id: str,
    path: Path,
    out: Path,
    model: str | None,
    outcome: str | None,
    vintage: str | None,
    challenger: str | None,
    spec_path: Path | None,
    table_args: tuple[str, ...],
    as_json: bool,
) -> None:
    """Score PATH with the stored run RUN and write OUT; report drift beyond PSI 0.25 by characteristic.

    PATH may be the new month's label table itself (applications with their cutoff): when it lacks the
    model's features and the run was trained on a table built by ``workbench features`` (or the Features
    page), they are rebuilt from the related tables the spec names, exactly as in training."""
    from workbench.i18n import t
    from workbench.model.runs import record_from_run
    from workbench.model.scoring import ScoringError, challenge, challenge_record, score_record, score_stored
    from workbench.privacy.certified import record_export
    from workbench.store import Store

    store = Store.open()
    table = load_masked(path)
    for col in (outcome, vintage):
        if col and col not in table.columns:
            raise ScoringError("scorecard.score.missing_columns", columns=col, n=1)
    record = record_from_run(store.runs.get(run_id))
    tables = _related_tables(record, table, model, spec_path, table_args)
    result = score_stored(store, run_id, table, model=model, tables=tables)
    write_frame(result.frame, out)
    record_export(store, table, str(out.resolve()))
    payload = score_record(result, record, outcome=outcome, vintage=vintage)
    payload["output"] = str(out)
    payload["edits_left_out"] = list((record.get("scorecard_model") or {}).get("edits_left_out", ()))
    if challenger:
        other = score_stored(store, challenger, table, tables=tables)
        payload["challenger"] = challenge_record(challenge(result, other, record, outcome), other.model)
    if as_json:
        echo_json(payload)
        return
    click.echo(t("scorecard.score.done", rows=f"{result.frame.height:,}", model=result.model, run=run_id, out=out))
    for d in result.alerts:
        click.echo("! " + t("scorecard.score.drift", name=d.name, psi=f"{d.psi:.3f}"))
    if result.model == "scorecard":
        for line in left_out_lines(record):
            click.echo(line)


def _related_tables(record, table, model, spec_path, table_args):
    """The spec's other tables, certified, when PATH is a label table the run must build features for."""
    from workbench.model.scoring import feature_build, needs_rebuild

    if not needs_rebuild(record, table.columns, model):
        return None
    overrides = {}
    for arg in table_args:
        name, sep, where = arg.partition("=")
        if not sep or not name.strip() or not where.strip():
            raise click.BadParameter(f"{arg!r}: write NAME=PATH", param_hint="--tables")
        overrides[name.strip()] = where.strip()
    build = feature_build(record)
    paths = build.paths(spec_path, overrides)
    paths.pop(build.label, None)  # PATH is the label table
    return load_tables(paths)
