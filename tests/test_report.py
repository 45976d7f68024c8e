"""`etl report` on both backends: every figure equals a SQL query's answer (and `etl stats`), exact
values on the seeds and the GNews archive fixture, nothing fetched, strangers' strings escaped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from conftest import BACKENDS, FIXTURES, REPO, SEEDS, Database, fresh_database
from sqlalchemy.engine import make_url

import etl
import etl.load.report
from etl.cli import cli
from etl.load.report import cause

GNEWS_ARCHIVE = FIXTURES / "gnews-archive"  # its own files, and copies of some of the sample's
GNEWS_SAMPLE = FIXTURES / "gnews-sample"
HOSTILE_SOURCE = "<b onmouseover=alert(1)>$1"
HOSTILE_FILE = "<img src=x onerror=alert(1)>.md"
HOSTILE_BINARY = "<svg onload=alert(2)>.md"  # fails, so the report shows its name
HOSTILE_FEED = "<b>feed</b>/$x$ & <i>y</i>"
HOSTILE_AUTHOR = "<img src=x onerror=alert(1)>"
HOSTILE_ARTICLE = f"""---
title: 'a </td><script>alert(1)</script> & <b>b</b> costs $5'
date: 2023-03-04 05:06:07
categories: ['<b>feed</b>', '$x$ & <i>y</i>']
author: '{HOSTILE_AUTHOR}'
---
<p>Body text long enough to be an article, with <a href="https://evil.example/<script>">a link</a>
and an image <img src="http://img.evil.example/a.png?<script>" alt="<script>"> here.</p>
"""
SHARES = ("titled", "dated", "timed", "day_only", "month_or_year", "credited", "with_images", "with_links")
SHARES += ("with_language",)
REAL = "a.deleted_at IS NULL AND a.canonical_article_id = a.id"
MONTH = {
    "sqlite": "strftime('%Y-%m', a.published_at)",
    "postgresql": "to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM')",
}


@dataclass
class Loaded:
    db: Database
    folder: Path
    reports: dict[str | None, str]  # by --source: the HTML written


def _hostile(folder: Path) -> Path:
    """A source with a hostile name, path, feed and author, a failing, a skipped and a warned file."""
    folder.mkdir()
    (folder / HOSTILE_FILE).write_text(HOSTILE_ARTICLE, encoding="utf-8")
    (folder / HOSTILE_BINARY).write_bytes(b"\x00" * 64)
    (folder / "empty.md").write_bytes(b"")
    (folder / "salvaged.md").write_text("---\ntitle: : :\n  - x\n bad: indent\n---\nbody\n", encoding="utf-8")
    return folder


def write(db: Database, output: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["report", "--db", db.url, "--output", str(output), *args])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"Wrote {re.escape(str(output))} \([\d,]+ bytes in \d+\.\d s\)\n", result.output)
    return output.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The hostile source (loaded twice: its failed and skipped files recorded by both runs), the
    seeds and the GNews archive, then the GNews sample (some of whose files the archive holds too);
    a report of everything and one of each source."""
    folder = tmp_path_factory.mktemp(f"report-{request.param}")
    with fresh_database(request, request.param, folder) as url:
        db = Database(url)
        hostile = _hostile(folder / "hostile")
        db.load(hostile, "--source", HOSTILE_SOURCE, expect_exit=1)
        db.load(SEEDS, GNEWS_ARCHIVE)
        db.load(hostile, expect_exit=1)
        db.load(GNEWS_SAMPLE)
        reports = {
            source: write(db, folder / f"report-{index}.html", *(("--source", source) if source else ()))
            for index, source in enumerate([None, "seeds", "gnews-archive", HOSTILE_SOURCE])
        }
        yield Loaded(db, folder, reports)
        db.engine.dispose()


def page(html: str) -> tuple[Any, dict[str, Any]]:
    doc = lxml.html.document_fromstring(html)
    return doc, json.loads(doc.get_element_by_id("report-data").text)


def dialect(db: Database) -> str:
    return db.engine.dialect.name


def top(rows: list[dict[str, Any]], count: str, *names: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (-r[count], *((r[n] is None, r[n] or "") for n in names)))


def stats(db: Database, by: str) -> list[dict[str, Any]]:
    return json.loads(db.run("stats", "--by", by, "--format", "json").stdout)


