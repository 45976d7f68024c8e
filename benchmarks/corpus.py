"""Deterministic synthetic corpora made from the seeds and the real GNews sample.

`generate` (the seed-like corpus): each generated file is a real article with its title, date, image
and link URLs varied, so shared rows (categories, domains, authors) repeat the way they do in a real
archive while articles, images and links stay distinct. With `distinct`, each file's body has its
Chinese characters shifted by an amount of its own as well, so no two files are copies of one article
(identity's common case) while the markup, the lengths and the mix of scripts stay the seeds'.

`generate_real` (the real-archive corpus): the GNews sample's files repeated in the proportions of the
whole archive it was taken from, in its folder layout, each copy with its ids and one sentence varied.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SAMPLE = REPO / "tests" / "fixtures" / "gnews-sample"
GNEWS = SAMPLE / "content" / "gnews"
_URL = re.compile(r"https?://[^\s\"')\]]+\.(?:jpg|png|gif|shtml|html)")
_FRONT_TITLE = re.compile(r"^title: .*$", re.M)
_FRONT_DATE = re.compile(r"^date: .*$", re.M)
# CJK Unified Ideographs (U+4E00-U+9FFF); shifts of 1 to their count - 1 by a step prime to that
# number are distinct for up to 20,991 files
_HAN = re.compile("[\u4e00-\u9fff]")
_HAN_FIRST = 0x4E00
_HAN_COUNT = 0x9FFF - 0x4E00 + 1
_SHIFT_STEP = 7919


def templates(with_gnews: bool) -> list[str]:
    folders = (SEEDS, GNEWS) if with_gnews else (SEEDS,)
    files = sorted(p for folder in folders for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    return [p.read_text(encoding="utf-8") for p in files if p.name != "README.md"]


def generate(
    target: Path, count: int, with_gnews: bool = False, seed: int = 20221, distinct: bool = False
) -> Path:
    """Write `count` files under `target` (100 per folder); the same arguments give the same bytes.

    By default every file is seed-like (Hexo front matter, ~7 KB); `with_gnews` mixes in the GNews
    sample's front-matter-less Markdown; `distinct` makes every body a text of its own.
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
        if distinct:
            text = _made_distinct(text, index)
        folder = target / f"{index // 100:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:07d}.md").write_text(text, encoding="utf-8")
    return target


def _made_distinct(text: str, number: int) -> str:
    """`text` with each CJK ideograph after its front matter moved along the block by an amount that
    is file `number`'s own."""
    shift = 1 + number * _SHIFT_STEP % (_HAN_COUNT - 1)
    end = text.find("\n---", 3) if text.startswith("---") else -1
    head, body = text[: end + 1], text[end + 1 :]
    moved = _HAN.sub(lambda m: chr(_HAN_FIRST + (ord(m.group(0)) - _HAN_FIRST + shift) % _HAN_COUNT), body)
    return head + moved


def _vary(url: str, index: int, rng: random.Random) -> str:
    # a third of the URLs stay shared between articles, the rest become distinct
    if rng.random() < 0.33:
        return url
    stem, dot, suffix = url.rpartition(".")
    return f"{stem}-{index}{dot}{suffix}"


# The real archive, ourhimalayas/txt at the sample's commit: 5,799 files, 90.5 MB; 2,852 articles and
# 2,947 placeholder stubs and index pages. Its transcript index has 113 pages (`頁面 n/113`); with the
# root README.md, 114 index pages are assumed, the other non-articles being stubs. The articles are
# nearly all video transcripts of 5-300 KB; the rest, in the shares below, short transcripts (the
# sample's under 5 KB, down to a title alone) and GNews and GETTR posts (25:10, as in the sample).
REAL_FILES = 5799
REAL_BYTES = int(90.5 * 2**20)
REAL_NON_ARTICLES = 2947
REAL_INDEX_PAGES = 114
SHORT_TRANSCRIPT_SHARE = 0.05  # of the articles
POST_SHARE = 0.05  # of the articles
LONG = 5000  # bytes: a transcript at least this long is one of the 5-300 KB ones

