"""Alembic environment: target etl.schema.tables.metadata; URL from the caller or ETL_DATABASE_URL."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from etl.config import resolve_database_url
from etl.schema.tables import compared_with_models, metadata
from etl.schema.types import UTCDateTime

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    # ETL_DATABASE_URL wins over alembic.ini, as it does for `etl`
    return resolve_database_url(None).render_as_string(hide_password=False)


def _render_item(kind: str, obj: object, _autogen_context: object) -> str | bool:
    # migrations stay free of etl imports: UTCDateTime is a timestamptz / DATETIME underneath
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_object=compared_with_models,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
