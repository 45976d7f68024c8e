"""Postgres going away mid-run: a clear error naming the batch, exit 1, run `failed`; a re-run completes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, Database, fresh_database, natural_dump
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

FILES = 2000


def _inputs(folder: Path) -> Path:
    seeds = sorted(SEEDS.iterdir())
    for index in range(FILES):
        target = folder / f"{index // 500}" / f"{index:05d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seeds[index % 4], target)
    return folder


def _cut_connections(url: str) -> None:
    """What a server restart does to a client: every session of that database is terminated."""
    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name}
        )
    engine.dispose()


def test_connection_lost_mid_run(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    with fresh_database(request, "postgres", tmp_path) as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "etl", "run", str(inputs), "--db", url, "--workers", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        while "Migrations applied" not in process.stdout.readline():
            pass
        cut = 0
        while process.poll() is None and cut < 40:
            time.sleep(0.25)
            _cut_connections(url)
            cut += 1
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, out + err
        assert "Traceback" not in err
        assert "Error: lost the database while loading" in err or "Error: database error:" in err
        db = Database(url)
        assert db.rows("SELECT status FROM etl_runs") in ([("failed",)], [("running",)])
        db.load(inputs)
        assert db.scalar("SELECT count(*) FROM articles") == FILES
        statuses = [s for (s,) in db.rows("SELECT status FROM etl_runs ORDER BY id")]
        assert statuses[0] in ("failed", "interrupted")
        assert statuses[-1] == "succeeded"
        dump = natural_dump(db)
        db.engine.dispose()
    with fresh_database(request, "postgres", tmp_path / "clean") as clean_url:
        clean = Database(clean_url)
        clean.load(inputs)
        assert natural_dump(clean) == dump
        clean.engine.dispose()
