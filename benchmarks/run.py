"""Benchmark etl against its lower bounds and peer tools, on a generated corpus.

    python benchmarks/run.py --files 20000            # one table, like docs/benchmarks.md
    python benchmarks/run.py --files 1000 --no-peers  # quick look
    python benchmarks/run.py --files 20000 --repeat 3 # fastest of three runs per row (noisy machine)
    python benchmarks/run.py --files 5799 --corpus real  # the size of the real GNews archive (90 MB)

--corpus seed (the default) generates seed-like files (Hexo front matter, ~7 KB each; --with-gnews
mixes in the GNews sample); --corpus real generates the real GNews archive's mix from the GNews
sample: about half placeholder stubs and index pages, nearly all the rest video transcripts of
5-300 KB, in its folder layout (benchmarks/corpus.py, generate_real). --no-bounds skips the
lower-bound rows, --no-postgres the Postgres rows, --no-peers the peer tools' rows. Both corpora
repeat a few real articles, so identity finds each in hundreds (seed) or ~11 (real) files: its worst
case. --distinct shifts each article's Chinese characters along the Unicode block by an amount of its
own, so every article is a text of its own (identity's common case) with the same markup and sizes.

The peers: markdown-to-sqlite 1.0 (PyPI, installed in benchmarks/.venv-peers) and MarkdownDB (npm
package mddb 0.9.5, installed with the machine's npm in benchmarks/.npm-peers when npm is on PATH; its
CLI, `mddb <folder>`, indexes the folder into markdown.db in its working directory). Each peer row,
and etl's cold SQLite row, ends with what was loaded, read from the SQLite file afterwards: rows,
how many have a non-empty title, and the tables made with their rows.

Every row runs as its own process; its wall time is the whole command's, and its peak RSS is that
of the largest single process of its tree (a worker pool's processes are not summed), read from each
process's own high-water mark (VmHWM) every 0.2 s while the command runs. /usr/bin/time cannot be
used: etl's workers are forked by a fork server that the kernel does not count as waited for.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import generate, generate_real

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MARKDOWN_TO_SQLITE = "1.0"
MDDB = "0.9.5"

READ_ONLY = """
import sys
from pathlib import Path
for p in sorted(Path(sys.argv[1]).rglob("*.md")):
    p.read_bytes()
"""
# the lower bound: what any tool must do to look inside each file; with "lxml" as third argument,
# lxml's own tree instead of BeautifulSoup's (what the bound would be without BeautifulSoup)
PARSE = """
import sys
from multiprocessing import Pool
from pathlib import Path
import frontmatter
import lxml.html
from bs4 import BeautifulSoup

def parse(path):
    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    if sys.argv[3:] == ["lxml"]:
        lxml.html.document_fromstring(post.content or "<p></p>")
    else:
        BeautifulSoup(post.content, "lxml")


if __name__ == "__main__":
    files = sorted(Path(sys.argv[1]).rglob("*.md"))
    workers = int(sys.argv[2])
    if workers == 1:
        for f in files:
            parse(f)
    else:
        with Pool(workers) as pool:
            pool.map(parse, files, chunksize=64)
"""


@dataclass
class Row:
    name: str
    seconds: float | None  # None: not run (the note says why)
    peak_mb: float
    note: str = ""

    def noted(self, note: str) -> Row:
        """This row with `note` added to its note."""
        return Row(self.name, self.seconds, self.peak_mb, "; ".join(filter(None, [self.note, note])))


def timed(
    name: str,
    command: list[str],
    repeat: int = 1,
    reset: Callable[[], None] | None = None,
    cwd: Path | None = None,
) -> Row:
    """The fastest of `repeat` runs of `command` (the machine is shared: the fastest run is the least
    disturbed one) with the highest peak RSS of them; `reset` runs before each, e.g. to empty a database.
    """
    rows = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        rows.append(_timed_once(name, command, cwd))
    fastest = min(rows, key=lambda row: row.seconds or 0.0)
    return Row(name, fastest.seconds, max(row.peak_mb for row in rows), fastest.note)


def _timed_once(name: str, command: list[str], cwd: Path | None = None) -> Row:
    """Run `command`; its wall time, the peak RSS of its largest process, and whether it failed."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd)
    peaks: dict[int, int] = {}
    while True:
        peaks.update(_high_water_marks(process.pid))
        try:
            process.wait(timeout=0.2)  # returns as soon as the command ends: the wall time stays exact
            break
        except subprocess.TimeoutExpired:
            continue
    wall = time.monotonic() - started
    stderr = process.stderr.read() if process.stderr else ""
    note = ""
    if process.returncode:
        note = f"exit {process.returncode}: {_last_error(stderr)[:120]}"
    peak_mb = max(peaks.values(), default=0) / 1024
    print(f"{name:<44} {wall:8.2f} s {peak_mb:8.0f} MB {note}", flush=True)
    return Row(name, wall, peak_mb, note)


