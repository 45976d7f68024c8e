"""The Datasette recipe works: a real Datasette on loopback serves v_articles with our metadata, and
opens it on the newest articles."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, SEEDS, Database, postgres_required

from etl.schema.docs import DATASETTE_VIEW_OPTIONS, V_ARTICLES_FIRST_COLUMNS
from etl.schema.views import VIEWS

STARTUP_S = 60
NEWEST = ("6小时，神舟十四号乘组圆满完成首次出舱", "2022-09-01 18:35:21")  # title, published_at


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    """The seeds and the revisions set (50 real articles): ids do not follow publication order."""
    database = Database(f"sqlite:///{tmp_path / 'etl.db'}")
    database.load(SEEDS, FIXTURES / "revisions")
    database.engine.dispose()
    return tmp_path / "etl.db"


@pytest.fixture
def datasette(database_file: Path) -> Iterator[str]:
    if importlib.util.find_spec("datasette") is None:
        message = "Datasette is not installed: pip install -e '.[bi]'"
        if postgres_required():  # in CI every test must run
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--immutable", str(database_file),
         "--metadata", str(REPO / "docs" / "datasette-metadata.json"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    pytest.fail(f"Datasette did not start: {output}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_datasette_serves_v_articles_as_json(datasette: str) -> None:
    rows = _get(f"{datasette}/etl/v_articles.json?_shape=array&_sort=source_path&source=seeds")
    assert len(rows) == 4
    first = rows[0]
    assert first["source_path"] == "000_79dec9e98373e082.txt"
    assert first["title"] == "半夜1点，克里姆林宫电话响了"
    assert (first["category_2"], first["image_count"], first["link_count"]) == ("观察者网", 8, 2)


def test_datasette_shows_the_descriptions(datasette: str) -> None:
    metadata = _get(f"{datasette}/-/metadata.json")
    tables = metadata["databases"]["etl"]["tables"]
    assert tables["v_articles"]["description"] == VIEWS[0].description
    assert tables["articles"]["columns"]["canonical_url"].startswith("URL of the original article")


def _sql(path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute(query).fetchall()


def test_v_articles_opens_on_the_newest_article_with_facets(datasette: str, database_file: Path) -> None:
    page = _get(f"{datasette}/etl/v_articles.json?_shape=objects")
    first = page["rows"][0]
    assert (first["title"], first["published_at"]) == NEWEST
    assert first["id"] != max(row["id"] for row in page["rows"])  # not the id order
    dates = [row["published_at"] for row in page["rows"]]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True) and dates == dated + [None] * (len(dates) - len(dated))
    assert len(dates) == _sql(database_file, "SELECT count(*) FROM v_articles")[0][0] == 50

    facets = {
        name: {value["value"]: value["count"] for value in facet["results"]}
        for name, facet in page["facet_results"].items()
    }
    assert list(facets) == ["feed", "language", "year"]
    for name, counts in facets.items():
        query = f"SELECT {name}, count(*) FROM v_articles WHERE {name} IS NOT NULL GROUP BY 1"
        assert counts == dict(_sql(database_file, query)), name
    assert facets["language"] == {"zh": 49, "en": 1}


def test_the_first_screen_shows_rows_and_a_link_puts_title_date_and_feed_first(datasette: str) -> None:
    page = _page(f"{datasette}/etl/v_articles")
    # the newest row is the first on the page, and the column descriptions sit in a short box
    first_title = re.search(r'<td class="col-title[^"]*"[^>]*>(.*?)</td>', page, flags=re.S)
    assert first_title and html.unescape(first_title.group(1)).strip() == NEWEST[0]
    assert "sorted by published_at descending" in page
    assert '<dl class="column-descriptions">' in page and 'href="data:text/css,dl.column-descriptions' in page
    link = re.search(r'<a href="\?(_col=[^"]+)">Title, date and feed first</a>', page)
    assert link
    picked = _get(f"{datasette}/etl/v_articles.json?_shape=objects&{html.unescape(link.group(1))}")
    assert picked["columns"] == list(V_ARTICLES_FIRST_COLUMNS)
    assert list(picked["rows"][0])[:3] == ["title", "published_at", "feed"]
    assert picked["rows"][0]["title"] == NEWEST[0]
    assert set(picked["facet_results"]) == {"feed", "language", "year"}


def test_every_view_option_names_columns_of_its_view() -> None:
    columns = {view.name: {c.name for c in view.columns} for view in VIEWS}
    for name, options in DATASETTE_VIEW_OPTIONS.items():
        assert {options["sort_desc"], *options.get("facets", [])} <= columns[name], name
    assert set(V_ARTICLES_FIRST_COLUMNS) <= columns["v_articles"]
