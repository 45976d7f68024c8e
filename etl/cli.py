"""Command line: parse options, build Settings, call the pipeline, print what happened."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from etl import __version__, output, pipeline
from etl.config import build_settings, redact_url, resolve_database_url
from etl.errors import EtlError
from etl.load import (
    MigrationResult,
    access,
    current_revision,
    engine_at_head,
    engine_for,
    head_revision,
    upgrade_database,
)
from etl.load import stats as load_stats
from etl.recording import RunSummary
from etl.schema import docs as schema_docs

EXIT_FILES_FAILED = 1
EXIT_INTERRUPTED = 130

db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    help="Database URL (default: $ETL_DATABASE_URL, else sqlite:///etl.db). "
    "Postgres: postgresql+psycopg://user:password@host/dbname",
)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn etl's own errors (database failures included) into a one-line message, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except EtlError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="etl")
def cli() -> None:
    """Load folders of article files into a normalised SQLite or Postgres database."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@db_option
@click.option(
    "--timezone",
    metavar="ZONE",
    help="Zone for dates written without one (default: $ETL_TIMEZONE, else UTC).",
)
@click.option(
    "--workers",
    type=int,
    metavar="N",
    help="Processes for reading and parsing (default: $ETL_WORKERS, else one per CPU).",
)
@click.option("--full", is_flag=True, help="Re-process every file, even unchanged ones.")
@click.option(
    "--shard",
    metavar="K/N",
    help="Load only shard K of N (by a hash of each path): N loaders, on one machine or many, "
    "split one input between them.",
)
@reports_errors
def run(
    paths: tuple[str, ...],
    db: str | None,
    timezone: str | None,
    workers: int | None,
    full: bool,
    shard: str | None,
) -> None:
    """Extract, transform and load the article files under PATHS (default: seeds/).

    Pending migrations are applied first. Files already loaded and unchanged are skipped.
    Exits 1 when any file failed (see the load_errors table), 130 when interrupted.

    Example:

        etl run seeds/ --db sqlite:///etl.db
    """
    settings = build_settings(db=db, paths=paths, timezone=timezone, workers=workers, full=full, shard=shard)
    click.echo(f"Database: {settings.safe_database_url}")
    click.echo(f"Loading {', '.join(map(str, settings.paths))}")
    terminal = sys.stdout.isatty()
    # counting costs a second walk: only worth it when a progress bar shows the total
    total = pipeline.count_files(settings) if terminal else 0
    try:
        with click.progressbar(length=total, label="Loading", hidden=not terminal) as bar:
            summary = pipeline.run(settings, reporter=_CliReporter(bar.update))
    except KeyboardInterrupt:
        click.echo("Interrupted: the run is marked 'interrupted'; run again to finish.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    _print_summary(summary)
    if summary.interrupted:
        click.echo("Interrupted after the last batch: run again to load the rest.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if summary.files_failed:
        sys.exit(EXIT_FILES_FAILED)


class _CliReporter:
    def __init__(self, advance: Callable[[int], Any]) -> None:
        self.advance = advance

    def migrated(self, result: MigrationResult) -> None:
        click.echo(result.describe())

    def advanced(self, files: int) -> None:
        self.advance(files)


def _print_summary(summary: RunSummary) -> None:
    click.echo(f"Run {summary.run_id} {summary.status} in {summary.elapsed_s:.2f}s")
    for name, value in summary.counts().items():
        click.echo(f"  {name.replace('_', ' '):<20}{value:>8}")
    for error in summary.errors:
        click.echo(f"  failed [{error.stage}] {error.source_path}: {error.message}", err=True)
    if summary.files_failed > len(summary.errors):
        click.echo(f"  … and {summary.files_failed - len(summary.errors)} more in load_errors", err=True)


@cli.group()
def db() -> None:
    """Manage the database: schema migrations (Alembic) and read-only access for BI tools."""


@db.command()
@db_option
@reports_errors
def upgrade(db: str | None) -> None:
    """Apply every pending migration.

    Example:

        etl db upgrade --db postgresql+psycopg://postgres@127.0.0.1/test
    """
    url = resolve_database_url(db)
    with engine_for(url) as engine:
        result = upgrade_database(engine)
    click.echo(f"Database: {redact_url(url)}")
    click.echo(result.describe())


@db.command()
@db_option
@reports_errors
def current(db: str | None) -> None:
    """Show the database's schema revision and the newest one available.

    Example:

        etl db current
    """
    url = resolve_database_url(db)
    click.echo(f"Database: {redact_url(url)}")
    with engine_for(url) as engine:
        click.echo(f"Current revision: {current_revision(engine) or '(none)'}")
    click.echo(f"Head revision:    {head_revision()}")


@db.command("grant-readonly")
@click.argument("role")
@db_option
@click.option(
    "--password",
    envvar="ETL_READONLY_PASSWORD",
    help="Password for the role (better: $ETL_READONLY_PASSWORD, kept out of shell history). "
    "Without it, an existing password is kept.",
)
@reports_errors
def grant_readonly(role: str, db: str | None, password: str | None) -> None:
    """Create or update a Postgres login ROLE that can SELECT every table and view, and nothing else.

    Tables and views that later migrations add are readable too (default privileges), as long as
    migrations run as the user running this command. The role's sessions are read-only by default.

    Example:

        ETL_READONLY_PASSWORD=... etl db grant-readonly metabase --db postgresql+psycopg://postgres@db/etl
    """
    url = resolve_database_url(db)
    with engine_for(url) as engine:
        grant = access.grant_readonly(engine, role, password)
    click.echo(f"Database: {redact_url(url)}")
    click.echo(
        f"Role {grant.role} {'created' if grant.created else 'updated'}: it can read {grant.relations} "
        f"tables and views in {grant.database}.{grant.schema}, and those {grant.owner} creates later."
    )
    if not grant.password_set:
        click.echo("No password set: it can log in only where pg_hba.conf trusts it, or with an earlier one.")
    if grant.can_create:
        click.echo(
            f"warning: everyone may create tables in schema {grant.schema} (Postgres before 15); "
            f"run REVOKE CREATE ON SCHEMA {grant.schema} FROM PUBLIC to make the role strictly read-only",
            err=True,
        )


@cli.command()
@click.argument("query", required=False)
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Matches to show.")
@click.option("--rebuild", is_flag=True, help="Recreate the search index from the articles table first.")
@reports_errors
def search(query: str | None, db: str | None, limit: int, rebuild: bool) -> None:
    """Full-text search of live articles: every term must occur (Chinese or English).

    Each whitespace-separated term matches as written, e.g. 普京 finds 普京总统 but not 普通.
    Prints one match per block: date, title, article id, and a snippet around the first hit.

    Example:

        etl search 普京

        etl search "Biden 普京" --limit 5

        etl search --rebuild
    """
    from etl import api  # imports the parsers: only when searching

    if query is None and not rebuild:
        raise click.UsageError("give a QUERY, or --rebuild")
    url = resolve_database_url(db)
    if rebuild:
        click.echo(f"Indexed {api.rebuild(url)} articles", err=True)
    if query is None:
        return
    try:
        result = api.find(url, query, limit)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not result.complete:
        click.echo(
            f"warning: the search index covers {result.indexed} of {result.live} articles; "
            "run `etl search --rebuild`",
            err=True,
        )
    for match in result.matches:
        article = match.article
        day = article.published_at.date().isoformat() if article.published_at else "(no date)"
        click.echo(f"{day}  {article.title or '(untitled)'}  [article {article.article_id}]")
        click.echo(f"    {match.snippet}")
    click.echo(f"{len(result.matches)} match{'es' if len(result.matches) != 1 else ''}", err=True)


@cli.group()
def schema() -> None:
    """Describe the schema for people and BI tools."""


@schema.command()
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs"),
    show_default=True,
    help="Where schema.md and datasette-metadata.json go.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the files are missing or out of date.")
def docs(output_dir: Path, check: bool) -> None:
    """Write schema.md (tables, columns, keys, descriptions, ER diagram) and Datasette metadata.

    Both are generated from the models, so they always match the code that made the database.

    Example:

        etl schema docs --output-dir docs
    """
    stale = schema_docs.stale_files(output_dir)
    if check and stale:
        click.echo(f"out of date: {', '.join(map(str, stale))}; run `etl schema docs`", err=True)
        sys.exit(1)
    schema_docs.write_files(stale)
    for path in stale:
        click.echo(f"Wrote {path}")
    if not stale:
        click.echo(f"{output_dir}: up to date")


@cli.command()
@db_option
@click.option(
    "--by",
    "dimension",
    type=click.Choice(load_stats.DIMENSIONS),
    default="category",
    show_default=True,
    help="What to count by: category path (with sub-categories), UTC month, linked domain, credit role.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(output.FORMATS),
    default="table",
    show_default=True,
    help="An aligned table for people, CSV or JSON for programs.",
)
@reports_errors
def stats(db: str | None, dimension: str, fmt: str) -> None:
    """Count live articles by category (with their sub-categories), month, linked domain or credit role.

    Example:

        etl stats --by month --format csv > months.csv
    """
    with engine_at_head(resolve_database_url(db)) as engine:
        counts = load_stats.counts_by(engine, dimension)
    click.echo(output.render(counts.columns, counts.rows, fmt))
