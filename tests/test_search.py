"""`etl search` on the seed database, both backends: Chinese and English terms, kept in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SEEDS, Database

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
    assert lines[0] == "2022-03-02  俄方：无普京与泽连斯基会谈计划  [article %d]" % db.scalar(
        "SELECT id FROM articles WHERE source_path = :p", p=S002
    )
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
    filler = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    body = (filler * 60)[:16_500] + "王毅" + filler[:100]
    article = tmp_path / "long" / "long.md"
    article.parent.mkdir()
    article.write_text(f"---\ntitle: Long\n---\n{body}\n", encoding="utf-8")
    db.load(article.parent)
    assert _found(db, "王毅") == ["long.md"]
    assert _found(db, "毅王") == []
