"""etl as installed software: the wheel and sdist carry the migrations, and an etl installed from
them (pip into a fresh virtualenv, pipx, uv tool) runs from any folder on SQLite and Postgres."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, fresh_database

import etl
from etl.load import SCHEMA_HEAD

MIGRATIONS = sorted(p.name for p in (REPO / "migrations" / "versions").glob("*.py"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from it, as `python -m build` makes them."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the checkout with the wheel (and its dependencies) installed."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = next(dist.glob("etl-*.whl"))
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True)
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A folder outside the checkout holding a copy of the seeds: nothing of the checkout is reachable."""
    shutil.copytree(SEEDS, tmp_path / "articles")
    yield tmp_path


def _run(command: list[str], cwd: Path, **extra_env: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETL_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(extra_env)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_wheel_and_sdist_carry_the_migrations(dist: Path) -> None:
    wheel = zipfile.ZipFile(next(dist.glob(f"etl-{etl.__version__}-py3-none-any.whl"))).namelist()
    assert "etl/alembic.ini" in wheel and "etl/migrations/env.py" in wheel
    assert (
        sorted(n.rsplit("/", 1)[1] for n in wheel if n.startswith("etl/migrations/versions/")) == MIGRATIONS
    )
    assert not [n for n in wheel if "__pycache__" in n or n.startswith(("tests/", "seeds/"))]
    with tarfile.open(next(dist.glob(f"etl-{etl.__version__}.tar.gz"))) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"alembic.ini", "migrations/env.py", "pyproject.toml", "README.md"} <= names
    assert {f"migrations/versions/{m}" for m in MIGRATIONS} <= names


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_installed_wheel_runs_from_any_folder(
    request: pytest.FixtureRequest, installed: Path, elsewhere: Path, backend: str
) -> None:
    etl_command = str(installed / "etl")
    where = _run(
        [str(installed / "python"), "-c", "import etl.load.migrate as m; print(m.migrations_home())"],
        elsewhere,
    )
    assert where.strip().startswith(str(installed.parent / "lib"))  # the package's own copy, not the checkout
    assert _run([etl_command, "--version"], elsewhere) == f"etl, version {etl.__version__}\n"
    assert (
        _run([str(installed / "python"), "-m", "etl", "--version"], elsewhere)
        == f"etl, version {etl.__version__}\n"
    )
    with fresh_database(request, backend, elsewhere) as url:
        loaded = _run([etl_command, "run", "articles", "--db", url], elsewhere)
        assert f"Migrations applied: (empty database) -> {SCHEMA_HEAD}" in loaded
        assert "  articles inserted          4" in loaded
        current = _run([etl_command, "db", "current", "--db", url], elsewhere).splitlines()
        assert current[1:] == [f"Current revision: {SCHEMA_HEAD}", f"Head revision:    {SCHEMA_HEAD}"]
        # the report's template is package data: the wheel must carry it
        assert _run([etl_command, "report", "--db", url], elsewhere).startswith("Wrote etl-report.html (")
        assert "<svg" in (elsewhere / "etl-report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("tool", ["pipx", "uv"])
def test_pipx_and_uv_tool_install_a_working_etl(dist: Path, elsewhere: Path, tool: str) -> None:
    wheel = str(next(dist.glob("etl-*.whl")))
    home = elsewhere / tool
    if tool == "pipx":
        _run(
            [sys.executable, "-m", "pipx", "install", wheel],
            elsewhere,
            PIPX_HOME=str(home),
            PIPX_BIN_DIR=str(home / "bin"),
        )
    else:
        _run(
            [sys.executable, "-m", "uv", "tool", "install", wheel],
            elsewhere,
            UV_TOOL_DIR=str(home),
            UV_TOOL_BIN_DIR=str(home / "bin"),
        )
    loaded = _run([str(home / "bin" / "etl"), "run", "articles", "--db", "sqlite:///tool.db"], elsewhere)
    assert "  articles inserted          4" in loaded
