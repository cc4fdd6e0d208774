"""``workbench certify-table DB.NAME [--master URL] [--json]``: the privacy gate for a metastore table.

The table stays on the cluster: the gate's scan reads a sample taken on Spark, and the certification (columns,
rows, a fingerprint computed on Spark) goes to the workspace's audit log, where ``features --engine spark``
looks for it (``workbench.spark.certify``). ``--json`` prints the recorded payload.
"""

from __future__ import annotations

import click

from workbench.commands._common import echo_json


@click.command("certify-table")
@click.argument("name")
@click.option("--master", default=None, help="Spark master (default WORKBENCH_SPARK_MASTER, else local[*]).")
@click.option("--json", "as_json", is_flag=True, help="Print the certification record as JSON.")
def certify_table(name: str, master: str | None, as_json: bool) -> None:
    """Scan a metastore table for personal data on Spark and record its certification."""
    from workbench.i18n import t
    from workbench.spark.certify import certify_table as certify
    from workbench.spark.session import running_session

    with running_session(master, app_name="workbench-certify") as session:
        payload = certify(session, name)
    if as_json:
        echo_json(payload)
    else:
        click.echo(
            t(
                "spark.certify.done",
                table=name,
                rows=payload["rows"],
                columns=len(payload["columns"]),
                sample=payload["sample_rows"],
                fingerprint=payload["fingerprint"][:12],
            )
        )
