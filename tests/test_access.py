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
    assert f"Role {role} updated: it can read 22 tables and views" in again.stdout
    assert "s3cret-pw" not in again.output
    assert db.scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r", r=role) is True
