"""`make wheelhouse` gathers every wheel; `make setup` then installs from that folder alone, no registry."""

import os
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_setup_installs_from_the_wheelhouse_without_any_index(tmp_path):
    wheelhouse, venv = tmp_path / "wheelhouse", tmp_path / "venv"
    subprocess.run(
        ["make", "-s", "wheelhouse", f"WHEELHOUSE={wheelhouse}", f"VENV={venv}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    assert any(p.name.startswith("streamlit-") for p in wheelhouse.glob("*.whl"))

    # No index may be reached: pip's config is ignored and any index URL points at a closed port.
    offline = {
        **os.environ,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_FIND_LINKS": "",
        "PIP_EXTRA_INDEX_URL": "",
    }
    done = subprocess.run(
        ["make", "setup", f"WHEELHOUSE={wheelhouse}", f"VENV={venv}"],
        cwd=ROOT,
        env=offline,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"--no-index --find-links {wheelhouse}" in done.stdout  # make echoes the pip command it ran
    check = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import polars, streamlit, lightgbm, sklearn, plotly, sqlalchemy, workbench; print('ok')",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.stdout.strip() == "ok", check.stderr
    cli = subprocess.run([venv / "bin" / "workbench", "--help"], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert "app" in cli.stdout
