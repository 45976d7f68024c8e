"""Runs that never overlap by accident: a second run of the same input exits 75 unless --wait, and
the shards of one sharded run do not block each other. The lock is held here, in the test process,
and the contending runs are real `etl` processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import SEEDS, Database

from etl.config import build_settings
from etl.load import upgrade_database
from etl.load.engine import create_load_engine
from etl.load.locks import hold_run_locks, run_locks

LOCKED = 75


def _etl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "etl", "run", *args, "--db", url, "--workers", "1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@contextmanager
def _held(url: str, source: str, shard: tuple[int, int] | None = None) -> Iterator[None]:
    engine = create_load_engine(build_settings(db=url).database_url)
    upgrade_database(engine)  # the locks live in the schema
    try:
        with hold_run_locks(engine, run_locks([source], shard), wait=False, waiting=lambda: None):
            yield
    finally:
        engine.dispose()


def test_a_second_run_of_the_same_source_exits_75(db: Database, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(SEEDS, other)
    with _held(db.url, "seeds"):
        blocked = _etl(db.url, str(SEEDS))
        one_file = _etl(db.url, str(SEEDS / "000_79dec9e98373e082.txt"))  # a file of the same source
        other_input = _etl(db.url, str(other))
    assert (blocked.returncode, one_file.returncode) == (LOCKED, LOCKED), blocked.stderr
    assert blocked.stderr.strip().splitlines()[-1] == (
        "Error: another etl run is still loading the same source into this database, so this one did not "
        "start; run with --wait to wait for it instead"
    )
    assert db.scalar("SELECT count(*) FROM etl_runs") == 1  # only the run of the other input
    assert other_input.returncode == 0, other_input.stderr
    assert _etl(db.url, str(SEEDS)).returncode == 0  # the lock is gone with its holder


def test_wait_waits_for_the_other_run(db: Database) -> None:
    with _held(db.url, "seeds"):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "etl", "run", str(SEEDS), "--db", db.url, "--wait", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        lines = [waiting.stderr.readline() for _ in range(4)]
        assert lines[2].startswith("Schema up to date")  # the locks live in the schema: migrated first
        assert lines[3] == "Another run is loading the same source into this database: waiting for it.\n"
        assert waiting.poll() is None
    out, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0
    assert '"articles_inserted": 4' in out


def test_shards_of_one_run_do_not_block_each_other(db: Database) -> None:
    with _held(db.url, "seeds", shard=(1, 2)):
        other_shard = _etl(db.url, str(SEEDS), "--shard", "2/2")
        same_shard = _etl(db.url, str(SEEDS), "--shard", "1/2")
        whole = _etl(db.url, str(SEEDS))
    assert other_shard.returncode == 0, other_shard.stderr
    assert (same_shard.returncode, whole.returncode) == (LOCKED, LOCKED)
    with _held(db.url, "seeds"):
        assert _etl(db.url, str(SEEDS), "--shard", "2/2").returncode == LOCKED


def test_a_killed_holder_never_blocks_and_leaves_no_file(db: Database, tmp_path: Path) -> None:
    """The holder dies with SIGKILL: its lock row names a process that is gone, so the next run
    takes the lock over (SQLite); the server drops a dead session's table lock (Postgres)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from etl.config import build_settings\n"
            "from etl.load import upgrade_database\n"
            "from etl.load.engine import create_load_engine\n"
            "from etl.load.locks import hold_run_locks, run_locks\n"
            "s = build_settings(db=sys.argv[1], paths=[sys.argv[2]])\n"
            "e = create_load_engine(s.database_url)\n"
            "upgrade_database(e)\n"
            "with hold_run_locks(e, run_locks(['seeds'], None), False, lambda: None):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(600)\n",
            db.url,
            str(SEEDS),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    assert _etl(db.url, str(SEEDS)).returncode == LOCKED
    holder.kill()
    holder.wait()
    assert _etl(db.url, str(SEEDS)).returncode == 0
    assert not list(tmp_path.glob("*.lock"))


def test_the_same_sqlite_database_through_a_symlink_is_locked_too(tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    link = tmp_path / "link.db"
    link.symlink_to(real)
    with _held(f"sqlite:///{real}", "seeds"):
        through_link = _etl(f"sqlite:///{link}", str(SEEDS))
    assert through_link.returncode == LOCKED, through_link.stderr
