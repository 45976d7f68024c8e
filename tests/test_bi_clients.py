"""The client stack BI tools connect with, for real: Superset (and any tool on SQLAlchemy 1.4) pins
SQLAlchemy < 2 and talks to Postgres through psycopg2. In a throwaway virtualenv with that stack, a
client reflects every table and view, reads their comments with the inspector and queries each view:
on Postgres through the `grant-readonly` login, on SQLite from a read-only copy of the file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SEEDS, Database, obeying_file_modes, postgres_required
from sqlalchemy.engine import make_url

from etl.schema.tables import metadata
from etl.schema.views import VIEWS

CLIENT_STACK = ("SQLAlchemy>=1.4,<2", "psycopg2-binary")
INSTALL_TIMEOUT_S = 900

# what a BI tool does on connecting: reflect, read comments, query; run in the throwaway virtualenv
CLIENT = r"""
import json, sys
import sqlalchemy as sa

engine = sa.create_engine(sys.argv[1])
inspector = sa.inspect(engine)


def comment(name):
    try:
        return inspector.get_table_comment(name)["text"]
    except NotImplementedError:
        return "not supported"


def relation(name):
    columns = {
        c["name"]: {"type": type(c["type"]).__name__, "comment": c.get("comment")}
        for c in inspector.get_columns(name)
    }
    return {"comment": comment(name), "columns": columns}


out = {
    "sqlalchemy": sa.__version__,
    "driver": engine.dialect.driver,
    "tables": {name: relation(name) for name in inspector.get_table_names()},
    "views": {name: relation(name) for name in inspector.get_view_names()},
    "rows": {},
}
reflected = sa.MetaData()
with engine.connect() as connection:
    for name in out["views"]:
        view = sa.Table(name, reflected, autoload_with=connection)
        out["rows"][name] = len(connection.execute(sa.select(view)).fetchall())
    articles = reflected.tables["v_articles"]
    newest = connection.execute(
        sa.select(articles).order_by(articles.c.published_at.desc().nullslast()).limit(1)
    ).mappings().one()
    out["newest"] = {key: [type(value).__name__, str(value)] for key, value in newest.items()}
    try:
        connection.execute(sa.text("INSERT INTO tags (name) VALUES ('intruder')"))
        out["write"] = "written"
    except sa.exc.DBAPIError as exc:
        out["write"] = getattr(exc.orig, "pgcode", None) or str(exc.orig)
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="session")
def client_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with SQLAlchemy 1.4 and psycopg2, created once per session."""
    venv = tmp_path_factory.mktemp("bi-clients") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *CLIENT_STACK]
    done = subprocess.run(install, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
    if done.returncode != 0:
        message = f"could not install {' '.join(CLIENT_STACK)} from the package index: {done.stderr[-2000:]}"
        if postgres_required():  # in CI every test must run
            pytest.fail(message)
        pytest.skip(message)
    return python


def _client(python: Path, url: str) -> dict[str, Any]:
    done = subprocess.run(
        [*obeying_file_modes(), str(python), "-c", CLIENT, url], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def loaded(db: Database) -> Database:
    db.load(SEEDS, FIXTURES / "revisions")
    return db


def _described(seen: dict[str, Any]) -> None:
    """Every table, view and column carries etl's description."""
    for table in metadata.sorted_tables:
        assert seen["tables"][table.name]["comment"] == table.comment, table.name
        columns = seen["tables"][table.name]["columns"]
        assert {name: c["comment"] for name, c in columns.items()} == {
            c.name: c.comment for c in table.columns
        }
    for view in VIEWS:
        assert seen["views"][view.name]["comment"] == view.description, view.name
        columns = seen["views"][view.name]["columns"]
        assert {name: c["comment"] for name, c in columns.items()} == {
            c.name: c.description for c in view.columns
        }


def _types(seen: dict[str, Any], view: str) -> dict[str, str]:
    return {name: column["type"] for name, column in seen["views"][view]["columns"].items()}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_sqlalchemy_1_4_and_psycopg2_through_the_readonly_login(
    client_python: Path, loaded: Database, role: str
) -> None:
    loaded.run("db", "grant-readonly", role)
    url = make_url(loaded.url).set(drivername="postgresql", username=role, password=None)  # psycopg2
    seen = _client(client_python, url.render_as_string(hide_password=False))

    assert seen["sqlalchemy"].startswith("1.4.") and seen["driver"] == "psycopg2"
    catalogue = loaded.rows(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public'"
    )
    assert sorted(seen["tables"]) == sorted(name for name, kind in catalogue if kind == "BASE TABLE")
    assert sorted(seen["views"]) == sorted(name for name, kind in catalogue if kind == "VIEW")
    _described(seen)
    assert seen["rows"] == {view: loaded.scalar(f"SELECT count(*) FROM {view}") for view in seen["views"]}
    # every column comes typed: dates as dates, counts as integers
    types = _types(seen, "v_articles")
    assert "NullType" not in types.values()
    assert (types["published_at"], types["published_date"], types["year"]) == ("TIMESTAMP", "DATE", "INTEGER")
    assert (types["image_count"], types["link_count"], types["version_count"]) == ("BIGINT",) * 3
    assert seen["newest"]["published_at"] == ["datetime", "2022-09-01 18:35:21+00:00"]
    assert seen["newest"]["published_date"] == ["date", "2022-09-01"]
    assert seen["write"] == "25006"  # read_only_sql_transaction


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlalchemy_1_4_on_a_read_only_sqlite_file(
    client_python: Path, loaded: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    shutil.copy(make_url(loaded.url).database or "", folder / "etl.db")
    (folder / "etl.db").chmod(0o444)
    folder.chmod(0o555)
    try:
        seen = _client(client_python, f"sqlite:///file:{folder / 'etl.db'}?mode=ro&uri=true")
    finally:
        folder.chmod(0o755)

    assert seen["sqlalchemy"].startswith("1.4.") and seen["driver"] == "pysqlite"
    catalogue = loaded.rows("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')")
    assert sorted(seen["tables"]) == sorted(name for name, kind in catalogue if kind == "table")
    assert sorted(seen["views"]) == sorted(name for name, kind in catalogue if kind == "view")
    # SQLite stores no comments: a BI tool shows none (docs/schema.md and Datasette's metadata have them)
    assert {relation["comment"] for relation in [*seen["tables"].values(), *seen["views"].values()]} == {
        "not supported"
    }
    assert seen["rows"] == {view: loaded.scalar(f"SELECT count(*) FROM {view}") for view in seen["views"]}
    # a view column has a declared type only when it is a table's column (as it stands, or as the
    # one column of a scalar subquery): SQLite 3.40 declares none for an expression, CAST included
    # (year is CAST(strftime('%Y', published_at) AS INTEGER)), so computed columns come untyped
    types = _types(seen, "v_articles")
    assert (types["id"], types["published_at"], types["char_count"]) == ("INTEGER", "DATETIME", "INTEGER")
    assert types["category_1"] == "TEXT"  # (SELECT c.name FROM categories c …)
    computed = ["published_date", "year", "month", "image_count", "link_count", "version_count", "authors"]
    assert {name: types[name] for name in computed} == dict.fromkeys(computed, "NullType")
    assert seen["newest"]["published_at"] == ["datetime", "2022-09-01 18:35:21"]
    assert seen["newest"]["published_date"] == ["str", "2022-09-01"]
    assert seen["newest"]["year"] == ["int", "2022"]  # the value is an integer, the column untyped
    assert seen["write"] == "attempt to write a readonly database"
