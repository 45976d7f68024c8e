"""`etl db grant-readonly`: a BI login that reads everything, now and after later migrations, and
writes nothing. Postgres only; SQLite is refused with the read-only URL to use instead."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from conftest import SEEDS, Database
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from etl.load.migrate import alembic_config

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)

WRITES = [
    "INSERT INTO tags (name) VALUES ('intruder')",
    "UPDATE articles SET title = 'defaced'",
    "DELETE FROM article_links",
    "CREATE TABLE intruder (x integer)",
    "DROP TABLE tags",
    "DROP VIEW v_articles",
]


@pytest.fixture
def role(db: Database) -> Iterator[str]:
    name = f"etl_bi_{uuid.uuid4().hex[:8]}"
    yield name
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{name}"'))
        connection.execute(text(f'DROP ROLE "{name}"'))


def _as(db: Database, role: str) -> str:
    return make_url(db.url).set(username=role, password=None).render_as_string(hide_password=False)


def test_readonly_role_reads_tables_and_later_views_and_writes_nothing(db: Database, role: str) -> None:
    # grant on a database two migrations behind, so the views and search index come later
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005")
    granted = db.run("db", "grant-readonly", role)
    assert f"Role {role} created: it can read 16 tables and views" in granted.stdout
    db.load(SEEDS)

    reader = create_engine(_as(db, role))
    try:
        with reader.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM v_articles")).scalar_one() == 4
            assert connection.execute(text("SELECT count(*) FROM article_search")).scalar_one() == 4
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar_one() == "on"
        for statement in WRITES:
            with reader.connect() as connection:
                connection.execute(text("SET TRANSACTION READ WRITE"))
                with pytest.raises(DBAPIError) as denied:
                    connection.execute(text(statement))
                assert denied.value.orig.sqlstate == "42501", statement  # insufficient_privilege
    finally:
        reader.dispose()
    assert db.scalar("SELECT count(*) FROM tags") == 0
    assert db.scalar("SELECT count(*) FROM article_links") == 19


def test_granting_again_updates_the_role(db: Database, role: str) -> None:
    db.load(SEEDS)
    db.run("db", "grant-readonly", role)
    again = db.run("db", "grant-readonly", role, "--password", "s3cret-pw")
    assert f"Role {role} updated: it can read 27 tables and views" in again.stdout
    assert "s3cret-pw" not in again.output
    assert db.scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r", r=role) is True


def test_readonly_role_cannot_block_a_run_or_create_anything(db: Database, role: str) -> None:
    import psycopg

    db.load(SEEDS)
    db.run("db", "grant-readonly", role)
    conninfo = make_url(_as(db, role)).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as reader:
        # it can read the run ledger, so it knows every input a run locks, and the catalogue names
        # the lock tables; but their schema is closed to it
        assert reader.execute("SELECT paths FROM etl_runs").fetchone() == ([str(SEEDS)],)
        [(lock,)] = reader.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'etl_locks'::regnamespace"
            " AND relname LIKE 'run%'"
        ).fetchall()
        reader.execute("SET default_transaction_read_only = off")  # allowed: it has nothing to write with
        for statement in (
            f'LOCK TABLE etl_locks."{lock}" IN ACCESS SHARE MODE',
            "CREATE TEMPORARY TABLE intruder (x integer)",
            "SELECT 1 FROM etl_runs FOR UPDATE",
            "CREATE TABLE intruder (x integer)",
        ):
            with pytest.raises(psycopg.Error) as denied, reader.transaction():
                reader.execute(statement)
            assert denied.value.sqlstate == "42501", statement  # insufficient_privilege
    # a session of its own holds what it can on every table, and a range of advisory lock keys,
    # in an open transaction: the next run neither waits nor stops
    with psycopg.connect(conninfo) as holder:
        for table in ("articles", "etl_runs", "alembic_version", "article_search"):
            holder.execute(f"SELECT count(*) FROM {table}")
        holder.execute("SELECT pg_advisory_lock(k) FROM generate_series(-5, 5) AS k")
        assert db.run("run", str(SEEDS), "--full").exit_code == 0