def test_summary_and_timeline_equal_sql(loaded: Loaded) -> None:
    db = loaded.db
    _, data = page(loaded.reports[None])
    articles, dated, feeds, sources = db.rows(
        f"SELECT count(*), count(a.published_at), count(DISTINCT a.feed), count(DISTINCT a.source_id)"
        f" FROM articles a WHERE {REAL}"
    )[0]
    first, last = db.rows(f"SELECT min(a.published_at), max(a.published_at) FROM articles a WHERE {REAL}")[0]
    summary = data["summary"]
    assert (summary["articles"], summary["dated"], summary["feeds"], summary["sources"]) == (
        articles,
        dated,
        feeds,
        sources,
    )
    assert summary["files"] == db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NULL") == 202
    assert (summary["first"][:10], summary["last"][:10]) == (str(first)[:10], str(last)[:10])
    months = db.rows(
        f"SELECT a.feed, {MONTH[dialect(db)]} AS month, count(*) FROM articles a"
        f" WHERE {REAL} AND a.published_at IS NOT NULL GROUP BY a.feed, month"
    )
    totals: dict[str, int] = defaultdict(int)
    for feed, _, count in months:
        totals[feed] += count
    shown = set(sorted(totals, key=lambda f: (-totals[f], f))[:8])
    expected: dict[tuple[str | None, str], int] = defaultdict(int)
    for feed, month, count in months:
        expected[(feed if feed in shown else None, month)] += count
    assert {(r["feed"], r["month"]): r["articles"] for r in data["timeline"]} == expected
    assert sum(r["articles"] for r in data["timeline"]) == dated


def test_completeness_equals_sql(loaded: Loaded) -> None:
    db = loaded.db
    _, data = page(loaded.reports[None])

    def having(condition: str) -> str:
        return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def exists(table: str) -> str:
        return having(f"EXISTS (SELECT 1 FROM {table} x WHERE x.article_id = a.id)")

    figures = [
        having("a.title IS NOT NULL AND a.title <> ''"),
        "count(a.published_at)",
        having("a.published_precision IN ('second', 'minute', 'hour')"),
        having("a.published_precision = 'day'"),
        having("a.published_precision IN ('month', 'year')"),
        exists("article_authors"),
        exists("article_images"),
        exists("article_links"),
        "count(a.language)",
    ]
    rows = db.rows(
        f"SELECT s.name, a.feed, count(*), {', '.join(figures)} FROM articles a"
        f" JOIN sources s ON s.id = a.source_id WHERE {REAL} GROUP BY s.name, a.feed"
    )
    columns = ("source", "feed", "articles", "titled", "dated", "timed", "day_only", "month_or_year")
    columns += ("credited", "with_images", "with_links", "with_language")
    expected = {(r[0], r[1]): dict(zip(columns, r, strict=True)) for r in rows}
    feeds = {(r["source"], r["feed"]): r for r in data["completeness"] if r["feed"] is not None}
    assert feeds == expected
    totals = {r["source"]: r for r in data["completeness"] if r["feed"] is None}
    assert set(totals) == {"seeds", "gnews-archive", "gnews-sample", HOSTILE_SOURCE}
    for name, total in totals.items():
        for column in columns[2:]:
            assert total[column] == sum(r[column] for r in expected.values() if r["source"] == name)
    assert data["feeds_not_shown"] == 0


