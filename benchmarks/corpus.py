"""A deterministic synthetic corpus made from the seeds and the real GNews sample.

Each generated file is a real article with its title, date, image and link URLs varied, so shared
rows (categories, domains, authors) repeat the way they do in a real archive while articles,
images and links stay distinct.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
GNEWS = REPO / "tests" / "fixtures" / "gnews-sample" / "content" / "gnews"
_URL = re.compile(r"https?://[^\s\"')\]]+\.(?:jpg|png|gif|shtml|html)")
_FRONT_TITLE = re.compile(r"^title: .*$", re.M)
_FRONT_DATE = re.compile(r"^date: .*$", re.M)


def templates(with_gnews: bool) -> list[str]:
    folders = (SEEDS, GNEWS) if with_gnews else (SEEDS,)
    files = sorted(p for folder in folders for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    return [p.read_text(encoding="utf-8") for p in files if p.name != "README.md"]


def generate(target: Path, count: int, with_gnews: bool = False, seed: int = 20221) -> Path:
    """Write `count` files under `target` (100 per folder); the same arguments give the same bytes.

    By default every file is seed-like (Hexo front matter, ~7 KB); `with_gnews` mixes in the GNews
    sample's front-matter-less Markdown.
    """
    rng = random.Random(seed)
    sources = templates(with_gnews)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    for index in range(count):
        text = sources[index % len(sources)]
        when = start + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        text = _FRONT_TITLE.sub(f"title: '第{index}篇 {rng.randrange(10**6)}'", text, count=1)
        text = _FRONT_DATE.sub(f"date: {when:%a, %d %b %Y %H:%M:%S} GMT", text, count=1)
        text = _URL.sub(lambda m, i=index: _vary(m.group(0), i, rng), text)
        folder = target / f"{index // 100:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:07d}.md").write_text(text, encoding="utf-8")
    return target


def _vary(url: str, index: int, rng: random.Random) -> str:
    # a third of the URLs stay shared between articles, the rest become distinct
    if rng.random() < 0.33:
        return url
    stem, dot, suffix = url.rpartition(".")
    return f"{stem}-{index}{dot}{suffix}"
