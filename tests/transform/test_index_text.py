"""Index text: every CJK character a token, so a query matches wherever it occurs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl.transform.index_text import index_text

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