def test_languages_credits_domains_and_images_agree_with_sql_and_etl_stats(loaded: Loaded) -> None:
    db = loaded.db
    _, data = page(loaded.reports[None])
    languages = stats(db, "language")
    assert data["languages"] == top(languages, "articles", "language", "script")
    assert sorted(map(tuple, (r.values() for r in languages)), key=repr) == sorted(
        db.rows(f"SELECT a.language, a.script, count(*) FROM articles a WHERE {REAL} GROUP BY 1, 2"), key=repr
    )
    assert data["roles"] == top(stats(db, "role"), "credits", "role")
    assert data["domains"] == top(stats(db, "domain"), "links", "domain")[:15]
    people = db.rows(
        "SELECT x.role, coalesce(au.person, au.name), count(*), count(DISTINCT x.article_id),"
        f" count(DISTINCT au.name) FROM article_authors x JOIN articles a ON a.id = x.article_id AND {REAL}"
        " JOIN authors au ON au.id = x.author_id GROUP BY x.role, coalesce(au.person, au.name)"
    )
    by_role: dict[str, list[tuple]] = defaultdict(list)
    for row in sorted(people, key=lambda r: (r[0], -r[3], -r[2], r[1])):
        by_role[row[0]].append(row)
    assert [tuple(r.values()) for r in data["people"]] == [
        (row[0], row[1], row[2], row[3], row[4]) for role in sorted(by_role) for row in by_role[role][:5]
    ]
    hosts = db.rows(
        "SELECT d.host, count(*), count(DISTINCT ai.article_id), count(DISTINCT ai.image_id)"
        f" FROM article_images ai JOIN articles a ON a.id = ai.article_id AND {REAL}"
        " JOIN images i ON i.id = ai.image_id LEFT JOIN domains d ON d.id = i.domain_id GROUP BY d.host"
    )
    expected_hosts = [dict(zip(("host", "images", "articles", "urls"), r, strict=True)) for r in hosts]
    assert data["image_hosts"] == top(expected_hosts, "images", "host")
    assert [r["host"] for r in data["image_hosts"]] == [
        "i.imgur.com",
        "i.guancha.cn",
        "media.gettr.com",
        None,  # data: URIs
        "assets.gnews.org",
        "gdb.voanews.com",
        "attach.setn.com",
        "cdn.ftvnews.com.tw",
        "healthmedia.com.tw",
        "img.evil.example",
    ]


def test_copies_runs_and_problems_equal_sql(loaded: Loaded) -> None:
    db = loaded.db
    _, data = page(loaded.reports[None])
    groups = db.rows(
        "SELECT canonical_article_id, count(*) FROM articles WHERE deleted_at IS NULL"
        " GROUP BY canonical_article_id HAVING count(*) > 1"
    )
    matches = dict(
        db.rows("SELECT match, count(*) FROM v_article_versions WHERE is_canonical = 0 GROUP BY 1")
    )
    assert data["versions"] == {
        "groups": len(groups),
        "files": sum(n for _, n in groups),
        "copies": matches.get("copy", 0),
        "revisions": matches.get("revision", 0),
        "reposts": matches.get("repost", 0),
    }
    assert [(g["article_id"], g["files"]) for g in data["groups"]] == sorted(
        groups, key=lambda g: (-g[1], g[0])
    )
    runs = db.rows(
        "SELECT id, status, files_seen, articles_inserted, articles_updated, articles_unchanged,"
        " articles_deleted, files_failed, files_skipped, files_warned FROM etl_runs ORDER BY id DESC"
    )
    names = ("id", "status", "files_seen", "articles_inserted", "articles_updated", "articles_unchanged")
    names += ("articles_deleted", "files_failed", "files_skipped", "files_warned")
    assert [tuple(r[n] for n in names) for r in data["runs"]] == runs
    assert [r["files_seen"] for r in data["runs"]] == [198, 4, 17, 4]
    for run in data["runs"]:
        assert run["seconds"] is not None and run["seconds"] >= 0
        assert run["files_per_s"] == (
            round(run["files_seen"] / run["seconds"], 1) if run["seconds"] else None
        )
    assert [r["sources"] for r in data["runs"]] == [
        ["gnews-sample"],
        [HOSTILE_SOURCE],
        ["gnews-archive", "seeds"],
        [HOSTILE_SOURCE],
    ]
    # each file once: the second run of the hostile source remembers its failure (file_outcomes)
    # and writes no second row
    assert db.scalar("SELECT count(*) FROM load_errors") == 1
    assert [(p["kind"], p["stage"], p["cause"], p["files"]) for p in data["problems"]] == [
        ("skipped", "transform", "placeholder", 9),
        ("skipped", "transform", "index page", 3),
        ("skipped", "transform", "link list", 3),
        ("failed", "extract", "binary data", 1),
        ("skipped", "transform", "stub", 1),
        (
            "warning",
            "extract",
            "front matter is not valid YAML (mapping values are not allowed in this context in front matter "
            "line N)",
            1,
        ),
    ]
    assert data["problems"][2]["examples"] == [
        {
            "source": "gnews-archive, seeds",
            "source_path": "content/battle-2020/README.md",
            "reason": "link list: 27 of its 28 paragraphs are links or addresses, and no title",
        },
        {
            "source": "gnews-archive, seeds",
            "source_path": "content/court-case-2024/README.md",
            "reason": "link list: 7 of its 9 paragraphs are links or addresses, and no title",
        },
        {
            "source": "gnews-archive, seeds",
            "source_path": "content/gettr/README.md",
            "reason": "link list: 20 of its 53 paragraphs are links or addresses, and no title",
        },
    ]
    assert data["problems"][3]["examples"] == [
        {
            "source": HOSTILE_SOURCE,
            "source_path": HOSTILE_BINARY,
            "reason": "binary data: 64 of its 64 bytes are NUL",
        }
    ]


