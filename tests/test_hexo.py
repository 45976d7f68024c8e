"""Hexo's conventions and its neighbours' (issue 21), loaded through `etl run` on SQLite and Postgres:
every front matter form, what each field becomes, posts, pages and drafts, galleries, excerpts, tag
plugins and post links. Golden values in tests/golden/hexo.json, one entry per fixture file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURES, GOLDEN, Database

SITE = FIXTURES / "hexo" / "site"
HUGO = FIXTURES / "hugo"
TAG_PLUGINS = FIXTURES / "hexo" / "tag-plugins"
EXPECTED = json.loads((GOLDEN / "hexo.json").read_text(encoding="utf-8"))


def snapshot(db: Database) -> dict[str, dict[str, Any]]:
    """What the database holds of each file, by source and path, in plain JSON values."""
    found: dict[str, dict[str, Any]] = {}
    for row_id, source, path, kind, title, published, precision, updated, summary in db.rows(
        "SELECT a.id, s.name, a.source_path, a.kind, a.title, a.published_at, a.published_precision,"
        " a.source_updated_at, a.summary FROM articles a JOIN sources s ON s.id = a.source_id"
        " WHERE a.deleted_at IS NULL ORDER BY s.name, a.source_path"
    ):
        found[f"{source}/{path}"] = {
            "kind": kind,
            "title": title,
            "published_at": _instant(published),
            "precision": precision,
            "source_updated_at": _instant(updated),
            "summary": summary,
            "categories": _column(db, "SELECT c.path FROM article_categories x JOIN categories c ON"
                                  " c.id = x.category_id WHERE x.article_id = :id ORDER BY c.path", row_id),
            "tags": _column(db, "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id"
                            " WHERE x.article_id = :id ORDER BY t.name", row_id),
            "images": [list(r) for r in db.rows(
                "SELECT x.role, x.position, i.url FROM article_images x JOIN images i ON i.id = x.image_id"
                " WHERE x.article_id = :id ORDER BY x.role, x.position", id=row_id)],
            "links": _column(db, "SELECT l.url FROM article_links x JOIN links l ON l.id = x.link_id"
                             " WHERE x.article_id = :id ORDER BY x.position", row_id),
            "post_links": [list(r) for r in db.rows(
                "SELECT p.slug, t.source_path FROM article_post_links p LEFT JOIN articles t"
                " ON t.id = p.target_article_id WHERE p.article_id = :id ORDER BY p.position", id=row_id)],
        }  # fmt: skip
    return found


def _instant(value: Any) -> str | None:
    """UTC to the second: SQLite gives text, Postgres a datetime."""
    return str(value)[:19].replace(" ", "T") if value is not None else None


def _column(db: Database, sql: str, row_id: int) -> list[Any]:
    return [value for (value,) in db.rows(sql, id=row_id)]


@pytest.fixture
def loaded(db: Database) -> Database:
    for folder in (SITE, HUGO, TAG_PLUGINS):
        db.load(folder)
    return db


def test_every_fixture_file_matches_its_golden_values(loaded: Database) -> None:
    found = snapshot(loaded)
    assert sorted(found) == sorted(EXPECTED)
    for key, expected in EXPECTED.items():
        assert found[key] == expected, key


def test_every_form_of_front_matter_gives_title_date_and_tags(loaded: Database) -> None:
    forms = {
        "site/source/_posts/yaml-front-matter.md": ("台北城南散步记", "2022-02-21T22:50:33"),
        "site/source/_posts/yaml-no-opening-fence.md": ("颱風夜的備忘錄", "2019-08-09T21:15:00"),
        "site/source/_posts/long-dashes.md": ("分隔线可以更长", "2021-01-05T08:00:00"),
        "site/source/_posts/json-front-matter.md": ("用 JSON 写 Front-matter", "2020-05-17T10:20:30"),
        "site/source/_posts/json-closing-fence-only.md": ("Hello World", "2013-07-13T20:46:25"),
        "hugo/content/posts/toml-front-matter.md": ("Example", "2024-02-02T12:14:54"),
        "hugo/content/posts/json-front-matter.md": (
            "spf13-vim 3.0 release and new website",
            "2012-04-06T00:00:00",
        ),
    }
    found = snapshot(loaded)
    assert {key: (found[key]["title"], found[key]["published_at"]) for key in forms} == forms
    # the front matter's lines are nowhere in the text
    body = loaded.scalar(
        "SELECT body_text FROM articles WHERE source_path = 'source/_posts/yaml-no-opening-fence.md'"
    )
    assert isinstance(body, str) and "title:" not in body and body.startswith("氣象局傍晚發布了陸上颱風警報")


def test_a_paragraph_or_heading_above_a_rule_stays_the_body(loaded: Database) -> None:
    rows = loaded.rows(
        "SELECT source_path, title, published_at, front_matter FROM articles"
        " WHERE source_path IN ('source/_posts/note-then-rule.md', 'source/_posts/heading-then-rule.md')"
        " ORDER BY source_path"
    )
    assert [(path, title, published) for path, title, published, _ in rows] == [
        ("source/_posts/heading-then-rule.md", "没有 Front-matter 的笔记", None),
        ("source/_posts/note-then-rule.md", "搬家前的最后一个周末", None),
    ]
    assert [json.loads(fm) if isinstance(fm, str) else fm for *_, fm in rows] == [{}, {}]


def test_categories_keep_hexos_and_hugos_meanings(loaded: Database) -> None:
    found = snapshot(loaded)
    assert found["site/source/_posts/categories-hierarchy.md"]["categories"] == ["Foo/Bar/Baz"]
    assert found["site/source/_posts/categories-multiple.md"]["categories"] == [
        "Diary/Life",
        "Diary/Travel",
        "随想",
    ]
    assert found["hugo/content/posts/json-front-matter.md"]["categories"] == ["Development", "VIM"]
    assert found["site/source/_posts/category-and-tag-strings.md"]["tags"] == ["生活"]


def test_posts_pages_and_drafts(loaded: Database) -> None:
    kinds = dict(
        loaded.rows(
            "SELECT a.kind, count(*) FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE s.name IN ('site', 'hugo') GROUP BY a.kind"
        )
    )
    assert kinds == {"post": 22, "page": 5, "draft": 3}
    drafts = loaded.rows("SELECT source_path FROM articles WHERE kind = 'draft' ORDER BY source_path")
    assert drafts == [
        ("content/posts/yaml-draft.md",),
        ("source/_drafts/draft-post.md",),
        ("source/_posts/unpublished.md",),
    ]
    # the views leave drafts out; etl stats counts them
    assert loaded.scalar("SELECT count(*) FROM v_articles WHERE title = '还没想好的标题'") == 0
    assert loaded.scalar("SELECT count(*) FROM v_articles WHERE kind = 'page'") == 5
    # real articles: the tag-plugin posts all share one date to the second, and pullquote.md's text
    # is contained in raw.md's, so the identity rules take it for a revision of raw.md (40 files, 39)
    stats = json.loads(loaded.run("stats", "--by", "kind", "--format", "json").stdout)
    assert stats == [
        {"kind": "post", "articles": 39},
        {"kind": "page", "articles": 5},
        {"kind": "draft", "articles": 3},
    ]


def test_post_links_point_at_the_loaded_article_and_the_run_says_which_do_not(db: Database) -> None:
    result = db.load(SITE)
    assert (
        "Warning: 1 {% post_link %} point to no loaded article: source/_posts/post-link.md → no-such-post"
        in result.output
    )
    found = snapshot(db)["site/source/_posts/post-link.md"]
    assert found["post_links"] == [
        ["more-tag", "source/_posts/more-tag.md"],
        ["2020/blog-urls", "source/_posts/permalink-lang.md"],
        ["no-such-post", None],
    ]
    assert found["links"] == ["https://www.youtube.com/watch?v=lJIrF4YjHfQ"]


def test_a_draft_is_nobodys_copy(db: Database, tmp_path: Any) -> None:
    post = (SITE / "source" / "_posts" / "yaml-front-matter.md").read_text(encoding="utf-8")
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "post.md").write_text(post, encoding="utf-8")
    (tmp_path / "_drafts" / "post.md").write_text(post, encoding="utf-8")
    db.load(tmp_path)
    rows = db.rows("SELECT source_path, kind, canonical_article_id = id FROM articles ORDER BY source_path")
    assert [(path, kind, bool(own)) for path, kind, own in rows] == [
        ("_drafts/post.md", "draft", True),
        ("post.md", "post", True),
    ]
    assert db.scalar("SELECT version_count FROM v_articles") == 1
