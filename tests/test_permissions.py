"""Folders etl may not list or write: a folder that cannot be listed is an error for that folder
alone (the run ends partial, nothing under it is retired); a database folder that cannot be
written is one clear error before anything starts.

Root ignores permission bits, so as root the run is started without the capabilities that let it
(setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, Database


def _without_override() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "as root this test needs setpriv (util-linux) to give up root's file access"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _etl(*args: str) -> subprocess.CompletedProcess[str]:
    command = [*_without_override(), sys.executable, "-m", "etl", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_a_folder_that_cannot_be_listed_fails_alone_and_retires_nothing(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "private").mkdir(parents=True)
    shutil.copy(SEEDS / "000_79dec9e98373e082.txt", archive / "open.txt")
    for name in ("001_ff1f44015ba36125.txt", "002_c0ba3bdfef9b4790.txt"):
        shutil.copy(SEEDS / name, archive / "private" / name)
    db.load(archive)
    (archive / "private").chmod(0)
    try:
        done = _etl("run", str(archive), "--db", db.url, "--workers", "1", "--full")
    finally:
        (archive / "private").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert db.rows("SELECT source_path, stage, error FROM load_errors") == [
        (
            "private/",
            "extract",
            "cannot list this folder (Permission denied): nothing under it was loaded or retired",
        )
    ]
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NULL") == 3
    assert db.rows(
        "SELECT status, files_seen, articles_updated, files_failed, articles_deleted FROM etl_runs"
    )[-1] == ("partial", 2, 1, 1, 0)


def test_a_database_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        done = _etl("run", str(SEEDS), "--db", f"sqlite:///{folder / 'etl.db'}")
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"Error: cannot write in the database's folder {folder}: SQLite needs it for its journal "
        "(open it read-only with sqlite:///file:PATH?mode=ro&uri=true to read it)"
    )
    assert not (folder / "etl.db").exists()
