"""Engine set-up and the column types both engines share.

SQLite: WAL journal (readers never block the writer), ``synchronous=FULL`` (a committed save survives a
crash), foreign keys on, a 30 s busy timeout, and explicit transactions: reads ``BEGIN``, writes
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way with "database is locked".
PostgreSQL: psycopg 3; writes that must be serialised take a transaction-scoped advisory lock.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from workbench.store.errors import StoreError

BUSY_TIMEOUT_MS = 30_000
_WRITE = "workbench_write"
_AFTER_COMMIT = "workbench_after_commit"


# --- URLs ---------------------------------------------------------------------------------------------


def normalise_url(url: str) -> str:
    """Accept the URLs people paste: ``postgresql://`` and ``postgres://`` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-zA-Z][\w+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)@")
_KEY_SECRET = re.compile(
    r"(?P<pre>(?:^|[?&;,\s])(?:password|passwd|pwd|secret|token|sslpassword)\s*=\s*)[^&;,\s]*", re.I
)


def redact(location: str) -> str:
    """``location`` with any password removed: URL userinfo (``user:pw@``) and ``password=``-style
    parameters in query strings and ODBC/libpq connection strings."""
    out = _URL_PASSWORD.sub(lambda m: m["pre"] + "***@", location)
    return _KEY_SECRET.sub(lambda m: m["pre"] + "***", out)


def display_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# --- values --------------------------------------------------------------------------------------------


def current_actor(actor: str | None = None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _plain(value: Any) -> Any:
    """JSON-safe copy: NaN/inf → None (PostgreSQL and the JSON spec reject them), tuples → lists,
    dates → ISO strings, sets → sorted lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _plain(value.item())
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same value always gives the same string (and hash)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guard_secrets(field: str, *values: Any) -> None:
    """Refuse to store the pseudonymisation key: the store must never hold a secret.

    The key is looked up in the environment at save time; values shorter than 8 characters are not
    checked (too likely to match by accident).
    """
    key = os.environ.get("WORKBENCH_PSEUDONYM_KEY", "")
    if len(key) < 8:
        return
    for value in values:
        text = value if isinstance(value, str) else canonical_json(value)
        if key in text:
            raise StoreError("store.secret_in_record", field=field)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC on the way out on both engines (SQLite has no time zones; naive input = UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONText(sa.TypeDecorator[Any]):
    """JSON stored as canonical text: identical bytes on SQLite and PostgreSQL, NaN stored as null."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else canonical_json(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value)


# --- engines and transactions ---------------------------------------------------------------------------


def create(url: str | URL) -> Engine:
    """An engine for ``url`` (a string, or a ``URL`` object when a path could contain ``?`` or ``#``)."""
    parsed = make_url(normalise_url(url)) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        try:
            return sa.create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as e:  # psycopg is an optional extra
            raise StoreError("store.driver_missing", driver=e.name or "psycopg", extra="workbench[postgres]") from None
    raise StoreError("store.unsupported_url", url=parsed.render_as_string(hide_password=True))


def _enable_wal(cur: Any) -> None:
    """Switch a new database file to WAL. The switch needs the file to itself and SQLite answers "database is
    locked" at once, without the busy handler, while another process is creating the same workspace; so wait
    here, within the busy timeout, instead of failing the open."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own handling is lazy)
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            _enable_wal(cur)
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction that sees one consistent snapshot across its statements (SQLite WAL gives that
    by itself; PostgreSQL needs REPEATABLE READ, or ``audit.verify`` could see a head newer than its rows)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextmanager
def writing(engine: Engine, *locks: str) -> Iterator[Connection]:
    """A write transaction, committed on success, rolled back on any exception.

    ``locks`` name what must be serialised (``"audit"``, ``"policy:<name>"``): on PostgreSQL each takes a
    transaction-scoped advisory lock; SQLite's ``BEGIN IMMEDIATE`` already serialises every writer.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE: True})
        conn.info.pop(_AFTER_COMMIT, None)
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    for name in sorted(set(locks)):  # sorted: two writers never wait on each other in a cycle
                        conn.execute(_PG_LOCK, {"name": name})
                yield conn
        except BaseException:
            conn.info.pop(_AFTER_COMMIT, None)
            raise
        for action in conn.info.pop(_AFTER_COMMIT, []):
            action()


def after_commit(conn: Connection, action: Callable[[], object]) -> None:
    """Run ``action`` once the ``writing`` transaction ``conn`` belongs to has committed (never on rollback):
    what must only record what the database really holds, such as the audit anchor."""
    conn.info.setdefault(_AFTER_COMMIT, []).append(action)


# A 64-bit key per workspace schema and lock name, so two workspaces in one database don't queue on each other
# and other applications' advisory locks don't collide with ours.
_PG_LOCK = sa.text(
    "SELECT pg_advisory_xact_lock(hashtextextended('workbench.store:' || current_schema() || ':' || :name, 0))"
)
