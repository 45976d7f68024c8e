"""Skipped and failed files are remembered like articles: an unchanged one is neither read nor
recorded again; an edit, a new etl or --full reads it again. On both backends."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, Database

import etl.extract.read
from etl.records import SourceFile

STUB = "## \r\n[轉載自GNews](https://gnews.org/ThreadView/0)\r\n\r\n"  # the archive's 58-byte placeholder
INDEX_PAGE = "## \n[轉載自GNews](https://gnews.org/ThreadView/0)\n"
BROKEN = "---\ntitle: !!python/object/apply:os.getcwd []\n---\nbody\n"
COUNTS = ("files_seen", "articles_inserted", "articles_updated", "articles_unchanged", "articles_deleted")
COUNTS += ("files_failed", "files_skipped")
FIRST = {"files_seen": 7, "articles_inserted": 4, "articles_updated": 0, "articles_unchanged": 0}
FIRST |= {"articles_deleted": 0, "files_failed": 1, "files_skipped": 2}
UNCHANGED = FIRST | {"articles_inserted": 0, "articles_unchanged": 4}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The seeds, two placeholder stubs and a file whose front matter cannot be parsed."""
    target = tmp_path / "in"
    shutil.copytree(SEEDS, target)
    (target / "stub.md").write_bytes(STUB.encode())
    (target / "index.md").write_bytes(INDEX_PAGE.encode())
    (target / "broken.md").write_bytes(BROKEN.encode())
    return target


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read, by name, while the test runs with --workers 1 (files read in this process)."""
    names: list[str] = []
    read = etl.extract.read.read_bytes

    def counting(source: SourceFile, max_file_size: int) -> bytes:
        names.append(source.source_path)
        return read(source, max_file_size)

    monkeypatch.setattr(etl.extract.read, "read_bytes", counting)
    return names


def _run(db: Database, folder: Path, *options: str, expect_exit: int = 1) -> dict:
    result = db.run("run", str(folder), "--json", "--workers", "1", *options, expect_exit=expect_exit)
    return json.loads(result.stdout)


def _counts(summary: dict) -> dict[str, int]:
    return {name: summary[name] for name in COUNTS}


def _rows(db: Database) -> tuple[int, int]:
    return int(db.scalar("SELECT count(*) FROM skipped_files")), int(
        db.scalar("SELECT count(*) FROM load_errors")
    )


def _same_size(path: Path, text: str) -> None:
    """Rewrite `path` with other bytes of the same size and the same mtime: a file the stat cannot
    tell from the one already seen."""
    stat = path.stat()
    data = text.encode()
    assert len(data) <= stat.st_size
    path.write_bytes(data + b" " * (stat.st_size - len(data)))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_unchanged_runs_read_and_record_nothing_again(db: Database, folder: Path, reads: list[str]) -> None:
    first = _run(db, folder)
    assert _counts(first) == FIRST
    assert _rows(db) == (2, 1)
    assert sorted(reads) == sorted(p.name for p in folder.iterdir())
    for run in (2, 3, 4):
        reads.clear()
        summary = _run(db, folder)
        assert _counts(summary) == UNCHANGED, run
        assert summary["status"] == "partial"  # the broken file still fails, and says so
        assert [(e["source_path"], e["stage"]) for e in summary["errors"]] == [("broken.md", "extract")]
        assert summary["errors"][0]["error"] == first["errors"][0]["error"]
        assert reads == []
        assert _rows(db) == (2, 1)
    runs = db.rows("SELECT files_seen, articles_unchanged, files_skipped, files_failed, status FROM etl_runs")
    assert runs == [(7, 0, 2, 1, "partial")] + [(7, 4, 2, 1, "partial")] * 3
    assert db.rows("SELECT source_path, outcome, stage, was_read, run_id FROM file_outcomes ORDER BY 1") == [
        ("broken.md", "failed", "extract", True, 1),
        ("index.md", "skipped", "transform", True, 1),
        ("stub.md", "skipped", "transform", True, 1),
    ]


def test_errors_lists_what_an_unchanged_run_counted(db: Database, folder: Path) -> None:
    def listed(*options: str) -> tuple[list[tuple[str, str, int]], str]:
        result = db.run("errors", "--format", "json", *options)
        return [(p["source_path"], p["kind"], p["run_id"]) for p in json.loads(result.stdout)], result.stderr

    for _ in range(3):
        _run(db, folder)
    recorded = [("broken.md", "failed", 1), ("index.md", "skipped", 1), ("stub.md", "skipped", 1)]
    again = "3 found again as an earlier run recorded them"
    assert listed() == (recorded, f"Run 3: 1 file failed, 2 skipped, 0 warned about ({again})\n")
    assert listed("--run", "1") == (recorded, "Run 1: 1 file failed, 2 skipped, 0 warned about\n")
    not_listed = (
        "more it counted are not listed: found again by a later run (listed there), or loaded, gone or "
        "changed since"
    )
    assert listed("--run", "2") == (
        [],
        f"Run 2: 0 files failed, 0 skipped, 0 warned about (3 {not_listed})\n",
    )
    assert db.rows("SELECT source_path, run_id, last_seen_run_id FROM file_outcomes ORDER BY 1") == [
        ("broken.md", 1, 3),
        ("index.md", 1, 3),
        ("stub.md", 1, 3),
    ]
    (folder / "broken.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    _run(db, folder)
    assert listed() == (
        [("broken.md", "failed", 4), ("index.md", "skipped", 1), ("stub.md", "skipped", 1)],
        "Run 4: 1 file failed, 2 skipped, 0 warned about (2 found again as an earlier run recorded them)\n",
    )
    assert listed("--kind", "failed") == ([("broken.md", "failed", 4)], "Run 4: 1 file failed\n")
    assert listed("--kind", "skipped", "--run", "3") == ([], f"Run 3: 0 files skipped (2 {not_listed})\n")


def test_errors_of_a_run_lists_only_the_files_of_its_sources(db: Database, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "stub.md").write_bytes(STUB.encode())
    db.run("run", str(tmp_path / "a"), str(tmp_path / "b"), expect_exit=0)
    db.run("run", str(tmp_path / "a"), expect_exit=0)
    result = db.run("errors", "--format", "json")
    rows = [(p["source_path"], p["run_id"], p["reason"]) for p in json.loads(result.stdout)]
    assert rows == [("stub.md", 1, "placeholder: no title, and no text outside links")]
    assert (
        result.stderr
        == "Run 2: 0 files failed, 1 skipped, 0 warned about (1 found again as an earlier run recorded "
        "them)\n"
    )


def test_errors_counts_same_named_files_of_two_sources_as_two(db: Database, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "empty.md").write_bytes(b"")
    db.run("run", str(tmp_path / "a"), str(tmp_path / "b"), expect_exit=0)
    result = db.run("errors", "--format", "json")
    assert [p["source_path"] for p in json.loads(result.stdout)] == ["empty.md", "empty.md"]
    assert result.stderr == "Run 1: 0 files failed, 2 skipped, 0 warned about\n"


def test_an_edited_stub_loads_and_is_forgotten(db: Database, folder: Path) -> None:
    _run(db, folder)
    (folder / "stub.md").write_text("## 标题\n\n正文终于写好了。\n", encoding="utf-8")
    summary = _run(db, folder)
    assert _counts(summary) == UNCHANGED | {
        "articles_inserted": 1,
        "articles_unchanged": 4,
        "files_skipped": 1,
    }
    assert db.rows("SELECT title FROM articles WHERE source_path = 'stub.md'") == [("标题",)]
    assert db.rows("SELECT source_path FROM file_outcomes ORDER BY 1") == [("broken.md",), ("index.md",)]
    assert _rows(db) == (2, 1)


def test_a_fixed_file_loads_and_its_failure_stays_in_the_ledger(db: Database, folder: Path) -> None:
    _run(db, folder)
    (folder / "broken.md").write_text("---\ntitle: 修好了\n---\n正文。\n", encoding="utf-8")
    summary = _run(db, folder, expect_exit=0)
    assert summary["status"] == "succeeded"
    assert _counts(summary) == UNCHANGED | {"articles_inserted": 1, "files_failed": 0}
    assert db.rows("SELECT source_path FROM file_outcomes ORDER BY 1") == [("index.md",), ("stub.md",)]
    assert _rows(db) == (2, 1)


def test_a_file_that_fails_differently_is_recorded_again(db: Database, folder: Path) -> None:
    _run(db, folder)
    (folder / "broken.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    summary = _run(db, folder)
    assert summary["errors"][0]["error"].startswith("binary data")
    assert _rows(db) == (2, 2)
    _run(db, folder)
    assert _rows(db) == (2, 2)


def test_full_reads_every_remembered_file_again(db: Database, folder: Path) -> None:
    _run(db, folder)
    # other bytes behind the same size and mtime: only a run that reads the files can tell
    _same_size(folder / "stub.md", "## 真\n\n文。")
    _same_size(folder / "broken.md", "---\ntitle: 好\n---\n文。")
    assert _counts(_run(db, folder)) == UNCHANGED
    summary = _run(db, folder, "--full", expect_exit=0)
    assert _counts(summary) == FIRST | {
        "articles_inserted": 2,
        "articles_updated": 4,
        "files_failed": 0,
        "files_skipped": 1,
    }
    assert db.rows("SELECT source_path FROM file_outcomes") == [("index.md",)]
    assert _rows(db) == (2, 1)  # index.md skipped again for the same reason: nothing new to record


def test_a_new_etl_reads_remembered_files_again(
    db: Database, folder: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(db, folder)
    _same_size(folder / "stub.md", "## 真\n\n文。")
    monkeypatch.setattr("etl.pipeline.__version__", "99.0.0")
    reads.clear()
    summary = _run(db, folder)
    assert sorted(reads) == sorted(p.name for p in folder.iterdir())
    assert _counts(summary) == FIRST | {"articles_inserted": 1, "articles_updated": 4, "files_skipped": 1}
    # the same skip and the same failure, decided again by the new etl: remembered, not recorded again
    assert _rows(db) == (2, 1)
    assert db.rows("SELECT source_path, extractor_version, run_id FROM file_outcomes ORDER BY 1") == [
        ("broken.md", "99.0.0", 1),
        ("index.md", "99.0.0", 1),
    ]
    reads.clear()
    assert _counts(_run(db, folder)) == UNCHANGED | {
        "articles_unchanged": 5,
        "files_seen": 7,
        "files_skipped": 1,
    }
    assert reads == []


def test_an_article_that_became_a_stub_is_retired_once(db: Database, folder: Path) -> None:
    _run(db, folder)
    seed = next(p for p in sorted(folder.iterdir()) if p.suffix == ".txt")
    seed.write_bytes(STUB.encode())
    summary = _run(db, folder)
    assert _counts(summary) == UNCHANGED | {
        "articles_unchanged": 3,
        "articles_deleted": 1,
        "files_skipped": 3,
    }
    assert _rows(db) == (3, 1)
    summary = _run(db, folder)
    assert _counts(summary) == UNCHANGED | {"articles_unchanged": 3, "files_skipped": 3}
    assert _rows(db) == (3, 1)
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL") == 1


def test_a_remembered_file_that_is_gone_is_forgotten(db: Database, folder: Path) -> None:
    _run(db, folder)
    (folder / "stub.md").unlink()
    (folder / "broken.md").unlink()
    summary = _run(db, folder, expect_exit=0)
    assert _counts(summary) == UNCHANGED | {"files_seen": 5, "files_failed": 0, "files_skipped": 1}
    assert db.rows("SELECT source_path FROM file_outcomes") == [("index.md",)]
    # back with the same bytes: read and recorded again, as any new file
    (folder / "stub.md").write_bytes(STUB.encode())
    _run(db, folder, expect_exit=0)
    assert db.rows("SELECT source_path FROM file_outcomes ORDER BY 1") == [("index.md",), ("stub.md",)]
    assert _rows(db) == (3, 1)


def test_a_file_refused_by_its_size_is_read_once_the_limit_allows(db: Database, folder: Path) -> None:
    _run(db, folder)
    for _ in range(2):
        summary = _run(db, folder, "--max-file-size", "8K")
        assert _counts(summary) == UNCHANGED | {"articles_unchanged": 3, "files_failed": 2}
        assert any(e["error"].endswith("(--max-file-size): not read") for e in summary["errors"])
    assert _rows(db) == (2, 2)  # the refusal recorded once
    assert db.rows("SELECT was_read FROM file_outcomes WHERE outcome = 'failed' ORDER BY source_path") == [
        (False,),  # 000_….txt, refused unread
        (True,),  # broken.md
    ]
    assert _counts(_run(db, folder)) == UNCHANGED  # loaded as it was: the refusal is over
    assert db.rows("SELECT source_path FROM file_outcomes WHERE outcome = 'failed'") == [("broken.md",)]


def test_an_article_whose_file_breaks_keeps_loaded_and_fails_once(db: Database, folder: Path) -> None:
    _run(db, folder)
    seed = next(p for p in sorted(folder.iterdir()) if p.suffix == ".txt")
    seed.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    for _ in range(2):
        summary = _run(db, folder)
        assert _counts(summary) == UNCHANGED | {"articles_unchanged": 3, "files_failed": 2}
    assert _rows(db) == (2, 2)
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NULL") == 4
