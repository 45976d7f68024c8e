"""A run killed with SIGKILL at any moment leaves a consistent database; the next run converges."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, Database, fresh_database, natural_dump

FILES = 1200
KILL_AFTER_S = [0.4 + 0.25 * n for n in range(10)]


def _inputs(folder: Path) -> Path:
    seeds = sorted(SEEDS.iterdir())
    for index in range(FILES):
        target = folder / f"{index // 300}" / f"{index:05d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = seeds[index % 4].read_text(encoding="utf-8")
        target.write_text(text.replace("title: ", f"title: 第{index}篇 ", 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_at_ten_points_then_rerun_equals_a_clean_load(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    inputs = _inputs(tmp_path / "in")
    with fresh_database(request, backend, tmp_path / "clean") as clean_url:
        (tmp_path / "clean").mkdir(exist_ok=True)
        clean = Database(clean_url)
        clean.load(inputs)
        expected = natural_dump(clean)
        clean.engine.dispose()
    (tmp_path / "killed").mkdir()
    with fresh_database(request, backend, tmp_path / "killed") as url:
        for delay in KILL_AFTER_S:
            process = subprocess.Popen(
                [sys.executable, "-m", "etl", "run", str(inputs), "--db", url, "--workers", "2"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        db = Database(url)
        db.load(inputs)
        assert natural_dump(db) == expected
        # every run's row counts what it committed: each article was inserted by exactly one run,
        # and every run's counts add up
        assert db.scalar("SELECT sum(articles_inserted) FROM etl_runs") == FILES
        for seen, *counts in db.rows(
            "SELECT files_seen, articles_inserted, articles_updated, articles_unchanged, files_failed,"
            " files_skipped FROM etl_runs"
        ):
            assert seen == sum(counts)
        statuses = [s for (s,) in db.rows("SELECT status FROM etl_runs ORDER BY id")]
        assert statuses[-1] == "succeeded"
        assert "running" not in statuses  # every killed run was found dead and marked
        assert set(statuses[:-1]) <= {"interrupted", "succeeded"}
        db.engine.dispose()
    shutil.rmtree(inputs)
