"""Which shard of the input this process loads: `K/N` as given, or `auto` from the job runner.

A job runner that starts N copies of one command tells each copy its index in the environment;
`--shard auto` reads it, so one manifest or job script serves every copy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from etl.errors import ConfigError

Shard = tuple[int, int]  # (K, N): this loader takes shard K of N, counting from 1
SHARDS_ENV = "ETL_SHARDS"


@dataclass(frozen=True)
class Runner:
    """A job runner's environment: the variable with this copy's index, and the one with the count."""

    name: str
    index: str
    count: str | None  # None: the runner does not say; --shards or ETL_SHARDS must
    first: str | None = None  # the variable holding the lowest index, when it need not be 0


RUNNERS = (
    Runner("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", None),
    Runner("Slurm job array", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"),
    Runner("AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", None),
    Runner("Cloud Run job", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"),
)


def resolve_shard(
    flag: str | Shard | None, shards: int | None = None, environ: Mapping[str, str] = os.environ
) -> Shard | None:
    """`K/N` (or a (K, N) pair), `auto`, or None for the whole input; raises ConfigError."""
    if flag is None:
        if shards is not None:
            raise ConfigError("--shards only goes with --shard auto")
        return None
    if isinstance(flag, tuple):
        return _checked(*flag, given=f"{flag[0]}/{flag[1]}")
    if flag == "auto":
        return shard_from_runner(environ, shards)
    if shards is not None:
        raise ConfigError("--shards only goes with --shard auto; --shard K/N already says N")
    return parse_shard(flag)


def parse_shard(text: str) -> Shard:
    """`K/N` -> (K, N), with 1 <= K <= N."""
    number, _, count = text.partition("/")
    if not (number.isdigit() and count.isdigit()):
        raise ConfigError(f"--shard must look like K/N with 1 <= K <= N (e.g. 1/4) or be auto, not {text!r}")
    return _checked(int(number), int(count), given=text)


def shard_from_runner(environ: Mapping[str, str], shards: int | None = None) -> Shard:
    """This copy's shard from the first job runner found in `environ`; the count from the runner,
    else from `shards` (--shards), else from ETL_SHARDS."""
    runner = next((r for r in RUNNERS if environ.get(r.index, "").strip()), None)
    if runner is None:
        looked_for = ", ".join(f"{r.index} ({r.name})" for r in RUNNERS)
        raise ConfigError(
            f"--shard auto found no job runner in the environment (looked for {looked_for}); "
            "give --shard K/N instead"
        )
    index = _whole_number(environ, runner.index)
    if runner.first and environ.get(runner.first, "").strip():
        index -= _whole_number(environ, runner.first)
    stated = _whole_number(environ, runner.count) if runner.count and environ.get(runner.count) else None
    asked = shards if shards is not None else _env_shards(environ)
    if stated is not None and asked is not None and stated != asked:
        raise ConfigError(f"{runner.name} says {runner.count}={stated}, but {asked} shards were asked for")
    count = stated if stated is not None else asked
    if count is None:
        raise ConfigError(
            f"{runner.name} ({runner.index}={environ[runner.index]}) does not say how many copies run: "
            f"pass --shards N or set {SHARDS_ENV} (for a Kubernetes Indexed Job, its completions)"
        )
    if not 0 <= index < count or count < 1:
        raise ConfigError(
            f"{runner.name}: {runner.index}={environ[runner.index]} is not one of {count} shards"
            " (indexes count from the first task)"
        )
    return index + 1, count


def _env_shards(environ: Mapping[str, str]) -> int | None:
    return _whole_number(environ, SHARDS_ENV) if environ.get(SHARDS_ENV, "").strip() else None


def _whole_number(environ: Mapping[str, str], name: str) -> int:
    raw = environ.get(name, "").strip()
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def _checked(number: int, count: int, given: str) -> Shard:
    if not 1 <= number <= count:
        raise ConfigError(f"--shard must look like K/N with 1 <= K <= N (e.g. 1/4), not {given!r}")
    return number, count
