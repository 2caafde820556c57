"""Alembic environment: the schema is boards.models' SQLModel metadata."""

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import boards.models  # noqa: F401  (registers the tables)

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline():
    """Emit SQL without a connection."""
    context.configure(url=url, target_metadata=SQLModel.metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations on a connection; SQLite needs batch mode to alter tables."""
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=SQLModel.metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two processes upgrading at once: the second waits, then finds nothing to do.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(74210)")
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
