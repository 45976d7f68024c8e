"""insert_rows: the bulk insert under the loader (arrays through unnest on Postgres)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from etl.load import engine_for, upgrade_database
from etl.load.sql import insert_rows
from etl.schema.tables import articles, domains, images


def test_rows_arrive_whole_and_existing_keys_are_skipped(db_url: str) -> None:
    with engine_for(make_url(db_url)) as engine:
        upgrade_database(engine)
        with engine.begin() as connection:
            insert_rows(connection, domains, [{"host": "www.guancha.cn", "registered_domain": "guancha.cn"}])
            insert_rows(
                connection,
                domains,
                [
                    {"host": "www.guancha.cn", "registered_domain": "changed.cn"},
                    {"host": "gnews.org", "registered_domain": "gnews.org"},
                    {"host": "例子.中国", "registered_domain": "例子.中国"},
                ],
                conflict_key="host",
            )
            insert_rows(connection, images, [{"url": "https://a.example/1.png", "domain_id": None}])
            found = connection.execute(
                select(domains.c.host, domains.c.registered_domain).order_by(domains.c.id)
            ).all()
            image = connection.execute(select(images.c.url, images.c.domain_id)).all()
    assert found == [("www.guancha.cn", "guancha.cn"), ("gnews.org", "gnews.org"), ("例子.中国", "例子.中国")]
    assert image == [("https://a.example/1.png", None)]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_postgres_refuses_columns_whose_values_need_converting(db_url: str) -> None:
    """The array path hands values to the driver as they are, so a type decorator would be skipped
    (SQLite goes through SQLAlchemy's executemany, which converts them)."""
    row = {"source_path": "a.md", "published_at": datetime(2022, 2, 21, tzinfo=UTC)}
    with engine_for(make_url(db_url)) as engine:
        upgrade_database(engine)
        with engine.begin() as connection, pytest.raises(TypeError, match=r"articles\.published_at"):
            insert_rows(connection, articles, [row])
