"""Command line: parse options, call the Python API (etl.api), print what happened.

Only click and etl's light modules load at start-up; each command imports the API when it runs,
so `etl --help` and `etl --version` never pay for SQLAlchemy or the parsers.
"""

from __future__ import annotations

import functools
import gc
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from etl import __version__, output
from etl.errors import EtlError, RunFailed, RunLocked
from etl.fsnames import text_path
from etl.interrupts import StopOnInterrupt
from etl.load.stats import DIMENSIONS
from etl.output import printable

if TYPE_CHECKING:
    from etl.config import Settings
    from etl.load import MigrationResult
    from etl.load.history import FileProblems
    from etl.recording import RunSummary

EXIT_FILES_FAILED = 1
# another run is loading the same input (EX_TEMPFAIL: cron and systemd read it as "try later")
EXIT_LOCKED = 75
EXIT_INTERRUPTED = 130

db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    help="Database URL (default: $ETL_DATABASE_URL, else sqlite:///etl.db). "
    "Postgres: postgresql+psycopg://user:password@host/dbname",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(output.FORMATS),
    default="table",
    show_default=True,
    help="An aligned table for people, CSV or JSON for programs.",
)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn etl's own errors (database failures included) into a one-line message, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except RunLocked as exc:
            click.echo(f"Error: {printable(str(exc))}", err=True)
            sys.exit(EXIT_LOCKED)
        except EtlError as exc:
            raise click.ClickException(printable(str(exc))) from None

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
@click.option(
    "--source",
    metavar="NAME",
    help="Load into the source NAME (default: the source whose folder holds PATHS, else a new one named "
    "after the folder). A known NAME with a new folder moves the source there, keeping its articles.",
)
@click.option("--full", is_flag=True, help="Re-process every file, even unchanged ones.")
@click.option(
    "--max-file-size",
    metavar="SIZE",
    help="Refuse larger files without reading them, e.g. 64M, 1G (default: $ETL_MAX_FILE_SIZE, else 64M).",
)
@click.option(
    "--shard",
    metavar="K/N|auto",
    help="Load only shard K of N (by a hash of each path), so N loaders split one input. "
    "auto: take K and N from the job runner (Kubernetes Indexed Job, Slurm array, AWS Batch array, "
    "Cloud Run job).",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --shard auto: how many shards, when the runner does not say (default: $ETL_SHARDS).",
)
@click.option(
    "--wait",
    is_flag=True,
    help="If another run is loading the same input into the database, wait for it "
    f"(without: exit {EXIT_LOCKED}).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary as one JSON object on stdout; everything else goes to stderr.",
)
@click.option(
    "--progress-every",
    type=click.FloatRange(min=0),
    envvar="ETL_PROGRESS_EVERY",
    metavar="SECONDS",
    help="Without a terminal: a progress line on stderr every SECONDS (default: $ETL_PROGRESS_EVERY, "
    "else 10; 0: none). On a terminal a bar shows instead.",
)
@reports_errors
def run(
    paths: tuple[str, ...],
    db: str | None,
    timezone: str | None,
    workers: int | None,
    source: str | None,
    full: bool,
    max_file_size: str | None,
    shard: str | None,
    shards: int | None,
    wait: bool,
    as_json: bool,
    progress_every: float | None,
) -> None:
    """Extract, transform and load the article files under PATHS (default: seeds/).

    Pending migrations are applied first. Files already loaded and unchanged are skipped.
    Exits 1 when any file failed (see `etl errors`), 75 when another run is loading the same
    input into the database (unless --wait), 130 when interrupted.

    Progress: on a terminal, a bar with the files done of the total, files/s over the last 10 s
    and the time left at that pace; elsewhere (a pipe, cron, a container), a line on stderr every
    10 s (--progress-every) with the files done, files/s and the time elapsed.

    Example:

        etl run seeds/ --db sqlite:///etl.db

        etl run /archive --shard auto --shards 4 --json
    """
    from etl import api, pipeline  # noqa: F401  (imported before the freeze below)

    # what is imported lives as long as the command: kept out of the garbage collector's sight, its
    # full collections stop rescanning it every few thousand files (an unchanged 20,000-file
    # re-run: 0.52 -> 0.39 s)
    gc.freeze()
    reporter = _CliReporter(as_json, progress_every)
    # the Ctrl-C policy for the rest of the process (etl.interrupts), armed when the files start loading
    StopOnInterrupt.for_this_process(armed=False)
    try:
        summary = api.run(
            paths,
            db,
            timezone=timezone,
            workers=workers,
            full=full,
            max_file_size=max_file_size,
            source=source,
            shard=shard,
            shards=shards,
            wait=wait,
            reporter=reporter,
        )
        reporter.close()
        _report_run(summary, as_json)  # a Ctrl-C while it prints is still an interrupted run
    except KeyboardInterrupt:
        reporter.close()
        click.echo("Interrupted: the run is marked 'interrupted'; run again to finish.", err=True)
        _exit_interrupted()
    except RunFailed as exc:
        reporter.close()
        failed: RunSummary = exc.summary  # type: ignore[assignment]
        if as_json:
            click.echo(output.json_text({**failed.to_dict(), "error": str(exc)}, indent=None))
        else:
            _print_summary(failed)
        click.echo(f"Error: {printable(str(exc))}", err=True)
        sys.exit(EXIT_FILES_FAILED)
    except EtlError as exc:
        reporter.close()
        if as_json:
            click.echo(output.json_text({"status": "failed", "error": str(exc)}, indent=None))
        raise
    finally:
        reporter.close()  # whatever else stopped the run: never leave the terminal's cursor hidden
    if summary.interrupted:
        _exit_interrupted()
    if summary.files_failed:
        sys.exit(EXIT_FILES_FAILED)


