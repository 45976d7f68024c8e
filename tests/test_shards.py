"""`--shard auto`: the shard from the job runner's environment, and clear errors without one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS, Database

from etl.cli import cli
from etl.errors import ConfigError
from etl.shards import resolve_shard


@pytest.mark.parametrize(
    ("environ", "shards", "expected"),
    [
        ({"JOB_COMPLETION_INDEX": "0"}, 4, (1, 4)),
        ({"JOB_COMPLETION_INDEX": "3", "ETL_SHARDS": "4"}, None, (4, 4)),
        (
            {"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"},
            None,
            (3, 3),
        ),
        ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, 2, (1, 2)),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "1", "ETL_SHARDS": "2"}, None, (2, 2)),
        ({"CLOUD_RUN_TASK_INDEX": "2", "CLOUD_RUN_TASK_COUNT": "5"}, None, (3, 5)),
    ],
    ids=["k8s-flag", "k8s-env", "slurm-from-5", "slurm-agrees", "aws-batch", "cloud-run"],
)
def test_auto_reads_the_job_runner(environ: dict[str, str], shards: int | None, expected: tuple) -> None:
    assert resolve_shard("auto", shards, environ) == expected


@pytest.mark.parametrize(
    ("environ", "shards", "message"),
    [
        ({}, None, "--shard auto found no job runner in the environment (looked for JOB_COMPLETION_INDEX"),
        ({"PATH": "/bin"}, 4, "give --shard K/N instead"),
        (
            {"JOB_COMPLETION_INDEX": "1"},
            None,
            "does not say how many copies run: pass --shards N or set ETL_SHARDS",
        ),
        ({"JOB_COMPLETION_INDEX": "4"}, 4, "JOB_COMPLETION_INDEX=4 is not one of 4 shards"),
        ({"JOB_COMPLETION_INDEX": "x"}, 4, "JOB_COMPLETION_INDEX must be a whole number, not 'x'"),
        (
            {"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"},
            4,
            "says SLURM_ARRAY_TASK_COUNT=3, but 4",
        ),
    ],
    ids=["nothing", "unrelated", "no-count", "index-too-big", "not-a-number", "counts-disagree"],
)
def test_auto_refuses_what_it_cannot_read(environ: dict[str, str], shards: int | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_shard("auto", shards, environ)


def test_shards_needs_auto() -> None:
    with pytest.raises(ConfigError, match="--shards only goes with --shard auto"):
        resolve_shard("1/4", 4)
    with pytest.raises(ConfigError, match="--shards only goes with --shard auto"):
        resolve_shard(None, 4)


def test_unknown_shard_source_is_a_clear_cli_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "CLOUD_RUN_TASK_INDEX",
    ):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["run", str(SEEDS), "--shard", "auto"])
    assert result.exit_code == 1
    assert "Error: --shard auto found no job runner in the environment" in result.output
    words = CliRunner().invoke(cli, ["run", str(SEEDS), "--shard", "some"])
    assert "--shard must look like K/N with 1 <= K <= N (e.g. 1/4) or be auto, not 'some'" in words.output


def test_auto_shards_split_the_input_like_explicit_ones(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(40):
        shutil.copyfile(sorted(SEEDS.iterdir())[index % 4], folder / f"{index:02d}.txt")
    monkeypatch.setenv("ETL_SHARDS", "3")
    for index in range(3):
        monkeypatch.setenv("JOB_COMPLETION_INDEX", str(index))
        assert f'"shard": "{index + 1}/3"' in db.run("run", str(folder), "--shard", "auto", "--json").stdout
    seen = [n for (n,) in db.rows("SELECT files_seen FROM etl_runs ORDER BY id")]
    assert sum(seen) == 40
    assert all(n > 0 for n in seen)
    assert db.scalar("SELECT count(*) FROM articles") == 40
    monkeypatch.delenv("ETL_SHARDS")
    explicit = db.run("run", str(folder), "--shard", "3/3")  # the same files as JOB_COMPLETION_INDEX=2
    assert f"  articles unchanged      {seen[2]:>4}" in explicit.output
