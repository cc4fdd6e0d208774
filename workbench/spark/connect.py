"""A SparkSession for a command: ``local[*]`` by default, ``--master URL`` or ``WORKBENCH_SPARK_MASTER`` for a
cluster, a Spark Connect ``sc://`` URL when given. Failing to start (no Java, a master that does not answer or
parse) is one line for the user, not a Java stack trace."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from workbench.errors import UserError

MASTER_ENV = "WORKBENCH_SPARK_MASTER"
# the master URLs Spark accepts; anything else is refused before a JVM starts (it would print a Java trace)
MASTER_FORMS = re.compile(r"^(local(\[(\*|\d+)(,\d+)?\])?|yarn|(spark|mesos|k8s|sc)://\S+)$")
DEFAULT_MASTER = "local[*]"


class SparkStartError(UserError):
    """Spark could not be started or reached."""


def first_line(err: BaseException) -> str:
    """The first meaningful line of a Spark/JVM error, short enough for a one-line message."""
    java = getattr(err, "java_exception", None)  # py4j: the JVM's exception says what went wrong
    text = str(java.toString()) if java is not None else str(err)
    return (text.strip().split("\n")[0].strip() or type(err).__name__)[:200]


@contextmanager
def spark_session(master: str | None = None) -> Iterator[object]:
    """A session on ``master`` (see the module docstring), stopped when the block ends; the active session
    when there is one (spark-submit, a notebook), which is left to whoever started it."""
    master = master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER
    if not MASTER_FORMS.match(master):
        raise SparkStartError("spark.error.bad_master", master=master)
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