def _exit_interrupted() -> None:
    """Exit 130. The run is over, so a Ctrl-C still on its way (the second of two pressed in quick
    succession) must not kill the exit itself: Python restores the default action while it shuts
    down, and the process would die by the signal instead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(EXIT_INTERRUPTED)


def _report_run(summary: RunSummary, as_json: bool) -> None:
    if as_json:
        click.echo(output.json_text(summary.to_dict(), indent=None))
    else:
        _print_summary(summary)
    for warning in summary.warnings:
        click.echo(f"Warning: {printable(warning)}", err=True)
    if summary.interrupted:
        click.echo("Interrupted after the last batch: run again to load the rest.", err=True)


class _CliReporter:
    """Messages on stdout (stderr with --json), and the run's progress (etl.progress): a bar when
    they go to a terminal, else a line on stderr every `every` seconds."""

    def __init__(self, as_json: bool, every: float | None) -> None:
        self.stream = sys.stderr if as_json else sys.stdout
        self.every = every
        self.display: Any = None  # a progress.Bar or progress.Lines while the run loads
        self.bar: Any = None  # the display when it is a bar: messages print above it

    def say(self, text: str, stream: TextIO | None = None) -> None:
        stream = stream or self.stream
        if self.bar is not None:
            self.bar.print(text, stream)  # above the bar, never on its line
        else:
            click.echo(text, file=stream)

    def started(self, settings: Settings) -> None:
        from etl import progress

        self.say(f"Database: {printable(settings.safe_database_url)}")
        self.say(f"Loading {printable(', '.join(map(text_path, settings.paths)))}")
        every = progress.EVERY_S if self.every is None else self.every
        if progress.shows_bar(self.stream):
            from etl import pipeline

            self.display = self.bar = progress.Bar(self.stream)
            # counting costs a second walk: only worth it when a bar shows the total
            self.bar.set_total(pipeline.count_files(settings))
        elif every > 0:
            self.display = progress.Lines(functools.partial(click.echo, err=True), every)

    def waiting(self) -> None:
        self.say("Another run is loading the same source into this database: waiting for it.", sys.stderr)

    def migrated(self, result: MigrationResult) -> None:
        self.say(result.describe())

    def advanced(self, files: int) -> None:
        if self.display is not None:
            self.display.advanced(files)

    def close(self) -> None:
        display, self.display, self.bar = self.display, None, None
        if display is not None:
            display.close()


def _print_summary(summary: RunSummary) -> None:
    click.echo(f"Run {summary.run_id} {summary.status} in {summary.elapsed_s:.2f}s")
    for name, value in summary.counts().items():
        click.echo(f"  {name.replace('_', ' '):<20}{value:>8}")
    for error in summary.errors:
        click.echo(
            f"  failed [{error.stage}] {printable(error.source_path)}: {printable(error.message)}", err=True
        )
    if summary.files_failed > len(summary.errors):
        click.echo(f"  … and {summary.files_failed - len(summary.errors)} more: `etl errors`", err=True)


# `etl runs` without --wide: what an operator reads first, in 100 columns while ids and counts have
# at most 6 digits. seen = loaded + unchanged + skipped + failed; loaded = inserted + updated.
BRIEF_RUN_COLUMNS = [
    "id", "started_utc", "status", "elapsed_s", "seen", "loaded", "unchanged", "skipped", "failed", "warned"
]  # fmt: skip
# `etl errors --kind`; the API checks them against etl.load.history.PROBLEM_KINDS (SQLAlchemy: not here)
PROBLEM_KINDS = {"failed": "failed", "skipped": "skipped", "warning": "warned about"}


@cli.command()
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Runs to show.")
@click.option("--wide", is_flag=True, help="Show every column in the table, not only the main ones.")
@format_option
@reports_errors
def runs(db: str | None, limit: int, wide: bool, fmt: str) -> None:
    """List the most recent runs, newest first: status, times and counts.

    The table fits 100 columns: id, start (UTC, to the minute), status, the seconds it took
    (whole seconds: etl_runs stores times to the second; blank while it runs or after it was
    killed), and the files it saw, loaded (inserted or updated), found unchanged, skipped, failed
    and loaded with a warning. --wide shows every column; CSV and JSON always have every column,
    with elapsed_s after finished_at.

    Example:

        etl runs --limit 5

        etl runs --wide

        etl runs --format json
    """
    from etl import api

    records = api.recent_runs(db, limit=limit)
    if fmt == "table" and not wide:
        _render(BRIEF_RUN_COLUMNS, [_brief_run(r) for r in records], fmt)
        return
    columns = list(api.RunRecord.__dataclass_fields__)
    at = columns.index("finished_at") + 1
    rows = [_row(r) for r in records]
    rows = [(*row[:at], _elapsed_s(r), *row[at:]) for r, row in zip(records, rows, strict=True)]
    _render([*columns[:at], "elapsed_s", *columns[at:]], rows, fmt)


def _brief_run(run: Any) -> tuple[Any, ...]:
    return (
        run.id,
        run.started_at.strftime("%Y-%m-%d %H:%M"),
        run.status,
        _elapsed_s(run),
        run.files_seen,
        run.articles_inserted + run.articles_updated,
        run.articles_unchanged,
        run.files_skipped,
        run.files_failed,
        run.files_warned,
    )


def _elapsed_s(run: Any) -> int | None:
    if run.finished_at is None:
        return None
    return int((run.finished_at - run.started_at).total_seconds())


@cli.command()
@db_option
@click.option("--run", "run_id", type=int, metavar="N", help="The run to look at (default: the newest).")
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(list(PROBLEM_KINDS)),
    multiple=True,
    help="Only files of this kind: failed (did not load), skipped (not an article), warning (loaded, "
    "with something wrong in it). Repeat it for several (default: all three).",
)
@format_option
@reports_errors
def errors(db: str | None, run_id: int | None, kinds: tuple[str, ...], fmt: str) -> None:
    """List the files a run failed, skipped or loaded with a warning, with the stage and the reason.

    A file a run found again as an earlier run recorded it (unchanged, not read again) is listed
    with that run's record and run_id, under the newest run that found it.

    Example:

        etl errors --run 12 --format csv > run-12.csv

        etl errors --kind failed --kind warning
    """
    from etl import api

    found = api.file_problems(db, run_id=run_id, kinds=kinds)
    click.echo(_problems_heading(found), err=True)
    _render(list(api.FileProblem.__dataclass_fields__), [_row(p) for p in found.problems], fmt)


def _problems_heading(found: FileProblems) -> str:
    """`Run 3: 2 files failed, 0 skipped, 1 warned about`, for the kinds asked for, and which of
    them an earlier run recorded. Files are counted, not rows: a file with three warnings is one
    (a failed or skipped file has one row, so two sources' files of one name count as two)."""
    files = {
        kind: len([p for p in found.problems if p.kind == kind])
        if kind != "warning"
        else len({p.source_path for p in found.problems if p.kind == kind})
        for kind in found.counted
    }
    said = [f"{files[kind]:,} {PROBLEM_KINDS[kind]}" for kind in found.counted]
    first = next(iter(found.counted))
    said[0] = f"{files[first]:,} {'file' if files[first] == 1 else 'files'} {PROBLEM_KINDS[first]}"
    earlier = len([p for p in found.problems if p.run_id != found.run_id])  # skips and failures only
    later = sum(max(0, found.counted[kind] - files[kind]) for kind in found.counted)
    notes = [f"{earlier:,} found again as an earlier run recorded them"] if earlier else []
    if later:
        notes.append(
            f"{later:,} more it counted are not listed: found again by a later run (listed there), "
            "or loaded, gone or changed since"
        )
    return f"Run {found.run_id}: {', '.join(said)}" + (f" ({'; '.join(notes)})" if notes else "")


def _row(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, name) for name in type(record).__dataclass_fields__)


