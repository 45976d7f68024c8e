"""Settings, resolved in one place: command-line flag, then ETL_* variable, then default."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from etl.errors import ConfigError
from etl.shards import Shard, resolve_shard

DEFAULT_DATABASE_URL = "sqlite:///etl.db"
DEFAULT_PATHS = ("seeds",)
DEFAULT_TIMEZONE = "UTC"
DEFAULT_BATCH_SIZE = 200
DATABASE_URL_ENV = "ETL_DATABASE_URL"
TIMEZONE_ENV = "ETL_TIMEZONE"
WORKERS_ENV = "ETL_WORKERS"


@dataclass(frozen=True)
class Settings:
    database_url: URL
    paths: tuple[Path, ...]
    timezone: str = DEFAULT_TIMEZONE
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 1
    full: bool = False
    shard: Shard | None = None
    wait: bool = False  # for another run loading the same input, instead of stopping

    @property
    def safe_database_url(self) -> str:
        return redact_url(self.database_url)

    @property
    def input_key(self) -> str:
        """The input as one string, the same however the paths were written: what a run locks."""
        return "\n".join(sorted(str(p.resolve()) for p in self.paths))


def redact_url(url: URL) -> str:
    """The URL as it may be printed or stored: the password replaced by ***."""
    return url.render_as_string(hide_password=True)


def resolve_database_url(flag: str | URL | None) -> URL:
    if isinstance(flag, URL):
        return flag
    raw = flag or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"cannot parse database URL (from {'--db' if flag else DATABASE_URL_ENV}); "
            "expected e.g. sqlite:///etl.db or postgresql+psycopg://user@host/dbname"
        ) from None
    if url.drivername == "postgresql" or url.drivername == "postgres":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
    return url


def resolve_timezone(flag: str | None) -> str:
    name = flag or os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {name!r}; use an IANA name such as UTC or Asia/Shanghai"
        ) from None
    return name


def build_settings(
    db: str | URL | None = None,
    paths: Sequence[str | Path] | str | Path = (),
    timezone: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int | None = None,
    full: bool = False,
    shard: str | Shard | None = None,
    shards: int | None = None,
    wait: bool = False,
) -> Settings:
    if isinstance(paths, str | Path):
        paths = [paths]  # one path given bare: never split a string into characters
    chosen = tuple(Path(p) for p in (paths or DEFAULT_PATHS))
    missing = [str(p) for p in chosen if not p.exists()]
    if missing:
        raise ConfigError(f"input path does not exist: {', '.join(missing)}")
    return Settings(
        database_url=resolve_database_url(db),
        paths=chosen,
        timezone=resolve_timezone(timezone),
        batch_size=batch_size,
        workers=resolve_workers(workers),
        full=full,
        shard=resolve_shard(shard, shards),
        wait=wait,
    )


def resolve_workers(flag: int | None) -> int:
    """Processes for the transform: flag, else ETL_WORKERS, else one per CPU."""
    raw = flag if flag is not None else os.environ.get(WORKERS_ENV)
    if raw is None:
        return os.cpu_count() or 1
    try:
        workers = int(raw)
    except ValueError:
        raise ConfigError(f"{WORKERS_ENV} must be a whole number, not {raw!r}") from None
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, not {workers}")
    return workers
