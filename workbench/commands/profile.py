"""``workbench profile PATH``: profile a file through the privacy gate; JSON, HTML and Excel outputs."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.commands._common import echo_json, engine_options, load_masked, timing_marks
from workbench.i18n import t


@click.command("profile")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", help="Target column: binary → WOE/IV, AUC, KS; numeric → correlation and MI.")
@click.option(
    "--time-col",
    "time_col",
    help="Date column (or a month as text, 2024-01): PSI of every feature by month against the first.",
)
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), help="Write an offline HTML report."
)
@click.option("--excel", "excel_out", type=click.Path(dir_okay=False, path_type=Path), help="Write an Excel workbook.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON on stdout.")
@engine_options("spark: aggregates computed on Apache Spark (a certified Parquet file); only counts come back.")
def profile(
    path: Path,
    target: str | None,
    time_col: str | None,
    html_out: Path | None,
    excel_out: Path | None,
    as_json: bool,
    engine: str,
    master: str | None,
) -> None:
    """Profile PATH: column statistics, alerts, correlations; WOE/IV with --target; PSI with --time-col.

    A Parquet file too large for memory (over 2 GB as data) is read from disk a few columns at a time.
    With --engine spark the file is certified here and its aggregates are computed on Spark.
    """
    from workbench.profile import profile as run_profile
    from workbench.report.json import profile_json

    if engine == "spark":
        table, result = _on_spark(path, target, time_col, master)
    else:
        table = load_masked(path, lazy=None)  # a Parquet file larger than memory is read in column batches
        result = run_profile(table, target=target, time_column=time_col, marks=timing_marks(table.name))
    if html_out is not None:
        from workbench.report import html_report

        html_out.write_text(html_report(result), encoding="utf-8")
    if excel_out is not None:
        from workbench.report import excel_report

        excel_out.write_bytes(excel_report(result))
    written = [out for out in (html_out, excel_out) if out is not None]
    if written:  # a report left the workbench: the audit log says which table, where, and who
        from workbench.privacy import record_export
        from workbench.store import Store

        store = Store.open()
        for out in written:
            record_export(store, table, str(out.resolve()))
    if as_json:
        echo_json(profile_json(result))
        return
    tp = result.table
    click.echo(
        t("profile.cli.summary", name=tp.name, rows=f"{tp.rows:,}", columns=tp.n_columns, alerts=len(result.alerts))
    )
    for a in result.alerts:
        click.echo(f"  [{t(f'profile.severity.{a.severity}')}] {a.message()}")
    if result.target is not None:
        click.echo(t("profile.cli.target", target=result.target.target, event=result.target.event))
        for tb in result.target.tables[:15]:
            band = t(f"profile.iv_band.{tb.band}")
            click.echo(f"  {tb.feature:<30} IV {tb.iv:7.4f}  AUC {tb.auc:.3f}  KS {tb.ks:.3f}  {band}")
        if result.target.approximate_edges:
            click.echo(t("profile.spark.approximate_edges", columns=", ".join(result.target.approximate_edges)))
    if result.stability is not None:
        click.echo(t("profile.cli.stability", column=result.stability.time_column))
        for f in result.stability.features[:15]:
            click.echo(f"  {f.feature:<30} PSI {f.max_psi:7.4f}  {t(f'profile.psi_band.{f.band}')}")
        if result.stability.approximate_edges:
            click.echo(t("profile.spark.approximate_edges", columns=", ".join(result.stability.approximate_edges)))
    for out in (html_out, excel_out):
        if out is not None:
            click.echo(t("profile.cli.wrote", path=str(out)))


def _on_spark(path: Path, target: str | None, time_col: str | None, master: str | None):
    """The file through the privacy gate here (the same ``load_masked`` as the polars engine), then its
    aggregates on Spark; each step and Spark's job progress on stderr."""
    from workbench.commands._common import spark_progress
    from workbench.errors import UserError
    from workbench.spark.profile import SparkProfileError, check_request, first_line, profile_on_spark
    from workbench.spark.session import running_session

    table = load_masked(path, lazy=True)  # a Parquet file stays on disk: Spark reads it
    if table.in_memory:
        raise SparkProfileError("profile.spark.parquet_only", path=path.name)
    check_request(table, path, target, time_col)  # before Spark starts: a wrong column costs no cluster time
    marks = timing_marks(table.name)
    show = spark_progress()
    where = {"step": ""}

    def on_step(name: str) -> None:  # in this thread, so in the reader's language
        where["step"] = t(f"profile.spark.step.{name}")
        click.echo(t("profile.spark.progress_step", step=where["step"]), err=True)

    with running_session(master, app_name="workbench-profile") as spark:
        try:
            result = profile_on_spark(
                spark,
                table,
                path,
                target=target,
                time_column=time_col,
                marks=marks,
                on_step=on_step,
                progress=lambda fraction, _step: show(fraction, where["step"]),
            )
        except UserError:
            raise
        except Exception as err:  # a JVM or cluster failure: one line, never a Java stack trace
            raise SparkProfileError("profile.spark.failed", reason=first_line(err)) from err
    return table, result
