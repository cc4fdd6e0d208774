"""Bring a workspace database to the migration head: run on every ``Store.open``, a no-op when current.

Alembic is driven in-process (no ``alembic.ini``), so it works from an installed wheel. The upgrade runs
inside one write transaction (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory lock), so two processes
opening a fresh workspace at once don't both try to create the tables.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from workbench.store.db import writing
from workbench.store.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head() -> str:
    """The newest revision this code knows."""
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in ScriptDirectory.from_config(config()).walk_revisions())


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` (default head). Refuses a database written by a newer Workbench."""
    with engine.connect() as probe:
        now = current(probe)
        probe.rollback()
    if now == head() and revision == "head":
        return
    with writing(engine, "migrate") as conn:
        now = current(conn)  # again, under the lock: another process may have just done it
        if now is not None and now not in known_revisions():
            raise StoreError("store.schema_too_new", revision=now)
        if now != head() or revision != "head":
            command.upgrade(config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to ``revision`` (``"base"`` = empty). Data in dropped tables is lost: for
    developers and for rolling back a release, never called by the app."""
    with writing(engine, "migrate") as conn:
        command.downgrade(config(conn), revision)


def tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _new_revision(argv: list[str]) -> None:
    """``python -m workbench.store.migrate "what changes"``: a new empty revision script (developers)."""
    message = " ".join(argv) or "change"
    number = len(known_revisions()) + 1
    command.revision(config(), message=message, rev_id=f"{number:04d}")


if __name__ == "__main__":
    _new_revision(sys.argv[1:])
