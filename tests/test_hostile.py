"""The hostile corpus (tests/hostile.py): every entry is an article, a skip or an error a person can
read, nothing outside the input is read, the counts add up, and both backends load the same."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Database, fresh_database, natural_dump
from hostile import BAD_NAME, BAD_NAME_STORED, DEEP_PATH, MAX_FILE_SIZE, build, expected, remove_deep

from etl.fsnames import filesystem_name, text_name


def test_the_corpus_has_sixty_kinds_of_hostile_entries() -> None:
    assert len(expected()) >= 60


def _load(db: Database, folder: Path) -> str:
    result = db.run("run", str(folder), "--workers", "2", "--max-file-size", MAX_FILE_SIZE, expect_exit=1)
    assert "Traceback" not in result.output
    return result.output


def _outcomes(db: Database) -> dict[str, tuple[str, str]]:
    found = {path: ("article", "") for (path,) in db.rows("SELECT source_path FROM articles")}
    found |= {p: ("skipped", r) for p, r in db.rows("SELECT source_path, reason FROM skipped_files")}
    found |= {p: ("failed", e) for p, e in db.rows("SELECT source_path, error FROM load_errors")}
    return found


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "hostile"
    folder.mkdir()
    yield build(folder)
    remove_deep(folder)


def test_hostile_corpus_on_both_backends(
    request: pytest.FixtureRequest, tmp_path: Path, hostile_folder: Path
) -> None:
    folder = hostile_folder
    dumps = []
    for backend in ("sqlite", "postgres"):
        (tmp_path / backend).mkdir()
        with fresh_database(request, backend, tmp_path / backend) as url:
            db = Database(url)
            output = _load(db, folder)
            _check_outcomes(db, output)
            _check_values(db, backend)
            dumps.append(_comparable(natural_dump(db)))
            db.engine.dispose()
    assert dumps[0] == dumps[1]


def _comparable(dump: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Rows as both backends give them: Postgres returns instants as datetimes, SQLite as text."""
    return {
        table: sorted(
            (
                tuple(
                    v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v
                    for v in row
                )
                for row in rows
            ),
            key=repr,
        )
        for table, rows in dump.items()
    }


def _check_outcomes(db: Database, output: str) -> None:
    outcomes = _outcomes(db)
    cases = expected()
    assert set(outcomes) == set(cases)
    wrong = {
        path: outcomes[path]
        for path, case in cases.items()
        if outcomes[path][0] != case.kind or not outcomes[path][1].startswith(case.reason)
    }
    assert wrong == {}
    (seen, inserted, failed, skipped, updated, unchanged) = db.rows(
        "SELECT files_seen, articles_inserted, files_failed, files_skipped, articles_updated,"
        " articles_unchanged FROM etl_runs"
    )[0]
    assert seen == len(cases) == inserted + failed + skipped + updated + unchanged
    # no secret and no escape sequence reaches the terminal
    assert "\x1b" not in output and "\x07" not in output
    assert "s3cret" not in output