def _render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "table":  # one line per row: long reasons and several paths shown on one line
        rows = [tuple(" ".join(v.split()) if isinstance(v, str) else v for v in row) for row in rows]
    click.echo(output.render(columns, [tuple(_plain(v) for v in row) for row in rows], fmt))


def _plain(value: Any) -> Any:
    return value.isoformat(sep=" ") if hasattr(value, "isoformat") else value


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
    from etl import api
    from etl.config import redact_url, resolve_database_url

    url = resolve_database_url(db)
    result = api.upgrade(url)
    click.echo(f"Database: {redact_url(url)}")
    click.echo(result.describe())


@db.command()
@db_option
@reports_errors
def current(db: str | None) -> None:
    """Show the database's schema revision and the newest one this etl brings.

    Example:

        etl db current
    """
    from etl import api
    from etl.config import redact_url, resolve_database_url

    url = resolve_database_url(db)
    click.echo(f"Database: {redact_url(url)}")
    revision = api.current_revision(url)
    click.echo(f"Current revision: {revision.current or '(none)'}")
    click.echo(f"Head revision:    {revision.head}")


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
    from etl import api
    from etl.config import redact_url, resolve_database_url

    url = resolve_database_url(db)
    grant = api.grant_readonly(role, url, password=password)
    click.echo(f"Database: {redact_url(url)}")
    click.echo(
        f"Role {grant.role} {'created' if grant.created else 'updated'}: it can read {grant.relations} "
        f"tables and views in {grant.database}.{grant.schema}, and those {grant.owner} creates later."
    )
    if not grant.password_set:
        click.echo("No password set: it can log in only where pg_hba.conf trusts it, or with an earlier one.")
    if grant.can_create_temporary:
        click.echo(
            f"warning: every role may create temporary tables in {grant.database}; as its owner, run "
            f"REVOKE TEMPORARY ON DATABASE {grant.database} FROM PUBLIC to make the role strictly read-only",
            err=True,
        )
    else:
        click.echo(
            f"Temporary tables: PUBLIC's TEMPORARY on {grant.database} is revoked; {grant.owner} keeps it."
        )
    if grant.can_create:
        click.echo(
            f"warning: everyone may create tables in schema {grant.schema} (Postgres before 15); "
            f"run REVOKE CREATE ON SCHEMA {grant.schema} FROM PUBLIC to make the role strictly read-only",
            err=True,
        )


