"""The report as a browser shows it: headless Chromium renders the file offline, charts included.

Skipped only where Chromium is missing and this is not CI (`CI=true` or `ETL_REQUIRE_POSTGRES=1`:
.ci/run installs it, and there a missing browser fails the test).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SEEDS, Database, postgres_required
from matplotlib.image import imread

from etl.cli import cli

WIDTH, HEIGHT = 1200, 3000
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if postgres_required():  # CI: nothing may skip
            pytest.fail("Chromium is missing: CI must run the browser test (.ci/run installs `chromium`)")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return CHROMIUM


def test_chromium_renders_the_report_with_its_charts(chromium: str, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'etl.db'}")
    db.load(SEEDS, FIXTURES / "gnews-archive")
    db.engine.dispose()
    html = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", db.url, "--output", str(html)])
    assert result.exit_code == 0, result.output
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            f"--window-size={WIDTH},{HEIGHT}",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = imread(shot)[..., :3]
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    ink = (pixels < 0.9).any(axis=2)
    assert pixels.std() > 0.05 and ink.mean() > 0.01  # text and tables, not a blank page
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    # the charts' blue (#3b6ea5): their SVG was drawn, not only the tables around them
    assert ((blue - red > 0.3) & (blue - green > 0.15)).sum() > 2000
