"""Fixtures shared by the store tests: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL isolation: ``db_url`` is a schema migrated once per session and emptied (TRUNCATE of every
store table) after each test; ``empty_db_url`` is a brand-new empty schema (for migration tests), dropped
afterwards. ``search_path`` is set through the URL, which is also how a bank would give the store a schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from workbench.store import Store
from workbench.store.schema import metadata

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def _admin(server: str) -> sa.Engine:
    """Autocommit engine for DDL; waits at most 10 s for a lock, so a leaked connection fails loudly."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    sa.event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("SET lock_timeout = '10s'"))
    return engine


@pytest.fixture(scope="session")
def pg_shared_schema(pg_url: str) -> Iterator[str]:
    """One migrated schema for the session; tests share it and it is emptied after each."""
    schema = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = with_schema(pg_url, schema)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _migrate(url: str) -> None:
    from workbench.store import db, migrate

    engine = db.create(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=ENGINES)
def db_url(request, workspace: Path) -> Iterator[str]:
    """A migrated, empty store database: a SQLite file in the workspace, or the shared PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{workspace / 'workbench.db'}"
        return
    url = request.getfixturevalue("pg_shared_schema")
    yield url
    admin = _admin(url)
    try:
        with admin.begin() as conn:  # DELETE beats TRUNCATE on a handful of rows (no new relation files)
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        admin.dispose()


@pytest.fixture(params=ENGINES)
def empty_db_url(request, workspace: Path) -> Iterator[str]:
    """A database with nothing in it, not even the migrations: a new SQLite file or a new schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{workspace / 'workbench.db'}"
        return
    server = request.getfixturevalue("pg_url")
    schema = f"wb_empty_{uuid.uuid4().hex[:12]}"
    admin = _admin(server)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        yield with_schema(server, schema)
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()


@pytest.fixture
def store(workspace: Path, db_url: str) -> Iterator[Store]:
    s = Store.open(workspace, db_url)
    try:
        yield s
    finally:
        s.close()


def raw(store: Store, sql: str, **params: object) -> list[tuple]:
    """Run SQL behind the store's back (what a tamperer with database access would do)."""
    with store.engine.begin() as conn:
        result = conn.execute(sa.text(sql), params)
        return [tuple(r) for r in result] if result.returns_rows else []
