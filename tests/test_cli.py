"""The `etl` command as a user meets it: help, defaults, output, exit codes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import SEEDS, Database
from sqlalchemy.engine import make_url

from etl.cli import cli
from etl.load import SCHEMA_HEAD

SECRET = "Tr0ub4dor-etl-secret"
HEAD = SCHEMA_HEAD


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    if not isinstance(command, click.Group):
        assert "Example:" in result.output


def test_run_prints_a_summary_and_migrates_first(db: Database) -> None:
    result = db.load(SEEDS)
    lines = result.output.splitlines()
    assert lines[1] == "Loading " + str(SEEDS)
    assert f"Migrations applied: (empty database) -> {HEAD}" in lines
    assert "  files seen                 4" in lines
    assert "  articles inserted          4" in lines
    assert "\r" not in result.output  # no progress bar when stdout is not a terminal
    again = db.load(SEEDS)
    assert f"Schema up to date at revision {HEAD}" in again.output
    assert "  articles unchanged         4" in again.output


def test_a_run_leaves_nothing_beside_the_sqlite_database(tmp_path: Path) -> None:
    """The run lock is a row in the database (etl.load.locks): no etl.db.lock, and no -wal or
    -shm once the run is over, whether every file loaded, one failed, or it waited for a lock."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "binary.md").write_bytes(b"\x00binary\x00" * 10)
    url = f"sqlite:///{tmp_path / 'etl.db'}"
    runs = [["run", str(SEEDS)], ["run", str(tmp_path / "in")], ["run", str(SEEDS), "--wait", "--full"]]
    for args, code in zip(runs, (0, 1, 0), strict=True):
        result = CliRunner().invoke(cli, [*args, "--db", url])
        assert result.exit_code == code, result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["etl.db", "in"]


def test_run_defaults_to_seeds_and_sqlite_etl_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").symlink_to(SEEDS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ETL_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Database: sqlite:///etl.db\nLoading seeds\n")
    assert (tmp_path / "etl.db").is_file()


def test_run_reads_etl_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("ETL_DATABASE_URL", f"sqlite:///{target}")
    result = CliRunner().invoke(cli, ["run", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert target.is_file()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_password_never_printed_or_stored(db_url: str) -> None:
    url = make_url(db_url)
    with_secret = url.set(password=SECRET).render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["run", str(SEEDS), "--db", with_secret])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert "***" in result.output
    db = Database(db_url)
    assert SECRET not in str(db.rows("SELECT * FROM etl_runs"))


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("parameter", ["password", "sslpassword"])
def test_a_password_in_the_query_is_never_printed_returned_or_stored(db_url: str, parameter: str) -> None:
    with_secret = (
        make_url(db_url).update_query_dict({parameter: SECRET}).render_as_string(hide_password=False)
    )
    for args in (["run", str(SEEDS)], ["run", str(SEEDS), "--json"], ["db", "current"], ["runs"]):
        result = CliRunner().invoke(cli, [*args, "--db", with_secret])
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
    assert f"{parameter}=***" in CliRunner().invoke(cli, ["db", "current", "--db", with_secret]).output
    assert SECRET not in str(Database(db_url).rows("SELECT * FROM etl_runs"))


def test_unreachable_database_is_one_clear_line() -> None:
    bad = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/none"
    result = CliRunner().invoke(cli, ["run", str(SEEDS), "--db", bad])
    assert result.exit_code == 1
    assert "Error: database error: connection failed" in result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--db", "mysql://x@y/z"],
            "Error: unsupported database 'mysql': use sqlite or postgresql",
        ),
        (["run", "--db", "not a url"], "Error: cannot parse database URL (from --db)"),
        (["run", "--timezone", "Mars/Olympus"], "Error: unknown time zone 'Mars/Olympus'"),
        (
            ["run", "--timezone", "A" * 5000],
            "Error: unknown time zone 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…'",
        ),
        (["run", "--timezone", "../../../etc/passwd"], "Error: unknown time zone '../../../etc/passwd'"),
        (["run", "--workers", "100000"], "Error: workers must be between 1 and"),
        (["run", "--workers", "0"], "Error: workers must be between 1 and"),
        (["run", "--max-file-size", "lots"], "Error: not a size: 'lots'; write e.g. 64M, 1G or 500000"),
        (["run", "--db", "sqlite:////no/such/folder/etl.db"], "Error: the database's folder does not exist"),
        (["run", "no/such/dir"], "does not exist"),
    ],
)
def test_bad_options_fail_with_a_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [args[0], str(SEEDS), *args[1:]] if args[1] != "no/such/dir" else args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output and result.output.count("Error:") == 1


def test_names_from_files_reach_the_terminal_escaped_and_csv_as_text(db: Database, tmp_path: Path) -> None:
    for name in ("=HYPERLINK(1).md", "esc-\x1b]0;owned\x07.md", "-2+3.md"):
        (tmp_path / name).write_bytes(b"\x00binary\x00" * 10)
    db.load(tmp_path, expect_exit=1)
    table = db.run("errors").output
    assert "\x1b" not in table and "\x07" not in table
    assert "esc-\\x1b]0;owned\\x07.md" in table
    csv_rows = db.run("errors", "--format", "csv").stdout.splitlines()
    assert [row.split(",")[1] for row in csv_rows[1:]] == [
        "'-2+3.md",
        "'=HYPERLINK(1).md",
        "esc-\\x1b]0;owned\\x07.md",
    ]


def test_db_upgrade_and_current(db: Database) -> None:
    assert "Current revision: (none)" in db.run("db", "current").output
    assert f"Migrations applied: (empty database) -> {HEAD}" in db.run("db", "upgrade").output
    assert f"Schema up to date at revision {HEAD}" in db.run("db", "upgrade").output
    assert f"Current revision: {HEAD}" in db.run("db", "current").output


def test_grant_readonly_on_sqlite_points_to_a_read_only_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["db", "grant-readonly", "bi", "--db", f"sqlite:///{tmp_path / 'etl.db'}"]
    )
    assert result.exit_code == 1
    assert "grant-readonly needs Postgres" in result.output
    assert "sqlite:///file:etl.db?mode=ro&uri=true" in result.output
