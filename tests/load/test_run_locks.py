"""Runs that never overlap by accident: a second run of the same input exits 75 unless --wait, and
the shards of one sharded run do not block each other. The lock is held here, in the test process,
and the contending runs are real `etl` processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SEEDS, Database
from sqlalchemy import create_engine

from etl.config import build_settings
from etl.load.locks import hold_run_locks, run_locks, sqlite_lock_file

LOCKED = 75


def _etl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "etl", "run", *args, "--db", url, "--workers", "1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@contextmanager
def _held(url: str, folder: Path, shard: tuple[int, int] | None = None) -> Iterator[None]:
    engine = create_engine(url)
    key = build_settings(db=url, paths=[folder]).input_key
    try:
        with hold_run_locks(engine, run_locks(key, shard), wait=False, waiting=lambda: None):
            yield
    finally:
        engine.dispose()


def test_a_second_run_of_the_same_input_exits_75(db: Database) -> None:
    with _held(db.url, SEEDS):
        blocked = _etl(db.url, str(SEEDS))
        other_input = _etl(db.url, str(SEEDS / "000_79dec9e98373e082.txt"))
    assert blocked.returncode == LOCKED, blocked.stderr
    assert blocked.stderr.strip() == (
        "Error: another etl run is still loading the same input into this database, so this one did not "
        "start; run with --wait to wait for it instead"
    )
    assert db.scalar("SELECT count(*) FROM etl_runs") == 1  # only the run of the other input
    assert other_input.returncode == 0, other_input.stderr
    assert _etl(db.url, str(SEEDS)).returncode == 0  # the lock is gone with its holder


def test_wait_waits_for_the_other_run(db: Database) -> None:
    with _held(db.url, SEEDS):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "etl", "run", str(SEEDS), "--db", db.url, "--wait", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr is not None
        lines = [waiting.stderr.readline() for _ in range(3)]
        assert lines[2] == "Another run is loading the same input into this database: waiting for it.\n"
        assert waiting.poll() is None
    out, _ = waiting.communicate(timeout=300)
    assert waiting.returncode == 0
    assert '"articles_inserted": 4' in out


def test_shards_of_one_run_do_not_block_each_other(db: Database) -> None:
    with _held(db.url, SEEDS, shard=(1, 2)):
        other_shard = _etl(db.url, str(SEEDS), "--shard", "2/2")
        same_shard = _etl(db.url, str(SEEDS), "--shard", "1/2")
        whole = _etl(db.url, str(SEEDS))
    assert other_shard.returncode == 0, other_shard.stderr
    assert (same_shard.returncode, whole.returncode) == (LOCKED, LOCKED)
    with _held(db.url, SEEDS):
        assert _etl(db.url, str(SEEDS), "--shard", "2/2").returncode == LOCKED


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////data/etl.db", "/data/etl.db.lock"),
        ("sqlite:///etl.db", "etl.db.lock"),
        ("sqlite:///file:etl.db?mode=ro&uri=true", "etl.db.lock"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
    ],
)
def test_sqlite_lock_file_sits_beside_the_database(url: str, expected: str | None) -> None:
    from sqlalchemy.engine import make_url

    found = sqlite_lock_file(make_url(url))
    assert (str(found) if found else None) == expected
