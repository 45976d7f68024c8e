"""Two loaders on one SQLite file: the second waits for the lock, both finish, nothing is corrupted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS, Database, fresh_database
from sqlalchemy import create_engine, text

COPIES = 400


def _folder(root: Path, prefix: str) -> Path:
    for index in range(COPIES):
        source = sorted(SEEDS.iterdir())[index % 4]
        shutil.copyfile(source, root / f"{prefix}-{index:04d}.txt")
    return root


def test_two_sqlite_writers_both_finish(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    subprocess.run([sys.executable, "-m", "etl", "db", "upgrade", "--db", url], check=True)
    folders = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        folders.append(_folder(tmp_path / name, name))
    loaders = [
        subprocess.Popen(
            [sys.executable, "-m", "etl", "run", str(folder), "--db", url, "--workers", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    for loader in loaders:
        out, err = loader.communicate(timeout=300)
        assert loader.returncode == 0, out + err
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar_one() == 2 * COPIES
        assert connection.execute(text("SELECT count(*) FROM categories")).scalar_one() == 4
        assert connection.execute(text("SELECT count(*) FROM images")).scalar_one() == 15
        statuses = connection.execute(text("SELECT status, articles_inserted FROM etl_runs")).all()
    engine.dispose()
    assert sorted(statuses) == [("succeeded", COPIES), ("succeeded", COPIES)]


def test_four_postgres_loaders_with_overlapping_inputs(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    seeds = sorted(SEEDS.iterdir())
    folders = []
    for k in range(4):
        folder = tmp_path / f"in{k}"
        folder.mkdir()
        for index in range(COPIES):
            if (index + k) % 2 == 0:  # every file is in two of the four folders
                shutil.copyfile(seeds[index % 4], folder / f"{index:04d}.txt")
        folders.append(folder)
    with fresh_database(request, "postgres", tmp_path) as url:
        subprocess.run([sys.executable, "-m", "etl", "db", "upgrade", "--db", url], check=True)
        loaders = [
            subprocess.Popen(
                [sys.executable, "-m", "etl", "run", str(folder), "--db", url, "--workers", "1"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folder in folders
        ]
        for loader in loaders:
            out, err = loader.communicate(timeout=300)
            assert loader.returncode == 0, out + err
        db = Database(url)
        assert db.scalar("SELECT count(*) FROM articles") == COPIES
        assert db.scalar("SELECT count(*) FROM load_errors") == 0
        assert db.scalar("SELECT count(*) FROM categories") == 4
        assert db.scalar("SELECT count(*) FROM images") == 15
        assert db.scalar("SELECT count(*) FROM links") == 19
        assert db.scalar("SELECT count(*) FROM authors") == 7
        assert db.rows("SELECT DISTINCT status FROM etl_runs") == [("succeeded",)]
        db.engine.dispose()
