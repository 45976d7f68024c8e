"""Read-only access for BI tools. Postgres: `etl db grant-readonly`, a login that reads everything,
now and after later migrations, and writes nothing. SQLite: every command leaves the file in
rollback-journal mode, so that a reader that may write nothing (a read-only folder or mount) can
open it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from conftest import SEEDS, Database, obeying_file_modes
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from etl.load.engine import SQLITE_BUSY_TIMEOUT_S, leave_wal
from etl.load.migrate import alembic_config

postgres_only = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)

WRITES = [
    "INSERT INTO tags (name) VALUES ('intruder')",
    "UPDATE articles SET title = 'defaced'",
    "DELETE FROM article_links",
    "CREATE TABLE intruder (x integer)",
    "DROP TABLE tags",
    "DROP VIEW v_articles",
]


def _as(db: Database, role: str) -> str:
    return make_url(db.url).set(username=role, password=None).render_as_string(hide_password=False)


@postgres_only
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


@postgres_only
def test_granting_again_updates_the_role(db: Database, role: str) -> None:
    db.load(SEEDS)
    db.run("db", "grant-readonly", role)
    again = db.run("db", "grant-readonly", role, "--password", "s3cret-pw")
    readable = db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    assert readable >= 27  # every table and view at head, counted from the catalogue
    assert f"Role {role} updated: it can read {readable} tables and views" in again.stdout
    assert "s3cret-pw" not in again.output
    assert db.scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r", r=role) is True


@postgres_only
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


# SQLite: a file any reader can open, even one that may write nothing beside it (a read-only mount)

# run as the reader: show that the folder refuses a write, then read as `sqlite3 'file:…?mode=ro'`
PROBE = """
import contextlib, pathlib, sqlite3, sys
path = pathlib.Path(sys.argv[1])
try:
    (path.parent / "probe").touch()
    print("the folder is writable")
except PermissionError:
    print("the folder is read-only")
with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
    print(connection.execute("PRAGMA journal_mode").fetchone()[0])
    print(connection.execute("SELECT count(*) FROM v_articles").fetchone()[0])
"""


def _journal(path: Path) -> tuple[str, list[str]]:
    """The file's journal mode, and the files beside it named after it (-wal, -shm, -journal)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    return mode, sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f"{path.name}-"))


def _as_reader(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*obeying_file_modes(), *command], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Copies a database file into a folder of its own that only root's file access could write."""
    folders: list[Path] = []

    def copy(path: Path) -> Path:
        folder = tmp_path / f"read-only-{len(folders)}"
        folder.mkdir()
        shutil.copy(path, folder / "etl.db")
        (folder / "etl.db").chmod(0o444)
        folder.chmod(0o555)
        folders.append(folder)
        return folder / "etl.db"

    yield copy
    for folder in folders:
        folder.chmod(0o755)


def test_after_a_run_the_file_reads_from_a_folder_the_reader_cannot_write(
    tmp_path: Path, read_only_copy: Callable[[Path], Path]
) -> None:
    Database(f"sqlite:///{tmp_path / 'etl.db'}").load(SEEDS)
    assert _journal(tmp_path / "etl.db") == ("delete", [])
    path = read_only_copy(tmp_path / "etl.db")

    probe = _as_reader(sys.executable, "-c", PROBE, str(path))
    assert probe.stdout.splitlines() == ["the folder is read-only", "delete", "4"], probe.stderr
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    stats = _as_reader(sys.executable, "-m", "etl", "stats", "--db", read_only)
    assert stats.returncode == 0 and "新媒体/观察者网" in stats.stdout, stats.stderr
    found = _as_reader(sys.executable, "-m", "etl", "search", "王毅", "--db", read_only)
    assert found.returncode == 0 and "[article 3]" in found.stdout, found.stderr
    # the plain path reads too: a command that only reads never switches the journal mode
    plain = _as_reader(sys.executable, "-m", "etl", "stats", "--by", "feed", "--db", f"sqlite:///{path}")
    assert plain.returncode == 0 and "seeds" in plain.stdout, plain.stderr
    if shutil.which("sqlite3"):  # the command-line shell, when installed
        query = "SELECT count(*) FROM v_articles"
        shell = _as_reader("sqlite3", "file:etl.db?mode=ro", query, cwd=path.parent)
        assert (shell.returncode, shell.stdout) == (0, "4\n"), shell.stderr
    assert _journal(path) == ("delete", [])  # and nothing was written beside it


def test_a_file_left_in_wal_mode_cannot_be_read_there(
    tmp_path: Path, read_only_copy: Callable[[Path], Path]
) -> None:
    # what happened before etl left the file in rollback-journal mode, and why the test above proves it
    Database(f"sqlite:///{tmp_path / 'etl.db'}").load(SEEDS)
    with closing(sqlite3.connect(tmp_path / "etl.db")) as connection:
        assert connection.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    path = read_only_copy(tmp_path / "etl.db")
    probe = _as_reader(sys.executable, "-c", PROBE, str(path))
    assert probe.stdout.splitlines() == ["the folder is read-only"]
    assert probe.returncode == 1
    # SQLite 3.40 says the first; "unable to open database file" is what others say
    assert "attempt to write a readonly database" in probe.stderr or "unable to open" in probe.stderr


def test_every_command_leaves_the_file_in_rollback_journal_mode(tmp_path: Path) -> None:
    path = tmp_path / "etl.db"
    db = Database(f"sqlite:///{path}")
    for args in (["db", "upgrade"], ["run", str(SEEDS)], ["search", "--rebuild"], ["stats"]):
        db.run(*args)
        assert _journal(path) == ("delete", []), args


def test_the_last_connection_to_end_leaves_wal(tmp_path: Path) -> None:
    path = tmp_path / "etl.db"
    db = Database(f"sqlite:///{path}")
    db.load(SEEDS)
    # another connection in WAL mode, as a second run loading another source holds one
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("SELECT count(*) FROM articles")
        db.run("run", str(SEEDS), "--full")  # neither fails nor waits for it
        assert _journal(path) == ("wal", ["etl.db-shm", "etl.db-wal"])
        started = time.monotonic()
        assert leave_wal(make_url(db.url)) == "wal"
        assert time.monotonic() - started < 2
    finally:
        other.close()
    db.run("stats")  # the last one to end, though it only read, switches
    assert _journal(path) == ("delete", [])


def test_two_runs_of_two_sources_at_once_leave_rollback_journal_mode(tmp_path: Path) -> None:
    path = tmp_path / "etl.db"
    db = Database(f"sqlite:///{path}")
    db.run("db", "upgrade")
    for name in "ab":
        shutil.copytree(SEEDS, tmp_path / name)
    etl_run = [sys.executable, "-m", "etl", "run", "--db", db.url]
    runs = [
        subprocess.Popen([*etl_run, str(tmp_path / name)], stderr=subprocess.PIPE, text=True) for name in "ab"
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
    assert _journal(path) == ("delete", [])
    assert db.rows("SELECT status, count(*) FROM etl_runs GROUP BY status") == [("succeeded", 2)]
    assert db.scalar("SELECT count(*) FROM articles") == 8


def test_a_read_only_url_reads_while_a_writer_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "etl.db"
    Database(f"sqlite:///{path}").load(SEEDS)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the write lock a run holds while it commits a batch
        writer.execute("INSERT INTO tags (name) VALUES ('held')")
        started = time.monotonic()
        reader = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
        assert "新媒体/观察者网" in reader.run("stats").stdout
        assert time.monotonic() - started < SQLITE_BUSY_TIMEOUT_S / 2  # it took no write lock
    finally:
        writer.execute("ROLLBACK")
        writer.close()
