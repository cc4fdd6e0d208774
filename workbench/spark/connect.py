"""A SparkSession for a command: ``local[*]`` by default, ``--master URL`` or ``WORKBENCH_SPARK_MASTER`` for a
cluster, a Spark Connect ``sc://`` URL when given. Failing to start (no Java, a master that does not answer or
parse) is one line for the user, not a Java stack trace."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from workbench.errors import UserError

MASTER_ENV = "WORKBENCH_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"


class SparkStartError(UserError):
    """Spark could not be started or reached."""


def first_line(err: BaseException) -> str:
    """The first meaningful line of a Spark/JVM error, short enough for a one-line message."""
    text = " ".join(str(err).split("\n")[:1]).strip() or type(err).__name__
    return text[:200]


@contextmanager
def spark_session(master: str | None = None) -> Iterator[object]:
    """A session on ``master`` (see the module docstring), stopped when the block ends; the active session
    when there is one (spark-submit, a notebook), which is left to whoever started it."""
    master = master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise SparkStartError("spark.error.not_installed") from err
    if not master.startswith("sc://") and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkStartError("spark.error.no_java")
    active = SparkSession.getActiveSession()
    if active is not None:  # inside spark-submit or a notebook: its session, left running for its owner
        yield active
        return
    try:
        if master.startswith("sc://"):
            session = SparkSession.builder.remote(master).getOrCreate()
        else:
            session = (
                SparkSession.builder.master(master)
                .appName("workbench")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
    except Exception as err:
        raise SparkStartError("spark.error.session", master=master, reason=first_line(err)) from err
    try:
        yield session
    finally:
        session.stop()
