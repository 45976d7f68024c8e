"""Sources: named inputs, each a folder that its articles' paths are relative to.

Every path a run is given belongs to exactly one source: the known source whose root holds it
(the deepest, when roots nest), so a subfolder or a single file of a loaded archive loads as
part of it, never as a copy; or a new source, named by `--source` or after its folder (`-2`, `-3`
when the name is taken). `--source NAME` on a folder outside every known root moves NAME there,
keeping its articles' ids. A folder walked may hold the roots of other sources: their files stay
theirs (the walk switches source on entering them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from etl.errors import ConfigError
from etl.extract.discover import WalkRoot
from etl.fsnames import filesystem_name, text_path
from etl.schema.tables import sources


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    root: str | None  # text form (etl.fsnames); None for a source migrated without one


@dataclass(frozen=True)
class SourcePlan:
    """What a run walks, and where each file it finds belongs."""

    walks: list[WalkRoot]
    nested: dict[str, WalkRoot]  # the roots of other sources inside a walked folder, by real path
    retire: list[tuple[int, str]]  # (source, folder prefix) a complete walk may retire under
    sources: list[Source]  # every source the run may write, by name

    def names(self) -> dict[int, str]:
        return {s.id: s.name for s in self.sources}


def plan_sources(connection: Connection, paths: list[str], name: str | None, now: datetime) -> SourcePlan:
    """Resolve the run's `paths` (real paths, folders or files) to sources, creating or moving
    sources as needed; raises ConfigError when `name` contradicts where a path lies."""
    given = _without_overlaps([os.path.realpath(p) for p in paths])
    if name is not None and len(given) > 1 and any(_owner(_known(connection), p) is None for p in given):
        raise ConfigError(f"--source {name} with several paths: each must lie in that source's root already")
    walks: list[WalkRoot] = []
    touched: dict[int, Source] = {}
    for path in given:
        source = _source_for(connection, path, name, now)
        touched[source.id] = source
        root = filesystem_name(source.root or "")
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        prefix = "" if folder == root else text_path(os.path.relpath(folder, root)) + "/"
        walks.append(WalkRoot(path, root, prefix, source.id))
    nested: dict[str, WalkRoot] = {}
    known = _known(connection)
    for walk in walks:
        if not os.path.isdir(walk.path):
            continue
        for other in known:
            real = filesystem_name(other.root or "")
            if other.root and real.startswith(walk.path.rstrip("/") + "/") and other.id != walk.source_id:
                nested[real] = WalkRoot(real, real, "", other.id)
                touched[other.id] = other
    retire = [(w.source_id, w.prefix) for w in walks if os.path.isdir(w.path)]
    retire += [(w.source_id, "") for w in nested.values()]
    return SourcePlan(walks, nested, retire, sorted(touched.values(), key=lambda s: s.name))


def mark_run(connection: Connection, plan: SourcePlan, run_id: int) -> None:
    """This run is the newest of each of its sources (and the first of the new ones)."""
    ids = [s.id for s in plan.sources]
    connection.execute(update(sources).where(sources.c.id.in_(ids)).values(last_run_id=run_id))
    connection.execute(
        update(sources)
        .where(sources.c.id.in_(ids), sources.c.first_run_id.is_(None))
        .values(first_run_id=run_id)
    )


def _source_for(connection: Connection, path: str, name: str | None, now: datetime) -> Source:
    known = _known(connection)
    owner = _owner(known, path)
    if owner is not None:
        if name is not None and name != owner.name:
            raise ConfigError(
                f"{text_path(path)} lies in the root of source {owner.name!r} ({owner.root}), so it loads "
                f"as part of it; --source {name} would load it twice"
            )
        return owner
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    if name is not None:
        existing = next((s for s in known if s.name == name), None)
        if existing is not None:
            if not os.path.isdir(path):
                raise ConfigError(f"to move source {name!r} to another place, give its folder, not a file")
            connection.execute(
                update(sources).where(sources.c.id == existing.id).values(root=text_path(folder))
            )
            return Source(existing.id, name, text_path(folder))
        return _create(connection, name, folder, now, exact=True)
    return _create(connection, text_path(os.path.basename(folder.rstrip("/")) or "root"), folder, now)


def _create(connection: Connection, name: str, folder: str, now: datetime, exact: bool = False) -> Source:
    """A new source for `folder`, named `name` (or `name-2`, `name-3` … when another folder has it,
    unless `exact`); safe when loaders of one folder create it at once."""
    root = text_path(folder)
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    for number in range(1, 1000):
        candidate = name if number == 1 else f"{name}-{number}"
        connection.execute(
            dialect_insert(sources)
            .values(name=candidate, root=root, created_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        row = connection.execute(
            select(sources.c.id, sources.c.root).where(sources.c.name == candidate)
        ).one()
        if row.root == root:
            return Source(row.id, candidate, root)
        if exact:
            raise ConfigError(f"source {candidate!r} was just created for another folder; run again")
    raise ConfigError(f"too many sources are named {name!r}: choose a name with --source")


def _known(connection: Connection) -> list[Source]:
    return [Source(*row) for row in connection.execute(select(sources.c.id, sources.c.name, sources.c.root))]


def _owner(known: list[Source], path: str) -> Source | None:
    """The known source whose root holds `path`: the deepest root, when roots nest."""
    holding = [
        s
        for s in known
        if s.root is not None
        and (path == filesystem_name(s.root) or path.startswith(filesystem_name(s.root).rstrip("/") + "/"))
    ]
    return max(holding, key=lambda s: len(s.root or ""), default=None)


def _without_overlaps(paths: list[str]) -> list[str]:
    """Each path once, and none inside another given folder (`a a/b`, a file of a given folder)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=lambda p: (p.count("/"), p)):
        if not any(path == k or (os.path.isdir(k) and path.startswith(k.rstrip("/") + "/")) for k in kept):
            kept.append(path)
    return sorted(kept)
