"""Credit lines into (name, role) pairs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.records import Credit
from etl.transform.bylines import parse_credit_line, read_credits, split_names


def _credits(line: str) -> list[tuple[str, str]]:
    parsed = parse_credit_line(line)
    return [(c.name, c.role) for c in parsed.credits] if parsed else []


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
        (
            "新闻来源：《Reuters》| 作者：Christopher Bing and Raphael Satter | 发布时间：2021年4月21日",
            [("Reuters", "source"), ("Christopher Bing", "writer"), ("Raphael Satter", "writer")],
        ),
    ],
)
def test_credit_lines(line: str, expected: list[tuple[str, str]]) -> None:
    assert _credits(line) == expected


def test_credit_line_with_a_date() -> None:
    parsed = parse_credit_line("新闻来源：《Reuters》| 作者：Christopher Bing | 发布时间：2021年4月21日")
    assert parsed is not None
    assert parsed.date_text == "2021年4月21日"


@pytest.mark.parametrize(
    "line",
    ["作者认为这是错的", "文章很好", "他说：作者：张三", "", "x" * 300, "翻译：我能澄清一下你说的吗？"],
)
def test_prose_is_not_a_credit(line: str) -> None:
    assert parse_credit_line(line) is None


def test_label_line_then_a_list_of_names() -> None:
    lines = [
        "正文第一段。",
        "**听写，校对/要点提取**：",
        "加拿大红叶农场：百鸣jpqg",
        "纽约香草山农场 ：天才老鼠",
        "发布：",
        "温哥华扬帆农场：Winner为自由而战（文祥）",
        "这一段又是正文，很长的一段话。",
    ]
    found = read_credits(lines)
    assert found.credits == (
        Credit("百鸣jpqg", "transcriber"),
        Credit("百鸣jpqg", "proofreader"),
        Credit("百鸣jpqg", "editor"),
        Credit("天才老鼠", "transcriber"),
        Credit("天才老鼠", "proofreader"),
        Credit("天才老鼠", "editor"),
        Credit("Winner为自由而战（文祥）", "publisher"),
    )
    assert found.credit_lines == frozenset({1, 2, 3, 4, 5})


def test_split_names_trims_and_dedupes() -> None:
    assert split_names(" 甲 / 乙 | 甲 ｜丙、 Christopher Bing and Raphael Satter") == [
        "甲",
        "乙",
        "丙",
        "Christopher Bing",
        "Raphael Satter",
    ]
    assert split_names("我能澄清一下吗？") == []


@given(st.text(max_size=120))
def test_random_lines_never_raise(line: str) -> None:
    parsed = parse_credit_line(line)
    for credit in parsed.credits if parsed else ():
        assert credit.name == credit.name.strip()
        assert credit.name
    split_names(line)


@given(st.lists(st.text(max_size=40), max_size=8))
def test_random_bodies_never_raise(lines: list[str]) -> None:
    found = read_credits(lines)
    assert found.credit_lines <= set(range(len(lines)))
