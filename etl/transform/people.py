"""Who a credited name is: one key for the spellings of one person.

Credit blocks name the same person several ways: `Winner为自由而战（文祥）`, `为自由而战（文祥）`,
`Winner 文祥`, `兰草（文泉）` and `兰草(文泉)`, `靜心耕耘` and `静心耕耘`. The key folds width and
script (NFKC, Traditional to Simplified) and case, and drops spaces. Then a name holding a 文-name
in brackets is that person (`…（文祥）` → 文祥: the movement gives each member a name of 文 and one
or two characters, and its archives write it after the handle; `Bobby（文俊）（英喜）` → 文俊). Any
other bracket is a farm or an aside and is dropped (`麦克阿Sir（雅典娜）`, of the 雅典娜 farm, is
麦克阿sir, not everyone of that farm). A Latin handle before CJK is dropped (`Winner 文祥` → 文祥),
unless what follows it is a farm or team (`Andy5_or_AndySaikai日本东京星辰农场` is the handle).
Two spellings with one key count as one person (`authors.person`).
"""

from __future__ import annotations

import re
import unicodedata

from etl.transform.scripts import to_simplified

_WEN_NAME = re.compile(r"\((?P<name>文[\u3400-\u9fff]{1,2})\)")
_BRACKET = re.compile(r"\([^()]*\)")
_LATIN_HANDLE = re.compile(r"^(?P<handle>[a-z][a-z0-9_.-]*)(?=[\u3400-\u9fff])")
_TEAM = re.compile(r"(?:农场|站|组|小组|团队|团|団|频道|联盟|工作室)$")


def person_key(name: str) -> str:
    """The key of the person `name` credits (see the module's rule)."""
    folded = to_simplified(unicodedata.normalize("NFKC", name)).casefold()
    # composed again: dropping a space may leave a letter next to a combining mark (`A´`)
    folded = unicodedata.normalize("NFKC", "".join(folded.split()))
    wen_name = _WEN_NAME.search(folded)
    if wen_name:
        return wen_name["name"]
    handle = _BRACKET.sub("", folded) or folded
    latin = _LATIN_HANDLE.match(handle)
    if latin is None:
        return handle
    rest = handle[latin.end() :]
    return latin["handle"] if _TEAM.search(rest) else rest
