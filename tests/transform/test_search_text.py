"""Index text and queries: every CJK character a token, so a query matches wherever it occurs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.transform.search_text import index_text, parse_query, snippet

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=8)
ANY = st.text(max_size=40)


def test_index_text_spaces_cjk_and_folds_full_width() -> None:
    assert index_text("王毅说Ｂｉｄｅｎ好").split() == ["王", "毅", "说", "Biden", "好"]
    assert index_text("ソウル서울").split() == ["ソ", "ウ", "ル", "서", "울"]
    # half-width katakana, an ideographic space, full-width digits, a Han extension B character
    folded = index_text("ｶﾀｶﾅ　Ｂｉｄｅｎ２０２２𠀀字").split()
    assert folded == ["カ", "タ", "カ", "ナ", "Biden2022", "𠀀", "字"]


@given(before=ANY, query=CJK, after=ANY)
def test_a_cjk_query_is_a_run_of_tokens_wherever_it_occurs(before: str, query: str, after: str) -> None:
    tokens = index_text(before + query + after).split()
    wanted = index_text(query).split()
    assert wanted == list(query)
    assert any(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens)))


@given(ANY)
def test_parse_query_phrases_are_index_text(query: str) -> None:
    try:
        parsed = parse_query(query)
    except ValueError as exc:
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
    with pytest.raises(ValueError, match="nothing to search for"):
        parse_query(query)


def test_snippet_centres_on_the_first_hit_and_keeps_punctuation() -> None:
    text = "开头。" * 20 + "美国总统拜登（Joseph R. Biden Jr）应俄罗斯普京总统的要求" + "结尾。" * 60
    hit = text.index("Biden")
    shown = snippet(text, ("biden",))
    assert shown == "…" + text[hit - 30 : hit + 90] + "…"
    assert "拜登（Joseph R. Biden Jr）应俄罗斯" in shown
    assert snippet("短文", ("无",)) == "短文"
