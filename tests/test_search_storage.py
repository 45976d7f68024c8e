"""The search index holds no copy of the text: SQLite's FTS5 table is contentless, and removing an
entry (told the text again, made from the article's row) leaves exactly what a fresh index holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from conftest import SEEDS, Database

from etl.load.migrate import alembic_config
from etl.load.search_index import text_digest
from etl.transform.index_text import search_text

S002 = "002_c0ba3bdfef9b4790.txt"
S003 = "003_6ee19377e398eaed.txt"


@pytest.fixture
def lite(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'etl.db'}")


def _vocabulary(db: Database) -> list[tuple]:
    """Every term of the FTS5 index with the documents and times it occurs in (fts5vocab)."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary"
            " USING fts5vocab(main, article_search_index, 'row')"
        )
        return [tuple(r) for r in connection.exec_driver_sql("SELECT term, doc, cnt FROM temp.vocabulary")]


def _integrity(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO article_search_index (article_search_index) VALUES ('integrity-check')"
        )


def _edit_and_delete(folder: Path) -> None:
    edited = folder / S003
    edited.write_text(edited.read_text(encoding="utf-8").replace("鞠峰", "Zebrafinch"), encoding="utf-8")
    (folder / S002).unlink()


def test_sqlite_keeps_no_copy_of_the_index_text(lite: Database) -> None:
    lite.load(SEEDS)
    tables = {
        name
        for (name,) in lite.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'article_search%'"
        )
    }
    assert tables == {
        "article_search",  # the articles indexed, with digests of their text
        "article_search_index",
        "article_search_index_config",
        "article_search_index_data",
        "article_search_index_docsize",
        "article_search_index_idx",
    }
    assert lite.rows("SELECT title, body FROM article_search_index LIMIT 1") == [(None, None)]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgres_keeps_only_the_tsvectors(db: Database) -> None:
    db.load(SEEDS)
    assert db.rows(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = 'article_search' ORDER BY ordinal_position"
    ) == [("article_id", "integer"), ("chunk", "integer"), ("document", "tsvector")]


def test_removed_entries_leave_what_a_fresh_index_holds(lite: Database, seeds_copy: Path) -> None:
    lite.load(seeds_copy)
    _edit_and_delete(seeds_copy)
    lite.load(seeds_copy)
    _integrity(lite)
    kept = _vocabulary(lite)
    assert ("zebrafinch", 1, 1) in kept and not [t for t in kept if t[0] == "鞠"]
    lite.run("search", "--rebuild", "x")
    assert _vocabulary(lite) == kept
    assert lite.scalar("SELECT count(*) FROM article_search") == 3


def test_an_index_made_by_another_etl_is_rebuilt_before_an_entry_goes(
    lite: Database, seeds_copy: Path
) -> None:
    lite.load(seeds_copy)
    with lite.engine.begin() as connection:  # as if another etl had made the index text
        connection.exec_driver_sql("UPDATE article_search SET digest = 0")
    _edit_and_delete(seeds_copy)
    lite.load(seeds_copy)
    _integrity(lite)
    kept = _vocabulary(lite)
    lite.run("search", "--rebuild", "x")
    assert _vocabulary(lite) == kept
    assert 0 not in {d for (d,) in lite.rows("SELECT digest FROM article_search")}
    found = json.loads(lite.run("search", "zebrafinch", "--format", "json").stdout)
    assert [m["article_id"] for m in found] == [
        lite.scalar("SELECT id FROM articles WHERE source_path = :p", p=S003)
    ]


def test_the_migration_moves_the_entries_with_their_digests(lite: Database) -> None:
    lite.load(SEEDS)
    expected = _vocabulary(lite)
    rows = lite.rows("SELECT id, title, body_text FROM articles ORDER BY id")
    with lite.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014")
    with lite.engine.begin() as connection:  # the index as 0014 kept it: its own copy of the text
        for article_id, title, body in rows:
            entry = search_text(title, body)
            connection.exec_driver_sql(
                "INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)",
                (article_id, entry.title, entry.body),
            )
    lite.run("db", "upgrade")
    assert _vocabulary(lite) == expected
    assert lite.rows("SELECT article_id, digest FROM article_search ORDER BY article_id") == [
        (article_id, text_digest(search_text(title, body))) for article_id, title, body in rows
    ]


def test_a_full_run_reindexes_each_article_with_the_text_it_had(lite: Database) -> None:
    lite.load(SEEDS)
    kept = _vocabulary(lite)
    lite.run("run", str(SEEDS), "--full")
    _integrity(lite)
    assert _vocabulary(lite) == kept
    assert lite.scalar("SELECT count(*) FROM article_search") == 4


def test_a_delete_by_hand_empties_the_whole_index(lite: Database) -> None:
    """FTS5 cannot be told the text of an entry deleted by hand: the index is emptied instead, never
    left holding words of articles it no longer lists."""
    lite.load(SEEDS)
    with lite.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM article_search WHERE article_id = 1")
    _integrity(lite)
    assert _vocabulary(lite) == []
    assert lite.scalar("SELECT count(*) FROM article_search") == 0
    assert "covers 0 of 4 articles" in lite.run("search", "普京").stderr