def _check_values(db: Database, backend: str) -> None:
    texts = " ".join(
        str(value)
        for row in db.rows("SELECT title, body_text, CAST(front_matter AS TEXT) FROM articles")
        for value in row
    )
    # what the links outside the input point to was never read
    assert "PATH=" not in texts and "root:x:0:0" not in texts and os.uname().nodename not in texts
    titles = dict(db.rows("SELECT source_path, title FROM articles"))
    assert titles["utf16.md"] == "十六"
    assert titles["bom-front-matter.md"] == "bom"
    assert len(titles["long-title.md"]) == 100_000
    assert titles["zero-width.md"] == "标题"
    assert titles["name with spaces.md"] == "空格"
    assert titles["名字.md"] == "中文名"
    assert titles[BAD_NAME_STORED] == "坏名字"
    assert titles[DEEP_PATH] == "最深处"
    assert titles["alias.md"] == titles["seed-copy.txt"]
    assert titles["osc-title.md"] == "]0;owned]52;c;cm0gLXJmIH4=Title"  # the controls are gone
    assert titles["surrogate.md"] == "half \ufffd pair"
    assert titles["nul-in-text.md"] == "ab"
    assert db.scalar("SELECT body_text FROM articles WHERE source_path = 'nul-in-text.md'") == "xy"
    encoded = db.rows(
        "SELECT source_path, title, source_encoding FROM articles"
        " WHERE source_path IN ('invalid-utf8.md', 'gb18030.md', 'utf16.md') ORDER BY source_path"
    )
    assert encoded == [
        ("gb18030.md", "国标", "gb18030"),
        ("invalid-utf8.md", "café", "cp1252"),
        ("utf16.md", "十六", "utf-16"),
    ]
    # JSON stays JSON on both backends: numbers JSON has no form for are strings, NUL is gone
    front = {
        path: json.loads(raw) if isinstance(raw, str) else raw
        for path, raw in db.rows(
            "SELECT source_path, front_matter FROM articles"
            " WHERE source_path IN ('not-numbers.md', 'nul-key.md', 'date-inf.md')"
        )
    }
    assert front["not-numbers.md"] == {"title": "nan", "score": "NaN", "high": "Infinity", "low": "-Infinity"}
    assert front["nul-key.md"] == {"title": "k", "ab": 1}
    assert front["date-inf.md"] == {"title": "inf", "date": "Infinity"}
    extract = "json_extract(front_matter, '$.score')" if backend == "sqlite" else "front_matter->>'score'"
    assert db.scalar(f"SELECT count(*) FROM articles WHERE {extract} = 'NaN'") == 1
    warnings = dict(db.rows("SELECT source_path, warning FROM file_warnings WHERE stage = 'transform'"))
    assert warnings["not-numbers.md"] == (
        "front matter numbers that JSON cannot hold (score: nan, high: inf, low: -inf) stored as strings"
    )
    extract_warnings = "SELECT source_path, stage FROM file_warnings WHERE stage = 'extract' ORDER BY 1"
    assert db.rows(extract_warnings) == [("malformed-yaml.md", "extract"), ("surrogate.md", "extract")]
    urls = [u for (u,) in db.rows("SELECT url FROM links UNION ALL SELECT url FROM images")]
    assert "https://private.example.com/x" in urls and "https://img.example.com/i.png" in urls
    assert not [u for u in urls if "s3cret" in u or "u:pw@" in u]
    count = (
        "SELECT count(*) FROM article_images ai JOIN articles a ON a.id = ai.article_id"
        " WHERE a.source_path = :p"
    )
    assert db.scalar(count, p="many-images.md") == 10_000
    assert db.scalar("SELECT max(length(url)) FROM images WHERE url LIKE 'data:%'") < 100
    assert db.scalar("SELECT max(length(name)) FROM tags") == 200
    assert db.scalar("SELECT max(length(path)) FROM categories") <= 1000
    dated = "SELECT count(*) FROM articles WHERE published_at IS NOT NULL AND source_path LIKE 'date-%'"
    assert db.scalar(dated) == 0


def test_names_round_trip_through_their_text_form() -> None:
    for name in (BAD_NAME, "plain.md", "back\\slash.md", "a\\x41.md", "名字.md", os.fsdecode(b"\x80\\\xff")):
        stored = text_name(name)
        stored.encode("utf-8")  # always valid text
        assert filesystem_name(stored) == name


def test_a_bad_name_given_as_the_path_and_under_a_shard(db: Database, tmp_path: Path) -> None:
    path = tmp_path / BAD_NAME
    path.write_text("## 坏名字\n\n正文。", encoding="utf-8")
    db.load(path)
    db.run("run", str(tmp_path), "--shard", "1/2")
    db.run("run", str(tmp_path), "--shard", "2/2")
    assert db.rows("SELECT source_path, title FROM articles") == [(BAD_NAME_STORED, "坏名字")]
