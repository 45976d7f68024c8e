"""insert_rows: the bulk insert under the loader (the driver's executemany on SQLite; COPY, or arrays
through unnest when existing keys are skipped, on Postgres)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import make_url

from etl.load import engine_for, upgrade_database
from etl.load.sql import insert_rows
from etl.schema.tables import articles, domains, images, sources


def test_rows_arrive_whole_and_existing_keys_are_skipped(db_url: str) -> None:
    with engine_for(make_url(db_url)) as engine:
        upgrade_database(engine)
        with engine.begin() as connection:
            columns = ("host", "registered_domain")
            insert_rows(connection, domains, columns, [("www.guancha.cn", "guancha.cn")])
            insert_rows(
                connection,
                domains,
                columns,
                [("www.guancha.cn", "changed.cn"), ("gnews.org", "gnews.org"), ("例子.中国", "例子.中国")],
                conflict_key="host",
            )
            insert_rows(connection, images, ("url", "domain_id"), [("https://a.example/1.png", None)])
            found = connection.execute(
                select(domains.c.host, domains.c.registered_domain).order_by(domains.c.id)
            ).all()
            image = connection.execute(select(images.c.url, images.c.domain_id)).all()
    assert found == [("www.guancha.cn", "guancha.cn"), ("gnews.org", "gnews.org"), ("例子.中国", "例子.中国")]
    assert image == [("https://a.example/1.png", None)]


def test_converted_columns_arrive_as_sqlalchemy_would_write_them(db_url: str) -> None:
    """Dates and JSON go through the columns' own bind processors, then COPY or executemany."""
    published = datetime(2022, 2, 21, 22, 50, 33, tzinfo=UTC)
    values = {
        "id": 7,
        "source_path": "a.md",
        "content_sha256": "0" * 64,
        "title": "标题 'quoted'\ttab\\",
        "published_at": published,
        "body_format": "html",
        "body_html": "<p>x</p>",
        "body_text": "x\ny",
        "char_count": 3,
        "front_matter": {"tags": ["新媒体", None], "n": 1.5, "nested": {"a": True}},
        "extractor_version": "0.5.0",
        "created_at": published,
        "updated_at": published,
        "source_id": 1,
        "feed": "新媒体/观察者网/头条",
        "canonical_article_id": 7,
    }
    with engine_for(make_url(db_url)) as engine:
        upgrade_database(engine)
        with engine.begin() as connection:
            insert_rows(
                connection, sources, ("id", "name", "root", "created_at"), [(1, "seeds", "/seeds", published)]
            )
            insert_rows(connection, articles, tuple(values), [tuple(values.values())])
            row = connection.execute(select(*(articles.c[name] for name in values))).one()
    assert dict(zip(values, row, strict=True)) == values
