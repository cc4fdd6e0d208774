"""Shared fixtures: a temporary workspace, the real Streamlit server for browser tests, a real PostgreSQL, one
local Spark session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts with no language chosen (so WORKBENCH_LANG, then Korean), whatever an earlier test set."""
    from workbench.i18n import clear_language

    clear_language()
    yield
    clear_language()


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """An empty workspace directory, set as WORKBENCH_HOME for the test."""
    home = tmp_path / "workspace"
    home.mkdir()
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.delenv("WORKBENCH_DB_URL", raising=False)
    return home


# --- the real app in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("app-workspace")


@contextmanager
def running_app(workspace: Path, log: Path, script: Path | str = "app.py") -> Iterator[str]:
    """``streamlit run app.py`` (or a test harness ``script``) through ``workbench.serve``, as ``workbench app``
    starts it, on a free loopback port with its own workspace; yields the URL once healthy."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (make system-deps)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "WORKBENCH_HOME": str(workspace),
        "WORKBENCH_PSEUDONYM_KEY": "test-key-" + "x" * 24,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WORKBENCH_DB_URL", None)
    # fmt: off
    cmd = [sys.executable, "-m", "workbench.serve", "run", str(script), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    # fmt: on
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with NO_PROXY.open(f"{url}/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not become healthy, see {log}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def seeded_sample(home: Path) -> Path:
    """``home`` with the shipped sample bank taken in through the privacy gate, as ``workbench app
    --with-sample`` leaves it (the store is found through WORKBENCH_HOME while it runs)."""
    from workbench.commands.app import seed_sample

    old = os.environ.get("WORKBENCH_HOME")
    os.environ["WORKBENCH_HOME"] = str(home)
    try:
        seed_sample(home)
    finally:
        if old is None:
            os.environ.pop("WORKBENCH_HOME", None)
        else:
            os.environ["WORKBENCH_HOME"] = old
    return home


@pytest.fixture(scope="session")
def base_url(tmp_path_factory, app_workspace) -> Iterator[str]:
    """Serve app.py for the test session; pytest-playwright hands this URL to every page.

    Tests on this shared server must not assume an empty workspace; a test that changes the workspace
    (loads data, saves decisions) uses ``own_app`` instead.
    """
    with running_app(app_workspace, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory) -> Iterator[str]:
    """A server on the shipped sample bank, taken in as ``workbench app --with-sample`` does, with a workspace
    of its own for this test module."""
    home = seeded_sample(tmp_path_factory.mktemp("sample-workspace"))
    with running_app(home, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[str]:
    """A server with a workspace of its own for this test module; navigate with absolute URLs."""
    home = tmp_path_factory.mktemp("own-workspace")
    with running_app(home, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Chromium itself calls Google hosts at start: resolve no names but loopback.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def wait_for_app(page, timeout: float = 30_000) -> None:
    """After page.goto(): wait until the first script run is done."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


# --- a real PostgreSQL server ---------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback (or WORKBENCH_TEST_PG_URL when given)."""
    if url := os.environ.get("WORKBENCH_TEST_PG_URL"):
        yield url
        return
    pg_bin = _pg_bin()
    if pg_bin is None:
        pytest.skip("no PostgreSQL server binaries (Debian package postgresql); make system-deps installs them")
    tmp = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    port = free_port()
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(tmp, "postgres")

    def run(cmd: str) -> None:
        full = ["su", "postgres", "-s", "/bin/sh", "-c", cmd] if as_root else ["sh", "-c", cmd]
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    try:
        run(f"{pg_bin}/initdb -D {tmp}/data -A trust -U postgres >/dev/null")
        run(
            f"{pg_bin}/pg_ctl -D {tmp}/data -l {tmp}/log -w start "
            f"-o '-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off'"
        )
    except (subprocess.SubprocessError, OSError) as e:
        pytest.skip(f"could not start PostgreSQL: {e}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        try:
            run(f"{pg_bin}/pg_ctl -D {tmp}/data -m fast stop")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# --- AppTest through the router ---------------------------------------------------------------------------


@pytest.fixture
def app_test(monkeypatch):
    """``app_test()`` → an AppTest of ``app.py`` that keeps going through the router on every run.

    AppTest re-derives "is this a v1 multipage app?" from the mere existence of ``pages/`` before each run and
    then runs the last page's file alone, skipping ``app.py`` (sidebar, language). The real server asks once
    and ``st.navigation`` answers it; this fixture gives AppTest the same answer.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return lambda: AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


SPARK_CONF = {
    "spark.sql.session.timeZone": "UTC",  # the engines compare days; any other zone shifts day boundaries
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "false",  # re-planning each stage costs more than it saves on a few rows
    "spark.sql.codegen.wholeStage": "false",  # compiling wide aggregations costs more than a few rows
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
}


@pytest.fixture(scope="session")
def _spark_jvm() -> Iterator[None]:
    """Stops the shared Spark session once, after the last Spark test module."""
    yield
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


@pytest.fixture(scope="module")
def spark(_spark_jvm):
    """One ``local[2]`` SparkSession for every Spark test module (each JVM start costs seconds on 2 cores): the
    running one when there is one, a new one when a module stopped it. Skips with the reason without Java or
    pyspark."""
    if shutil.which("java") is None:
        pytest.skip("Spark tests need Java (scripts/system-deps.sh installs openjdk-17-jre-headless)")
    sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (pip install -e '.[spark]')")
    builder = sql.SparkSession.builder.master("local[2]").appName("workbench-test")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in SPARK_CONF.items():  # a running session keeps its static settings; these are SQL ones
        if key.startswith("spark.sql."):
            session.conf.set(key, value)
    session.sparkContext.setLogLevel("ERROR")
    return session
