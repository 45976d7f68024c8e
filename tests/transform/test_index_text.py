"""Index text: every CJK character a token, so a query matches wherever it occurs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.transform.index_text import index_text, space_cjk

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
    tokens = space_cjk(before + query + after).split()
    wanted = space_cjk(query).split()
    assert wanted == list(query)
    assert any(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens)))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("烏克蘭", "乌 克 兰"),
        ("頭髮乾燥", "头 发 干 燥"),
        ("乾隆", "乾 隆"),
        ("澤連斯基說", "泽 连 斯 基 说"),
    ],
)
def test_traditional_is_folded_to_simplified_by_phrase(traditional: str, simplified: str) -> None:
    assert " ".join(index_text(traditional).split()) == simplified
    assert index_text(simplified.replace(" ", "")) == index_text(traditional)
