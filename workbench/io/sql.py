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

from pathlib import Path

import polars as pl

from workbench.io.errors import LoadError, human_list
from workbench.io.infer import apply_overrides, cast_frame, guess_notes, guess_types
from workbench.io.names import unique_names
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
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(uri)
    except (ArgumentError, ValueError) as err:
        raise LoadError("io.error.bad_uri", uri=redact(uri)) from err
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(url.database)
        if not db.is_file():  # SQLite would silently create an empty database
            raise LoadError("io.error.not_found", path=str(db))
    try:
        return create_engine(url)
    except NoSuchModuleError as err:
        raise LoadError("io.error.sql_driver", uri=redact(uri), backend=url.get_backend_name()) from err
    except (ArgumentError, ImportError) as err:
        raise LoadError("io.error.bad_uri", uri=redact(uri)) from err


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
                sql = query
            frame = pl.read_database(text(sql), connection=conn, infer_schema_length=None)
    except LoadError:
        raise
    except SQLAlchemyError as err:
        key = "io.error.bad_query" if connected else "io.error.db_connect"
        raise LoadError(key, uri=location, reason=_reason(err)) from err
    except Exception as err:  # driver errors outside SQLAlchemy's hierarchy
        raise LoadError("io.error.bad_query", uri=location, reason=_reason(err)) from err
    finally:
        engine.dispose()

    label = name or (table if table is not None else "query")
    if frame.height == 0:
        raise LoadError("io.error.no_rows", path=label, columns=human_list(frame.columns, 5), names=frame.columns)
    names, notes = unique_names(frame.columns)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True))) if names != frame.columns else frame
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c, d in frame.schema.items() if d == pl.Null)
    overrides = dict(overrides or {})
    guesses = guess_types(frame.lazy(), [c for c in names if c not in overrides])
    frame = apply_overrides(cast_frame(frame, guesses), overrides)
    info = SourceInfo(kind="sql", location=location, sheet=table, notes=notes + guess_notes(guesses))
    return Table(name=label, frame=frame, source=info)