def test_exact_figures_of_the_seeds(loaded: Loaded) -> None:
    _, data = page(loaded.reports["seeds"])
    assert data["source"] == "seeds"
    assert {k: v for k, v in data["summary"].items() if k not in ("first", "last")} == {
        "articles": 4,
        "dated": 4,
        "feeds": 3,
        "sources": 1,
        "files": 4,
    }
    assert (data["summary"]["first"], data["summary"]["last"]) == (
        "2021-12-31T00:00:00+00:00",
        "2022-03-02T06:50:07+00:00",
    )
    assert [(r["feed"], r["month"], r["articles"]) for r in data["timeline"]] == [
        ("seeds", "2021-12", 1),
        ("新媒体/观察者网/头条", "2022-02", 1),
        ("新媒体/观察者网/头条", "2022-03", 1),
        ("新媒体/观察者网/首页", "2022-01", 1),
    ]
    total = data["completeness"][0]
    assert total == {
        "source": "seeds",
        "feed": None,
        "articles": 4,
        "titled": 4,
        "dated": 4,
        "timed": 3,
        "day_only": 1,
        "month_or_year": 0,
        "credited": 4,
        "with_images": 4,
        "with_links": 4,
        "with_language": 4,
    }
    assert [(r["feed"], r["articles"]) for r in data["completeness"][1:]] == [
        ("新媒体/观察者网/头条", 2),
        ("seeds", 1),
        ("新媒体/观察者网/首页", 1),
    ]
    assert data["languages"] == [{"language": "zh", "script": "zh-Hans", "articles": 4}]
    assert [tuple(r.values()) for r in data["roles"]] == [
        ("author", 3, 1, 3),
        ("writer", 3, 3, 3),
        ("publisher", 2, 2, 1),
        ("proofreader", 1, 1, 1),
    ]
    assert data["people"][0] == {
        "role": "author",
        "person": "观察者网",
        "credits": 3,
        "articles": 3,
        "spellings": 1,
    }
    assert [tuple(r.values()) for r in data["domains"][:2]] == [
        ("guancha.cn", 5, 3, 5),
        ("gnews.org", 3, 1, 3),
    ]
    assert len(data["domains"]) == 13
    assert data["versions"] == {"groups": 0, "files": 0, "copies": 0, "revisions": 0, "reposts": 0}
    assert data["groups"] == []
    # the runs that loaded the source, and the problems of those runs (this one also loaded the archive)
    assert [r["files_seen"] for r in data["runs"]] == [17]
    assert [p["files"] for p in data["problems"]] == [3, 1]


def test_exact_figures_of_the_gnews_archive(loaded: Loaded) -> None:
    _, data = page(loaded.reports["gnews-archive"])
    summary = data["summary"]
    assert (summary["articles"], summary["files"], summary["dated"], summary["feeds"]) == (7, 11, 6, 3)
    assert data["languages"] == [
        {"language": "zh", "script": "zh-Hans", "articles": 5},
        {"language": "en", "script": None, "articles": 2},
    ]
    # each group counted whole: the archive's file, its copy, and the sample's file (a re-post)
    assert data["versions"] == {"groups": 2, "files": 6, "copies": 2, "revisions": 0, "reposts": 2}
    assert [(g["title"], g["feed"], g["files"], g["copies"]) for g in data["groups"]] == [
        (None, "court-case-2024", 3, 1),
        ("2019年7月27日文贵大直播全文字版：郭文贵先生与战友分享船（床）上时分", "transcript", 3, 1),
    ]
    people = {(p["role"], p["person"]): (p["articles"], p["spellings"]) for p in data["people"]}
    # 兰草(文泉) and 兰草（文泉） are one person
    assert people[("transcriber", "文泉")] == (3, 2)
    assert people[("reviewer", "文敏")] == (3, 1)
    assert [tuple(r.values()) for r in data["roles"]] == [
        ("editor", 20, 11, 3),
        ("proofreader", 20, 11, 3),
        ("transcriber", 20, 11, 3),
        ("publisher", 3, 2, 3),
        ("reviewer", 3, 1, 3),
    ]
    assert [r["domain"] for r in data["domains"]] == ["gnews.org", "youtube.com"]


