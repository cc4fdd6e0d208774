"""Fixtures shared by the store tests: every store test runs on SQLite and on a real PostgreSQL.

On PostgreSQL each test gets its own schema (``search_path`` set through the URL) dropped afterwards,
so tests are isolated without the cost of a database per test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from workbench.store import Store

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture(params=ENGINES)
def db_url(request, workspace: Path) -> Iterator[str]:
    """The database URL for a fresh store: a SQLite file in the workspace, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{workspace / 'workbench.db'}"
        return
    server = request.getfixturevalue("pg_url")
    schema = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
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
