"""Parallel runs load the same content as serial ones; unchanged files are skipped unread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, Database, fresh_database

# every table by its natural keys: ids and timestamps may differ between two loads, nothing else
NATURAL_DUMP = {
    "articles": "SELECT source_path, title, published_at, published_precision, body_format, body_text,"
    " summary, canonical_url, char_count FROM articles",
    "authors": "SELECT name FROM authors",
    "article_authors": "SELECT a.source_path, au.name, x.role, x.position FROM article_authors x"
    " JOIN articles a ON a.id = x.article_id JOIN authors au ON au.id = x.author_id",
    "categories": "SELECT c.path, c.name, c.depth, p.path FROM categories c"
    " LEFT JOIN categories p ON p.id = c.parent_id",
    "article_categories": "SELECT a.source_path, c.path FROM article_categories x"
    " JOIN articles a ON a.id = x.article_id JOIN categories c ON c.id = x.category_id",
    "domains": "SELECT host, registered_domain FROM domains",
    "images": "SELECT i.url, d.host FROM images i LEFT JOIN domains d ON d.id = i.domain_id",
    "article_images": "SELECT a.source_path, x.role, x.position, i.url, x.alt, x.title, x.caption,"
    " x.width, x.height FROM article_images x JOIN articles a ON a.id = x.article_id"
    " JOIN images i ON i.id = x.image_id",
    "links": "SELECT l.url, d.host FROM links l LEFT JOIN domains d ON d.id = l.domain_id",
    "article_links": "SELECT a.source_path, x.position, l.url, x.anchor_text FROM article_links x"
    " JOIN articles a ON a.id = x.article_id JOIN links l ON l.id = x.link_id",
    "skipped_files": "SELECT source_path, reason FROM skipped_files",
}


def _dump(db: Database) -> dict[str, list[tuple]]:
    return {table: sorted(db.rows(sql), key=repr) for table, sql in NATURAL_DUMP.items()}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_parallel_run_equals_serial_run(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    inputs = FIXTURES / "gnews-sample"
    dumps = []
    for workers in ("1", "2"):
        with fresh_database(request, backend, tmp_path / workers) as url:
            (tmp_path / workers).mkdir(exist_ok=True)
            db = Database(url)
            db.run("run", str(inputs), "--workers", workers)
            dumps.append(_dump(db))
            db.engine.dispose()
    serial, parallel = dumps
    assert len(serial["articles"]) == 187
    assert parallel == serial


def test_unchanged_files_are_not_read_and_touched_files_not_parsed(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    # same size and mtime, other bytes: only a run that reads the file would notice
    seed = seeds_copy / "000_79dec9e98373e082.txt"
    stat = seed.stat()
    seed.write_bytes(b"x" * stat.st_size)
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    db.load(seeds_copy)
    assert db.rows(
        "SELECT articles_unchanged, articles_updated, files_failed FROM etl_runs ORDER BY id DESC LIMIT 1"
    ) == [(4, 0, 0)]
    touched = seeds_copy / "001_ff1f44015ba36125.txt"
    os.utime(touched, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    db.load(seeds_copy)
    assert db.rows("SELECT articles_unchanged, articles_updated FROM etl_runs ORDER BY id DESC LIMIT 1") == [
        (4, 0)
    ]
    assert db.rows("SELECT source_mtime_ns FROM articles WHERE source_path = '001_ff1f44015ba36125.txt'") == [
        (1_600_000_000_000_000_000,)
    ]


def test_full_reprocesses_everything(db: Database) -> None:
    db.load(SEEDS)
    db.run("run", str(SEEDS), "--full")
    assert db.rows(
        "SELECT articles_inserted, articles_updated, articles_unchanged FROM etl_runs"
        " ORDER BY id DESC LIMIT 1"
    ) == [(0, 4, 0)]
