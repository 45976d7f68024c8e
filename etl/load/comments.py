"""Descriptions of the views as Postgres comments, which Metabase and Superset show.

Table comments come with the migrations (from the models' comment=); view descriptions live in
etl.schema.views and are brought up to date after every upgrade, so rewording one needs no migration.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from etl.load.sql import sql_literal
from etl.schema.views import VIEWS

# (view, column or '') -> comment, for the views in the current schema
STORED_COMMENTS = text("""
    SELECT c.relname, a.attname, coalesce(d.description, '')
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
        AND d.objsubid = a.attnum
    WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::regnamespace
    UNION ALL
    SELECT c.relname, '', coalesce(obj_description(c.oid, 'pg_class'), '')
    FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::regnamespace
""")


def describe_views(connection: Connection) -> int:
    """Write the view and view-column comments that differ from etl.schema.views; how many were written."""
    if connection.dialect.name != "postgresql":
        return 0
    stored = {(view, column): comment for view, column, comment in connection.execute(STORED_COMMENTS)}
    quote = connection.dialect.identifier_preparer.quote
    wanted = {(v.name, ""): v.description for v in VIEWS} | {
        (v.name, c.name): c.description for v in VIEWS for c in v.columns
    }
    changed = [(key, comment) for key, comment in wanted.items() if stored.get(key) != comment]
    for (view, column), comment in changed:
        target = f"COLUMN {quote(view)}.{quote(column)}" if column else f"VIEW {quote(view)}"
        connection.exec_driver_sql(f"COMMENT ON {target} IS {sql_literal(connection, comment)}")
    return len(changed)
