"""The lead of an article as a short plain-text summary."""

from __future__ import annotations

from collections.abc import Iterable

MAX_SUMMARY = 280
MIN_LEAD = 80
MIN_PARAGRAPH = 20
_SENTENCE_ENDS = "。！？!?."


def build_summary(paragraphs: Iterable[str]) -> str | None:
    """Join lead paragraphs until the summary says something, then cut at a sentence end.

    Short opening lines (a dateline, a greeting) are passed over, unless every line is short, as in
    a post of a sentence and two hashtags.
    """
    lines = [paragraph for paragraph in paragraphs if paragraph]
    lead = next((n for n, line in enumerate(lines) if len(line) >= MIN_PARAGRAPH), 0)
    parts: list[str] = []
    for paragraph in lines[lead:]:
        parts.append(paragraph)
        if sum(len(part) for part in parts) >= MIN_LEAD:
            break
    summary = " ".join(parts)
    if not summary:
        return None
    return summary if len(summary) <= MAX_SUMMARY else _shorten(summary)


def excerpt_summary(paragraphs: Iterable[str]) -> str | None:
    """A stated excerpt (front matter, or the text before `<!-- more -->`) whole, shortened only past
    MAX_SUMMARY."""
    summary = " ".join(paragraph for paragraph in paragraphs if paragraph)
    if not summary:
        return None
    return summary if len(summary) <= MAX_SUMMARY else _shorten(summary)


def _shorten(text: str) -> str:
    head = text[: MAX_SUMMARY - 1]
    cut = max(head.rfind(mark) for mark in _SENTENCE_ENDS)
    if cut >= MAX_SUMMARY // 2:
        return head[: cut + 1]
    return head.rstrip() + "…"
