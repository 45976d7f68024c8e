"""`etl stats` on the seed database: the same counts on both backends, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEEDS, Database
from sqlalchemy import text
from sqlalchemy.exc import OperationalError


def test_stats_by_category_is_an_aligned_table(db: Database) -> None:
    db.load(SEEDS)
    assert db.run("stats").stdout == (
        "category              depth  articles\n"
        "--------------------  -----  --------\n"
        "新媒体                    1         3\n"
        "新媒体/观察者网           2         3\n"
        "新媒体/观察者网/头条      3         2\n"
        "新媒体/观察者网/首页      3         1\n"
    )


def test_stats_by_month_as_json(db: Database) -> None:
    db.load(SEEDS)
    months = json.loads(db.run("stats", "--by", "month", "--format", "json").stdout)
    assert months == [
        {"month": "2021-12", "articles": 1},
        {"month": "2022-01", "articles": 1},
        {"month": "2022-02", "articles": 1},
        {"month": "2022-03", "articles": 1},
    ]


def test_stats_by_role_and_domain_as_csv(db: Database) -> None:
    db.load(SEEDS)
    assert db.run("stats", "--by", "role", "--format", "csv").stdout == (
        "role,credits,people,articles\nauthor,3,1,3\nwriter,3,3,3\npublisher,2,2,1\nproofreader,1,1,1\n"
    )
    domains = db.run("stats", "--by", "domain", "--format", "csv").stdout.splitlines()
    assert domains[:3] == ["domain,links,articles,urls", "guancha.cn,5,3,5", "gnews.org,3,1,3"]
    assert len(domains) == 14


def test_stats_refuses_a_database_behind_the_code(db: Database) -> None:
    result = db.run("stats", expect_exit=1)
    assert "the database schema is at revision (none)" in result.output
    assert "run `etl db upgrade`" in result.output


def test_a_read_only_sqlite_url_serves_stats_and_search_but_refuses_writes(tmp_path: Path) -> None:
    writer = Database(f"sqlite:///{tmp_path / 'etl.db'}")
    writer.load(SEEDS)
    reader = Database(f"sqlite:///file:{tmp_path / 'etl.db'}?mode=ro&uri=true")
    try:
        assert "新媒体/观察者网           2         3" in reader.run("stats").stdout
        assert "[article" in reader.run("search", "王毅").stdout
        with pytest.raises(OperationalError, match="readonly database"), reader.engine.begin() as connection:
            connection.execute(text("INSERT INTO tags (name) VALUES ('x')"))
    finally:
        reader.engine.dispose()
        writer.engine.dispose()
