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
        # a team before its member is the member's affiliation (test_roles_and_affiliations)
        ("作者：东京樱花团｜捆绑CCP一千年", [("捆绑CCP一千年", "writer")]),
        ("*校对：东京樱花团 / 東洋武士*", [("東洋武士", "proofreader")]),
        ("发布：东京樱花团 / 老黑", [("老黑", "publisher")]),
        ("发布：东京樱花团", [("东京樱花团", "publisher")]),  # a team credited alone is the credit
        ("聽寫：張三 | 校對：李四", [("張三", "transcriber"), ("李四", "proofreader")]),  # Traditional labels
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
    red_leaf, fragrant_hill, sailing = "加拿大红叶农场", "纽约香草山农场", "温哥华扬帆农场"
    assert found.credits == (
        Credit("百鸣jpqg", "transcriber", red_leaf),
        Credit("百鸣jpqg", "proofreader", red_leaf),
        Credit("百鸣jpqg", "editor", red_leaf),
        Credit("天才老鼠", "transcriber", fragrant_hill),
        Credit("天才老鼠", "proofreader", fragrant_hill),
        Credit("天才老鼠", "editor", fragrant_hill),
        Credit("Winner为自由而战（文祥）", "publisher", sailing),
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


@pytest.mark.parametrize(
    "line",
    [
        # reporter dialogue in a GNews transcript (issue 19): a sentence, not a list of writers
        "记者：今天也是数以千计拒绝接种疫苗的医护人员的最后期限，"
        " 现在还有7000名医护人员没有接种，预计达斯(卫生部长)说",
        "翻译：(英语",
        "翻译：听不清)",
        "唐平：团契，教会有",
    ],
)
def test_dialogue_is_not_a_credit(line: str) -> None:
    assert parse_credit_line(line) is None
    assert read_credits(["**听写：**", line]).credits == ()


def test_interpreter_lines_are_credits_only_in_a_block_of_credits() -> None:
    dialogue = ["郭先生：你好。", "翻译：非常感谢", "翻译：这是你的说法", "郭先生：对。"]
    assert read_credits(dialogue).credits == ()
    after_a_block = ["**全文发布稿审核：**", "加拿大红叶农场： 文敏", "翻译：非常感谢", "翻译：这是你的说法"]
    assert read_credits(after_a_block).credits == (Credit("文敏", "reviewer", "加拿大红叶农场"),)


def test_a_bracketed_list_is_one_name_a_bracket_with_its_team() -> None:
    listed = "战友之声听写组【呼吸的雾霾】【黑郁金香】【彩虹桥】【文中】【杯酒渐浓】"
    found = read_credits(["**听写：**", listed])
    team = "战友之声听写组"
    assert found.credits == tuple(
        Credit(name, "transcriber", team) for name in ("呼吸的雾霾", "黑郁金香", "彩虹桥", "文中", "杯酒渐浓")
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the reviewer label of GNews transcripts, bold with the colon inside or outside
        (["**全文发布稿审核：**", "加拿大红叶农场： 文敏"], [("文敏", "reviewer", "加拿大红叶农场")]),
        (["**全文发布稿审核**： 文敏"], [("文敏", "reviewer", None)]),
        (["**全文发布稿总审核：**", "加拿大红叶农场： 文敏"], [("文敏", "reviewer", "加拿大红叶农场")]),
        # a farm before the name, with a colon (spaces around it) or a space
        (["**发布：**", "日本银河农场 ：   胖丁"], [("胖丁", "publisher", "日本银河农场")]),
        (["*校对：东京樱花团/知了知了"], [("知了知了", "proofreader", "东京樱花团")]),
        (
            ["发布：温哥华扬帆农场  Winner为自由而战（文祥）"],
            [("Winner为自由而战（文祥）", "publisher", "温哥华扬帆农场")],
        ),
    ],
)
def test_roles_and_affiliations(lines: list[str], expected: list[tuple[str, str, str | None]]) -> None:
    assert [(c.name, c.role, c.affiliation) for c in read_credits(lines).credits] == expected
