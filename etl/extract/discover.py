"""Find article files under the input roots, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl.records import SourceFile

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})


def discover_files(roots: Iterable[Path]) -> Iterator[SourceFile]:
    """Yield every article file under each root (a root may also be a single file).

    Hidden folders (`.git`, `.cache`) are not entered and symlinked folders are not followed,
    so a symlink loop cannot make the walk endless.
    """
    for root in roots:
        if root.is_file():
            yield SourceFile(root=str(root.parent), path=str(root), source_path=root.name)
            continue
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(names):
                if Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
                    continue
                full = Path(folder, name)
                if not full.is_file():
                    continue
                relative = full.relative_to(root).as_posix()
                yield SourceFile(root=str(root), path=str(full), source_path=relative)
