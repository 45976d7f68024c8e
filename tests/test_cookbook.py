"""docs/queries.md stays true: every query runs on both backends and returns the rows shown."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from conftest import REPO, SEEDS, Database
from sqlalchemy import text

COOKBOOK = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
ENTRIES = re.findall(r"^## (.+?)\n.*?```sql\n(.*?)```\n\n```text\n(.*?)```", COOKBOOK, flags=re.S | re.M)


def _cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def test_cookbook_has_at_least_ten_checked_queries() -> None:
    assert len(ENTRIES) == COOKBOOK.count("\n## ") >= 10


@pytest.mark.parametrize(("title", "sql", "shown"), ENTRIES, ids=[e[0].split(".")[0] for e in ENTRIES])
def test_cookbook_query_returns_the_rows_shown(db: Database, title: str, sql: str, shown: str) -> None:
    db.load(SEEDS)
    with db.engine.connect() as connection:
        result = connection.execute(text(sql.strip().rstrip(";")))
        header = " | ".join(result.keys())
        rows = [" | ".join(_cell(v) for v in row) for row in result]
    expected_header, *expected = shown.rstrip("\n").split("\n")
    assert header == expected_header, title
    assert sorted(rows) == sorted(r for r in expected if r != "(no rows)"), title
