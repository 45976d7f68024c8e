"""Benchmark etl against its lower bounds and a peer tool, on a generated corpus.

    python benchmarks/run.py --files 20000            # one table, like docs/benchmarks.md
    python benchmarks/run.py --files 1000 --no-peers  # quick look
    python benchmarks/run.py --files 20000 --repeat 3 # fastest of three runs per row (noisy machine)

Every row runs as its own process; its wall time is the whole command's, and its peak RSS is that
of the largest single process of its tree (a worker pool's processes are not summed), read from each
process's own high-water mark (VmHWM) every 0.2 s while the command runs. /usr/bin/time cannot be
used: etl's workers are forked by a fork server that the kernel does not count as waited for.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import generate

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

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
    seconds: float
    peak_mb: float
    note: str = ""


def timed(name: str, command: list[str], repeat: int = 1, reset: Callable[[], None] | None = None) -> Row:
    """The fastest of `repeat` runs of `command` (the machine is shared: the fastest run is the least
    disturbed one) with the highest peak RSS of them; `reset` runs before each, e.g. to empty a database.
    """
    rows = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        rows.append(_timed_once(name, command))
    fastest = min(rows, key=lambda row: row.seconds)
    return Row(name, fastest.seconds, max(row.peak_mb for row in rows), fastest.note)


def _timed_once(name: str, command: list[str]) -> Row:
    """Run `command`; its wall time, the peak RSS of its largest process, and whether it failed."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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
        last = (stderr.strip().splitlines() or ["?"])[-1]
        note = f"exit {process.returncode}: {last[:120]}"
    peak_mb = max(peaks.values(), default=0) / 1024
    print(f"{name:<44} {wall:8.2f} s {peak_mb:8.0f} MB {note}", flush=True)
    return Row(name, wall, peak_mb, note)


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
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "markdown-to-sqlite==1.0"], check=True)
    return tool


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
    parser.add_argument("--with-gnews", action="store_true", help="mix the GNews sample into the corpus")
    parser.add_argument("--repeat", type=int, default=1, help="run each row N times and keep the fastest")
    args = parser.parse_args()

    corpus = args.workdir / f"corpus-{args.files}{'-gnews' if args.with_gnews else ''}"
    if not corpus.exists():
        print(f"generating {args.files} files in {corpus}", flush=True)
        generate(corpus, args.files, with_gnews=args.with_gnews)
    size_mb = sum(p.stat().st_size for p in corpus.rglob("*.md")) / 2**20
    print(
        f"{args.files} files, {size_mb:.0f} MB, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n",
        flush=True,
    )
    python = sys.executable
    etl = [python, "-m", "etl", "run", str(corpus), "--workers", str(args.workers)]

    def measure(name: str, command: list[str], reset: Callable[[], None] | None = None) -> Row:
        return timed(name, command, args.repeat, reset)

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
    rows.append(measure("etl cold, SQLite", [*etl, *sqlite], reset=empty_sqlite))
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
    changed = next(iter(sorted(corpus.rglob("*.md"))))

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
        rows.append(
            measure(
                "markdown-to-sqlite (peer, 1 process)",
                [str(peer_venv()), str(peer_db), "articles", *files],
                reset=lambda: peer_db.unlink(missing_ok=True),
            )
        )
    report(rows, args.files)


def report(rows: list[Row], files: int) -> None:
    by_name = {row.name: row for row in rows}
    bounds = [r for r in rows if r.name.startswith("parse lower bound (") and "1 process" not in r.name]
    bound_seconds = bounds[0].seconds if bounds else None
    cold = by_name["etl cold, SQLite"]
    print("\n| run | seconds | files/s | peak RSS MB | speed vs parse bound | time vs etl cold SQLite |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
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
