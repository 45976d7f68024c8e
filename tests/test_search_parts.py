"""How a long index text is cut into the parts Postgres indexes (etl.load.search_index._parts)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.load import search_index
from etl.load.search_index import _parts

TOKEN = st.text(alphabet="ab字", min_size=1, max_size=12)


@given(st.lists(TOKEN, max_size=60), st.sampled_from([" ", "  ", "\n"]))
@settings(max_examples=300, deadline=None)
def test_parts_cover_the_text_within_the_limits(tokens: list[str], gap: str) -> None:
    body = gap.join(tokens)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "PART_TOKENS", 7)
        patch.setattr(search_index, "PART_CHARS", 20)
        patch.setattr(search_index, "PART_OVERLAP", 2)
        parts = [p.split() for p in _parts(body)]
    if len(body) <= 7:
        assert _parts(body) == [body]
        return
    assert parts == _by_hand(tokens, limit=7, chars=20, overlap=2)


def _by_hand(tokens: list[str], limit: int, chars: int, overlap: int) -> list[list[str]]:
    """The parts as their rule says, one token at a time: a part takes tokens while it has fewer
    than `limit` and at most `chars` characters; the next starts `overlap` tokens before its end."""
    found: list[list[str]] = []
    start = 0
    while True:
        end, size = start, 0
        while end < len(tokens) and end - start < limit and size <= chars:
            size += len(tokens[end]) + 1
            end += 1
        found.append(tokens[start:end])
        if end >= len(tokens):
            return found
        start = max(end - overlap, start + 1)


def test_a_transcript_of_300_000_characters_is_38_parts_of_8000_tokens() -> None:
    parts = _parts(" ".join("字" * 300_000))
    assert len(parts) == 38
    assert [len(p.split()) for p in parts[:-1]] == [8000] * 37
    assert len(parts[-1].split()) == 300_000 - 37 * (8000 - 64)
    assert parts[1].split()[:64] == parts[0].split()[-64:]


def test_a_short_text_is_one_part_as_it_is() -> None:
    assert _parts("普 京  说") == ["普 京  说"]
