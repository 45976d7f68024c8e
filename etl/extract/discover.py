"""Find article files under the input roots, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from stat import S_ISREG

from etl.records import SourceFile

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})


def discover_files(roots: Iterable[Path]) -> Iterator[SourceFile]:
    """Yield every article file under each root (a root may also be a single file).

    Hidden folders (`.git`, `.cache`) are not entered and symlinked folders are not followed,
    so a symlink loop cannot make the walk endless.
    """
    for root in roots:
        if root.is_file():
            stat = root.stat()
            parent = str(root.parent.resolve())
            yield SourceFile(parent, str(root), root.name, stat.st_size, stat.st_mtime_ns)
            continue
        absolute = str(root.resolve())
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(names):
                if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
                    continue
                full = Path(folder, name)
                try:
                    stat = full.stat()
                except OSError:
                    continue  # vanished, or a dangling symlink
                if not S_ISREG(stat.st_mode):
                    continue
                relative = full.relative_to(root).as_posix()
                yield SourceFile(absolute, str(full), relative, stat.st_size, stat.st_mtime_ns)