@cli.command()
@click.argument("query", nargs=-1)
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Matches to show.")
@click.option("--rebuild", is_flag=True, help="Recreate the search index from the articles table first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Blocks for people, or a JSON list of matches for programs.",
)
@reports_errors
def search(query: tuple[str, ...], db: str | None, limit: int, rebuild: bool, fmt: str) -> None:
    """Full-text search of live articles, Chinese (either script) or any other language.

    The words of QUERY are one query, quoted or not. Words are ANDed; OR between two terms takes
    either; -word excludes (after `--`, so it is not read as an option); "a phrase" must occur as
    written. 普京 finds 普京总统 but not 普通, and 乌克兰 finds 烏克蘭 too. Prints one match per
    block: date, title, article id, and a snippet of the article's own text around the match.

    Example:

        etl search 普京

        etl search 普京 OR 拜登 --limit 5

        etl search -- -拜登 普京

        etl search '"Joe Biden"' --format json

        etl search --rebuild
    """
    from etl import api

    if not query and not rebuild:
        raise click.UsageError("give a QUERY, or --rebuild")
    if rebuild:
        click.echo(f"Indexed {api.rebuild_search_index(db)} articles", err=True)
    if not query:
        return
    words = " ".join(query)
    result = api.search(words, db, limit=limit)
    if result.query.empty:
        click.echo(
            f"nothing to search for in {printable(repr(words))}: "
            "give a word, a phrase or some Chinese characters",
            err=True,
        )
    if not result.complete:
        click.echo(
            f"warning: the search index covers {result.indexed} of {result.live} articles; "
            "run `etl search --rebuild`",
            err=True,
        )
    if fmt == "json":
        click.echo(output.json_text([_match_json(m) for m in result.matches]))
    else:
        for match in result.matches:
            day = match.article.published_at.date().isoformat() if match.article.published_at else "(no date)"
            title = printable(match.article.title or "(untitled)")
            click.echo(f"{day}  {title}  [article {match.article.article_id}]")
            click.echo(f"    {printable(match.snippet)}")
    click.echo(f"{len(result.matches)} match{'es' if len(result.matches) != 1 else ''}", err=True)


