"""Alembic environment for the workspace store, driven programmatically by ``workbench.store.migrate``.

There is no ``alembic.ini``: the caller passes an open connection in ``config.attributes["connection"]``
and already holds the transaction (and, on PostgreSQL, the migration lock), so this file only runs the
scripts. For a new revision: ``python -m workbench.store.migrate "what changes"``.
"""

from __future__ import annotations

from alembic import context

from workbench.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("workbench store migrations run only through workbench.store.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can't ALTER most things; batch mode copies the table instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
