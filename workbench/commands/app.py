"""``workbench app``: launch the Streamlit app (offline settings from .streamlit/config.toml)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]


@click.command()
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace directory (default: $WORKBENCH_HOME or ./workspace).",
)
@click.option("--port", type=int, default=8501, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--with-sample", is_flag=True, help="Put the sample bank in an empty workspace first (certified, audited)."
)
def app(workspace: Path | None, port: int, with_sample: bool) -> None:
    """Launch the app in the browser at http://127.0.0.1:PORT (nothing is fetched from the internet)."""
    env = dict(os.environ)
    if workspace is not None:
        env["WORKBENCH_HOME"] = str(workspace.resolve())
    home = Path(env.get("WORKBENCH_HOME", "workspace")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    env["WORKBENCH_HOME"] = str(home)
    if with_sample:
        os.environ["WORKBENCH_HOME"] = str(home)
        seed_sample(home)
    click.echo(f"Workbench: http://127.0.0.1:{port}  (workspace {home})", err=True)
    cmd = [
        sys.executable,
        "-m",
        "workbench.serve",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    # the server takes this process's place, so a stop signal (Ctrl-C, a supervisor's SIGTERM) reaches the
    # server itself instead of leaving it running, orphaned, on the port
    os.chdir(ROOT)
    os.execve(sys.executable, cmd, env)


def seed_sample(home: Path) -> None:
    """Take the shipped sample bank in through the privacy gate, once, into an empty workspace."""
    from workbench.intake import take_in_sample
    from workbench.store import Store

    with Store.open(home=home) as store:
        if store.datasets.list():
            return
        for result in take_in_sample(store):
            state = "certified" if result.certified else "held: personal data found"
            click.echo(f"  sample {result.name}: {result.rows:,} rows, {state}", err=True)