def test_the_visible_tables_show_the_figures(loaded: Loaded) -> None:
    doc, data = page(loaded.reports[None])
    for name in ("articles", "files", "sources", "feeds"):
        (tile,) = doc.xpath(f"//*[@data-figure='{name}']")
        assert tile.text_content() == f"{data['summary'][name]:,}"
    rows = doc.get_element_by_id("completeness-table").xpath("./tbody/tr")
    assert len(rows) == len(data["completeness"])
    for tr, figures in zip(rows, data["completeness"], strict=True):
        cells = tr.xpath("./td")
        assert cells[0].text_content() == figures["source"]
        assert cells[1].text_content() == (figures["feed"] or "all feeds")
        assert int(cells[2].text_content()) == figures["articles"]
        assert [int(td.get("data-count")) for td in cells[3:]] == [figures[n] for n in SHARES]
    runs = doc.get_element_by_id("runs-table").xpath("./tbody/tr")
    assert [int(tr.xpath("./td")[0].text_content()) for tr in runs] == [r["id"] for r in data["runs"]]
    assert [tr.xpath("./td")[5].text_content() for tr in runs] == ["198", "4", "17", "4"]
    problems = doc.get_element_by_id("problems-table").xpath("./tbody/tr")
    assert [int(tr.xpath("./td")[3].text_content()) for tr in problems] == [9, 3, 3, 1, 1, 1]
    domains = doc.get_element_by_id("domains-table").xpath("./tbody/tr/td[1]")
    assert [td.text_content() for td in domains] == [r["domain"] for r in data["domains"]]


def test_the_report_references_nothing_outside_itself(loaded: Loaded) -> None:
    html = loaded.reports[None]
    doc, _ = page(html)
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert not doc.xpath(
        "//link | //img | //iframe | //object | //embed | //base | //form | //audio | //video"
    )
    (script,) = doc.xpath("//script")
    assert script.get("type") == "application/json" and script.get("src") is None
    links = doc.xpath("//@*[name()='src' or contains(name(), 'href')]")
    assert links and all(value.startswith("#") for value in links)  # matplotlib's own markers
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))  # three charts, one page
    assert {link[1:] for link in links} | set(re.findall(r"url\(#([^)]+)\)", html)) <= set(ids)
    assert not [
        v for v in doc.xpath("//@*") if re.search(r"https?:", v) and not v.startswith("http://www.w3.org/")
    ]
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    # the one inline SVG per chart: text stays text
    assert len(doc.xpath("//svg")) == 3
    assert "<text" in html and "<?xml" not in html and "<metadata" not in html


def test_strangers_strings_are_escaped(loaded: Loaded) -> None:
    html = loaded.reports[None]
    doc, data = page(html)
    for raw in (
        HOSTILE_SOURCE,
        HOSTILE_BINARY,
        "<b>feed</b>",
        HOSTILE_AUTHOR,
        "</td><script>",
        "<svg onload",
    ):
        assert raw not in html
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")
    assert not doc.xpath("//b[@onmouseover] | //i | //img")
    # the author is shown as the person its name is (etl.transform.people), as hostile as the name
    person = loaded.db.scalar("SELECT coalesce(person, name) FROM authors WHERE name = :n", n=HOSTILE_AUTHOR)
    assert "<" in person and person not in html
    text = doc.text_content()
    for shown in (HOSTILE_SOURCE, HOSTILE_BINARY, HOSTILE_FEED, person):
        assert shown in text
    # the JSON block keeps the strings exactly, with no `<` that could end it
    assert HOSTILE_SOURCE in {r["source"] for r in data["completeness"]}
    assert "<" not in doc.get_element_by_id("report-data").text
    # in the chart's legend, `$x$` is text, not mathtext
    legend = "".join(doc.get_element_by_id("timeline").xpath(".//svg//text()"))
    assert HOSTILE_FEED in legend
    hostile = page(loaded.reports[HOSTILE_SOURCE])[1]
    assert hostile["summary"]["articles"] == 2
    assert {p["person"] for p in hostile["people"]} == {person}


