"""BI views on the seed database, both backends; descriptions visible in Postgres."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS, Database, postgres_required
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from etl.schema.tables import articles
from etl.schema.views import VIEWS

S000 = "000_79dec9e98373e082.txt"


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def test_views_have_the_documented_columns(db: Database) -> None:
    db.run("db", "upgrade")
    inspector = inspect(db.engine)
    assert set(inspector.get_view_names()) == {v.name for v in VIEWS}
    for view in VIEWS:
        assert [c["name"] for c in inspector.get_columns(view.name)] == [c.name for c in view.columns]


def test_v_articles_on_the_seeds(db: Database) -> None:
    db.load(SEEDS)
    assert db.scalar("SELECT count(*) FROM v_articles") == 4
    row = db.rows(
        "SELECT title, published_date, year, month, category_path, category_1, category_2, category_3,"
        " authors, writers, image_count, link_count, char_count, canonical_url"
        " FROM v_articles WHERE source_path = :p",
        p=S000,
    )[0]
    assert (_day(row[1]), *row[2:]) == (
        "2022-02-21", 2022, "2022-02", "新媒体/观察者网/头条", "新媒体", "观察者网", "头条",
        "观察者网, 齐倩", "齐倩", 8, 2, 2685, None,
    )  # fmt: skip
    assert row[0] == "半夜1点，克里姆林宫电话响了"
    uncategorised = db.rows(
        "SELECT category_path, category_2, authors, writers, image_count, link_count, canonical_url"
        " FROM v_articles WHERE source_path LIKE '001%'"
    )
    assert uncategorised == [
        (None, None, "捆绑CCP一千年", "捆绑CCP一千年", 2, 14,
         "https://gnews.org/zh-hans/1808313/"),
    ]  # fmt: skip


def test_daily_domain_and_link_views(db: Database) -> None:
    db.load(SEEDS)
    daily = [(_day(d), c, n, f) for d, c, n, f in db.rows("SELECT * FROM v_daily_articles ORDER BY 1")]
    assert daily == [
        ("2021-12-31", None, 1, "seeds"),
        ("2022-01-23", "观察者网", 1, "新媒体/观察者网/首页"),
        ("2022-02-21", "观察者网", 1, "新媒体/观察者网/头条"),
        ("2022-03-02", "观察者网", 1, "新媒体/观察者网/头条"),
    ]
    assert db.rows("SELECT * FROM v_domain_stats WHERE registered_domain IN ('guancha.cn', 'gnews.org')"
                   " ORDER BY 1") == [("gnews.org", 3, 1, 3), ("guancha.cn", 5, 3, 5)]  # fmt: skip
    assert db.rows(
        "SELECT title, position, url, host, registered_domain, anchor_text FROM v_article_links"
        " WHERE article_id = (SELECT id FROM articles WHERE source_path = :p) ORDER BY position",
        p=S000,
    ) == [
        ("半夜1点，克里姆林宫电话响了", 1, "https://www.guancha.cn/internation/2022_02_21_627043.shtml",
         "www.guancha.cn", "guancha.cn", "第二通电话"),
        ("半夜1点，克里姆林宫电话响了", 2, "https://www.guancha.cn/military-affairs/2022_02_21_627031.shtml",
         "www.guancha.cn", "guancha.cn", "发生密集交火"),
    ]  # fmt: skip


def test_views_leave_out_deleted_articles(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    (seeds_copy / S000).unlink()
    db.load(seeds_copy)
    assert db.scalar("SELECT count(*) FROM v_articles") == 3
    assert db.scalar("SELECT count(*) FROM v_article_links WHERE anchor_text = '第二通电话'") == 0
    assert db.scalar("SELECT sum(article_count) FROM v_daily_articles") == 3
    assert db.rows(
        "SELECT link_rows, article_count FROM v_domain_stats WHERE registered_domain = 'guancha.cn'"
    ) == [(3, 2)]


COLUMN_DESCRIPTIONS = """
    SELECT c.relname, a.attname, col_description(c.oid, a.attnum)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
"""


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgres_describes_every_table_view_and_column(db: Database) -> None:
    db.run("db", "upgrade")
    missing = [(t, c) for t, c, d in db.rows(COLUMN_DESCRIPTIONS) if not d and t != "alembic_version"]
    assert missing == []
    described = {(t, c): d for t, c, d in db.rows(COLUMN_DESCRIPTIONS)}
    assert (
        described[("v_articles", "category_2")] == "Second level of category_path, e.g. 观察者网 (see feed)."
    )
    assert db.scalar("SELECT obj_description('v_articles'::regclass)") == VIEWS[0].description
    tables = db.rows(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
        " AND c.relkind IN ('r', 'v') AND c.relname <> 'alembic_version'"
        " AND obj_description(c.oid, 'pg_class') IS NULL"
    )
    assert tables == []


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_psql_describe_shows_a_description_on_every_articles_column(db: Database) -> None:
    psql = shutil.which("psql")
    if psql is None:
        if postgres_required():
            pytest.fail("psql is not installed, and CI may not skip Postgres tests")
        pytest.skip("psql is not installed")
    db.run("db", "upgrade")
    url = make_url(db.url)
    output = subprocess.run(
        [psql, "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
         "-d", url.database or "", "-A", "-F", "\t", "-c", r"\d+ articles"],
        check=True, capture_output=True, text=True, env={"PGPASSWORD": url.password or "", "PATH": ""},
    ).stdout  # fmt: skip
    rows = [line.split("\t") for line in output.splitlines()[2:] if "\t" in line]
    header = output.splitlines()[1].split("\t")
    assert header[0] == "Column" and header[-1] == "Description"
    assert sorted(row[0] for row in rows) == sorted(c.name for c in articles.columns)
    assert all(row[-1] for row in rows), [row[0] for row in rows if not row[-1]]
