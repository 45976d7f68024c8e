"""Parallel runs load the same content as serial ones; unchanged files are skipped unread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, Database, fresh_database, natural_dump


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_parallel_run_equals_serial_run(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    inputs = FIXTURES / "gnews-sample"
    dumps = []
    for workers in ("1", "2"):
        with fresh_database(request, backend, tmp_path / workers) as url:
            (tmp_path / workers).mkdir(exist_ok=True)
            db = Database(url)
            db.run("run", str(inputs), "--workers", workers)
            dumps.append(natural_dump(db))
            db.engine.dispose()
    serial, parallel = dumps
    assert len(serial["articles"]) == 187
    assert parallel == serial


def test_unchanged_files_are_not_read_and_touched_files_not_parsed(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    # same size and mtime, other bytes: only a run that reads the file would notice
    seed = seeds_copy / "000_79dec9e98373e082.txt"
    stat = seed.stat()
    seed.write_bytes(b"x" * stat.st_size)
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    db.load(seeds_copy)
    assert db.rows(
        "SELECT articles_unchanged, articles_updated, files_failed FROM etl_runs ORDER BY id DESC LIMIT 1"
    ) == [(4, 0, 0)]
    touched = seeds_copy / "001_ff1f44015ba36125.txt"
    os.utime(touched, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    db.load(seeds_copy)
    assert db.rows("SELECT articles_unchanged, articles_updated FROM etl_runs ORDER BY id DESC LIMIT 1") == [
        (4, 0)
    ]
    assert db.rows("SELECT source_mtime_ns FROM articles WHERE source_path = '001_ff1f44015ba36125.txt'") == [
        (1_600_000_000_000_000_000,)
    ]


def test_full_reprocesses_everything(db: Database) -> None:
    db.load(SEEDS)
    db.run("run", str(SEEDS), "--full")
    assert db.rows(
        "SELECT articles_inserted, articles_updated, articles_unchanged FROM etl_runs"
        " ORDER BY id DESC LIMIT 1"
    ) == [(0, 4, 0)]
