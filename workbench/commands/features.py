"""``workbench features --spec SPEC.yaml -o OUT [--json]``: candidate features for every label row.

Every table named in the spec passes the privacy gate on the way in (``load_masked``). The spec's shape is
documented in ``workbench/features/project.py`` (and the README). ``--json`` prints ``{"rows", "features":
[{"name", "description_ko", "description_en", "iv", "auc", "ks", "psi", "missing", "selected", "reason",
"leakage_suspect", "spec"}], "selected", "output"}``.
"""

from __future__ import annotations

import click

from workbench.commands._common import add_notice, echo_json, engine_options, load_tables, timing_marks


@click.command()
@click.option(
    "--spec",
    "spec_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Feature spec (YAML): tables, keys, label with cutoff, windows, aggregations.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Feature table to write: .parquet or .csv (one row per label row).",
)
@click.option(
    "--selected-only",
    is_flag=True,
    help="Write only the automatically selected features, with the label key, id, cutoff and target.",
)
@click.option("--sql", "sql_path", type=click.Path(dir_okay=False), help="Also write SQL that rebuilds them.")
@click.option(
    "--dialect",
    # features.sql.DIALECTS spelled out: importing it would load polars at every start (a test keeps them equal)
    type=click.Choice(["ansi", "duckdb", "postgres", "sqlite", "spark"]),
    default="ansi",
    show_default=True,
    help="SQL dialect for --sql (date arithmetic differs).",
)
@click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(dir_okay=False),
    help="Also write the feature catalog as Excel (.xlsx).",
)
@click.option(
    "--polars",
    "polars_path",
    type=click.Path(dir_okay=False),
    help="Also write standalone polars code that rebuilds them (.py).",
)
@click.option(
    "--batches",
    type=click.IntRange(min=1),
    default=None,
    help="Customer batches to generate in turn (default: one per ~5M events; more batches, less memory).",
)
@engine_options("Where the values are computed: polars on this machine, or Apache Spark (local or the bank's cluster).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: rows, features with scores, output.")
def features(
    spec_path: str,
    output: str,
    selected_only: bool,
    sql_path: str | None,
    dialect: str,
    catalog_path: str | None,
    polars_path: str | None,
    batches: int | None,
    engine: str,
    master: str | None,
    as_json: bool,
) -> None:
    """Generate, score and select candidate features described by SPEC (YAML)."""
    from pathlib import Path

    from workbench.features.codegen import to_polars_code
    from workbench.features.export import label_columns, modelling_columns, write_catalog_excel, write_feature_table
    from workbench.features.pipeline import build_features
    from workbench.features.project import FeatureProject
    from workbench.features.rebuild import build_of
    from workbench.features.relations import FeatureSpecError
    from workbench.features.sql import to_sql
    from workbench.i18n import t

    project = FeatureProject.from_yaml(spec_path)
    spark = None
    if engine == "spark":
        from workbench.spark.features import SparkFeatureEngine
        from workbench.spark.inputs import spark_inputs
        from workbench.spark.session import running_session

        with running_session(master, app_name="workbench-features") as session:
            tables, views = spark_inputs(session, project)
            marks = {name: timing_marks(table.name) for name, table in tables.items()}
            spark = SparkFeatureEngine(session, views)
            run = build_features(project, tables, known_after=_known_after(marks), engine=spark, progress=_progress())
    else:
        for name, table in project.metastore_tables().items():
            raise FeatureSpecError("features.error.metastore_needs_spark", table=name, source=table)
        tables = load_tables(project.paths())
        marks = {name: timing_marks(table.name) for name, table in tables.items()}
        run = build_features(project, tables, batches=batches, known_after=_known_after(marks))
    for gone in run.left_out:  # said on stderr and in the JSON's notices
        m = marks[gone.table][gone.column]
        add_notice(
            "known_after",
            t("features.cli.known_after", column=gone.column, table=gone.table, n=len(gone.features),
              who=m.actor, comment=m.comment or "-"),
        )  # fmt: skip
    names = run.selected if selected_only and run.recommendations else None
    chosen = [s for s in run.specs if names is None or s.name in names]
    out = write_feature_table(run.features, output, names, build=build_of(project, chosen))
    if sql_path:  # the same columns as the table written
        carried = label_columns(run.features) if names is None else modelling_columns(run.features)
        Path(sql_path).write_text(to_sql(project.relations, chosen, carried, dialect=dialect), encoding="utf-8")
    if polars_path:
        Path(polars_path).write_text(to_polars_code(project.relations, chosen), encoding="utf-8")
    if catalog_path:
        write_catalog_excel(run, catalog_path)
    if as_json:
        echo_json(run.summary(str(out)) | ({"spark": spark.to_dict()} if spark else {}))
    else:
        click.echo(
            t(
                "features.cli.done",
                rows=run.features.rows,
                features=len(run.specs),
                selected=len(run.selected),
                output=str(out),
            )
        )
        coding = run.target
        if coding and coding.event is not None:
            click.echo(t("features.cli.event", column=coding.column, event=coding.event, non_event=coding.non_event))


def _progress():
    from workbench.commands._common import spark_progress

    return spark_progress()


def _known_after(marks):
    from workbench.signals.timing import known_after

    return {name: known_after(by_column.values()) for name, by_column in marks.items()}
