"""One way to get a SparkSession, shared by every ``--engine spark`` command (features, profile).

Where it runs: ``master`` given, else ``WORKBENCH_SPARK_MASTER``, else ``local[*]`` (every core of this
machine). ``yarn``, ``k8s://…``, ``spark://host:port`` and ``local[N]`` go to the classic builder (a JVM on
this machine is the driver, so Java is needed); ``sc://host:port`` reaches a Spark Connect server, which
needs no Java here but the connect client's packages. Every failure to start is a ``SparkError``: one line
in the user's language that says what to install or fix, never a Java stack trace.

The session time zone is pinned to UTC: the feature SQL counts days between timestamps, and the polars
engine reads wall-clock times without a zone; any other zone would shift day boundaries between engines.
Spark's own console progress bar is off: callers report ``statusTracker()`` progress the CLI's way
(``job_progress``). Reuse ``spark_session`` for any command; stop the session with ``session.stop()`` or use
``running_session`` as a context manager.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.errors import UserError

ENV_MASTER = "WORKBENCH_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"
SPARK_VERSION = "3.5.3"  # the [spark] extra's pin; a connect client must match it
CONNECT_PACKAGES = f"pip install 'pyspark[connect]=={SPARK_VERSION}'"  # grpcio, grpcio-status, googleapis-common-protos

# local, local[4], local[*], local[4,2] (with retries), local-cluster[…]; yarn; spark://h:p[,h2:p2]; k8s://…
_MASTER = re.compile(
    r"^(local(\[(\d+|\*)(,\s*\d+)?\])?|local-cluster\[\d+,\s*\d+,\s*\d+\]|yarn|"
    r"spark://[\w.\-]+(:\d+)?(,[\w.\-]+(:\d+)?)*|k8s://\S+|mesos://\S+)$"
)
_CONNECT = re.compile(r"^sc://[\w.\-\[\]:]+(:\d+)?(/;?\S*)?$")

# Fixed for every session: results must not depend on where the driver runs.
BASE_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}


def local_conf(master: str) -> dict[str, str]:
    """Settings for a ``local[N]`` master, where the driver is the whole cluster: shuffle partitions twice the
    cores (Spark's 200 are meant for a cluster; on 2 cores every small aggregate paid for 200 tasks), adaptive
    execution on. A cluster master keeps the cluster's own settings."""
    if not master.startswith("local") or master.startswith("local-cluster"):
        return {}
    m = re.match(r"^local\[(\d+)", master)  # local[N] or local[N,retries]; local is one core, local[*] all
    cores = int(m.group(1)) if m else (os.cpu_count() or 1) if "*" in master else 1
    return {"spark.sql.shuffle.partitions": str(2 * cores), "spark.sql.adaptive.enabled": "true"}


class SparkError(UserError):
    """Spark cannot start or cannot be reached (no Java, a bad master URL, missing connect packages)."""


def resolve_master(master: str | None = None) -> str:
    """The master URL to use: the argument, else ``WORKBENCH_SPARK_MASTER``, else ``local[*]``; refused
    in one line when it is neither a Spark master nor a Spark Connect URL."""
    url = (master or os.environ.get(ENV_MASTER) or DEFAULT_MASTER).strip()
    if _MASTER.match(url) or _CONNECT.match(url):
        return url
    raise SparkError("spark.error.bad_master", master=url)


def is_connect(master: str) -> bool:
    return master.startswith("sc://")


def java_home() -> str | None:
    """Where the driver's JVM comes from: ``JAVA_HOME`` when it holds ``bin/java``, else ``java`` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return home
    found = shutil.which("java")
    return str(Path(found).resolve().parents[1]) if found else None


def _check_client(master: str) -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise SparkError("spark.error.no_pyspark", install="pip install 'workbench[spark]'") from e
    if is_connect(master):
        try:
            from pyspark.sql.connect.utils import check_dependencies

            check_dependencies("pyspark.sql.connect.session")
        except ImportError as e:
            raise SparkError("spark.error.connect_deps", detail=str(e).split(";")[0], install=CONNECT_PACKAGES) from e
    elif java_home() is None:
        raise SparkError("spark.error.no_java")


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "workbench",
    conf: Mapping[str, str] | None = None,
) -> Any:
    """A running SparkSession on ``master`` (see the module docstring), with ``BASE_CONF`` and ``conf``.

    Raises ``SparkError`` with one line for each way it fails to start; nothing of Spark's own log reaches
    the user's terminal beyond warnings."""
    url = resolve_master(master)
    _check_client(url)
    from pyspark.sql import SparkSession

    settings = {**BASE_CONF, **local_conf(url), **(conf or {})}
    try:
        if is_connect(url):
            builder = SparkSession.builder.remote(url)
            session = builder.getOrCreate()
            for k, v in settings.items():
                if not k.startswith("spark.ui.") and not k.startswith("spark.driver."):
                    session.conf.set(k, v)  # runtime settings only: the server's static ones are its own
            return session
        builder = SparkSession.builder.master(url).appName(app_name)
        for k, v in settings.items():
            builder = builder.config(k, v)
        session = builder.getOrCreate()
    except SparkError:
        raise
    except Exception as e:  # py4j / PySparkRuntimeError / grpc: one line, the first of Spark's message
        detail = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        raise SparkError("spark.error.start", master=url, detail=detail) from e
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def running_session(master: str | None = None, **kwargs: Any) -> Iterator[Any]:
    """``spark_session`` stopped on the way out (a CLI command must not leave a JVM), unless it was already
    running in this process before (a notebook's or a test's session): then it is used and left running."""
    existing = _active_session()
    session = spark_session(master, **kwargs)
    try:
        yield session
    finally:
        if session is not existing:
            session.stop()


def _active_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


@contextmanager
def job_progress(
    session: Any, report: Callable[[float, str], None], label: str, *, every: float = 0.5
) -> Iterator[None]:
    """While the body runs, ``report(done_tasks / all_tasks, label)`` every ``every`` seconds over the stages
    ``statusTracker()`` has shown so far (a thread that only reads counters; the fraction only grows). Spark
    Connect has no tracker: there the body runs without progress."""
    tracker = None if _is_connect_session(session) else session.sparkContext.statusTracker()
    if tracker is None:
        yield
        return
    stop = threading.Event()

    seen: dict[int, tuple[int, int]] = {}  # stage → (completed tasks, tasks): stages come and go
    shown = [0.0]

    def poll() -> None:
        while not stop.wait(every):
            for stage_id in tracker.getActiveStageIds():
                info = tracker.getStageInfo(stage_id)
                if info is not None:
                    seen[stage_id] = (info.numCompletedTasks, info.numTasks)
            total = sum(n for _, n in seen.values())
            fraction = sum(d for d, _ in seen.values()) / total if total else 0.0
            if fraction > shown[0]:  # a new stage adds tasks: never show less than before
                shown[0] = fraction
                report(fraction, label)

    thread = threading.Thread(target=poll, name="workbench-spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _is_connect_session(session: Any) -> bool:
    return type(session).__module__.startswith("pyspark.sql.connect")
