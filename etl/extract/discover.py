"""Find article files under the input roots, in a stable order, without ever leaving them.

The input tree comes from strangers. The walk is iterative (any depth), follows a symlink only when
its target resolves inside the root it was found under, and never opens anything that is not a
regular file: outside targets, dangling links, loops, FIFOs, sockets and devices become `Skipped`
with the reason, a folder that cannot be listed and a file over the size limit become `Failed`.
Names of any bytes are kept (see etl.fsnames).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

from etl.errors import ExtractError
from etl.fsnames import text_name
from etl.records import Failed, Skipped, SourceFile
from etl.shards import Shard

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
DEFAULT_MAX_FILE_SIZE = 64 * 2**20
HEXO_POSTS = "_posts"  # a folder holding one is a Hexo site's source folder
Found = SourceFile | Skipped | Failed


@dataclass(frozen=True, slots=True)
class WalkRoot:
    """A path to walk (a folder, or a single file) and the root its files' source paths start at."""

    path: str  # absolute, resolved
    root: str  # absolute, resolved folder; `path` is `root` or lies inside it
    prefix: str = ""  # `path` relative to `root` as text, ending in '/', or '' when it is the root
    source_id: int = 0  # the loader's number for the source `root` is the root of


def walk_root(path: str | os.PathLike[str]) -> WalkRoot:
    """A path on its own: a folder is its own root, a single file's root is its folder."""
    resolved = os.path.realpath(path)
    return WalkRoot(resolved, resolved if os.path.isdir(resolved) else os.path.dirname(resolved))


def in_shard(source_path: str, shard: Shard | None) -> bool:
    """Whether `source_path` belongs to shard K of N: a hash, so every loader agrees, on any machine."""
    if shard is None:
        return True
    number, count = shard
    digest = hashlib.blake2b(source_path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count == number - 1


def discover_files(
    roots: Iterable[WalkRoot | str | os.PathLike[str]],
    shard: Shard | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    nested: Mapping[str, WalkRoot] | None = None,
) -> Iterator[Found]:
    """Every article file under each root as a SourceFile, and every entry that cannot be one as
    Skipped or Failed. Hidden folders (`.git`) are not entered; folder symlinks are not followed.

    `nested` maps folders (real paths) that are roots of their own to their WalkRoot: the files
    under them are found relative to that root instead.
    """
    for root in roots:
        walk = root if isinstance(root, WalkRoot) else walk_root(root)
        for found in _walk(walk, max_file_size, nested or {}):
            if isinstance(found, SourceFile) and not in_shard(found.source_path, shard):
                continue
            yield found


def _walk(walk: WalkRoot, max_file_size: int, nested: Mapping[str, WalkRoot]) -> Iterator[Found]:
    try:
        stat = os.stat(walk.path)
    except OSError as exc:
        yield _folder_failed(walk, walk.path, walk.prefix or "./", exc)
        return
    if not S_ISDIR(stat.st_mode):
        name = walk.prefix + text_name(os.path.basename(walk.path))
        yield _as_file(walk, walk.path, name, stat, max_file_size)
        return
    # depth first, each folder's files by name before its sub-folders by name, with a stack of our own
    folders: list[tuple[str, str, WalkRoot, str | None]] = [(walk.path, walk.prefix, walk, None)]
    while folders:
        folder, prefix, within, site = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield _folder_failed(within, folder, prefix or "./", exc)
            continue
        if site is None and any(e.name == HEXO_POSTS and e.is_dir(follow_symlinks=False) for e in entries):
            site = prefix
        subfolders = []
        for entry in entries:
            name = prefix + text_name(entry.name)
            if entry.is_symlink():
                found = _symlink(within, entry, name, max_file_size, site)
                if found is not None:
                    yield found
            elif entry.is_dir(follow_symlinks=False):
                if entry.path in nested:  # the root of another source: its files are its own
                    subfolders.append((entry.path, "", nested[entry.path], None))
                elif not entry.name.startswith("."):
                    subfolders.append((entry.path, name + "/", within, site))
            elif _suffix(entry.name) in ARTICLE_SUFFIXES:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since the folder was listed
                yield _as_file(within, entry.path, name, stat, max_file_size, site)
        folders.extend(reversed(subfolders))


def _symlink(
    walk: WalkRoot, entry: os.DirEntry[str], name: str, max_file_size: int, site: str | None
) -> Found | None:
    """A symlink's target, when it is a regular file inside the walk's root; otherwise why it is
    not read."""
    article = _suffix(entry.name) in ARTICLE_SUFFIXES
    root = walk.root
    try:
        target = os.path.realpath(entry.path, strict=True)
        stat = os.stat(target)
    except (OSError, RuntimeError):
        reason = "a dangling symlink or a symlink loop: not followed"
        return _skipped(walk, entry, name, reason) if article else None
    if target != root and not target.startswith(root.rstrip("/") + "/"):
        kind = "folder" if S_ISDIR(stat.st_mode) else "file"
        return _skipped(walk, entry, name, f"a symlink to a {kind} outside the input: not followed")
    if S_ISDIR(stat.st_mode) or not article:
        return None  # a folder inside the input is walked under its own name
    return _as_file(walk, target, name, stat, max_file_size, site)


def _as_file(
    walk: WalkRoot, path: str, name: str, stat: os.stat_result, max_file_size: int, site: str | None = None
) -> Found:
    source = SourceFile(
        walk.root, path, name, stat.st_size, stat.st_mtime_ns, stat.st_dev, stat.st_ino, walk.source_id, site
    )
    if not S_ISREG(stat.st_mode):
        return Skipped(source, f"not a regular file ({_kind(stat.st_mode)}): not read")
    if stat.st_size > max_file_size:
        message = (
            f"the file is {format_size(stat.st_size)}, over the limit of {format_size(max_file_size)}"
            " (--max-file-size): not read"
        )
        return Failed(source, ExtractError(name, message))
    return source


def _skipped(walk: WalkRoot, entry: os.DirEntry[str], name: str, reason: str) -> Skipped:
    try:
        stat = entry.stat(follow_symlinks=False)
        size, mtime = stat.st_size, stat.st_mtime_ns
    except OSError:
        size, mtime = 0, 0
    return Skipped(SourceFile(walk.root, entry.path, name, size, mtime, source_id=walk.source_id), reason)


def _folder_failed(walk: WalkRoot, folder: str, name: str, exc: OSError) -> Failed:
    source = SourceFile(walk.root, folder, name, 0, 0, source_id=walk.source_id)
    reason = exc.strerror or type(exc).__name__
    message = f"cannot list this folder ({reason}): nothing under it was loaded or retired"
    return Failed(source, ExtractError(name, message), whole_folder=True)


def _kind(mode: int) -> str:
    for test, kind in ((S_ISFIFO, "a FIFO"), (S_ISSOCK, "a socket"), (S_ISCHR, "a character device")):
        if test(mode):
            return kind
    return "a block device" if S_ISBLK(mode) else "a folder" if S_ISDIR(mode) else "not a file"


def format_size(size: int) -> str:
    """1,234 bytes, 64 MiB, 1.5 GiB: sizes as people read them."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size:,} bytes"


def _suffix(name: str) -> str:
    """`os.path.splitext(name)[1].lower()`, at a third of its cost: it runs for every file."""
    stem = name.lstrip(".")
    dot = stem.rfind(".")
    return stem[dot:].lower() if dot > 0 else ""
