"""Credit lines into (name, role) pairs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.records import Credit
from etl.transform.bylines import find_credits, split_names


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("【文/观察者网 齐倩】", [("齐倩", "writer")]),
        ("【文/鞠峰】", [("鞠峰", "writer")]),
        ("作者：东京樱花团｜捆绑CCP一千年", [("东京樱花团", "writer"), ("捆绑CCP一千年", "writer")]),
        ("*校对：东京樱花团 / 東洋武士*", [("东京樱花团", "proofreader"), ("東洋武士", "proofreader")]),
        ("发布：东京樱花团 / 老黑", [("东京樱花团", "publisher"), ("老黑", "publisher")]),
        ("**作者**：张三", [("张三", "writer")]),
        ("编辑：李四、王五", [("李四", "editor"), ("王五", "editor")]),
        ("审核：\\_万人往\\_", [("万人往", "reviewer")]),
        (
            "翻译/简评：村民彼得潘 | 校对：感恩 | 审核：万人往 | Page：我是球大哥",
            [
                ("村民彼得潘", "translator"),
                ("感恩", "proofreader"),
                ("万人往", "reviewer"),
                ("我是球大哥", "page"),
            ],
        ),
    ],
)
def test_credit_lines(line: str, expected: list[tuple[str, str]]) -> None:
    assert find_credits(line) == tuple(Credit(name, role) for name, role in expected)


@pytest.mark.parametrize("line", ["作者认为这是错的", "文章很好", "他说：作者：张三", "", "x" * 300])
def test_prose_is_not_a_credit(line: str) -> None:
    assert find_credits(line) == ()


def test_split_names_trims_and_dedupes() -> None:
    assert split_names(" 甲 / 乙 | 甲 ｜丙、 Christopher Bing and Raphael Satter") == [
        "甲",
        "乙",
        "丙",
        "Christopher Bing",
        "Raphael Satter",
    ]


@given(st.text(max_size=120))
def test_random_lines_never_raise(line: str) -> None:
    for credit in find_credits(line):
        assert credit.name == credit.name.strip()
        assert credit.name
    split_names(line)
