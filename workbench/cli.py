"""The ``workbench`` command: every stage scriptable, ``--json`` on stdout, errors as one line on stderr.

Subcommands live in ``workbench/commands/`` and are imported only when invoked, so ``workbench --help``
starts fast and a command's heavy imports (LightGBM, Streamlit) cost nothing to the others.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from workbench.errors import UserError
from workbench.i18n import LANGUAGES, set_language

# name -> "module:attribute"; a module not yet present is simply not listed.
COMMANDS: dict[str, str] = {
    "app": "workbench.commands.app:app",
    "sample": "workbench.commands.sample:sample",
    "inspect": "workbench.commands.inspect:inspect",
    "scan": "workbench.commands.privacy:scan",
    "mask": "workbench.commands.privacy:mask",
    "audit": "workbench.commands.privacy:audit",
    "profile": "workbench.commands.profile:profile",
    "features": "workbench.commands.features:features",
    "train": "workbench.commands.train:train",
    "score": "workbench.commands.score:score",
    "timing": "workbench.commands.timing:timing",
    "certify-table": "workbench.commands.certify_table:certify_table",
}


def _available(name: str) -> bool:
    return importlib.util.find_spec(COMMANDS[name].split(":")[0]) is not None


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [n for n in COMMANDS if _available(n)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _available(name):
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    envvar="WORKBENCH_LANG",
    help="Language of messages (ko default, en).",
)
def cli(lang: str | None) -> None:
    """Workbench: masked bank tables → privacy gate → profile → features → LightGBM baseline."""
    if lang:
        set_language(lang)  # kept until the process ends: main() renders a command's error in this language
    from workbench.commands._common import start_notices

    start_notices()


def fail(*messages: str) -> None:
    """Print the contract's one-line error (one line per problem) and exit 2."""
    for message in messages:
        click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(2)


def main() -> None:
    try:
        cli.main(standalone_mode=False, prog_name="workbench")
    except UserError as err:
        fail(*err.lines())
    except click.exceptions.Abort:
        fail("aborted")
    except click.ClickException as err:
        fail(err.format_message())
    except (OSError, MemoryError) as err:
        fail(f"{type(err).__name__}: {err.strerror if isinstance(err, OSError) and err.strerror else err}")
    except Exception as err:  # never a traceback; WORKBENCH_DEBUG=1 shows one for developers
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        fail(f"unexpected {type(err).__name__}; rerun with WORKBENCH_DEBUG=1 for details")
