"""Machine-readable runs: `etl run --json`, `etl runs` and `etl errors`, on both backends."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SEEDS, Database
from sqlalchemy.engine import make_url

from etl import __version__
from etl.cli import cli

SECRET = "Tr0ub4dor-json-secret"
COUNTS = [
    "files_seen",
    "articles_inserted",
    "articles_updated",
    "articles_unchanged",
    "articles_deleted",
    "files_failed",
    "files_skipped",
    "files_warned",
]


def _folder_with_a_bad_file(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "bad.md").write_bytes(b"---\ntitle: !!python/object/apply:os.system [echo]\n---\nbody\n")
    (folder / "stub.md").write_text("## \n[轉載自GNews](https://gnews.org/ThreadView/0)\n", encoding="utf-8")
    return folder


def test_run_json_is_the_only_thing_on_stdout(db: Database, tmp_path: Path) -> None:
    folder = _folder_with_a_bad_file(tmp_path)
    result = db.run("run", str(folder), "--json", expect_exit=1)
    summary = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert list(summary) == [
        "run_id", "status", "database", "paths", "shard", *COUNTS, "elapsed_s", "warnings", "errors"
    ]  # fmt: skip
    assert summary["warnings"] == []
    assert {k: summary[k] for k in ["run_id", "status", "paths", "shard", *COUNTS]} == {
        "run_id": 1,
        "status": "partial",
        "paths": [str(folder)],
        "shard": None,
        "files_seen": 6,
        "articles_inserted": 4,
        "articles_updated": 0,
        "articles_unchanged": 0,
        "articles_deleted": 0,
        "files_failed": 1,
        "files_skipped": 1,
        "files_warned": 0,
    }
    assert summary["database"] == make_url(db.url).render_as_string(hide_password=True)
    assert summary["elapsed_s"] > 0
    assert [(e["source_path"], e["stage"]) for e in summary["errors"]] == [("bad.md", "extract")]
    assert summary["errors"][0]["error"].startswith("front matter cannot be parsed")
    assert "Loading " + str(folder) in result.stderr
    assert "Migrations applied: (empty database)" in result.stderr


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_run_json_hides_the_password(db_url: str) -> None:
    with_secret = make_url(db_url).set(password=SECRET).render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["run", str(SEEDS), "--db", with_secret, "--json"])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert json.loads(result.stdout)["database"].startswith("postgresql+psycopg://postgres:***@")


def test_runs_lists_the_newest_first_in_every_format(db: Database) -> None:
    db.load(SEEDS)
    db.load(SEEDS)
    rows = json.loads(db.run("runs", "--format", "json").stdout)
    assert [(r["id"], r["status"], r["articles_inserted"], r["articles_unchanged"]) for r in rows] == [
        (2, "succeeded", 0, 4),
        (1, "succeeded", 4, 0),
    ]
    assert rows[0]["paths"] == str(SEEDS)
    assert rows[0]["etl_version"] == __version__
    assert rows[0]["finished_at"] >= rows[0]["started_at"]
    assert [r["id"] for r in json.loads(db.run("runs", "--limit", "1", "--format", "json").stdout)] == [2]
    table = db.run("runs").stdout.splitlines()
    assert table[0].split()[:5] == ["id", "status", "started_at", "finished_at", "files_seen"]
    assert table[2].split()[:2] == ["2", "succeeded"]
    parsed = list(csv.DictReader(io.StringIO(db.run("runs", "--format", "csv").stdout)))
    assert [(r["id"], r["files_seen"]) for r in parsed] == [("2", "4"), ("1", "4")]


def test_errors_lists_failed_and_skipped_files_of_a_run(db: Database, tmp_path: Path) -> None:
    folder = _folder_with_a_bad_file(tmp_path)
    db.load(folder, expect_exit=1)
    db.load(SEEDS)
    newest = db.run("errors", "--format", "json")
    assert json.loads(newest.stdout) == []
    assert "Run 2: 0 files failed, skipped or warned about" in newest.stderr
    problems = json.loads(db.run("errors", "--run", "1", "--format", "json").stdout)
    assert [(p["run_id"], p["source_path"], p["kind"], p["stage"]) for p in problems] == [
        (1, "bad.md", "failed", "extract"),
        (1, "stub.md", "skipped", "transform"),
    ]
    assert problems[0]["reason"].startswith(
        "front matter cannot be parsed: could not determine a constructor"
    )
    assert problems[1]["reason"] == "placeholder: no title, and no text outside links"
    table = db.run("errors", "--run", "1").stdout.splitlines()
    assert table[0].split() == ["run_id", "source_path", "kind", "stage", "reason", "created_at"]
    assert table[2].startswith("     1  bad.md       failed   extract    front matter cannot be parsed:")


def test_errors_of_a_run_that_does_not_exist(db: Database) -> None:
    unmigrated = db.run("errors", expect_exit=1)
    assert "Error: the database schema is at revision (none)" in unmigrated.output
    db.run("db", "upgrade")
    empty = db.run("errors", expect_exit=1)
    assert "Error: this database holds no runs yet" in empty.output
    db.load(SEEDS)
    missing = db.run("errors", "--run", "42", expect_exit=1)
    assert (
        "Error: no run 42 in this database (runs are numbered 1 to 1); `etl runs` lists them"
        in missing.output
    )


def test_gnews_sample_skips_are_listed_with_reasons(db: Database) -> None:
    db.load(FIXTURES / "gnews-sample", "--workers", "1")
    rows = list(csv.DictReader(io.StringIO(db.run("errors", "--format", "csv").stdout)))
    reasons = sorted({r["reason"].split(":")[0] for r in rows})
    assert (len(rows), reasons) == (11, ["index page", "placeholder"])