def _match_json(match: Any) -> dict[str, Any]:
    article = match.article
    published = article.published_at.isoformat() if article.published_at else None
    return {
        "article_id": article.article_id,
        "title": article.title,
        "published_at": published,
        "snippet": match.snippet,
    }


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
@reports_errors
def docs(output_dir: Path, check: bool) -> None:
    """Write schema.md (tables, columns, keys, descriptions, ER diagram) and Datasette metadata.

    Both are generated from the models, so they always match the code that made the database.

    Example:

        etl schema docs --output-dir docs
    """
    from etl.schema import docs as schema_docs

    stale = schema_docs.stale_files(output_dir)
    if check and stale:
        click.echo(f"{schema_docs.describe_stale(stale)}; run `etl schema docs`", err=True)
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
    type=click.Choice(DIMENSIONS),
    default="category",
    show_default=True,
    help="What to count by: category path (with sub-categories), feed, UTC month, linked domain, "
    "language and script, source encoding, credit role (credits, people, articles), kind (post, "
    "page, draft: the one count with drafts in it).",
)
@format_option
@reports_errors
def stats(db: str | None, dimension: str, fmt: str) -> None:
    """Count real articles by category (with sub-categories), feed, month, domain, language, encoding,
    role or kind. Drafts are counted only by kind. A row without a value is "(undated)" or
    "(unknown)" (null in JSON).

    Example:

        etl stats --by month --format csv > months.csv
    """
    from etl import api

    counts = api.stats(db, by=dimension)
    click.echo(output.render(counts.columns, counts.rows if fmt == "json" else counts.named_rows(), fmt))


@cli.command()
@db_option
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Where the HTML file goes, replaced if it exists (default: etl-report.html).",
)
@click.option("--source", metavar="NAME", help="Report on the real articles and runs of one source only.")
@reports_errors
def report(db: str | None, output: Path | None, source: str | None) -> None:
    """Write one HTML file that shows what the database holds: articles over time per feed, how
    complete each feed's data is, languages, credits, linked domains, image hosts, copies and
    revisions, the last runs and the files they failed, skipped or warned about.

    The file is self-contained (charts inline as SVG, no scripts, nothing fetched) and opens
    offline in any browser. Its figures count real articles, as `etl stats` does, and are also in
    the file as JSON (the `report-data` element).

    Example:

        etl report --output report.html

        etl report --db postgresql+psycopg://etl@db/articles --source gnews
    """
    from etl import api

    written = api.report(db, output=output, source=source)
    click.echo(
        f"Wrote {printable(text_path(written.path))} ({written.size:,} bytes in {written.seconds:.1f} s)"
    )