_THREAD = re.compile(r"(?<=gnews\.org/ThreadView/)\d+")
_GNEWS_ARTICLE = re.compile(r"(?<=gnews\.org/articles/)\d+")
_PAGE = re.compile(r"頁面 \d+/\d+")
# a sentence of plain text (no Markdown syntax, no line break) ending in 。
_SENTENCE = re.compile(r"[^\r\n。！？\[\]()（）*#`<>]{4,120}。")
_STUB_IDS = ((1_000_000, 1_100_000), (1_500_000, 1_700_000))  # -10xxxxx, -15xxxxx, -16xxxxx
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Template:
    kind: str  # transcript, short, gnews, gettr, stub, index
    path: Path  # relative to the sample's root
    text: str  # decoded as it is: CRLF, LF and BOM kept


@cache
def real_templates() -> dict[str, list[Template]]:
    """The sample's files by kind (the court transcripts are left out: the archive has a handful)."""
    kinds: dict[str, list[Template]] = {}
    for path in sorted(SAMPLE.rglob("*.md")):
        relative = path.relative_to(SAMPLE)
        data = path.read_bytes()
        if relative.parts[:2] == ("content", "transcript"):
            if path.name.startswith("README-"):
                kind = "index"
            elif len(data) == 58:
                kind = "stub"
            else:
                kind = "transcript" if len(data) >= LONG else "short"
        elif relative.parts[:2] in (("content", "gnews"), ("content", "gettr")):
            kind = relative.parts[1]
        else:
            continue  # README.md, court-case-2024/
        kinds.setdefault(kind, []).append(Template(kind, relative, data.decode("utf-8")))
    return kinds


def real_shares() -> dict[str, float]:
    """Each kind's share of the files, in the real archive's proportions."""
    kinds = real_templates()
    articles = (REAL_FILES - REAL_NON_ARTICLES) / REAL_FILES
    posts = len(kinds["gnews"]) + len(kinds["gettr"])
    return {
        "stub": (REAL_NON_ARTICLES - REAL_INDEX_PAGES) / REAL_FILES,
        "index": REAL_INDEX_PAGES / REAL_FILES,
        "transcript": articles * (1 - SHORT_TRANSCRIPT_SHARE - POST_SHARE),
        "short": articles * SHORT_TRANSCRIPT_SHARE,
        "gnews": articles * POST_SHARE * len(kinds["gnews"]) / posts,
        "gettr": articles * POST_SHARE * len(kinds["gettr"]) / posts,
    }


@cache
def transcript_weights() -> tuple[float, ...]:
    """Weights for drawing the 5-300 KB transcripts: size**-a, with `a` chosen so that REAL_FILES files
    come to REAL_BYTES (a = 0.30, a median file of about 10 KB). Drawn evenly, the sample's long
    transcripts (53 KB on average: it was chosen for variety, not size) would make 150 MB; the
    archive's articles average about 32 KB."""
    kinds = real_templates()
    shares = real_shares()
    other = sum(
        REAL_FILES * share * _mean(len(t.text.encode()) for t in kinds[kind])
        for kind, share in shares.items()
        if kind != "transcript"
    )
    target = (REAL_BYTES - other) / (REAL_FILES * shares["transcript"])
    sizes = [len(t.text.encode()) for t in kinds["transcript"]]
    low, high = 0.0, 4.0
    for _ in range(60):
        middle = (low + high) / 2
        weights = [size**-middle for size in sizes]
        mean = sum(w * size for w, size in zip(weights, sizes, strict=True)) / sum(weights)
        low, high = (middle, high) if mean > target else (low, middle)
    return tuple(size**-low for size in sizes)


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def _quotas(count: int, shares: dict[str, float]) -> dict[str, int]:
    """`count` split by `shares`, largest remainders first, so the counts add up exactly."""
    exact = {kind: count * share for kind, share in shares.items()}
    quotas = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(exact, key=lambda kind: (quotas[kind] - exact[kind], kind))
    for kind in by_remainder[: count - sum(quotas.values())]:
        quotas[kind] += 1
    return quotas


