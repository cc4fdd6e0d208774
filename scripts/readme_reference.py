"""Regenerates the README's reference blocks (CLI options, alert codes) from the code itself.

``python scripts/readme_reference.py`` rewrites README.md in place; ``tests/test_docs.py`` fails when the
README differs from what this produces, so the documentation cannot drift from the commands.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.cli import cli  # noqa: E402
from workbench.i18n import t  # noqa: E402


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    ctx = click.Context(group)
    out: list[tuple[str, click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            out.extend(_commands(command, path))
        else:
            out.append((path, command))
    return out


def _option_row(param: click.Parameter) -> str:
    names = " / ".join([*param.opts, *param.secondary_opts])
    if isinstance(param, click.Option) and not param.is_flag and param.metavar is None:
        names += f" {param.make_metavar(click.Context(click.Command('x'))).upper()}"
    help_text = " ".join((getattr(param, "help", None) or "").split()).replace("|", "\\|")
    return f"| `{names}` | {help_text} |"


def cli_reference() -> str:
    lines: list[str] = [
        "Options of `workbench` itself, before the command:",
        "",
        "| option | meaning |",
        "|---|---|",
        *(_option_row(p) for p in cli.params if isinstance(p, click.Option)),
        "",
    ]
    for path, command in _commands(cli, "workbench"):
        args = " ".join(p.human_readable_name.upper() for p in command.params if isinstance(p, click.Argument))
        summary = " ".join((command.help or "").split("\n\n")[0].split())
        lines += [f"#### `{path}{' ' + args if args else ''}`", "", summary, ""]
        options = [p for p in command.params if isinstance(p, click.Option)]
        if options:
            lines += ["| option | meaning |", "|---|---|", *(_option_row(p) for p in options), ""]
    return "\n".join(lines).rstrip() + "\n"


def alert_reference() -> str:
    from workbench.profile.alerts import ALERT_CODES, alert_rules

    rules = alert_rules()
    rows = [
        f"| `{code}` | {t(f'profile.alert_title.{code}', 'ko')} | {t(f'profile.alert_title.{code}', 'en')} "
        f"| {rules[code][0]} | {rules[code][1]} |"
        for code in ALERT_CODES
    ]
    head = ["| code | 한국어 | English | severity | raised when |", "|---|---|---|---|---|"]
    return "\n".join([*head, *rows]) + "\n"


BLOCKS = {"cli-reference": cli_reference, "alert-codes": alert_reference}


def render(readme: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(readme):
            raise SystemExit(f"README.md has no <!-- {name}:start --> … <!-- {name}:end --> block")
        readme = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), readme)
    return readme


if __name__ == "__main__":
    path = ROOT / "README.md"
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
