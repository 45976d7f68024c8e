"""docs/deploy.md as a user follows it: the GNU parallel block runs as written, and the Kubernetes
manifest's arguments and variables load every shard of the input exactly once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SEEDS, Database, fresh_database, postgres_required

DEPLOY = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
FILES = 200


def _block(marker: str) -> str:
    found = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", DEPLOY, flags=re.S)
    assert found is not None, f"no block marked {marker} in docs/deploy.md"
    return found.group(1)


def _archive(root: Path) -> Path:
    archive = root / "archive"
    for index in range(FILES):
        folder = archive / f"{index // 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sorted(SEEDS.iterdir())[index % 4], folder / f"{index:04d}.txt")
    return archive


def _environment(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETL_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # this etl, first
    env["ETL_DATABASE_URL"] = url
    return env


def test_gnu_parallel_block_loads_four_shards_into_one_postgres(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if shutil.which("parallel") is None:
        reason = "GNU parallel is not installed (apt-get install parallel); .ci/run installs it"
        if postgres_required():
            pytest.fail(f"{reason} (CI: this test may not skip)")
        pytest.skip(reason)
    _archive(tmp_path)
    with fresh_database(request, "postgres", tmp_path) as url:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _block("tested: parallel")],
            cwd=tmp_path,
            env=_environment(url),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        summaries = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
        assert sorted(s["shard"] for s in summaries) == ["1/4", "2/4", "3/4", "4/4"]
        assert {s["status"] for s in summaries} == {"succeeded"}
        assert sum(s["files_seen"] for s in summaries) == FILES
        db = Database(url)
        assert db.scalar("SELECT count(*) FROM articles") == FILES
        assert db.scalar("SELECT count(DISTINCT source_path) FROM articles") == FILES
        assert db.scalar("SELECT count(*) FROM categories") == 4
        assert db.scalar("SELECT count(*) FROM load_errors") == 0
        db.engine.dispose()


def test_kubernetes_manifest_runs_four_shards_of_one_input(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    job = yaml.safe_load(_block("checked: kubernetes"))
    spec = job["spec"]
    assert (job["kind"], spec["completionMode"]) == ("Job", "Indexed")
    assert spec["completions"] == spec["parallelism"] == 4
    [container] = spec["template"]["spec"]["containers"]
    args = container["args"]
    assert args[:1] == ["run"] and args[args.index("--shard") + 1] == "auto"
    env = {e["name"]: e for e in container["env"]}
    assert env["ETL_SHARDS"]["value"] == str(spec["completions"])
    assert env["ETL_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "url"
    mount = container["volumeMounts"][0]["mountPath"]
    assert args[1] == mount  # the archive the pods read is the volume the Job mounts
    # each pod as the Job starts it: the manifest's arguments and variables, its own index
    archive = _archive(tmp_path)
    with fresh_database(request, "postgres", tmp_path) as url:
        for index in range(spec["completions"]):
            pod_env = _environment(url) | {k: e["value"] for k, e in env.items() if "value" in e}
            pod_env["JOB_COMPLETION_INDEX"] = str(index)
            pod_args = [str(archive) if a == mount else a for a in args]
            done = subprocess.run(
                [sys.executable, "-m", "etl", *pod_args],
                env=pod_env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["shard"] == f"{index + 1}/4"
        db = Database(url)
        assert db.scalar("SELECT sum(files_seen) FROM etl_runs") == FILES
        assert db.scalar("SELECT count(*) FROM articles") == FILES
        db.engine.dispose()
