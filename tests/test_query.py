"""Search queries in web search syntax: AND, OR, -exclusions, "phrases"; snippets in either script."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.query import MAX_TERMS, SearchQuery, parse_query, snippet
from etl.transform.index_text import index_text

ANY = st.text(max_size=60)


@pytest.mark.parametrize(
    ("query", "groups", "excluded"),
    [
        ("  普京  Biden ， ", (("普 京",), ("Biden",)), ()),
        ("普京 OR 拜登", (("普 京", "拜 登"),), ()),
        ("普京 OR 拜登 OR 马克龙 王毅", (("普 京", "拜 登", "马 克 龙"), ("王 毅",)), ()),
        ("普京 -拜登", (("普 京",),), ("拜 登",)),
        ('"Joe Biden" -"Hunter Biden"', (("Joe Biden",),), ("Hunter Biden",)),
        ('"王毅 布林肯', (("王 毅 布 林 肯",),), ()),  # an unclosed quote runs to the end
        ("烏克蘭 OR 俄羅斯", (("乌 克 兰", "俄 罗 斯"),), ()),  # folded to Simplified, like the index
        ("OR 普京", (("OR",), ("普 京",)), ()),  # an OR with nothing before it is a word
        ("普京 OR", (("普 京",), ("OR",)), ()),
        ("普京 or 拜登", (("普 京",), ("or",), ("拜 登",)), ()),  # only OR in capitals joins
        ("普京 OR -拜登", (("普 京",), ("OR",)), ("拜 登",)),
        ("a - b", (("a",), ("b",)), ()),  # a lone minus is not a term
        ("-普京", (), ("普 京",)),
        ("*", (), ()),
        ("NEAR(普京 拜登)", (("NEAR 普 京",), ("拜 登",)), ()),
        ("'; DROP TABLE articles;--", (("DROP",), ("TABLE",), ("articles",)), ()),
        ("Miles.Guo foo_bar co-founder", (("Miles Guo",), ("foo bar",), ("co founder",)), ()),
        ("café Việt", (("cafe",), ("Viet",)), ()),  # Latin letters folded, as FTS5 folds them
    ],
)
def test_queries_parse_like_web_search(query: str, groups: tuple, excluded: tuple) -> None:
    parsed = parse_query(query)
    assert (parsed.groups, parsed.excluded) == (groups, excluded)
    assert parsed.empty == (not groups)


def test_a_huge_query_keeps_its_first_terms() -> None:
    parsed = parse_query("词 " * 5_000)
    assert len(parsed.groups) == MAX_TERMS
    one_long_term = parse_query("普" * 10_000)
    assert len(one_long_term.groups[0][0].split()) == 10_000


@given(ANY)
def test_every_phrase_is_index_text_of_a_term(query: str) -> None:
    parsed = parse_query(query)
    assert isinstance(parsed, SearchQuery)
    assert len(parsed.terms) == sum(len(g) for g in parsed.groups)
    for term, phrase in zip(parsed.terms, [p for g in parsed.groups for p in g], strict=True):
        assert phrase == " ".join(index_text(term).split())


def test_snippet_centres_on_the_first_hit_and_keeps_punctuation() -> None:
    text = "开头。" * 20 + "美国总统拜登（Joseph R. Biden Jr）应俄罗斯普京总统的要求" + "结尾。" * 60
    hit = text.index("Biden")
    shown = snippet(text, ("biden",))
    assert shown == "…" + text[hit - 30 : hit + 90] + "…"
    assert "拜登（Joseph R. Biden Jr）应俄罗斯" in shown
    assert snippet("短文", ("无",)) == "短文"


def test_snippet_finds_a_term_in_the_other_script_and_shows_the_articles_own_text() -> None:
    text = "開頭。" * 20 + "烏克蘭總統澤連斯基表示" + "結尾。" * 60
    shown = snippet(text, ("乌克兰",))
    assert shown == "…" + text[text.index("烏克蘭") - 30 : text.index("烏克蘭") + 90] + "…"
    assert "烏克蘭總統澤連斯基" in shown
