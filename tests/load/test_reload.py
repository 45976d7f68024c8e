"""Idempotent loads: unchanged files write nothing, a changed file is updated in place."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS, Database

SEED_000 = "000_79dec9e98373e082.txt"


def test_second_run_changes_nothing(db: Database) -> None:
    db.load(SEEDS)
    before = db.counts()
    db.load(SEEDS)
    after = db.counts()
    assert after == {**before, "etl_runs": before["etl_runs"] + 1}
    last = db.rows(
        "SELECT status, files_seen, articles_inserted, articles_updated, articles_unchanged,"
        " files_failed FROM etl_runs ORDER BY id DESC LIMIT 1"
    )
    assert last == [("succeeded", 4, 0, 0, 4, 0)]


def test_edited_title_updates_the_same_row(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    (old_id, created) = db.rows("SELECT id, created_at FROM articles WHERE source_path = :p", p=SEED_000)[0]
    before = db.counts()
    seed = seeds_copy / SEED_000
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("半夜1点，克里姆林宫电话响了", "凌晨的电话"),
        encoding="utf-8",
    )
    result = db.load(seeds_copy)
    assert "articles updated           1" in result.output
    assert db.rows("SELECT id, title, created_at FROM articles WHERE source_path = :p", p=SEED_000) == [
        (old_id, "凌晨的电话", created)
    ]
    assert db.counts() == {**before, "etl_runs": before["etl_runs"] + 1}
    assert db.rows(
        "SELECT articles_inserted, articles_updated, articles_unchanged FROM etl_runs"
        " ORDER BY id DESC LIMIT 1"
    ) == [(0, 1, 3)]


def test_changed_body_replaces_child_rows(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    seed = seeds_copy / SEED_000
    text = seed.read_text(encoding="utf-8")
    seed.write_text(
        text.replace('<a href="https://www.guancha.cn/military-affairs', '<b x="'), encoding="utf-8"
    )
    db.load(seeds_copy)
    links = db.rows(
        "SELECT al.position, l.url FROM article_links al JOIN links l ON l.id = al.link_id"
        " JOIN articles a ON a.id = al.article_id WHERE a.source_path = :p",
        p=SEED_000,
    )
    assert links == [(1, "https://www.guancha.cn/internation/2022_02_21_627043.shtml")]


def test_bad_file_is_recorded_and_the_rest_load(db: Database, seeds_copy: Path) -> None:
    (seeds_copy / "broken.md").write_bytes(b"---\ntitle: !!python/object/apply:os.getcwd []\n---\nbody\n")
    (seeds_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = db.load(seeds_copy, expect_exit=1)
    assert "files failed               2" in result.output
    assert db.scalar("SELECT count(*) FROM articles") == 4
    errors = db.rows("SELECT source_path, stage, error FROM load_errors ORDER BY source_path")
    assert [(path, stage) for path, stage, _ in errors] == [
        ("binary.txt", "extract"),
        ("broken.md", "extract"),
    ]
    assert errors[0][2] == "binary data: it holds NUL bytes and is not valid UTF-8 (byte 0x89 at offset 0)"
    assert errors[1][2].startswith("front matter cannot be parsed: could not determine a constructor")
    assert db.rows("SELECT status, files_seen, files_failed FROM etl_runs") == [("partial", 6, 2)]


def test_file_that_became_a_placeholder_retires_its_article(db: Database, tmp_path: Path) -> None:
    post = tmp_path / "in" / "post.md"
    post.parent.mkdir()
    post.write_text("## 标题\n\n正文。\n", encoding="utf-8")
    db.load(post.parent)
    post.write_text("## \n[轉載自GNews](https://gnews.org/ThreadView/0)\n", encoding="utf-8")
    result = db.load(post.parent)
    assert "  files skipped              1" in result.output
    assert db.rows("SELECT title, deleted_at IS NOT NULL FROM articles") == [("标题", True)]
    assert db.rows(
        "SELECT files_seen, articles_deleted, files_skipped FROM etl_runs ORDER BY id DESC LIMIT 1"
    ) == [(1, 1, 1)]
    assert db.rows("SELECT source_path, reason FROM skipped_files") == [
        ("post.md", "placeholder: no title, and no text outside links")
    ]


def test_nul_bytes_load_the_same_on_both_backends(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nul.md").write_bytes('---\ntitle: "a\\0b"\n---\n<p>正\x00文</p>\n'.encode())
    db.load(folder)
    assert db.rows("SELECT title, body_text FROM articles") == [("ab", "正文")]


def test_deleted_file_is_soft_deleted_and_revived(db: Database, seeds_copy: Path) -> None:
    db.load(seeds_copy)
    seed = seeds_copy / SEED_000
    kept = seed.read_bytes()
    links_before = db.scalar("SELECT count(*) FROM article_links")
    seed.unlink()
    result = db.load(seeds_copy)
    assert "  articles deleted           1" in result.output
    assert db.rows("SELECT source_path FROM articles WHERE deleted_at IS NOT NULL") == [(SEED_000,)]
    assert db.scalar("SELECT count(*) FROM article_links") == links_before  # child rows kept
    seed.write_bytes(kept)
    result = db.load(seeds_copy)
    assert db.rows("SELECT articles_updated, articles_deleted FROM etl_runs ORDER BY id DESC LIMIT 1") == [
        (1, 0)
    ]
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL") == 0


def test_loading_another_folder_or_one_file_deletes_nothing(
    db: Database, seeds_copy: Path, tmp_path: Path
) -> None:
    db.load(seeds_copy)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("## 别的\n\n正文。\n", encoding="utf-8")
    db.load(other)
    db.load(seeds_copy / SEED_000)
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL") == 0
    assert db.scalar("SELECT sum(articles_deleted) FROM etl_runs") == 0
