"""Settings, resolved in one place: command-line flag, then ETL_* variable, then default."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from etl.errors import ConfigError
from etl.extract.discover import DEFAULT_MAX_FILE_SIZE
from etl.shards import Shard, resolve_shard

DEFAULT_DATABASE_URL = "sqlite:///etl.db"
DEFAULT_PATHS = ("seeds",)
DEFAULT_TIMEZONE = "UTC"
DEFAULT_BATCH_SIZE = 200
DATABASE_URL_ENV = "ETL_DATABASE_URL"
TIMEZONE_ENV = "ETL_TIMEZONE"
WORKERS_ENV = "ETL_WORKERS"
MAX_FILE_SIZE_ENV = "ETL_MAX_FILE_SIZE"
# more processes than this per CPU only add memory: the work is CPU-bound
MAX_WORKERS_PER_CPU = 4
# IANA zone names are at most ~30 characters; anything much longer is not one
MAX_ZONE_NAME = 64
MAX_SOURCE_NAME = 100
# query parameters of a database URL whose values are never shown: libpq's password and
# sslpassword, and anything else that looks like a credential
_SECRET_PARAMETER = re.compile(r"pass|secret|token|key|cred|auth", re.IGNORECASE)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


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
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are refused before they are read
    source: str | None = None  # --source: the name of the source the paths load into

    @property
    def safe_database_url(self) -> str:
        return redact_url(self.database_url)


def redact_url(url: URL) -> str:
    """The URL as it may be printed or stored: the password, and any query parameter that holds a
    credential (`?password=`, `sslpassword=`, tokens), replaced by ***."""
    shown = url.set(query={}).render_as_string(hide_password=True)
    parameters = [
        f"{quote_plus(key)}={'***' if _SECRET_PARAMETER.search(key) else quote_plus(value)}"
        for key, values in sorted(url.query.items())
        for value in ((values,) if isinstance(values, str) else values)
    ]
    return f"{shown}?{'&'.join(parameters)}" if parameters else shown


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
    problem = f"unknown time zone {_shown(name)}; use an IANA name such as UTC or Asia/Shanghai"
    if len(name) > MAX_ZONE_NAME or not name.isprintable():
        raise ConfigError(problem)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(problem) from None
    return name


def _shown(value: str) -> str:
    """A value as a message may quote it: printable, and short."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…' ({len(value):,} characters)"


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
    max_file_size: int | str | None = None,
    source: str | None = None,
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
        max_file_size=resolve_max_file_size(max_file_size),
        source=resolve_source_name(source),
    )


def resolve_source_name(flag: str | None) -> str | None:
    """A source name as given, if it is one a person can read and type."""
    if flag is None:
        return None
    name = flag.strip()
    if not name or len(name) > MAX_SOURCE_NAME or not name.isprintable() or "/" in name:
        raise ConfigError(
            f"not a usable source name: {_shown(flag)} "
            f"(printable, at most {MAX_SOURCE_NAME} characters, no '/')"
        )
    return name


def resolve_max_file_size(flag: int | str | None) -> int:
    """Bytes: flag, else ETL_MAX_FILE_SIZE, else 64 MiB; `64M`, `1.5G`, `500k` or a number of bytes."""
    raw = flag if flag is not None else os.environ.get(MAX_FILE_SIZE_ENV)
    if raw is None:
        return DEFAULT_MAX_FILE_SIZE
    if isinstance(raw, int):
        size = raw
    else:
        match = _SIZE.match(raw)
        if match is None:
            raise ConfigError(f"not a size: {_shown(raw)}; write e.g. 64M, 1G or 500000")
        size = int(float(match[1]) * 1024 ** "_kmgt".index(match[2].lower() or "_"))
    if size < 1:
        raise ConfigError(f"the maximum file size must be at least 1 byte, not {size}")
    return size


def resolve_workers(flag: int | None) -> int:
    """Processes for the transform: flag, else ETL_WORKERS, else one per CPU."""
    raw = flag if flag is not None else os.environ.get(WORKERS_ENV)
    if raw is None:
        return os.cpu_count() or 1
    try:
        workers = int(raw)
    except ValueError:
        raise ConfigError(f"{WORKERS_ENV} must be a whole number, not {_shown(str(raw))}") from None
    most = MAX_WORKERS_PER_CPU * (os.cpu_count() or 1)
    if not 1 <= workers <= most:
        raise ConfigError(
            f"workers must be between 1 and {most} ({MAX_WORKERS_PER_CPU} per CPU), not {workers}"
        )
    return workers
