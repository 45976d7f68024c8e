"""Ctrl-C: the run stops after the batch in hand, prints its summary, exits 130, and says so."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import SEEDS, Database

FILES = 3000
PROCESSED = re.compile(r"Progress: [1-9]")


def _many_files(folder: Path) -> Path:
    for index in range(FILES):
        source = sorted(SEEDS.iterdir())[index % 4]
        target = folder / f"{index // 500:02d}" / f"{index:05d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return folder


def _wait_for_files(process: subprocess.Popen[str]) -> None:
    """Until the run has processed files: its progress lines say so (a loaded machine may take
    seconds to start the workers, and a Ctrl-C before the first file has nothing to stop after)."""
    assert process.stderr is not None
    while not PROCESSED.match(process.stderr.readline()):
        assert process.poll() is None, "the run ended before it was interrupted"


def test_ctrl_c_stops_after_the_batch_and_marks_the_run(db: Database, tmp_path: Path) -> None:
    inputs = _many_files(tmp_path / "in")
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", str(inputs), "--db", db.url, "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "ETL_PROGRESS_EVERY": "0.1"},
        start_new_session=True,
    )
    assert process.stdout is not None
    _wait_for_files(process)  # well inside a run of 3,000 files
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Interrupted after the last batch: run again to load the rest." in err
    assert "interrupted in" in out
    (status, seen, inserted) = db.rows("SELECT status, files_seen, articles_inserted FROM etl_runs")[0]
    assert status == "interrupted"
    assert 0 < inserted < FILES
    assert db.scalar("SELECT count(*) FROM articles") == inserted
    assert seen >= inserted
    rerun = db.load(inputs)
    assert "  files seen              3000" in rerun.output
    assert db.scalar("SELECT count(*) FROM articles") == FILES


def test_a_second_ctrl_c_stops_at_once_and_the_ledger_adds_up(db: Database, tmp_path: Path) -> None:
    inputs = _many_files(tmp_path / "in")
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", str(inputs), "--db", db.url, "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "ETL_PROGRESS_EVERY": "0.1"},
        start_new_session=True,
    )
    assert process.stdout is not None
    _wait_for_files(process)
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    (status, seen, inserted, failed, skipped) = db.rows(
        "SELECT status, files_seen, articles_inserted, files_failed, files_skipped FROM etl_runs"
    )[0]
    assert status == "interrupted"
    assert seen == inserted + failed + skipped
    assert db.scalar("SELECT count(*) FROM articles") == inserted
