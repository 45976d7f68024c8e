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
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

# a property test's first example pays for loading the parsers and models; speed is measured by
# benchmarks/, never by a test's deadline
settings.register_profile("etl", deadline=None)
settings.load_profile("etl")

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


def obeying_file_modes() -> list[str]:
    """A prefix for a command that must obey file permissions: as root (which ignores them), setpriv
    drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set; nothing otherwise."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "as root this test needs setpriv (util-linux) to give up root's file access"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


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
        from etl.schema.tables import metadata

        return {name: int(self.scalar(f"SELECT count(*) FROM {name}")) for name in metadata.tables}


# every table by its natural keys: ids and timestamps may differ between two loads, nothing else
NATURAL_DUMP = {
    "articles": "SELECT source_path, title, published_at, published_precision, body_format, body_text,"
    " summary, canonical_url, char_count FROM articles",
    "authors": "SELECT name FROM authors",
    "article_authors": "SELECT a.source_path, au.name, x.role, x.position FROM article_authors x"
    " JOIN articles a ON a.id = x.article_id JOIN authors au ON au.id = x.author_id",
    "categories": "SELECT c.path, c.name, c.depth, p.path FROM categories c"
    " LEFT JOIN categories p ON p.id = c.parent_id",
    "article_categories": "SELECT a.source_path, c.path FROM article_categories x"
    " JOIN articles a ON a.id = x.article_id JOIN categories c ON c.id = x.category_id",
    "domains": "SELECT host, registered_domain FROM domains",
    "images": "SELECT i.url, d.host FROM images i LEFT JOIN domains d ON d.id = i.domain_id",
    "article_images": "SELECT a.source_path, x.role, x.position, i.url, x.alt, x.title, x.caption,"
    " x.width, x.height FROM article_images x JOIN articles a ON a.id = x.article_id"
    " JOIN images i ON i.id = x.image_id",
    "links": "SELECT l.url, d.host FROM links l LEFT JOIN domains d ON d.id = l.domain_id",
    "article_links": "SELECT a.source_path, x.position, l.url, x.anchor_text FROM article_links x"
    " JOIN articles a ON a.id = x.article_id JOIN links l ON l.id = x.link_id",
    "skipped_files": "SELECT source_path, reason FROM skipped_files",
}


def natural_dump(db: Database) -> dict[str, list[tuple]]:
    return {table: sorted(db.rows(sql), key=repr) for table, sql in NATURAL_DUMP.items()}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def role(db: Database) -> Iterator[str]:
    """A name for a Postgres login the test creates (`etl db grant-readonly`); dropped after it."""
    name = f"etl_bi_{uuid.uuid4().hex[:8]}"
    yield name
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{name}"'))
        connection.execute(text(f'DROP ROLE "{name}"'))
