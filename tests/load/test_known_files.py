"""The re-run's lookup of what is loaded goes by path, whatever other indexes `articles` has.

When the deleted_at index held every article, SQLite (no ANALYZE statistics) preferred it for the
lookup's `deleted_at IS NULL` and walked every live article for each chunk of paths: an unchanged
100,000-file re-run took 43 s. Migration 0007 made that index partial (deleted rows only).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import SEEDS, Database
from sqlalchemy.engine import URL, make_url

from etl.load import engine_for
from etl.load.outcomes import known_outcomes
from etl.load.runs import known_articles

SEED_000 = "000_79dec9e98373e082.txt"


def _looked_up(
    url: URL, lookup: Callable[..., dict[Any, Any]], keys: list[Any], table: str
) -> tuple[Any, list[str]]:
    """What `lookup` finds of `keys`, and SQLite's plan of the statement it ran on `table`. The
    lookups run on the driver's own cursor: SQLite's trace shows their SQL, values filled in."""
    seen: list[str] = []
    with engine_for(url) as engine, engine.connect() as connection:
        connection.connection.dbapi_connection.set_trace_callback(seen.append)
        known = lookup(connection, keys)
        statement = next(s for s in seen if f"FROM {table}" in s and "source_path" in s)
        plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")]
    return known, plan


def test_loaded_files_are_looked_up_by_their_path_index(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'etl.db'}")
    Database(url.render_as_string()).load(SEEDS)
    keys = [(1, f"missing/{n:04d}.md") for n in range(400)] + [(1, SEED_000)]
    known, plan = _looked_up(url, known_articles, keys, "articles")
    assert list(known) == [(1, SEED_000)]
    assert plan == [
        "SEARCH articles USING COVERING INDEX ix_articles_known_files"
        " (source_id=? AND source_path=? AND deleted_at=?)"
    ]


def test_remembered_outcomes_are_looked_up_by_their_primary_key(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'etl.db'}")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "stub.md").write_text("## \n[轉載自GNews](https://gnews.org/ThreadView/0)\n", encoding="utf-8")
    Database(url.render_as_string()).load(folder)
    keys = [(1, f"missing/{n:04d}.md") for n in range(400)] + [(1, "stub.md")]
    known, plan = _looked_up(url, known_outcomes, keys, "file_outcomes")
    assert [(key, o.outcome) for key, o in known.items()] == [((1, "stub.md"), "skipped")]
    assert plan == ["SEARCH file_outcomes USING PRIMARY KEY (source_id=? AND source_path=?)"]
