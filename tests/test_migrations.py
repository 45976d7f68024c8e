"""Migrations and models never drift apart, on either backend."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import REPO, Database
from sqlalchemy import inspect, text

from etl.load.migrate import SCHEMA_HEAD, alembic_config
from etl.schema.tables import compared_with_models, metadata


def _diff(db: Database) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": compared_with_models}
        )
        return compare_metadata(context, metadata)


def test_single_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_migrations_produce_exactly_the_models(db: Database) -> None:
    db.run("db", "upgrade")
    assert _diff(db) == []


def test_upgrade_downgrade_upgrade(db: Database) -> None:
    db.run("db", "upgrade")
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.run("db", "upgrade")
    assert _diff(db) == []
    assert set(metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_alembic_command_line_reads_etl_database_url(db: Database) -> None:
    env = {**os.environ, "ETL_DATABASE_URL": db.url}
    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=REPO, env=env, check=True)
    assert db.scalar("SELECT version_num FROM alembic_version") == _head()
    assert _diff(db) == []


def test_schema_head_constant_is_the_newest_migration() -> None:
    assert _head() == SCHEMA_HEAD


def test_a_database_from_a_newer_etl_is_refused_with_a_message(db: Database) -> None:
    db.run("db", "upgrade")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    result = db.run("db", "upgrade", expect_exit=1)
    assert "cannot migrate the database from revision 0099" in result.output
    assert "(was it made by a newer etl?)" in result.output


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
