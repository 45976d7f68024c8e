"""Which feed an article came from: what its front matter files it under, else where it lies.

Hexo posts name their feed in their categories (`新媒体/观察者网/头条`). Archives without front
matter keep one feed per folder (`content/gnews/…`, `content/transcript/2019/07/…`): the first
folder of the path within the source that is not a generic wrapper folder. A file at the top of
its source has no folder to tell: the loader gives it the source's name.
"""

from __future__ import annotations

# folders that hold a site's content without saying anything about it (Hugo's content/, Hexo's
# source/_posts/, Jekyll's _posts/)
WRAPPER_FOLDERS = frozenset({"content", "contents", "source", "src", "_posts", "posts"})


def feed_of(categories: tuple[tuple[str, ...], ...], source_path: str) -> str | None:
    """The first category path, else the first telling folder of `source_path`; None for neither."""
    if categories:
        return "/".join(categories[0])
    for folder in source_path.split("/")[:-1]:
        if folder.lower() not in WRAPPER_FOLDERS:
            return folder
    return None
