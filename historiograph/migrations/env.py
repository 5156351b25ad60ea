"""Alembic environment: always called by ``historiograph.store.migrate`` with an open connection."""
from alembic import context

from historiograph.store.schema import metadata

connection = context.config.attributes["connection"]
# batch mode lets later revisions alter SQLite tables (SQLite has no ALTER COLUMN)
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
