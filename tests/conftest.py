"""Shared fixtures: a fresh database on each backend, and the seed files."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
BACKENDS = ["sqlite", "postgres"]
POSTGRES_URL = os.environ.get(
    "ETL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_required() -> bool:
    return os.environ.get("ETL_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    """The maintenance database used to create one throwaway database per test."""
    url = make_url(POSTGRES_URL)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL not reachable at {url.render_as_string()}: {exc.orig}"
        if postgres_required():
            pytest.fail(f"{reason} (CI/ETL_REQUIRE_POSTGRES=1: Postgres tests may not skip)")
        pytest.skip(f"{reason}; set ETL_TEST_POSTGRES_URL to run the Postgres tests")
    finally:
        engine.dispose()
    return url


@contextmanager
def fresh_database(request: pytest.FixtureRequest, backend: str, folder: Path) -> Iterator[str]:
    """An empty database on `backend`, as a URL string for `--db`; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'etl.db'}"
        return
    admin = request.getfixturevalue("postgres_admin_url")
    name = f"etl_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    with fresh_database(request, request.param, tmp_path) as url:
        yield url


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/, for tests that edit a file."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


class Database:
    """Runs `etl` against one test database and reads it back with plain SQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)

    def run(self, *args: str, expect_exit: int = 0) -> Result:
        from click.testing import CliRunner

        from etl.cli import cli

        result = CliRunner().invoke(cli, [*args, "--db", self.url])
        assert result.exit_code == expect_exit, result.output
        return result

    def load(self, *paths: Path | str, expect_exit: int = 0) -> Result:
        return self.run("run", *map(str, paths), expect_exit=expect_exit)

    def rows(self, sql: str, **params: object) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]

    def scalar(self, sql: str, **params: object) -> object:
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()

    def counts(self) -> dict[str, int]:
        from etl.models import metadata

        return {name: int(self.scalar(f"SELECT count(*) FROM {name}")) for name in metadata.tables}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.engine.dispose()
