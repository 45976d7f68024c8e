"""Where a file's CPU goes: each stage of etl timed in one process, per file, without a profiler.

    python benchmarks/stages.py --files 2000                # the generated seed-like corpus
    python benchmarks/stages.py --files 2000 --postgres URL # also the Postgres writer
    python benchmarks/stages.py --files 2000 --corpus real  # the real GNews archive's mix

The transform's steps are timed by wrapping the functions etl calls (the wrappers cost ~1 µs per
call); reading and writing are timed around the same calls the pipeline makes. The writers load into
fresh databases in batches of 200, as a run does.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpus import generate, generate_real  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - started

    return wrapper


def _instrument() -> None:
    """Wrap the steps of the transform where etl.transform.article and html_body look them up."""
    from etl.transform import article, html_body

    html_body.BeautifulSoup = _timed("BeautifulSoup tree", html_body.BeautifulSoup)
    for name, label in [
        ("render_body", "Markdown rendering (cmark)"),
        ("extract_html", "the walk over the tree (tree excluded)"),
        ("search_text", "index text (OpenCC fold, CJK spacing)"),
        ("identify", "language and script (py3langid, OpenCC)"),
        ("read_credits", "credit lines"),
        ("front_matter_json", "front matter as JSON values"),
        ("fingerprint", "identity: text hash and MinHash signature"),
        ("furniture", "page furniture"),
        ("parse_date", "dates"),
        ("date_from_file_name", "dates in file names"),
        ("expand_tag_plugins", "Hexo tag plugins"),
    ]:
        setattr(article, name, _timed(label, getattr(article, name)))


def measure(corpus: Path, files: int, postgres: str | None) -> None:
    from etl import __version__
    from etl.extract import discover_files, document_from_bytes, read_bytes, sha256_hex
    from etl.transform import transform, warm_up

    warm_up()
    _instrument()
    found = list(discover_files([corpus]))
    # every k-th file, so that a part of the real archive keeps its mix of stubs and transcripts
    sources = found[:: max(1, len(found) // files)][:files]
    articles = []
    for source in sources:
        started = time.process_time()
        data = read_bytes(source)
        doc = document_from_bytes(source, data, sha256_hex(data))
        SPENT["read, hash, decode, split front matter"] += time.process_time() - started
        started = time.process_time()
        articles.append(transform(doc))
        SPENT["transform, all of it"] += time.process_time() - started
    started = time.process_time()
    blobs = [pickle.dumps(a, pickle.HIGHEST_PROTOCOL) for a in articles]
    SPENT["pickle the outcome (worker)"] = time.process_time() - started
    started = time.process_time()
    for blob in blobs:
        pickle.loads(blob)
    SPENT["unpickle it (writer)"] = time.process_time() - started
    print(f"pickled outcome: {sum(map(len, blobs)) / len(blobs) / 1024:.1f} KB per file")
    SPENT["write to SQLite (writer)"] = _write(
        f"sqlite:////tmp/etl-stages-{uuid.uuid4().hex[:8]}.db", articles, __version__
    )
    if postgres:
        SPENT["write to Postgres (writer and server)"] = _write_postgres(postgres, articles, __version__)
    transform_steps = [
        k for k in SPENT if k not in ("read, hash, decode, split front matter", "transform, all of it")
    ]
    # the walk's wrapper holds the tree it builds: count the tree once
    SPENT["the walk over the tree (tree excluded)"] -= SPENT["BeautifulSoup tree"]
    rest = SPENT["transform, all of it"] - sum(
        SPENT[k] for k in transform_steps if not k.startswith(("pickle", "unpickle", "write"))
    )
    SPENT["the rest of the transform (URLs, domains, dates, title, summary, classify)"] = rest
    print(f"\n{len(sources)} files, {os.cpu_count()} CPUs\n")
    print("| stage | ms per file |")
    print("|---|---:|")
    for name, seconds in SPENT.items():
        print(f"| {name} | {seconds / len(sources) * 1000:.2f} |")


def _write(url: str, articles: list[Any], version: str) -> float:
    """The writer's CPU; on Postgres plus the server's (read before the connections close)."""
    from sqlalchemy.engine import make_url

    from etl.load import Loader, engine_for, upgrade_database
    from etl.load.runs import COUNTERS
    from etl.records import Article

    with engine_for(make_url(url)) as engine:
        upgrade_database(engine)
        loader = Loader(engine, version)
        folder = str(articles[0].source.root)
        source_id = loader.plan_sources([folder], None).sources[0].id
        loader.start_run([folder], None)
        batch = [
            replace(a, source=replace(a.source, source_id=source_id))
            for a in articles
            if isinstance(a, Article)
        ]
        nothing = dict.fromkeys(COUNTERS, 0)
        server = _postgres_cpu()
        started = time.process_time()
        wall = time.monotonic()
        for index in range(0, len(batch), 200):
            loader.load(batch[index : index + 200], lambda _done: nothing)
        cpu = time.process_time() - started
        server = _postgres_cpu() - server
        print(f"{url.split(':')[0]} writer: {time.monotonic() - wall:.2f} s wall, {cpu:.2f} s CPU here")
    if url.startswith("sqlite"):
        for leftover in Path("/tmp").glob(url.rsplit("/", 1)[1] + "*"):
            leftover.unlink()
        return cpu
    print(f"postgres server CPU during the write: {server:.2f} s")
    return cpu + server


def _write_postgres(admin_url: str, articles: list[Any], version: str) -> float:
    """The writer's own CPU plus the server's: both run on the same two cores during a load."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"etl_stages_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return _write(
            make_url(admin_url).set(database=name).render_as_string(hide_password=False), articles, version
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_cpu() -> float:
    """CPU seconds used so far by every postgres process on this machine (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if "postgres" not in fields[0]:
                continue
            parts = fields[1].split()
            total += int(parts[11]) + int(parts[12])  # utime, stime
        except (OSError, IndexError):
            continue
    return total / ticks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/etl-bench"))
    parser.add_argument("--postgres", help="admin URL of a Postgres server to also time the Postgres writer")
    parser.add_argument(
        "--corpus", choices=("seed", "real"), default="seed", help="as benchmarks/run.py's --corpus"
    )
    args = parser.parse_args()
    if args.corpus == "real":
        # the files of the whole archive's mix, the first --files of them timed
        corpus = args.workdir / "corpus-real-5799"
        if not corpus.exists():
            generate_real(corpus)
    else:
        corpus = args.workdir / f"corpus-{args.files}"
        if not corpus.exists():
            generate(corpus, args.files)
    measure(corpus, args.files, args.postgres)


if __name__ == "__main__":
    main()
