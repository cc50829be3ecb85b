"""Alembic environment: kccdesk runs migrations itself (kccdesk.storage.schema), always
with a connection it opened, so this file only wires that connection in."""

from alembic import context

from kccdesk.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