def test_default_output_and_errors(loaded: Loaded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "--db", loaded.db.url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote etl-report.html (")
    assert (tmp_path / "etl-report.html").stat().st_size > 10_000
    unknown = CliRunner().invoke(cli, ["report", "--db", loaded.db.url, "--source", "nope\x1b]0;x\x07"])
    assert unknown.exit_code == 1
    assert "Error: no source named 'nope\\x1b]0;x\\x07' in this database (sources: " in unknown.output
    missing = CliRunner().invoke(
        cli, ["report", "--db", loaded.db.url, "--output", str(tmp_path / "no" / "r.html")]
    )
    assert missing.exit_code == 1
    assert "cannot write the report to" in missing.output and "No such file or directory" in missing.output


def test_an_empty_database_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 1
    assert "the database schema is at revision (none)" in result.output


def test_a_database_without_articles_gives_an_empty_report(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'etl.db'}")
    db.run("db", "upgrade")
    written = etl.report(make_url(db.url), output=tmp_path / "empty.html")  # the Python API's way in
    assert written.path == tmp_path / "empty.html" and written.size == written.path.stat().st_size
    doc, data = page(written.path.read_text(encoding="utf-8"))
    assert data["summary"]["articles"] == 0 and data["runs"] == [] and data["timeline"] == []
    assert "No dated articles." in doc.text_content() and not doc.xpath("//svg")
    db.engine.dispose()


def test_the_command_line_loads_neither_matplotlib_nor_jinja2_nor_sqlalchemy() -> None:
    heavy = "{'matplotlib', 'jinja2', 'sqlalchemy'}"
    probe = f"import sys, etl.cli; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True, env=os.environ
    )
    assert result.stdout.strip() == "[]"


def test_one_path_in_two_sources_is_two_files(db: Database, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "empty.md").write_bytes(b"")
        db.load(tmp_path / name)
    db.load(tmp_path / "a")
    _, data = page(write(db, tmp_path / "report.html"))
    (problem,) = data["problems"]
    assert (problem["cause"], problem["files"]) == ("placeholder", 2)
    assert [(e["source"], e["source_path"]) for e in problem["examples"]] == [
        ("a", "empty.md"),
        ("b", "empty.md"),
    ]


def test_problems_counted_again_by_the_runs_shown_are_listed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.md").write_bytes(b"")
    (tmp_path / "in" / "bad.md").write_bytes(b"---\ntitle: !!python/object/apply:os.getcwd []\n---\nbody\n")
    for _ in range(3):
        db.load(tmp_path / "in", expect_exit=1)
    monkeypatch.setattr(etl.load.report, "RUNS", 2)  # the runs shown are 2 and 3, which recorded nothing
    _, data = page(write(db, tmp_path / "report.html"))
    assert [r["id"] for r in data["runs"]] == [3, 2]
    assert [(p["kind"], p["stage"], p["cause"], p["files"]) for p in data["problems"]] == [
        ("failed", "extract", "front matter cannot be parsed", 1),
        ("skipped", "transform", "placeholder", 1),
    ]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("index page: 54 of its 105 paragraphs are links", "index page"),
        ("cannot read file: Permission denied", "cannot read file"),
        ("invalid UTF-16 at byte 1,234", "invalid UTF-16 at byte N"),
        (
            "not valid UTF-8 at byte offsets 12, 40-41: 2 sequences replaced by U+FFFD",
            "not valid UTF-8 at byte offsets N, N-N",
        ),
        ("not a regular file any more (/srv/archive/a b.md)", "not a regular file any more (… b.md)"),
    ],
)
def test_causes_group_reasons_that_differ_in_numbers_and_paths(reason: str, expected: str) -> None:
    assert cause(reason) == expected


def test_the_timeline_grows_with_the_data_not_with_the_span_of_years() -> None:
    from etl.report_page.charts import timeline_chart

    stray = [
        {"feed": "a", "month": "1900-01", "articles": 1},
        {"feed": "a", "month": "2024-05", "articles": 3},
    ]
    svg = timeline_chart(stray)
    assert svg is not None and len(svg) < 40_000  # 1,493 months between them, 2 bars drawn
