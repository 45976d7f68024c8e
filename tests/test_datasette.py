"""The Datasette recipe works: a real Datasette on loopback serves v_articles with our metadata."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SEEDS, Database, postgres_required

from etl.schema.views import VIEWS

STARTUP_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.fixture
def datasette(tmp_path: Path) -> Iterator[str]:
    if importlib.util.find_spec("datasette") is None:
        message = "Datasette is not installed: pip install -e '.[bi]'"
        if postgres_required():  # in CI every test must run
            pytest.fail(message)
        pytest.skip(message)
    database = Database(f"sqlite:///{tmp_path / 'etl.db'}")
    database.load(SEEDS)
    database.engine.dispose()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--immutable", str(tmp_path / "etl.db"),
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
    rows = _get(f"{datasette}/etl/v_articles.json?_shape=array&_sort=source_path")
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
