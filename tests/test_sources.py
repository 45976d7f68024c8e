"""Sources: two folders never share an article, a subfolder or a file of a known source loads as
part of it, a source can move, overlapping paths load each file once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import FIXTURES, SEEDS, Database

S000 = "000_79dec9e98373e082.txt"
GNEWS = FIXTURES / "gnews-sample"


def _ids(db: Database) -> dict[tuple[str, str], int]:
    return {
        (source, path): article_id
        for article_id, source, path in db.rows(
            "SELECT a.id, s.name, a.source_path FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE a.deleted_at IS NULL"
        )
    }


def test_two_folders_with_the_same_names_are_two_sources(db: Database, tmp_path: Path) -> None:
    for name in ("A", "B"):
        shutil.copytree(SEEDS, tmp_path / name)
        # the same size and modification time in both: B must still be read as B's own
        for file in (tmp_path / name).iterdir():
            os.utime(file, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    first = db.load(tmp_path / "A")
    second = db.load(tmp_path / "B")
    assert "articles inserted          4" in first.output and "articles inserted          4" in second.output
    ids = _ids(db)
    assert {source for source, _ in ids} == {"A", "B"}
    assert len(ids) == 8
    again = db.load(tmp_path / "A")
    assert "articles unchanged         4" in again.output and "articles deleted           0" in again.output
    assert _ids(db) == ids
    # the same text in two sources: one real article each, with a version elsewhere
    assert db.scalar("SELECT count(*) FROM v_articles") == 4
    assert db.rows("SELECT DISTINCT version_count FROM v_articles") == [(2,)]


def test_a_subfolder_or_a_file_of_a_known_source_loads_as_part_of_it(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(GNEWS, archive)
    db.load(archive)
    before = _ids(db)
    assert {source for source, _ in before} == {"archive"}
    one = db.load(archive / "content" / "gnews" / "2444188.md")
    sub = db.load(archive / "content" / "gnews")
    assert "articles inserted          0" in one.output and "articles inserted          0" in sub.output
    assert _ids(db) == before
    # a run of the subfolder retires only what it walked
    (archive / "content" / "gnews" / "2444188.md").unlink()
    (archive / "content" / "gettr" / sorted(os.listdir(archive / "content" / "gettr"))[0]).unlink()
    retired = db.load(archive / "content" / "gnews")
    assert "articles deleted           1" in retired.output
    gone = db.rows("SELECT source_path FROM articles WHERE deleted_at IS NOT NULL")
    assert gone == [("content/gnews/2444188.md",)]
    assert "articles deleted           1" in db.load(archive).output  # now the gettr file


def test_a_parent_folder_loaded_after_its_child_keeps_the_child_source(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "txt"
    shutil.copytree(GNEWS, archive)
    db.load(archive / "content" / "gnews")
    gnews = _ids(db)
    db.load(archive)
    after = _ids(db)
    assert {k: v for k, v in after.items() if k[0] == "gnews"} == gnews  # the same rows, never copies
    assert not [path for source, path in after if source == "txt" and path.startswith("content/gnews/")]
    assert db.scalar("SELECT count(*) FROM articles") == len(after)


def test_a_source_can_move_and_keeps_its_ids(db: Database, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "old")
    db.load(tmp_path / "old", "--source", "archive")
    before = _ids(db)
    shutil.move(tmp_path / "old", tmp_path / "new")
    moved = db.load(tmp_path / "new", "--source", "archive")
    assert "articles inserted          0" in moved.output
    assert _ids(db) == before
    assert db.rows("SELECT name, root FROM sources") == [("archive", str(tmp_path / "new"))]


def test_overlapping_paths_load_each_file_once(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "a"
    shutil.copytree(SEEDS, archive / "b")
    shutil.copy(SEEDS / S000, archive / S000)
    result = db.load(archive, archive / "b", archive / "b" / S000, archive / S000)
    assert "files seen                 5" in result.output
    assert db.scalar("SELECT count(*) FROM articles") == 5
    assert db.rows("SELECT DISTINCT name FROM sources") == [("a",)]


def test_sources_and_runs_name_each_other(db: Database, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    db.load(tmp_path / "seeds")
    db.load(tmp_path / "seeds" / S000)
    assert db.rows("SELECT name, root, first_run_id, last_run_id FROM sources") == [
        ("seeds", str(tmp_path / "seeds"), 1, 2)
    ]
    assert [s for (s,) in db.rows("SELECT sources FROM etl_runs ORDER BY id")] in (
        [["seeds"], ["seeds"]],
        ['["seeds"]', '["seeds"]'],
    )
    assert "seeds" in db.run("runs", "--wide").output


def test_a_name_taken_by_another_folder_gets_a_number(db: Database, tmp_path: Path) -> None:
    for parent in ("x", "y"):
        shutil.copytree(SEEDS, tmp_path / parent / "content")
        db.load(tmp_path / parent / "content")
    assert db.rows("SELECT name FROM sources ORDER BY id") == [("content",), ("content-2",)]


def test_source_that_contradicts_where_a_path_lies_is_refused(db: Database, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    db.load(tmp_path / "seeds")
    refused = db.load(tmp_path / "seeds" / S000, "--source", "other", expect_exit=1)
    assert "lies in the root of source 'seeds'" in refused.output
    assert "--source other would load it twice" in refused.output
