"""Front matter that no YAML parser accepts, as RSS-generated Hexo posts carry it: the article loads
with its title, date, categories, images and body, and a warning naming the YAML error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS, Database

from etl.errors import ExtractError
from etl.extract.salvage import salvage_front_matter
from etl.extract.split import split_front_matter

# seed 002 with the front matter a generator got wrong: its body, categories and images as they are
SEED = (SEEDS / "002_c0ba3bdfef9b4790.txt").read_text(encoding="utf-8")
BODY = SEED.split("\n---\n", 1)[1]
REST = (
    "date: Wed, 02 Mar 2022 06:50:07 GMT\n"
    "categories:\n- 新媒体\n- 观察者网\n- 头条\n"
    "author: 观察者网\n"
    "headimg: https://i.guancha.cn/news/2022/03/02/20220302090322298.jpg\n"
)
MULTI_LINE = f"---\ntitle: 俄方：无普京与泽连斯基\n会谈计划\n{REST}---\n{BODY}"
QUOTE_RUNS = f'---\ntitle: """"俄方：无普京与"泽连斯基"会谈计划""""\n{REST}---\n{BODY}'


@pytest.fixture
def loaded(db: Database, tmp_path: Path) -> Database:
    (tmp_path / "multi-line.md").write_text(MULTI_LINE, encoding="utf-8")
    (tmp_path / "quote-runs.md").write_text(QUOTE_RUNS, encoding="utf-8")
    db.load(tmp_path)
    return db


@pytest.mark.parametrize(
    ("name", "title", "problem"),
    [
        (
            "multi-line.md",
            "俄方：无普京与泽连斯基 会谈计划",
            "could not find expected ':' in front matter line 2",
        ),
        (
            "quote-runs.md",
            '俄方：无普京与"泽连斯基"会谈计划',
            "did not find expected key in front matter line 1",
        ),
    ],
)
def test_broken_front_matter_loads_with_a_warning(
    loaded: Database, name: str, title: str, problem: str
) -> None:
    (article_id, stored, published, body) = loaded.rows(
        "SELECT id, title, published_at, body_text FROM articles WHERE source_path = :p", p=name
    )[0]
    assert stored == title
    assert str(published)[:19] == "2022-03-02 06:50:07"
    assert "王毅应约同乌克兰外长库列巴通电话" in body
    assert loaded.rows(
        "SELECT c.path FROM article_categories ac JOIN categories c ON c.id = ac.category_id"
        " WHERE ac.article_id = :id",
        id=article_id,
    ) == [("新媒体/观察者网/头条",)]
    assert (
        loaded.scalar(
            "SELECT count(*) FROM article_images WHERE article_id = :id AND role = 'cover'", id=article_id
        )
        == 1
    )
    assert loaded.rows("SELECT stage, warning FROM file_warnings WHERE source_path = :p", p=name) == [
        ("extract", f"front matter is not valid YAML ({problem}): read line by line")
    ]


def test_warnings_are_listed_by_etl_errors(loaded: Database) -> None:
    rows = loaded.run("errors", "--format", "csv").stdout.splitlines()
    assert [r.split(",")[1:4] for r in rows[1:]] == [
        ["multi-line.md", "warning", "extract"],
        ["quote-runs.md", "warning", "extract"],
    ]
    assert loaded.scalar("SELECT files_warned FROM etl_runs") == 2


def test_salvage_reads_keys_lists_and_continuations() -> None:
    raw = 'title: a\n  b\nc\ntags: [x, y]\ncategories:\n  - 新媒体\n  - "头条"\ndate: 2022-03-02\nempty:\n'
    assert salvage_front_matter(raw) == {
        "title": "a b c",
        "tags": ["x", "y"],
        "categories": ["新媒体", "头条"],
        "date": "2022-03-02",
        "empty": None,
    }
    assert salvage_front_matter("just some words\nand more") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a tag that constructs an object is refused, never read around
        (
            "---\ntitle: x\n  y\nz: !!python/object/apply:os.getcwd []\n---\nb",
            "front matter cannot be parsed",
        ),
        ("---\n- a\n-b: [\n---\nbody", "front matter cannot be parsed"),  # no line is a key: nothing to read
        ("---\n- a\n- b\n---\nbody", "front matter must be a mapping of keys to values, found a list"),
    ],
)
def test_unsafe_or_unreadable_front_matter_still_fails(text: str, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        split_front_matter("x.md", text)
