"""``workbench scan``, ``workbench mask`` and ``workbench audit verify``: the privacy gate from the shell.

The commands only read, call ``workbench.privacy`` and write; every masking decision is the library's.
Nothing printed or written here holds a raw value of a flagged column: examples are partially masked and
the report shows value formats (``######-#######``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workbench.commands._common import echo_json, write_frame


def _read(path: str, sheet: str | None):
    from workbench.commands._common import note_loaded
    from workbench.io import read_table

    table = read_table(path, sheet=sheet)
    note_loaded(table.source.notes)
    return table


@click.command()
@click.argument("path")
@click.option("--sheet", default=None, help="Excel sheet or database table.")
@click.option("--json", "as_json", is_flag=True, help='Print {"columns": [{name, pii_type, confidence, match_rate}]}.')
def scan(path: str, sheet: str | None, as_json: bool) -> None:
    """Find columns of PATH that hold personal data (Korean and generic identifiers)."""
    from workbench.i18n import t
    from workbench.privacy import scan as run_scan
    from workbench.privacy.display import reasons_text

    result = run_scan(_read(path, sheet))
    if as_json:
        echo_json(result.to_json())
        return
    if not result.findings:
        click.echo(t("privacy.cli.no_pii", table=result.table, rows=f"{result.rows:,}"))
    for f in result.findings:
        click.echo(
            t(
                "privacy.cli.finding",
                column=f.column,
                pii_type=f.pii_type,
                confidence=f"{f.confidence:.2f}",
                rate=f"{f.match_rate:.1%}",
                examples=", ".join(f.evidence),
            )
        )
        if why := reasons_text(result.column(f.column)):
            click.echo(t("privacy.cli.why", reasons=why))
    for q in result.quasi_identifiers:
        click.echo(t("privacy.cli.quasi", column=q.column, kind=q.kind))


@click.command()
@click.argument("path")
@click.option("--policy", "policy_path", default=None, help="Masking policy (YAML).")
@click.option("--auto", "auto", is_flag=True, help="Propose the policy from the scan.")
@click.option("-o", "--out", "out", required=True, help="Masked output file (.parquet or .csv).")
@click.option("--report", "report_path", default=None, help="Write the masking report (JSON) here.")
@click.option("--sheet", default=None, help="Excel sheet or database table.")
@click.option("--name", default=None, help="Dataset name in the workspace (default: the file's name).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def mask(
    path: str,
    policy_path: str | None,
    auto: bool,
    out: str,
    report_path: str | None,
    sheet: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Mask PATH by a policy, certify it, keep it in the workspace and write OUT."""
    from dataclasses import replace

    from workbench.i18n import t
    from workbench.privacy import Policy, PolicyError, mask_table, propose_policy, save_certified, save_policy
    from workbench.privacy import scan as run_scan
    from workbench.privacy.certified import record_export
    from workbench.privacy.gate import stamp_policy_version
    from workbench.privacy.keys import key_available
    from workbench.store import Store

    if bool(policy_path) == auto:
        raise PolicyError("privacy.mask.need_policy")
    table = _read(path, sheet)
    if name:
        table = replace(table, name=name)
    result = run_scan(table)
    if auto:
        policy = propose_policy(result, keyed=key_available())
    else:
        file = Path(policy_path or "")
        if not file.is_file():
            raise PolicyError("privacy.policy.not_found", path=str(file))
        policy = Policy.from_yaml(file.read_text(encoding="utf-8"))
    store = Store.open()
    outcome = mask_table(table, policy, scan_result=result)  # refuses before anything is saved
    policy = save_policy(store, policy, comment="auto" if auto else str(policy_path))
    masked = stamp_policy_version(outcome.masked, policy.version)
    report = replace(outcome.report, policy_version=policy.version)
    save_certified(store, masked, name=table.name, source=table.source, policy_name=policy.name, report=report)
    write_frame(masked.frame, Path(out))
    record_export(store, masked, str(Path(out).resolve()))
    payload = report.to_json()
    payload["output"] = str(Path(out))
    if report_path:
        Path(report_path).write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if as_json:
        echo_json(payload)
        return
    click.echo(
        t(
            "privacy.cli.masked",
            table=table.name,
            rows=f"{masked.height:,}",
            out=out,
            policy=policy.name,
            version=policy.version,
            columns=", ".join(policy.masked_columns) or "-",
        )
    )
    if report.k_anonymity:
        ka = report.k_anonymity
        click.echo(t("privacy.cli.kanon", k=ka.after.k, target=ka.after.target, suppressed=ka.rows_suppressed))


@click.group()
def audit() -> None:
    """The workspace audit log (append-only, hash-chained)."""


@audit.command()
def verify() -> None:
    """Recompute the keyed hash chain against its anchor and re-hash every certified dataset file: exit 0 when
    intact, 2 when an entry was edited, deleted or reordered or a certified file changed."""
    from workbench.i18n import t
    from workbench.store import Store

    store = Store.open()
    result = store.audit.verify()
    if not result.ok:
        click.echo(f"error: {t('privacy.audit.tampered', reason=result.message())}", err=True)
        sys.exit(2)
    problems = store.audit.verify_files()
    if problems:
        more = f" (+{len(problems) - 1})" if len(problems) > 1 else ""
        click.echo(f"error: {t('privacy.audit.tampered', reason=problems[0].message())}{more}", err=True)
        sys.exit(2)
    click.echo(t("privacy.audit.ok", entries=result.entries))


@audit.command(name="list")
@click.option("--limit", default=20, show_default=True, help="Newest entries to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def list_entries(limit: int, as_json: bool) -> None:
    """Show the newest audit entries (who, when, what; payloads hold no raw values)."""
    from workbench.store import Store

    entries = Store.open().audit.list(limit=limit)
    rows = [
        {"seq": e.seq, "at": str(e.at), "actor": e.actor, "action": e.action, "payload": e.payload} for e in entries
    ]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['seq']:>5}  {r['at']}  {r['actor']:<12} {r['action']}")
