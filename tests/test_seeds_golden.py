"""Golden values for every seed file, loaded through `etl run` on SQLite and Postgres."""

from __future__ import annotations

import json

import pytest
from conftest import GOLDEN, SEEDS, Database

SEED_GOLDEN = GOLDEN / "seeds"
SEED_NAMES = sorted(p.stem for p in SEED_GOLDEN.glob("*.json"))


def test_every_seed_has_a_golden_file() -> None:
    assert sorted(p.stem for p in SEEDS.iterdir()) == SEED_NAMES


@pytest.fixture
def seeded(db: Database) -> Database:
    db.load(SEEDS)
    return db


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_seed_matches_golden(seeded: Database, seed: str) -> None:
    expected = json.loads((SEED_GOLDEN / f"{seed}.json").read_text(encoding="utf-8"))
    db = seeded
    (article_id, title, published, precision, body_format, canonical, summary, front_matter, *language) = (
        db.rows(
            "SELECT id, title, published_at, published_precision, body_format, canonical_url, summary,"
            " front_matter, language, script, source_encoding FROM articles WHERE source_path = :path",
            path=f"{seed}.txt",
        )[0]
    )
    assert language == [expected["language"], expected["script"], expected["source_encoding"]]
    assert title == expected["title"]
    assert str(published)[:19] == expected["published_at"]
    assert precision == expected["published_precision"]
    assert body_format == expected["body_format"]
    assert canonical == expected["canonical_url"]
    assert summary.startswith(expected["summary_starts"])
    assert len(summary) <= 280
    if isinstance(front_matter, str):
        front_matter = json.loads(front_matter)
    assert front_matter.items() >= expected["front_matter"].items()

    categories = db.rows(
        "SELECT c.path FROM article_categories ac JOIN categories c ON c.id = ac.category_id"
        " WHERE ac.article_id = :id ORDER BY c.path",
        id=article_id,
    )
    assert [path for (path,) in categories] == expected["categories"]

    credits = db.rows(
        "SELECT a.name, aa.role, aa.affiliation FROM article_authors aa JOIN authors a ON a.id = aa.author_id"
        " WHERE aa.article_id = :id ORDER BY aa.position",
        id=article_id,
    )
    assert [list(c) for c in credits] == expected["credits"]

    tags = db.rows(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = :id",
        id=article_id,
    )
    assert [name for (name,) in tags] == expected["tags"]

    by_role = db.rows(
        "SELECT role, count(*) FROM article_images WHERE article_id = :id GROUP BY role ORDER BY role",
        id=article_id,
    )
    assert dict(by_role) == expected["images_by_role"]
    distinct = db.scalar(
        "SELECT count(DISTINCT image_id) FROM article_images WHERE article_id = :id", id=article_id
    )
    assert distinct == expected["distinct_images"]

    captions = dict(
        db.rows(
            "SELECT i.url, ai.caption FROM article_images ai JOIN images i ON i.id = ai.image_id"
            " WHERE ai.article_id = :id AND ai.caption IS NOT NULL",
            id=article_id,
        )
    )
    for url, caption in expected["image_captions"].items():
        assert captions[url] == caption

    first = db.rows(
        "SELECT i.url, ai.width, ai.height FROM article_images ai JOIN images i ON i.id = ai.image_id"
        " WHERE ai.article_id = :id AND ai.role = 'inline' AND ai.position = 1",
        id=article_id,
    )[0]
    assert list(first) == list(expected["first_inline_image"].values())

    links = dict(
        db.rows(
            "SELECT l.url, al.anchor_text FROM article_links al JOIN links l ON l.id = al.link_id"
            " WHERE al.article_id = :id",
            id=article_id,
        )
    )
    assert (
        db.scalar("SELECT count(*) FROM article_links WHERE article_id = :id", id=article_id)
        == (expected["links"])
    )
    for url, anchor in expected["link_anchors"].items():
        assert links[url] == anchor


def test_shared_rows_across_the_four_seeds(seeded: Database) -> None:
    db = seeded
    assert db.scalar("SELECT count(*) FROM articles") == 4
    assert db.rows("SELECT path, depth FROM categories ORDER BY path") == [
        ("新媒体", 1),
        ("新媒体/观察者网", 2),
        ("新媒体/观察者网/头条", 3),
        ("新媒体/观察者网/首页", 3),
    ]
    assert db.scalar("SELECT count(*) FROM images") == 15
    assert db.scalar("SELECT count(*) FROM links") == 19
    assert db.rows("SELECT registered_domain FROM domains WHERE host = 'www.guancha.cn'") == [("guancha.cn",)]
    # seeds 000 and 002 share the leaf category row
    assert db.rows(
        "SELECT count(DISTINCT ac.category_id), count(*) FROM article_categories ac"
        " JOIN articles a ON a.id = ac.article_id"
        " WHERE a.source_path IN ('000_79dec9e98373e082.txt', '002_c0ba3bdfef9b4790.txt')"
    ) == [(1, 2)]
    # one 观察者网 row credited as author by three articles
    assert db.rows(
        "SELECT count(*) FROM article_authors aa JOIN authors a ON a.id = aa.author_id"
        " WHERE a.name = '观察者网' AND aa.role = 'author'"
    ) == [(3,)]
    assert db.scalar("SELECT count(*) FROM authors WHERE name = '观察者网'") == 1
    parents = db.rows(
        "SELECT c.path, p.path FROM categories c LEFT JOIN categories p ON p.id = c.parent_id ORDER BY c.path"
    )
    assert parents == [
        ("新媒体", None),
        ("新媒体/观察者网", "新媒体"),
        ("新媒体/观察者网/头条", "新媒体/观察者网"),
        ("新媒体/观察者网/首页", "新媒体/观察者网"),
    ]
