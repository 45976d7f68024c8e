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


def _load_side_by_side(folders: list[Path], url: str) -> None:
    """One `etl run` process per folder, all at once; each must succeed."""
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


def test_two_sqlite_writers_both_finish(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    subprocess.run([sys.executable, "-m", "etl", "db", "upgrade", "--db", url], check=True)
    folders = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        folders.append(_folder(tmp_path / name, name))
    _load_side_by_side(folders, url)
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
        _load_side_by_side(folders, url)
        db = Database(url)
        # four sources, each file in two of them: one row per file, one real article per text
        assert db.scalar("SELECT count(*) FROM sources") == 4
        assert db.scalar("SELECT count(*) FROM articles") == 2 * COPIES
        assert db.scalar("SELECT count(*) FROM v_articles") == 4
        assert db.scalar("SELECT sum(version_count) FROM v_articles") == 2 * COPIES
        assert db.scalar("SELECT count(*) FROM load_errors") == 0
        assert db.scalar("SELECT count(*) FROM categories") == 4
        assert db.scalar("SELECT count(*) FROM images") == 15
        assert db.scalar("SELECT count(*) FROM links") == 19
        assert db.scalar("SELECT count(*) FROM authors") == 7
        assert db.rows("SELECT DISTINCT status FROM etl_runs") == [("succeeded",)]
        db.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_shards_split_the_input_without_overlap(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _folder(folder, "s")
    with fresh_database(request, backend, tmp_path) as url:
        db = Database(url)
        first = db.run("run", str(folder), "--shard", "1/3")
        db.run("run", str(folder), "--shard", "2/3")
        db.run("run", str(folder), "--shard", "3/3")
        assert "Error" not in first.output
        seen = [n for (n,) in db.rows("SELECT files_seen FROM etl_runs ORDER BY id")]
        assert sum(seen) == COPIES
        assert all(n > 0 for n in seen)
        assert db.scalar("SELECT count(*) FROM articles") == COPIES
        assert db.scalar("SELECT sum(articles_deleted) FROM etl_runs") == 0
        again = db.run("run", str(folder), "--shard", "2/3")
        assert f"  files seen              {seen[1]:>4}" in again.output
        assert f"  articles unchanged      {seen[1]:>4}" in again.output
        db.engine.dispose()


def test_bad_shard_is_refused() -> None:
    from click.testing import CliRunner

    from etl.cli import cli

    result = CliRunner().invoke(cli, ["run", "--shard", "4/3"])
    assert result.exit_code == 1
    assert "--shard must look like K/N with 1 <= K <= N (e.g. 1/4), not '4/3'" in result.output


def test_loaders_started_together_on_an_empty_postgres_migrate_once(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _folder(folder, "m")
    with fresh_database(request, "postgres", tmp_path) as url:
        loaders = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "etl",
                    "run",
                    str(folder),
                    "--db",
                    url,
                    "--workers",
                    "1",
                    "--shard",
                    f"{k}/4",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for k in range(1, 5)
        ]
        outputs = [loader.communicate(timeout=300) for loader in loaders]
        assert [loader.returncode for loader in loaders] == [0, 0, 0, 0], outputs
        applied = [out for out, _ in outputs if "Migrations applied: (empty database)" in out]
        assert len(applied) == 1  # the others waited and found the schema at head
        db = Database(url)
        assert db.scalar("SELECT count(*) FROM articles") == COPIES
        db.engine.dispose()
