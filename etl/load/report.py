"""What `etl report` shows, read from the BI views by the rules of `etl stats` (each real article
once), as plain rows: the renderer (etl.report_page) never sees SQL or SQLAlchemy.

Top-N lists are cut in Python after an aggregate query, ties broken by code point, so SQLite and a
Postgres database of any collation pick the same rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from etl.errors import ConfigError
from etl.load.stats import LIVE
from etl.schema.tables import etl_runs, sources
from etl.schema.types import UTCDateTime

Row = dict[str, Any]
TIMELINE_FEEDS = 8  # feeds drawn one line each; the others share one line
FEED_ROWS = 100  # feeds in the completeness table (every source keeps its total row)
TOP_PEOPLE = 5  # per role
TOP_HOSTS = 15  # linked domains, image hosts
TOP_GROUPS = 10  # largest groups of copies and revisions
RUNS = 10
EXAMPLES = 3  # files shown per problem
TIMED = ("second", "minute", "hour")

# the real articles of the report: all of them, or those of one source (v_articles.source is the
# source of the representative file)
_ALL = "v_articles"
_ONE_SOURCE = "(SELECT * FROM v_articles WHERE source = :source)"
_ARTICLE_OF_SOURCE = " AND a.source_id = (SELECT s.id FROM sources s WHERE s.name = :source)"

SUMMARY = """SELECT count(*) AS articles, count(v.published_at) AS dated, count(DISTINCT v.feed) AS feeds,
    count(DISTINCT v.source) AS sources, min(v.published_at) AS first, max(v.published_at) AS last
    FROM {real} v"""
VERSIONS = """SELECT v.canonical_article_id AS article_id, count(*) AS files,
    sum(CASE WHEN v.match = 'copy' THEN 1 ELSE 0 END) AS copies,
    sum(CASE WHEN v.match = 'revision' THEN 1 ELSE 0 END) AS revisions,
    sum(CASE WHEN v.match = 'repost' THEN 1 ELSE 0 END) AS reposts,
    count(DISTINCT v.source) AS sources
    FROM v_article_versions v JOIN {real} r ON r.id = v.canonical_article_id
    GROUP BY v.canonical_article_id HAVING count(*) > 1"""
TIMELINE = """SELECT v.feed, v.month, count(*) AS articles FROM {real} v WHERE v.month IS NOT NULL
    GROUP BY v.feed, v.month"""
COMPLETENESS = f"""SELECT v.source, v.feed, count(*) AS articles,
    sum(CASE WHEN v.title IS NOT NULL AND v.title <> '' THEN 1 ELSE 0 END) AS titled,
    sum(CASE WHEN v.published_at IS NOT NULL THEN 1 ELSE 0 END) AS dated,
    sum(CASE WHEN a.published_precision IN {TIMED} THEN 1 ELSE 0 END) AS timed,
    sum(CASE WHEN a.published_precision = 'day' THEN 1 ELSE 0 END) AS day_only,
    sum(CASE WHEN a.published_precision IN ('month', 'year') THEN 1 ELSE 0 END) AS month_or_year,
    sum(CASE WHEN EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = v.id)
        THEN 1 ELSE 0 END) AS credited,
    sum(CASE WHEN EXISTS (SELECT 1 FROM article_images x WHERE x.article_id = v.id)
        THEN 1 ELSE 0 END) AS with_images,
    sum(CASE WHEN EXISTS (SELECT 1 FROM article_links x WHERE x.article_id = v.id)
        THEN 1 ELSE 0 END) AS with_links,
    sum(CASE WHEN v.language IS NOT NULL THEN 1 ELSE 0 END) AS with_language
    FROM {{real}} v JOIN articles a ON a.id = v.id
    GROUP BY v.source, v.feed"""
LANGUAGES = "SELECT v.language, v.script, count(*) AS articles FROM {real} v GROUP BY v.language, v.script"
# the rules of `etl stats --by role`: people by person key, not by spelling
ROLES = (
    "SELECT x.role, count(*) AS credits, count(DISTINCT coalesce(au.person, au.name)) AS people,"
    " count(DISTINCT x.article_id) AS articles FROM article_authors x "
    + LIVE.format(alias="x")
    + "{of_source} JOIN authors au ON au.id = x.author_id GROUP BY x.role"
)
PEOPLE = (
    "SELECT x.role, coalesce(au.person, au.name) AS person, count(*) AS credits,"
    " count(DISTINCT x.article_id) AS articles, count(DISTINCT au.name) AS spellings"
    " FROM article_authors x "
    + LIVE.format(alias="x")
    + "{of_source} JOIN authors au ON au.id = x.author_id GROUP BY x.role, coalesce(au.person, au.name)"
)
# the rules of v_domain_stats (`etl stats --by domain`)
DOMAINS = (
    "SELECT d.registered_domain AS domain, count(*) AS links, count(DISTINCT al.article_id) AS articles,"
    " count(DISTINCT al.link_id) AS urls FROM article_links al "
    + LIVE.format(alias="al")
    + "{of_source} JOIN links l ON l.id = al.link_id JOIN domains d ON d.id = l.domain_id"
    " GROUP BY d.registered_domain"
)
IMAGE_HOSTS = (
    "SELECT d.host, count(*) AS images, count(DISTINCT ai.article_id) AS articles,"
    " count(DISTINCT ai.image_id) AS urls FROM article_images ai "
    + LIVE.format(alias="ai")
    + "{of_source} JOIN images i ON i.id = ai.image_id LEFT JOIN domains d ON d.id = i.domain_id"
    " GROUP BY d.host"
)
# the runs that loaded one source: etl_runs.sources is a JSON list of names
_RAN_SOURCE = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(etl_runs.sources) j WHERE j.value = :source)",
    "postgresql": "etl_runs.sources @> jsonb_build_array(CAST(:source AS text))",
}
# each problem file once across the runs shown; with the skips and failures these runs found
# unchanged since an older run recorded them (file_outcomes), which they counted
PROBLEMS = """SELECT run_id, 'failed' AS kind, stage, error AS reason, source_path FROM load_errors
        WHERE run_id IN ({runs})
    UNION ALL SELECT run_id, 'skipped', 'transform', reason, source_path FROM skipped_files
        WHERE run_id IN ({runs})
    UNION ALL SELECT run_id, 'warning', stage, warning, source_path FROM file_warnings
        WHERE run_id IN ({runs})
    UNION ALL SELECT last_seen_run_id, outcome,
        CASE outcome WHEN 'skipped' THEN 'transform' ELSE stage END, reason, source_path
        FROM file_outcomes WHERE last_seen_run_id IN ({runs}) AND run_id NOT IN ({runs})"""
COUNTERS = (
    "files_seen",
    "articles_inserted",
    "articles_updated",
    "articles_unchanged",
    "articles_deleted",
    "files_failed",
    "files_skipped",
    "files_warned",
)


@dataclass(frozen=True)
class ReportData:
    """Every figure of the report, as rows of plain values (what its JSON data block holds)."""

    source: str | None  # the source the report is restricted to, if any
    summary: Row
    timeline: list[Row]  # feed (None: the other feeds), month, articles
    completeness: list[Row]  # per source (feed None: all its feeds), then the largest feeds
    feeds_not_shown: int
    languages: list[Row]
    roles: list[Row]
    people: list[Row]  # the most credited people of each role
    domains: list[Row]
    image_hosts: list[Row]
    versions: Row  # groups of copies and revisions, and how their files matched
    groups: list[Row]  # the largest groups
    runs: list[Row]
    problems: list[Row]  # files failed, skipped or warned about in those runs, by kind and cause


def read_report(connection: Connection, source: str | None = None) -> ReportData:
    """Everything the report shows; ConfigError if `source` names no source of the database.

    Read in one transaction (REPEATABLE READ on Postgres; SQLite's transactions are serialisable),
    so the figures agree with each other while a run loads: call it before `connection` begins one.
    """
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    params = _check_source(connection, source)
    real = _ONE_SOURCE if source else _ALL
    of_source = _ARTICLE_OF_SOURCE if source else ""

    def rows(sql: str) -> list[Row]:
        result = connection.execute(text(sql.format(real=real, of_source=of_source)), params)
        return [dict(row._mapping) for row in result]

    typed = text(SUMMARY.format(real=real)).columns(first=UTCDateTime(), last=UTCDateTime())
    summary = dict(connection.execute(typed, params).one()._mapping)
    versions = rows(VERSIONS)
    completeness, hidden = _completeness(rows(COMPLETENESS))
    runs = _runs(connection, source)
    return ReportData(
        source=source,
        summary=summary | {"files": summary["articles"] + sum(row["files"] - 1 for row in versions)},
        timeline=_timeline(rows(TIMELINE)),
        completeness=completeness,
        feeds_not_shown=hidden,
        languages=_top(rows(LANGUAGES), "articles", "language", "script"),
        roles=_top(rows(ROLES), "credits", "role"),
        people=_people(rows(PEOPLE)),
        domains=_top(rows(DOMAINS), "links", "domain")[:TOP_HOSTS],
        image_hosts=_top(rows(IMAGE_HOSTS), "images", "host")[:TOP_HOSTS],
        versions=_versions(versions),
        groups=_groups(connection, versions),
        runs=runs,
        problems=_problems(connection, runs),
    )


def _check_source(connection: Connection, source: str | None) -> dict[str, Any]:
    """The query parameters; ConfigError for a source the database does not hold."""
    if source is None:
        return {}
    if connection.execute(select(sources.c.id).where(sources.c.name == source)).first() is None:
        known = connection.execute(select(sources.c.name).order_by(sources.c.name)).scalars().all()
        raise ConfigError(
            f"no source named {source!r} in this database (sources: {', '.join(known) or 'none yet'})"
        )
    return {"source": source}


def _key(value: Any) -> tuple[bool, Any]:
    """None last, everything else by value (text by code point, whatever the database's collation)."""
    return (value is None, 0 if value is None else value)


def _top(found: list[Row], count: str, *names: str) -> list[Row]:
    """Largest `count` first; ties by `names`."""
    return sorted(found, key=lambda row: (-row[count], *(_key(row[n]) for n in names)))


def _timeline(found: list[Row]) -> list[Row]:
    """Articles per month of the TIMELINE_FEEDS largest feeds, and of the others together (feed None)."""
    totals: dict[str, int] = defaultdict(int)
    for row in found:
        totals[row["feed"]] += row["articles"]
    shown = set(sorted(totals, key=lambda feed: (-totals[feed], feed))[:TIMELINE_FEEDS])
    merged: dict[tuple[str | None, str], int] = defaultdict(int)
    for row in found:
        merged[(row["feed"] if row["feed"] in shown else None, row["month"])] += row["articles"]
    return [
        {"feed": feed, "month": month, "articles": count}
        for (feed, month), count in sorted(merged.items(), key=lambda item: (_key(item[0][0]), item[0][1]))
    ]


def _completeness(found: list[Row]) -> tuple[list[Row], int]:
    """A total row per source (feed None), then the FEED_ROWS largest feeds; how many were left out."""
    totals: dict[str, Row] = {}
    for row in found:
        total = totals.setdefault(
            row["source"], dict.fromkeys(row, 0) | {"source": row["source"], "feed": None}
        )
        for name, value in row.items():
            if name not in ("source", "feed"):
                total[name] += value
    feeds = _top(found, "articles", "source", "feed")
    return [totals[name] for name in sorted(totals)] + feeds[:FEED_ROWS], max(0, len(feeds) - FEED_ROWS)


def _people(found: list[Row]) -> list[Row]:
    """The TOP_PEOPLE people of each role credited in the most articles (then credits, then name)."""
    ranked = sorted(found, key=lambda r: (r["role"], -r["articles"], -r["credits"], r["person"]))
    taken: dict[str, int] = defaultdict(int)
    chosen = []
    for row in ranked:
        taken[row["role"]] += 1
        if taken[row["role"]] <= TOP_PEOPLE:
            chosen.append(row)
    return chosen


def _versions(grouped: list[Row]) -> Row:
    """How many real articles have several files, how many files those are, and how they matched."""
    return {
        "groups": len(grouped),
        "files": sum(row["files"] for row in grouped),
        **{match: sum(row[match] for row in grouped) for match in ("copies", "revisions", "reposts")},
    }


def _groups(connection: Connection, grouped: list[Row]) -> list[Row]:
    """The TOP_GROUPS real articles with the most files, with their title, source and feed."""
    largest = sorted(grouped, key=lambda row: (-row["files"], row["article_id"]))[:TOP_GROUPS]
    if not largest:
        return []
    ids = ", ".join(str(int(row["article_id"])) for row in largest)
    named = connection.execute(text(f"SELECT id, title, source, feed FROM v_articles WHERE id IN ({ids})"))
    names = {row.id: {"title": row.title, "source": row.source, "feed": row.feed} for row in named}
    return [row | names[row["article_id"]] for row in largest]


def _runs(connection: Connection, source: str | None) -> list[Row]:
    """The RUNS newest runs (of the source, if given), with their duration and files per second."""
    columns = [etl_runs.c[name] for name in ("id", "status", "started_at", "finished_at", *COUNTERS)]
    query = select(*columns, etl_runs.c.shard, etl_runs.c.sources).order_by(etl_runs.c.id.desc()).limit(RUNS)
    if source is not None:
        query = query.where(text(_RAN_SOURCE[connection.dialect.name]).bindparams(source=source))
    return [_timed(dict(row._mapping)) for row in connection.execute(query)]


def _timed(run: Row) -> Row:
    started: datetime = run["started_at"]
    finished: datetime | None = run["finished_at"]
    seconds = int((finished - started).total_seconds()) if finished is not None else None
    rate = round(run["files_seen"] / seconds, 1) if seconds else None
    return run | {"seconds": seconds, "files_per_s": rate, "sources": list(run["sources"] or [])}


def cause(reason: str) -> str:
    """What files that failed alike share: the reason up to its first colon (`stub`, `binary data`),
    absolute paths and numbers masked (`cannot read /a/b`, `line 3` -> `cannot read …`, `line N`)."""
    return _NUMBER.sub("N", _PATH.sub("…", reason.split(": ", 1)[0]))


_PATH = re.compile(r"(?<![\w.])/[^\s:;,()]+")
_NUMBER = re.compile(r"(?<![A-Za-z]-)(?<!\w)\d+(?:[.,]\d+)*")  # not the 8 of UTF-8


def _problems(connection: Connection, runs: list[Row]) -> list[Row]:
    """Files failed, skipped or warned about in these runs, by kind, stage and cause (`cause`); each
    file once (a file is its path within the sources of the run that met it), the first EXAMPLES by
    path."""
    if not runs:
        return []
    sources_of = {run["id"]: ", ".join(run["sources"]) for run in runs}
    listed = ", ".join(str(int(run_id)) for run_id in sources_of)
    found: dict[tuple[str, str, str], dict[tuple[str, str], str]] = defaultdict(dict)
    for run_id, kind, stage, reason, path in connection.execute(text(PROBLEMS.format(runs=listed))):
        found[(kind, stage, cause(reason))].setdefault((path, sources_of[run_id]), reason)
    groups = [
        {
            "kind": kind,
            "stage": stage,
            "cause": cause,
            "files": len(files),
            "examples": [
                {"source": source, "source_path": path, "reason": files[(path, source)]}
                for path, source in sorted(files)[:EXAMPLES]
            ],
        }
        for (kind, stage, cause), files in found.items()
    ]
    return _top(groups, "files", "kind", "stage", "cause")