def _last_error(stderr: str) -> str:
    """The line of `stderr` that names the error: a traceback's exception line (a YAML error's message
    runs on over several lines, ending in a caret), else the last line with a word in it."""
    lines = [line.strip() for line in stderr.splitlines() if re.search(r"\w", line)]
    exceptions = [line for line in lines if re.match(r"[\w.]+(Error|Exception)\b", line)]
    return (exceptions or lines or ["?"])[-1]


def _high_water_marks(root: int) -> dict[int, int]:
    """VmHWM (kB) of `root` and every process below it, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    marks = {}
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                marks[pid] = int(line.split()[1])
    return marks


def peer_venv() -> Path:
    """markdown-to-sqlite in its own environment, so its dependencies never mix with etl's."""
    venv = HERE / ".venv-peers"
    tool = venv / "bin" / "markdown-to-sqlite"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pin = f"markdown-to-sqlite=={MARKDOWN_TO_SQLITE}"
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", pin], check=True)
    return tool


def mddb_cli() -> tuple[list[str] | None, str]:
    """The command that runs MarkdownDB's CLI (`mddb <folder>`), installed with the machine's npm into
    benchmarks/.npm-peers (git-ignored) at the pinned version; or None and why it cannot run."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if npm is None or node is None:
        return None, f"not run: {'npm' if npm is None else 'node'} is not on PATH"
    prefix = HERE / ".npm-peers"
    package = prefix / "node_modules" / "mddb"
    if _npm_version(package) != MDDB:
        prefix.mkdir(exist_ok=True)
        print(f"installing mddb {MDDB} into {prefix}", flush=True)
        install = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--save-exact"]
        done = subprocess.run([*install, f"mddb@{MDDB}"], capture_output=True, text=True)
        if done.returncode or _npm_version(package) != MDDB:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            return None, f"not run: npm install mddb@{MDDB} failed: {last[:120]}"
    bin_path = json.loads((package / "package.json").read_text(encoding="utf-8"))["bin"]["mddb"]
    return [node, str(package / bin_path)], ""


def _npm_version(package: Path) -> str | None:
    try:
        return json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def loaded(database: Path, table: str, where: str = "", title: str = "title", in_json: str = "") -> str:
    """What a tool loaded into the SQLite file `database`: the rows of `table` (those matching
    `where`), how many have a non-empty `title` (a column, or a key of the JSON column `in_json`), and
    every table it made with its rows (a full-text index's shadow tables are left out)."""
    if not database.exists():
        return "loaded: nothing (no database file)"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        listed = connection.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        virtual = [name for name, sql in listed if (sql or "").upper().startswith("CREATE VIRTUAL")]
        names = [name for name, _ in listed if not any(name.startswith(f"{v}_") for v in virtual)]
        if table not in names:
            return f"loaded: no {table} table; tables: {', '.join(names) or 'none'}"
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        value = f"json_extract({in_json}, '$.{title}')" if in_json else title
        titled = f"{value} IS NOT NULL AND TRIM({value}) != ''" if (in_json or title) in columns else "0"
        condition = f"WHERE {where}" if where else ""
        rows, titles = connection.execute(
            f'SELECT COUNT(*), COALESCE(SUM({titled}), 0) FROM "{table}" {condition}'
        ).fetchone()
        counts = []
        for name in names:
            (count,) = connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
            counts.append(f"{name} {count:,}")
    finally:
        connection.close()
    tables = f"{len(names)} table{'s' if len(names) != 1 else ''}"
    return f"loaded: {rows:,} {table}, {titles:,} with a title; {tables}: {', '.join(counts)}"


def postgres_database(admin_url: str, name: str | None = None) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = name or f"etl_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=20000, help="corpus size (e.g. 1000, 10000, 100000)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/etl-bench"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--postgres", default=os.environ.get("ETL_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-bounds", action="store_true", help="skip the lower-bound rows")
    parser.add_argument(
        "--corpus",
        choices=("seed", "real"),
        default="seed",
        help="seed: seed-like files (the default); real: the real GNews archive's mix of files",
    )
    parser.add_argument("--with-gnews", action="store_true", help="mix the GNews sample into the seed corpus")
    parser.add_argument(
        "--distinct", action="store_true", help="every article a text of its own, not one of a few copied"
    )
    parser.add_argument("--repeat", type=int, default=1, help="run each row N times and keep the fastest")
    args = parser.parse_args()
    if args.with_gnews and args.corpus == "real":
        parser.error("--with-gnews mixes the GNews sample into the seed corpus; --corpus real is made of it")

    name = f"corpus-{'real-' if args.corpus == 'real' else ''}{args.files}"
    name += f"{'-gnews' if args.with_gnews else ''}{'-distinct' if args.distinct else ''}"
    corpus = args.workdir / name
    if not corpus.exists():
        print(f"generating {args.files} files in {corpus}", flush=True)
        if args.corpus == "real":
            generate_real(corpus, args.files, distinct=args.distinct)
        else:
            generate(corpus, args.files, with_gnews=args.with_gnews, distinct=args.distinct)
    size_mb = sum(p.stat().st_size for p in corpus.rglob("*.md")) / 2**20
    print(
        f"{args.files} files ({args.corpus} corpus), {size_mb:.0f} MB, "
        f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n",
        flush=True,
    )
    python = sys.executable
    etl = [python, "-m", "etl", "run", str(corpus), "--workers", str(args.workers)]

    def measure(
        name: str, command: list[str], reset: Callable[[], None] | None = None, cwd: Path | None = None
    ) -> Row:
        return timed(name, command, args.repeat, reset, cwd)

    rows = (
        []
        if args.no_bounds
        else [
            measure("read only (1 process)", [python, "-c", READ_ONLY, str(corpus)]),
            measure("parse lower bound (1 process)", [python, "-c", PARSE, str(corpus), "1"]),
            measure(
                f"parse lower bound ({args.workers} processes)",
                [python, "-c", PARSE, str(corpus), str(args.workers)],
            ),
            measure(
                f"parse, lxml.html tree instead of BeautifulSoup ({args.workers} processes)",
                [python, "-c", PARSE, str(corpus), str(args.workers), "lxml"],
            ),
        ]
    )
    database = args.workdir / "etl.db"

    def empty_sqlite() -> None:
        for leftover in args.workdir.glob("etl.db*"):
            leftover.unlink()

    sqlite = ["--db", f"sqlite:///{database}"]
    cold = measure("etl cold, SQLite", [*etl, *sqlite], reset=empty_sqlite)
    rows.append(cold.noted(loaded(database, "articles", "deleted_at IS NULL") + etl_skipped(database)))
    search = [python, "-m", "etl", "search"]
    rows.append(
        measure(
            "etl search --rebuild, SQLite (the search index alone, 1 process)",
            [*search, "--rebuild", *sqlite],
        )
    )
    rows.append(measure("etl search 普京, SQLite (one query, with start-up)", [*search, "普京", *sqlite]))
    print(f"SQLite file after the cold load: {database.stat().st_size / 2**20:,.0f} MB", flush=True)
    rows.append(measure("etl re-run, nothing changed, SQLite", [*etl, *sqlite]))
    # start-up: what a scheduled run or a shell user waits for before any work
    rows.append(measure("python -c pass (the bare interpreter)", [python, "-c", "pass"]))
    rows.append(measure("etl --help", [python, "-m", "etl", "--help"]))
    rows.append(measure("etl --version", [python, "-m", "etl", "--version"]))
    rows.append(measure("etl db current, SQLite", [python, "-m", "etl", "db", "current", *sqlite]))
    # the first file with a 。 to add a space after (in the real corpus, the first ones are short posts)
    changed = next(p for p in sorted(corpus.rglob("*.md")) if "。" in p.read_text(encoding="utf-8"))

    def change_one_file() -> None:
        changed.write_text(changed.read_text(encoding="utf-8").replace("。", "。 ", 1), encoding="utf-8")

    rows.append(measure("etl re-run, one file changed, SQLite", [*etl, *sqlite], reset=change_one_file))
    if not args.no_postgres:
        url, name = postgres_database(args.postgres)

        def empty_postgres() -> None:
            drop_postgres_database(args.postgres, name)
            postgres_database(args.postgres, name)

        try:
            rows.append(measure("etl cold, Postgres", [*etl, "--db", url], reset=empty_postgres))
            rows.append(
                measure("etl search --rebuild, Postgres (1 process)", [*search, "--rebuild", "--db", url])
            )
            rows.append(
                measure(
                    "etl search 普京, Postgres (one query, with start-up)", [*search, "普京", "--db", url]
                )
            )
        finally:
            drop_postgres_database(args.postgres, name)
    if not args.no_peers:
        peer_db = args.workdir / "peer.db"
        files = [str(p) for p in sorted(corpus.rglob("*.md"))]
        row = measure(
            f"markdown-to-sqlite {MARKDOWN_TO_SQLITE} (peer, 1 process)",
            [str(peer_venv()), str(peer_db), "articles", *files],
            reset=lambda: peer_db.unlink(missing_ok=True),
        )
        rows.append(row.noted(loaded(peer_db, "articles")))
        rows.append(mddb_row(corpus, args.workdir / "mddb", measure))
    report(rows, args.files)


def mddb_row(corpus: Path, workdir: Path, measure: Callable[..., Row]) -> Row:
    """MarkdownDB's CLI on `corpus`, run in `workdir` (it writes markdown.db and .markdowndb/ there)."""
    name = f"MarkdownDB {MDDB} (peer, mddb CLI, 1 process)"
    command, why_not = mddb_cli()
    if command is None:
        print(f"{name:<44} {why_not}", flush=True)
        return Row(name, None, 0, why_not)
    workdir.mkdir(parents=True, exist_ok=True)

    def empty() -> None:
        (workdir / "markdown.db").unlink(missing_ok=True)
        shutil.rmtree(workdir / ".markdowndb", ignore_errors=True)

    row = measure(name, [*command, str(corpus)], reset=empty, cwd=workdir)
    # mddb 0.9.5 keeps the front matter as JSON in files.metadata
    return row.noted(loaded(workdir / "markdown.db", "files", in_json="metadata"))


def etl_skipped(database: Path) -> str:
    """The files etl's last run skipped as not articles, and those it failed on."""
    if not database.exists():
        return ""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        skipped, failed = connection.execute(
            "SELECT files_skipped, files_failed FROM etl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except (sqlite3.Error, TypeError):
        return ""
    finally:
        connection.close()
    return f"; {skipped:,} files skipped as not articles, {failed:,} failed"


def report(rows: list[Row], files: int) -> None:
    by_name = {row.name: row for row in rows}
    bounds = [r for r in rows if r.name.startswith("parse lower bound (") and "1 process" not in r.name]
    bound_seconds = bounds[0].seconds if bounds else None
    cold = by_name["etl cold, SQLite"]
    print("\n| run | seconds | files/s | peak RSS MB | speed vs parse bound | time vs etl cold SQLite |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        if row.seconds is None:
            print(f"| {row.name} ({row.note}) | — | — | — | — | — |")
            continue
        rate = files / row.seconds if row.seconds else float("inf")
        print(
            f"| {row.name}{' (' + row.note + ')' if row.note else ''} | {row.seconds:.2f} | {rate:,.0f} "
            f"| {row.peak_mb:.0f} | {_ratio(bound_seconds, row.seconds)} | {row.seconds / cold.seconds:.1%} |"
        )
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)


def _ratio(bound_seconds: float | None, seconds: float) -> str:
    return f"{bound_seconds / seconds:.2f}×" if bound_seconds else "—"


if __name__ == "__main__":
    main()
