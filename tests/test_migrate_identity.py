"""A database at revision 0010 that holds articles upgrades to sources, feeds and canonical articles
with every article id kept, and the next run updates those rows in place."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from conftest import SEEDS, Database
from sqlalchemy import text

from etl.load.migrate import alembic_config

S000 = "000_79dec9e98373e082.txt"
S001 = "001_ff1f44015ba36125.txt"


def _article(id_: int, root: str | None, path: str) -> dict[str, object]:
    return {
        "id": id_,
        "source_path": path,
        "content_sha256": "0" * 64,
        "body_format": "html",
        "body_html": "<p>x</p>",
        "body_text": "x",
        "char_count": 1,
        "front_matter": "{}",
        "extractor_version": "0.5.0",
        "created_at": "2026-11-30 10:00:00",
        "updated_at": "2026-11-30 10:00:00",
        "source_root": root,
    }


def test_a_database_at_0010_with_data_upgrades_keeping_every_id(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "2020" / "03").mkdir(parents=True)
    shutil.copy(SEEDS / S000, archive / "2020" / "03" / "x.md")
    shutil.copy(SEEDS / S001, archive / "README.md")
    rows = [
        _article(10, str(archive), "2020/03/x.md"),
        _article(11, str(archive), "README.md"),
        _article(12, str(archive / "2020" / "03"), "x.md"),  # the same file, once loaded on its own
        _article(13, "/elsewhere/archive", "post.md"),  # another folder of the same name
        _article(14, None, "legacy\\name.md"),  # loaded before etl kept roots
    ]
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0010")
        columns = ", ".join(rows[0])
        values = ", ".join(f":{name}" for name in rows[0])
        connection.execute(text(f"INSERT INTO articles ({columns}) VALUES ({values})"), rows)
        connection.execute(
            text("INSERT INTO categories (id, name, path, depth) VALUES (1, '头条', '新闻/头条', 2)")
        )
        connection.execute(text("INSERT INTO article_categories (article_id, category_id) VALUES (11, 1)"))
    db.run("db", "upgrade")
    assert db.rows("SELECT name, root FROM sources ORDER BY name") == [
        ("03", str(archive / "2020" / "03")),
        ("archive", "/elsewhere/archive"),
        ("archive-2", str(archive)),
        ("legacy", None),
    ]
    migrated = db.rows(
        "SELECT a.id, s.name, a.source_path, a.feed, a.canonical_article_id FROM articles a"
        " JOIN sources s ON s.id = a.source_id ORDER BY a.id"
    )
    assert migrated == [
        (10, "archive-2", "2020/03/x.md", "2020", 10),
        (11, "archive-2", "README.md", "新闻/头条", 11),
        (12, "03", "x.md", "03", 12),
        (13, "archive", "post.md", "archive", 13),
        (14, "legacy", "legacy\\\\name.md", "legacy", 14),
    ]
    assert db.scalar("SELECT count(*) FROM v_articles") == 5
    # the next run of the folder: the rows are updated in place; the file loaded on its own belongs
    # to its own (deeper) source, so the archive's row for it is retired, not duplicated
    db.load(archive)
    live = db.rows(
        "SELECT a.id, s.name, a.source_path FROM articles a JOIN sources s ON s.id = a.source_id"
        " WHERE a.deleted_at IS NULL ORDER BY a.id"
    )
    assert live == [(11, "archive-2", "README.md"), (12, "03", "x.md"), (13, "archive", "post.md"),
                    (14, "legacy", "legacy\\\\name.md")]  # fmt: skip
    assert db.scalar("SELECT max(id) FROM articles") == 14  # no new article
