"""Machine-readable runs: `etl run --json`, `etl runs` and `etl errors`, on both backends."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SEEDS, Database
from sqlalchemy.engine import make_url

import etl
from etl import __version__
from etl.cli import PROBLEM_KINDS, cli
from etl.errors import ConfigError
from etl.load import history
from etl.schema.tables import etl_runs

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


RUN_COLUMNS = [
    "id", "status", "started_at", "finished_at", "elapsed_s", *COUNTS,
    "shard", "etl_version", "host", "pid", "sources", "paths",
]  # fmt: skip
BRIEF_HEADER = "id  started_utc       status     elapsed_s  seen  loaded  unchanged  skipped  failed  warned"


def test_runs_lists_the_newest_first_in_every_format(db: Database) -> None:
    db.load(SEEDS)
    db.load(SEEDS)
    rows = json.loads(db.run("runs", "--format", "json").stdout)
    assert [list(r) for r in rows] == [RUN_COLUMNS, RUN_COLUMNS]  # every column, and elapsed_s
    assert [(r["id"], r["status"], r["articles_inserted"], r["articles_unchanged"]) for r in rows] == [
        (2, "succeeded", 0, 4),
        (1, "succeeded", 4, 0),
    ]
    assert rows[0]["paths"] == str(SEEDS)
    assert rows[0]["etl_version"] == __version__
    assert rows[0]["finished_at"] >= rows[0]["started_at"]
    for r in rows:  # whole seconds, as etl_runs stores the times
        took = datetime.fromisoformat(r["finished_at"]) - datetime.fromisoformat(r["started_at"])
        assert r["elapsed_s"] == int(took.total_seconds())
    assert [r["id"] for r in json.loads(db.run("runs", "--limit", "1", "--format", "json").stdout)] == [2]
    parsed = list(csv.DictReader(io.StringIO(db.run("runs", "--format", "csv").stdout)))
    assert list(parsed[0]) == RUN_COLUMNS
    assert [(r["id"], r["files_seen"], r["elapsed_s"]) for r in parsed] == [
        ("2", "4", str(rows[0]["elapsed_s"])),
        ("1", "4", str(rows[1]["elapsed_s"])),
    ]


def test_runs_fits_100_columns_and_wide_shows_every_column(db: Database) -> None:
    db.load(SEEDS)
    db.load(SEEDS)
    (newest, oldest) = json.loads(db.run("runs", "--format", "json").stdout)
    table = db.run("runs").stdout.splitlines()
    assert table[:2] == [
        BRIEF_HEADER,
        "--  ----------------  ---------  ---------  ----  ------  ---------  -------  ------  ------",
    ]
    for line, run, loaded, unchanged in ((table[2], newest, 0, 4), (table[3], oldest, 4, 0)):
        started = run["started_at"][:16]
        assert line == (
            f"{run['id']:>2}  {started}  succeeded  {run['elapsed_s']:>9}     4  {loaded:>6}  {unchanged:>9}"
            "        0       0       0"
        )
    assert len(table) == 4
    wide = db.run("runs", "--wide").stdout.splitlines()
    assert wide[0].split() == RUN_COLUMNS
    assert max(map(len, wide)) > 100


def test_the_brief_table_of_big_runs_is_exactly_100_columns(db: Database) -> None:
    """The widest a table gets while ids and counts have six digits: an interrupted run of 27 h."""
    db.run("db", "upgrade")
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with db.engine.begin() as connection:
        connection.execute(
            etl_runs.insert().values(
                id=999_999,
                started_at=started,
                finished_at=started + timedelta(seconds=99_999),
                status="interrupted",
                etl_version=__version__,
                paths=["/archive"],
                files_seen=999_999,
                articles_inserted=500_000,
                articles_updated=499_999,
                articles_unchanged=999_999,
                articles_deleted=999_999,
                files_failed=999_999,
                files_skipped=999_999,
                files_warned=999_999,
            )
        )
    table = db.run("runs").stdout.splitlines()
    assert table[2] == (
        "999999  2026-01-02 03:04  interrupted      99999  999999  999999     999999   999999  999999  999999"
    )
    assert [len(line) for line in table] == [100, 100, 100]


def test_errors_lists_failed_and_skipped_files_of_a_run(db: Database, tmp_path: Path) -> None:
    folder = _folder_with_a_bad_file(tmp_path)
    db.load(folder, expect_exit=1)
    db.load(SEEDS)
    newest = db.run("errors", "--format", "json")
    assert json.loads(newest.stdout) == []
    assert "Run 2: 0 files failed, 0 skipped, 0 warned about" in newest.stderr
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


def test_errors_lists_only_the_kinds_asked_for(db: Database, tmp_path: Path) -> None:
    folder = _folder_with_a_bad_file(tmp_path)
    body = (SEEDS / "000_79dec9e98373e082.txt").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    (folder / "warned.md").write_text(
        f"---\ntitle: 半夜1点\n克里姆林宫电话响了\n---\n{body}", encoding="utf-8"
    )
    db.load(folder, expect_exit=1)

    def listed(*kinds: str) -> tuple[list[tuple[str, str, str]], str]:
        result = db.run("errors", *(a for k in kinds for a in ("--kind", k)), "--format", "json")
        rows = [(p["source_path"], p["kind"], p["stage"]) for p in json.loads(result.stdout)]
        return rows, result.stderr

    failed = ("bad.md", "failed", "extract")
    skipped = ("stub.md", "skipped", "transform")
    warned = ("warned.md", "warning", "extract")
    assert listed() == ([failed, skipped, warned], "Run 1: 1 file failed, 1 skipped, 1 warned about\n")
    assert listed("failed") == ([failed], "Run 1: 1 file failed\n")
    assert listed("skipped") == ([skipped], "Run 1: 1 file skipped\n")
    assert listed("warning") == ([warned], "Run 1: 1 file warned about\n")
    assert listed("warning", "failed") == ([failed, warned], "Run 1: 1 file failed, 1 warned about\n")
    table = db.run("errors", "--kind", "warning").stdout.splitlines()
    assert table[2] == (
        "     1  warned.md    warning  extract  front matter is not valid YAML (could not find expected ':' "
        "in front matter line 2): read line by line  " + table[2][-25:]
    )
    assert len(table) == 3
    bad = db.run("errors", "--kind", "warned", expect_exit=2)
    assert "Invalid value for '--kind': 'warned' is not one of 'failed', 'skipped', 'warning'." in bad.output
    url = make_url(db.url)
    assert [p.source_path for p in etl.file_problems(url, kinds="skipped").problems] == ["stub.md"]
    assert [p.kind for p in etl.file_problems(url, run_id=1, kinds=["warning", "skipped"]).problems] == [
        "skipped",
        "warning",
    ]
    with pytest.raises(ConfigError, match="unknown kind 'warned': choose from failed, skipped, warning"):
        etl.file_problems(url, kinds=["warned"])


def test_the_command_line_offers_the_kinds_the_api_knows() -> None:
    assert tuple(PROBLEM_KINDS) == history.PROBLEM_KINDS


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


def test_the_errors_heading_counts_files_not_rows() -> None:
    from etl.cli import _problems_heading
    from etl.load.history import FileProblem, FileProblems

    at = datetime(2026, 12, 2, tzinfo=UTC)
    problems = [FileProblem(4, "a.md", "warning", "extract", reason, at) for reason in ("x", "y", "z")]
    problems += [FileProblem(4, f"{n}.md", "skipped", "transform", "placeholder", at) for n in range(1200)]
    counted = {"failed": 0, "skipped": 1200, "warning": 1}
    heading = _problems_heading(FileProblems(4, problems, counted))
    assert heading == "Run 4: 0 files failed, 1,200 skipped, 1 warned about"
    warned = FileProblems(4, problems[:3], {"warning": 1})
    assert _problems_heading(warned) == "Run 4: 1 file warned about"
    problems[3:5] = [FileProblem(2, f"{n}.md", "skipped", "transform", "placeholder", at) for n in (0, 1)]
    earlier = _problems_heading(FileProblems(4, problems, counted | {"failed": 3}))
    assert earlier == (
        "Run 4: 0 files failed, 1,200 skipped, 1 warned about (2 found again as an earlier run recorded "
        "them; 3 more it counted are not listed: found again by a later run (listed there), or loaded, "
        "gone or changed since)"
    )