def generate_real(
    target: Path, count: int = REAL_FILES, seed: int = 20240603, distinct: bool = False
) -> Path:
    """Write `count` files under `target` in the real archive's proportions and folder layout
    (`content/transcript/YYYY/MM/YYYYMMDD-<id>.md`, `content/gnews/<id>.md`, `content/gettr/<id>.md`,
    `content/transcript/README-<n>.md`); the same arguments give the same bytes.

    Each copy of a sample file gets new ids: the `-53xxxxxx` id in a transcript's name and the
    ThreadView id of its `[轉載自GNews](…)` link (the same number, as in the archive), a post's id in
    its name and its GNews or GETTR link, an index page's number; and one sentence of its text is
    replaced by one naming the new id (a file without such a sentence gets it as a last line), so no
    two articles have the same text. Placeholder stubs stay byte-identical 58-byte files, as all of
    them are in the archive; only their names differ. An index page differs by its page number.
    Such copies are near-copies, one article in ~11 files; with `distinct` each article's Chinese
    characters are shifted as in `generate`, so each file is an article of its own, as in the archive.
    """
    rng = random.Random(seed)
    kinds = real_templates()
    quotas = _quotas(count, real_shares())
    order = [kind for kind, quota in sorted(quotas.items()) for _ in range(quota)]
    rng.shuffle(order)
    cumulative = list(itertools.accumulate(transcript_weights()))
    # stratified draws (one from each of n equal slices of the weights, in random order), so that the
    # total size keeps close to its expectation: independent draws of so skewed a mix stray by ±5 %
    strata = list(range(quotas["transcript"]))
    rng.shuffle(strata)
    used: set[str] = set()
    turns: Counter[str] = Counter()
    pages = itertools.count(1)
    for number, kind in enumerate(order):
        if kind == "transcript":
            where = (strata[turns[kind]] + rng.random()) / len(strata) * cumulative[-1]
            template = kinds[kind][bisect.bisect(cumulative, where)]
            turns[kind] += 1
        else:  # the others in turn, so each is used about as often
            template = kinds[kind][turns[kind] % len(kinds[kind])]
            turns[kind] += 1
        relative, text = _copy(template, rng, used, pages, quotas["index"])
        if distinct and kind not in ("stub", "index"):
            text = _made_distinct(text, number)
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return target


def _copy(
    template: Template, rng: random.Random, used: set[str], pages: itertools.count, page_count: int
) -> tuple[Path, str]:
    """A new name and text for one copy of `template`."""
    text, folder = template.text, template.path.parent
    if template.kind == "index":
        page = next(pages)
        return folder / f"README-{page}.md", _PAGE.sub(f"頁面 {page}/{page_count}", text, count=1)
    if template.kind == "stub":
        # one in eight in the placeholder folder 1969/12, as in the sample; the others 2017-2023
        placeholder_date = rng.random() < 0.125
        when = date(1969, 12, 31) if placeholder_date else date(2017, 1, 1) + timedelta(rng.randrange(2556))
        ident = _new_id(rng, used, lambda: str(rng.randrange(*rng.choice(_STUB_IDS))))
        return Path("content", "transcript", f"{when:%Y}", f"{when:%m}", f"{when:%Y%m%d}-{ident}.md"), text
    if template.kind == "gettr":
        old = template.path.stem
        ident = _new_id(rng, used, lambda: "p" + "".join(rng.choice(_BASE36) for _ in range(len(old) - 1)))
        text = text.replace(old, ident)
    elif template.kind == "gnews":
        ident = _new_id(rng, used, lambda: str(rng.randrange(2_000_000, 3_000_000)))
        text = _GNEWS_ARTICLE.sub(ident, text)
    else:  # a transcript: YYYYMMDD-<id>.md, the same id in its ThreadView link
        ident = _new_id(rng, used, lambda: str(rng.randrange(53_000_000, 54_000_000)))
        day = template.path.stem.split("-")[0]
        return folder / f"{day}-{ident}.md", _vary_sentence(_THREAD.sub(ident, text), ident, rng)
    return folder / f"{ident}.md", _vary_sentence(text, ident, rng)


def _new_id(rng: random.Random, used: set[str], draw) -> str:
    while (ident := draw()) in used:
        pass
    used.add(ident)
    return ident


def _vary_sentence(text: str, ident: str, rng: random.Random) -> str:
    """Replace one sentence after the title and link lines with one naming `ident`."""
    head = text.find("\n", text.find("\n") + 1) + 1 or len(text)  # keep the first two lines
    sentences = list(_SENTENCE.finditer(text, head))
    replacement = f"此句为副本{ident}所改。"
    if not sentences:
        newline = "\r\n" if "\r\n" in text else "\n"
        return f"{text.rstrip()}{newline}{newline}{replacement}{newline}"
    chosen = sentences[rng.randrange(len(sentences))]
    return text[: chosen.start()] + replacement + text[chosen.end() :]
