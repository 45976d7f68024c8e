"""A read-only login role for BI tools on Postgres: SELECT on every table and view, now and later."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigError
from etl.load.sql import sql_literal


@dataclass(frozen=True)
class ReadOnlyGrant:
    role: str
    created: bool
    database: str
    schema: str
    owner: str
    relations: int
    password_set: bool
    can_create: bool  # the schema lets everyone create (Postgres before 15): read-only only by default
    can_create_temporary: bool  # PUBLIC's TEMPORARY on the database could not be revoked


def grant_readonly(engine: Engine, role: str, password: str | None) -> ReadOnlyGrant:
    with engine.begin() as connection:
        return _grant(connection, role, password)


def _grant(connection: Connection, role: str, password: str | None) -> ReadOnlyGrant:
    """Create or update `role`: LOGIN, read-only transactions, SELECT on all relations of the schema.

    Default privileges make tables and views that the current user creates later (by migrations)
    readable too, so run this as the user that runs `etl db upgrade`.
    """
    if connection.dialect.name != "postgresql":
        raise ConfigError(
            "grant-readonly needs Postgres; to read SQLite without writing, open it read-only: "
            "sqlite:///file:etl.db?mode=ro&uri=true (sqlite3 'file:etl.db?mode=ro')"
        )
    if not role or role.startswith("pg_"):
        raise ConfigError(f"not a usable role name: {role!r}")
    ident = connection.dialect.identifier_preparer.quote_identifier
    database, schema, owner = connection.execute(
        text("SELECT current_database(), current_schema(), current_user")
    ).one()
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    login = f"LOGIN PASSWORD {sql_literal(connection, password)}" if password is not None else "LOGIN"
    connection.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {ident(role)} {login}")
    for statement in (
        f"ALTER ROLE {ident(role)} SET default_transaction_read_only = on",
        f"GRANT CONNECT ON DATABASE {ident(database)} TO {ident(role)}",
        f"GRANT USAGE ON SCHEMA {ident(schema)} TO {ident(role)}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {ident(schema)} TO {ident(role)}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ident(schema)} GRANT SELECT ON TABLES TO {ident(role)}",
    ):
        connection.exec_driver_sql(statement)
    _revoke_temporary(connection, ident(database), ident(owner))
    relations, can_create, can_create_temporary = connection.execute(
        text(
            "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = :s ::regnamespace"
            " AND relkind IN ('r', 'v', 'm', 'p') AND has_table_privilege(:r, oid, 'SELECT')),"
            " has_schema_privilege(:r, :s, 'CREATE'), has_database_privilege(:r, :d, 'TEMPORARY')"
        ),
        {"r": role, "s": schema, "d": database},
    ).one()
    return ReadOnlyGrant(
        role=role,
        created=not exists,
        database=database,
        schema=schema,
        owner=owner,
        relations=int(relations),
        password_set=password is not None,
        can_create=bool(can_create),
        can_create_temporary=bool(can_create_temporary),
    )


def _revoke_temporary(connection: Connection, database: str, loader: str) -> None:
    """Every role may create temporary tables by default (PUBLIC holds TEMPORARY), read-only or
    not: revoked, and granted back to the loader, which stages search rows in one. Only the
    database's owner may do this; for anyone else it is left, and reported."""
    connection.exec_driver_sql("SAVEPOINT etl_temporary")
    try:
        connection.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC")
        connection.exec_driver_sql(f"GRANT TEMPORARY ON DATABASE {database} TO {loader}")
    except DBAPIError:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT etl_temporary")
    else:
        connection.exec_driver_sql("RELEASE SAVEPOINT etl_temporary")
