"""What the database refuses: one article's values fail that file alone, through the bulk paths
(SQLite's executemany, Postgres' COPY); a database that stops taking writes (a full disk) stops
the run with one error line, keeps what it committed, and `--json` still prints the summary."""

from __future__ import annotations

import json
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, Database, fresh_database

REFUSE_TITLE = {
    "sqlite": """CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = 'refuse me'
        BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END""",
    "postgres": """CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.title = 'refuse me' THEN
            RAISE EXCEPTION 'refused by a trigger' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION refuse()""",
}
# the server's own answer when its disk is full (SQLSTATE 53100), once a first batch is in
DISK_FULL_AFTER_200 = """CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF (SELECT count(*) FROM articles) >= 200 THEN
        RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
    END IF;
    RETURN NEW; END $$;
    CREATE TRIGGER full_disk BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION full_disk()"""


def _execute(db: Database, sql: str) -> None:
    raw = db.engine.raw_connection()
    try:
        if db.engine.dialect.name == "sqlite":
            raw.driver_connection.executescript(sql)
        else:
            raw.cursor().execute(sql)  # several statements: psycopg's simple query protocol
        raw.commit()
    finally:
        raw.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_value_the_database_refuses_fails_that_file_alone(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "refused.md").write_text("---\ntitle: refuse me\n---\n<p>正文。</p>", encoding="utf-8")
    with fresh_database(request, backend, tmp_path) as url:
        db = Database(url)
        db.run("db", "upgrade")
        _execute(db, REFUSE_TITLE[backend])
        db.load(inputs, expect_exit=1)
        assert db.scalar("SELECT count(*) FROM articles") == 4
        [(path, stage, error)] = db.rows("SELECT source_path, stage, error FROM load_errors")
        assert (path, stage) == ("refused.md", "load")
        assert error.startswith("database refused the article: ") and "refused by a trigger" in error
        assert db.rows("SELECT files_seen, articles_inserted, files_failed, status FROM etl_runs") == [
            (5, 4, 1, "partial")
        ]
        db.engine.dispose()


def _many(folder: Path, count: int) -> Path:
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for index in range(count):
        text = seeds[index % 4].read_text(encoding="utf-8").replace("title: ", f"title: 第{index}篇 ", 1)
        (folder / f"{index:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def _run_json(url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "etl", "run", str(folder), "--db", url, "--workers", "2", "--json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _run_json_until_the_disk_is_full(url: str, folder: Path, size: int) -> subprocess.CompletedProcess[str]:
    """Run, and once its workers are up, let the writer's files grow to `size` bytes at most (as a
    disk that fills up: writes past it fail with EFBIG)."""
    run = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", str(folder), "--db", url, "--workers", "2", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # writes past the limit fail instead of killing the process
        preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 60
    while not _grandchildren(run.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    resource.prlimit(run.pid, resource.RLIMIT_FSIZE, (size, size))
    out, err = run.communicate(timeout=300)
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def _grandchildren(pid: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(entry.parent.name)] = int(entry.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    children = {child for child, parent in parents.items() if parent == pid}
    return [child for child, parent in parents.items() if parent in children]


def _stopped_cleanly(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["status"] == "failed"
    assert summary["error"] == errors[0].removeprefix("Error: ")
    counts = ("articles_inserted", "articles_updated", "articles_unchanged", "files_failed", "files_skipped")
    assert summary["files_seen"] == sum(summary[name] for name in counts)
    return summary


def test_a_full_postgres_disk_stops_the_run_and_keeps_what_it_committed(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    inputs = _many(tmp_path / "in", 600)
    with fresh_database(request, "postgres", tmp_path) as url:
        db = Database(url)
        db.run("db", "upgrade")
        _execute(db, DISK_FULL_AFTER_200)
        summary = _stopped_cleanly(_run_json(url, inputs))
        assert "could not extend file: No space left on device" in str(summary["error"])
        assert summary["articles_inserted"] == 200
        assert db.scalar("SELECT count(*) FROM articles") == 200
        assert db.rows("SELECT status, articles_inserted, files_seen FROM etl_runs") == [("failed", 200, 200)]
        _execute(db, "DROP TRIGGER full_disk ON articles")
        db.load(inputs)
        assert db.scalar("SELECT count(*) FROM articles") == 600
        db.engine.dispose()


def test_a_full_sqlite_disk_stops_the_run_and_keeps_what_it_committed(tmp_path: Path) -> None:
    inputs = _many(tmp_path / "in", 600)
    url = f"sqlite:///{tmp_path / 'etl.db'}"
    db = Database(url)
    db.run("db", "upgrade")
    summary = _stopped_cleanly(_run_json_until_the_disk_is_full(url, inputs, 6 * 2**20))
    assert "database or disk is full" in str(summary["error"]) or "disk I/O error" in str(summary["error"])
    committed = db.scalar("SELECT count(*) FROM articles")
    assert committed == summary["articles_inserted"]
    assert 0 < committed < 600
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.load(inputs)
    assert db.scalar("SELECT count(*) FROM articles") == 600
    # the run that stopped is marked failed, or (when not even that could be written) found dead
    assert db.rows("SELECT status FROM etl_runs ORDER BY id")[0][0] in ("failed", "interrupted")
    db.engine.dispose()
