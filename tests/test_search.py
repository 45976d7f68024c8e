"""`etl search` on the seed database, both backends: Chinese in either script and English terms,
web search syntax, hostile queries, kept in sync with the articles."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SEEDS, Database

from etl.cli import cli

SEED_PATHS = sorted(p.name for p in SEEDS.iterdir())
S000, S001, S002, S003 = SEED_PATHS


def _search(db: Database, query: str, *options: str) -> Result:
    """`etl search` as a shell would run it; `--` first, so a query may start with `-`."""
    result = CliRunner().invoke(cli, ["search", *options, "--db", db.url, "--", query])
    assert result.exit_code == 0, result.output
    return result


def _found(db: Database, query: str, *options: str) -> list[str]:
    """Source paths of the matches, in the order printed."""
    output = _search(db, query, *options).stdout
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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("普京 OR Biden", {S000, S001, S002, S003}),
        ("马克龙 OR 王毅", {S000, S002}),
        ("普京 -Biden", {S000, S002, S003}),
        ("普京 -马克龙 -王毅", {S001, S003}),
        ('"Biden Jr"', {S001}),
        ("Jr Biden", {S001}),
        ('"Jr Biden"', set()),  # a phrase must occur as written
        ('"乌克兰外长"', {S002}),
        ("-普京", set()),  # only exclusions: nothing to search for
    ],
)
def test_web_search_syntax(db: Database, query: str, expected: set[str]) -> None:
    db.load(SEEDS)
    assert set(_found(db, query)) == expected


HOSTILE = [
    '"',
    '""',
    '"普京',
    "*",
    "普京*",
    "NEAR(普京 拜登)",
    "NEAR(",
    "'; DROP TABLE articles;--",
    "title:普京",
    "^普京",
    "普京 AND NOT 拜登",
    "( ) : - -- \\ ' ` {",
    "OR",
    "OR OR OR",
    "普" * 10_000,
    "词 " * 5_000,
    "Biden " * 2_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: q[:20] + (f"…({len(q)})" if len(q) > 20 else ""))
def test_hostile_queries_are_taken_literally(db: Database, query: str) -> None:
    db.load(SEEDS)
    result = _search(db, query)
    assert "Traceback" not in result.output and "Error" not in result.output
    assert db.scalar("SELECT count(*) FROM articles") == 4
    found = set(_found(db, query))
    assert found <= set(SEED_PATHS)
    if query in ("^普京", "普京*", '"普京'):
        assert found == {S000, S001, S002, S003}  # 普京, whatever the punctuation around it
    if query in ("NEAR(普京 拜登)", "title:普京"):
        assert found == set()  # NEAR and title are words to find, not operators or columns
    if query in ('"', '""', "*", "( ) : - -- \\ ' ` {"):
        assert "nothing to search for" in result.stderr


def _with_a_traditional_copy(db: Database, tmp_path: Path, keep_simplified: bool = True) -> Path:
    """The seeds plus seed 002 as a Taiwanese outlet would print it, in Traditional characters
    (without the Simplified original when not `keep_simplified`)."""
    import opencc

    folder = tmp_path / "both"
    shutil.copytree(SEEDS, folder)
    simplified = (SEEDS / S002).read_text(encoding="utf-8")
    (folder / "trad-002.txt").write_text(opencc.OpenCC("s2t").convert(simplified), encoding="utf-8")
    if not keep_simplified:
        (folder / S002).unlink()
    db.load(folder)
    return folder


def test_either_script_finds_both(db: Database, tmp_path: Path) -> None:
    _with_a_traditional_copy(db, tmp_path)
    assert db.scalar("SELECT script FROM articles WHERE source_path = 'trad-002.txt'") == "zh-Hant"
    for simplified, traditional in [("乌克兰", "烏克蘭"), ("王毅", "王毅"), ("外长库列巴", "外長庫列巴")]:
        assert sorted(_found(db, simplified)) == sorted(_found(db, traditional))
    # the Traditional copy is a version of seed 002 (one text, in either script): found once, as 002
    assert set(_found(db, "烏克蘭")) == {S000, S001, S002, S003}
    assert _found(db, "外長庫列巴") == [S002]
    assert db.rows("SELECT source_path, match FROM v_article_versions WHERE is_canonical = 0") == [
        ("trad-002.txt", "repost")  # its categories are in Traditional too: another feed
    ]


def test_snippets_show_the_articles_own_script(db: Database, tmp_path: Path) -> None:
    _with_a_traditional_copy(db, tmp_path, keep_simplified=False)
    article_id = db.scalar("SELECT id FROM articles WHERE source_path = 'trad-002.txt'")
    output = db.run("search", "外长库列巴").stdout
    block = output[output.index(f"[article {article_id}]") :].splitlines()[1]
    assert "王毅應約同烏克蘭外長庫列巴通電話" in block


def test_search_as_json(db: Database) -> None:
    db.load(SEEDS)
    matches = json.loads(db.run("search", "王毅", "--format", "json").stdout)
    article_id = db.scalar("SELECT id FROM articles WHERE source_path = :p", p=S002)
    assert [(m["article_id"], m["title"], m["published_at"]) for m in matches] == [
        (article_id, "俄方：无普京与泽连斯基会谈计划", "2022-03-02T06:50:07+00:00")
    ]
    assert "王毅应约同乌克兰外长库列巴通电话" in matches[0]["snippet"]
    assert json.loads(_search(db, "-王毅", "--format", "json").stdout) == []
