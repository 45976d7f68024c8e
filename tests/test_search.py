"""`etl search` on the seed database, both backends: Chinese and English terms, kept in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEEDS, Database

SEED_PATHS = sorted(p.name for p in SEEDS.iterdir())
S000, S001, S002, S003 = SEED_PATHS


def _found(db: Database, *args: str) -> list[str]:
    """Source paths of the matches, in the order printed."""
    output = db.run("search", *args).stdout
    ids = [int(n) for n in re.findall(r"\[article (\d+)\]", output)]
    paths = dict(db.rows("SELECT id, source_path FROM articles"))
    return [paths[i] for i in ids]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("普京", {S000, S001, S002, S003}),
        ("马克龙", {S000}),
        ("布林肯", {S000, S003}),
        ("Biden", {S001}),
        ("biden", {S001}),
        ("王毅", {S002}),
        ("普京 Biden", {S001}),
        ("普通", set()),
        ("库列巴 马克龙", set()),
    ],
)
def test_seed_queries(db: Database, query: str, expected: set[str]) -> None:
    db.load(SEEDS)
    assert set(_found(db, query)) == expected


def test_matches_print_date_title_and_snippet(db: Database) -> None:
    db.load(SEEDS)
    lines = db.run("search", "王毅").stdout.splitlines()
    article_id = db.scalar("SELECT id FROM articles WHERE source_path = :p", p=S002)
    assert lines[0] == f"2022-03-02  俄方：无普京与泽连斯基会谈计划  [article {article_id}]"
    assert lines[1].startswith(
        "    …59台火箭炮、179门火炮和迫击炮、286辆军用特别车辆。 王毅应约同乌克兰外长库列巴通电话"
    )
    assert len(lines) == 2


def test_title_matches_rank_first_and_limit_applies(db: Database) -> None:
    db.load(SEEDS)
    # only seed 001 has 普京 in its title
    assert _found(db, "普京")[0] == S001
    assert _found(db, "普京", "--limit", "2") == _found(db, "普京")[:2]


def test_index_follows_edits_and_deletions(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    edited = seeds_copy / S003
    edited.write_text(edited.read_text(encoding="utf-8").replace("鞠峰", "Zebrafinch"), encoding="utf-8")
    (seeds_copy / S002).unlink()
    db.load(seeds_copy)
    assert _found(db, "zebrafinch") == [S003]
    assert _found(db, "鞠峰") == []
    assert _found(db, "王毅") == []
    assert db.scalar("SELECT count(*) FROM article_search") == 3


def test_rebuild_restores_an_emptied_index(db: Database) -> None:
    db.load(SEEDS)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM article_search")
    result = db.run("search", "普京")
    assert _found(db, "普京") == []
    assert "the search index covers 0 of 4 articles; run `etl search --rebuild`" in result.stderr
    rebuilt = db.run("search", "--rebuild", "王毅")
    assert "Indexed 4 articles" in rebuilt.stderr
    assert _found(db, "普京", "--limit", "10") and _found(db, "王毅") == [S002]


def test_phrase_deep_in_a_long_article(db: Database, tmp_path: Path) -> None:
    """Postgres stores word positions up to 16,383 only: long bodies are indexed in parts."""
    filler = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 600))  # neither 王 nor 毅
    body = (filler * 60)[:16_500] + "王毅" + filler[:100]
    article = tmp_path / "long" / "long.md"
    article.parent.mkdir()
    article.write_text(f"---\ntitle: Long\n---\n{body}\n", encoding="utf-8")
    db.load(article.parent)
    assert _found(db, "王毅") == ["long.md"]
    assert _found(db, "毅王") == []


def test_a_body_of_long_words_stays_within_postgres_limits(db: Database, tmp_path: Path) -> None:
    """2 MB of distinct 1,000-character words: one tsvector would exceed Postgres' 1 MB."""
    words = " ".join(f"{n:04d}" + "x" * 996 for n in range(2_000))
    article = tmp_path / "wide" / "wide.md"
    article.parent.mkdir()
    article.write_text(f"---\ntitle: Wide\n---\n{words} 王毅\n", encoding="utf-8")
    db.load(article.parent)
    assert db.scalar("SELECT count(*) FROM load_errors") == 0
    assert _found(db, "王毅") == ["wide.md"]
