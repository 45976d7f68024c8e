"""The Python API as an orchestrator calls it: typed results, etl's own exceptions, both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, Database

import etl
from etl.errors import ConfigError, DatabaseError, RunNotFound
from etl.load import SCHEMA_HEAD

SAMPLE = FIXTURES / "gnews-sample"


def test_run_returns_the_summary_of_the_recorded_run(db: Database) -> None:
    summary = etl.run([SEEDS], db.url, workers=1)
    assert (summary.run_id, summary.status) == (1, "succeeded")
    assert summary.counts() == {
        "files_seen": 4,
        "articles_inserted": 4,
        "articles_updated": 0,
        "articles_unchanged": 0,
        "articles_deleted": 0,
        "files_failed": 0,
        "files_skipped": 0,
        "files_warned": 0,
    }
    assert summary.paths == [str(SEEDS)]
    again = etl.run(str(SEEDS), db.url)  # one path, bare
    assert (again.run_id, again.articles_unchanged) == (2, 4)
    assert db.rows("SELECT id, status, files_seen FROM etl_runs ORDER BY id") == [
        (1, "succeeded", 4),
        (2, "succeeded", 4),
    ]


def test_upgrade_current_revision_search_stats_and_history(db: Database) -> None:
    assert etl.current_revision(db.url).current is None
    assert etl.upgrade(db.url).describe() == f"Migrations applied: (empty database) -> {SCHEMA_HEAD}"
    revision = etl.current_revision(db.url)
    assert (revision.current, revision.head, revision.up_to_date) == (SCHEMA_HEAD, SCHEMA_HEAD, True)
    etl.run([SEEDS], db.url, workers=1)
    found = etl.search("王毅", db.url, limit=5)
    assert [m.article.title for m in found.matches] == ["俄方：无普京与泽连斯基会谈计划"]
    assert found.complete
    assert etl.stats(db.url, by="month").rows == [
        ("2021-12", 1),
        ("2022-01", 1),
        ("2022-02", 1),
        ("2022-03", 1),
    ]
    etl.run([SAMPLE], db.url, workers=1)
    assert [(r.id, r.status, r.files_seen) for r in etl.recent_runs(db.url)] == [
        (2, "succeeded", 198),
        (1, "succeeded", 4),
    ]
    problems = etl.file_problems(db.url)
    assert problems.run_id == 2
    assert len(problems.problems) == 11
    assert {(p.kind, p.stage) for p in problems.problems} == {("skipped", "transform")}
    assert etl.file_problems(db.url, run_id=1).problems == []
    assert etl.rebuild_search_index(db.url) == 4 + 187


def test_errors_are_etls_own(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="input path does not exist"):
        etl.run([tmp_path / "nowhere"], db.url)
    with pytest.raises(ConfigError, match="--shard must look like K/N"):
        etl.run([SEEDS], db.url, shard="5/4")
    etl.run([SEEDS], db.url)
    with pytest.raises(RunNotFound, match="no run 9 in this database"):
        etl.file_problems(db.url, run_id=9)
    assert etl.search("!!", db.url).query.empty  # nothing to search for finds nothing, never an error
    with pytest.raises(ConfigError, match="cannot count by 'colour'"):
        etl.stats(db.url, by="colour")


def test_database_failures_are_database_errors() -> None:
    with pytest.raises(DatabaseError, match="database error: connection failed"):
        etl.current_revision("postgresql+psycopg://postgres@127.0.0.1:1/none")


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'load_everything'"):
        etl.load_everything  # noqa: B018
