"""One key for the spellings of one person (authors.person)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.transform.people import person_key


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        # the five spellings of one transcriber in the GNews archive (issue 19)
        (
            [
                "Winner为自由而战（文祥）",
                "加拿大红叶农场 Winner为自由而战（文祥）",
                "温哥华扬帆农场 Winner为自由而战（文祥）",
                "为自由而战（文祥）",
                "Winner 文祥",
            ],
            "文祥",
        ),
        (["兰草（文泉）", "兰草(文泉)"], "文泉"),
        (["Bobby（文俊）（英喜）", "Bobby（文俊）"], "文俊"),
        # a bracket that is not a 文-name is the farm: the person is the handle
        (["麦克阿Sir（雅典娜）", "麦克阿Sir"], "麦克阿sir"),
        (["靜心耕耘", "静心耕耘"], "静心耕耘"),
        (["秘密翻譯組G-Translators", "秘密翻译组g-translators"], "秘密翻译组g-translators"),
        (["Christopher Bing", "christopher bing"], "christopherbing"),
    ],
)
def test_spellings_of_one_person_share_a_key(spellings: list[str], key: str) -> None:
    assert {person_key(name) for name in spellings} == {key}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("文敏", "文泉"),
        ("天才老鼠", "月野兔"),
        ("Joe Biden", "Hunter Biden"),
        ("麦克阿Sir（雅典娜）", "姐夫说说（雅典娜）"),
    ],
)
def test_different_people_keep_different_keys(one: str, other: str) -> None:
    assert person_key(one) != person_key(other)


@given(st.text(min_size=1, max_size=40))
def test_a_key_is_its_own_key_and_has_no_spaces(name: str) -> None:
    key = person_key(name)
    assert person_key(key) == key
    assert key.split() in ([key], [])
