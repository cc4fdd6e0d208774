"""A table or a query from a database given by SQLAlchemy URI.

Examples of URIs::

    sqlite:///data/bank.db                                   # a file (must exist; never created here)
    postgresql+psycopg://analyst:secret@db.bank.local:5432/dw  # needs ``pip install 'workbench[postgres]'``

PostgreSQL: name a table as ``schema.table`` (``dw.transactions``) or pass ``query="select … from …"``; the
read runs in one transaction with the server's types (``numeric`` → float, ``timestamp`` → datetime), and text
columns get the same whole-column inference as CSV (SQLite keeps dates as text). The password never leaves
this module: ``SourceInfo.location`` holds the URI with the password replaced by ``***``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import polars as pl

from workbench.io.errors import LoadError, human_list
from workbench.io.infer import apply_overrides, cast_frame, guess_notes, guess_types
from workbench.io.limits import MAX_SQL_ROWS
from workbench.io.names import unique_names
from workbench.io.readonly_sql import check_select
from workbench.io.table import SourceInfo, Table


def redact(uri: str) -> str:
    """The URI with its password as ``***`` (and unparsable URIs cut to their scheme)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(uri).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return uri.split("://", 1)[0] + "://…" if "://" in uri else "…"


def _engine(uri: str):
    """A read-only engine: SQLite opened with ``mode=ro`` (never created), PostgreSQL with read-only
    transactions by default; the workspace's own store is refused."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from workbench.io.roots import is_own_store

    try:
        url = make_url(uri)
    except (ArgumentError, ValueError) as err:
        raise LoadError("io.error.bad_uri", uri=redact(uri)) from err
    if is_own_store(url):
        raise LoadError("io.error.own_store")
    try:
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            db = Path(url.database).expanduser().resolve()
            if not db.is_file():  # SQLite would silently create an empty database
                raise LoadError("io.error.not_found", path=str(url.database))
            return create_engine("sqlite://", creator=lambda: _sqlite_read_only(db))
        if url.get_backend_name() == "postgresql":
            return create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
        return create_engine(url)
    except NoSuchModuleError as err:
        raise LoadError("io.error.sql_driver", uri=redact(uri), backend=url.get_backend_name()) from err
    except (ArgumentError, ImportError) as err:
        raise LoadError("io.error.bad_uri", uri=redact(uri)) from err


def _sqlite_read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(db))}?mode=ro", uri=True, check_same_thread=False)


# What a read may do in SQLite: read tables and columns, call (pure) functions, recurse in a CTE.
_SQLITE_READS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)


def _reads_only(action: int, *_args) -> int:
    return sqlite3.SQLITE_OK if action in _SQLITE_READS else sqlite3.SQLITE_DENY


def _read_only(conn) -> None:
    """Make the coming statements read-only on the connection itself, whatever the query says."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    elif conn.dialect.name == "sqlite":
        conn.connection.driver_connection.set_authorizer(_reads_only)


def _reason(err: Exception) -> str:
    orig = getattr(err, "orig", None) or err
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


def list_tables(uri: str) -> list[str]:
    """Tables and views in the default schema (what a table picker lists)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(uri)
    try:
        insp = inspect(engine)
        return sorted(insp.get_table_names()) + sorted(insp.get_view_names())
    except SQLAlchemyError as err:
        raise LoadError("io.error.db_connect", uri=redact(uri), reason=_reason(err)) from err
    finally:
        engine.dispose()


def label_of(table: str | None, name: str | None) -> str:
    return name or (table if table is not None else "query")


def read_sql(
    uri: str,
    table: str | None = None,
    query: str | None = None,
    *,
    name: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Table:
    """Exactly one of ``table`` (``name`` or ``schema.name``) and ``query``; the result typed like a CSV."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    if (table is None) == (query is None):
        raise LoadError("io.error.sql_args")
    engine = _engine(uri)
    location = redact(uri)
    connected = False
    try:
        with engine.connect() as conn:
            connected = True
            if conn.dialect.name == "postgresql":
                _read_only(conn)
            if table is not None:
                schema, _, bare = table.rpartition(".")
                insp = inspect(conn)
                if not insp.has_table(bare, schema=schema or None):
                    found = insp.get_table_names(schema=schema or None)
                    raise LoadError("io.error.no_table", table=table, tables=human_list(sorted(found), 10) or "-")
                prep = engine.dialect.identifier_preparer
                target = ".".join(prep.quote(p) for p in ([schema] if schema else []) + [bare])
                sql = f"SELECT * FROM {target}"
            else:
                sql = check_select(query, conn.dialect.name)
            if conn.dialect.name == "sqlite":
                _read_only(conn)
            most = MAX_SQL_ROWS.value()
            bounded = f"SELECT * FROM (\n{sql}\n) AS workbench_bounded LIMIT {most + 1}"
            frame = pl.read_database(text(bounded), connection=conn, infer_schema_length=None)
            if frame.height > most:
                raise MAX_SQL_ROWS.refuse(label_of(table, name), f"> {most:,}")
    except LoadError:
        raise
    except SQLAlchemyError as err:
        key = "io.error.bad_query" if connected else "io.error.db_connect"
        raise LoadError(key, uri=location, reason=_reason(err)) from err
    except Exception as err:  # driver errors outside SQLAlchemy's hierarchy
        raise LoadError("io.error.bad_query", uri=location, reason=_reason(err)) from err
    finally:
        engine.dispose()

    label = label_of(table, name)
    if frame.height == 0:
        raise LoadError("io.error.no_rows", path=label, columns=human_list(frame.columns, 5), names=frame.columns)
    names, notes = unique_names(frame.columns)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True))) if names != frame.columns else frame
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, d in frame.schema.items() if d == pl.Null)
    overrides = dict(overrides or {})
    guesses = guess_types(frame.lazy(), [c for c in names if c not in overrides])
    frame = apply_overrides(cast_frame(frame, guesses), overrides)
    from workbench.io.read import labelled

    info = SourceInfo(kind="sql", location=location, sheet=table, notes=notes + guess_notes(guesses))
    return labelled(Table(name=label, frame=frame, source=info))
