"""Search queries: terms as index phrases, and snippets around the first hit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import QueryError
from etl.query import parse_query, snippet
from etl.transform.index_text import index_text

ANY = st.text(max_size=40)


@given(ANY)
def test_parse_query_phrases_are_index_text(query: str) -> None:
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        assert "nothing to search for" in str(exc)
        return
    assert len(parsed.terms) == len(parsed.phrases) >= 1
    assert all(p.split() == index_text(t).split() for t, p in zip(parsed.terms, parsed.phrases, strict=True))


def test_parse_query_splits_terms() -> None:
    parsed = parse_query("  普京  Biden ， ")
    assert parsed.terms == ("普京", "Biden")
    assert parsed.phrases == ("普 京", "Biden")


@pytest.mark.parametrize("query", ["", "   ", "!!", "，。"])
def test_parse_query_refuses_nothing_to_search(query: str) -> None:
    with pytest.raises(QueryError, match="nothing to search for"):
        parse_query(query)


def test_snippet_centres_on_the_first_hit_and_keeps_punctuation() -> None:
    text = "开头。" * 20 + "美国总统拜登（Joseph R. Biden Jr）应俄罗斯普京总统的要求" + "结尾。" * 60
    hit = text.index("Biden")
    shown = snippet(text, ("biden",))
    assert shown == "…" + text[hit - 30 : hit + 90] + "…"
    assert "拜登（Joseph R. Biden Jr）应俄罗斯" in shown
    assert snippet("短文", ("无",)) == "短文"
