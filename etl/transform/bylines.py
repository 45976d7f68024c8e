"""Credit lines in bodies (`【文/观察者网 齐倩】`, `作者：…`, `校对：…`) as names with roles."""

from __future__ import annotations

import re

from etl.records import Credit

# label -> role; longer labels first so `翻译/简评` wins over `翻译`
ROLE_LABELS: dict[str, str] = {
    "翻译/简评": "translator",
    "责任编辑": "editor",
    "作者": "writer",
    "撰文": "writer",
    "撰稿": "writer",
    "记者": "writer",
    "文": "writer",
    "校对": "proofreader",
    "审校": "proofreader",
    "发布": "publisher",
    "编辑": "editor",
    "责编": "editor",
    "主编": "editor",
    "翻译": "translator",
    "译者": "translator",
    "编译": "translator",
    "审核": "reviewer",
    "审稿": "reviewer",
    "Page": "page",
}
_LABELS = "|".join(re.escape(label) for label in sorted(ROLE_LABELS, key=len, reverse=True))
_SEGMENT = re.compile(rf"(?:^|[|｜]\s*)(?P<label>{_LABELS})\s*[：:]\s*")
_BRACKET_BYLINE = re.compile(r"^【\s*(?P<label>文|作者|撰文|记者)\s*[/／:：]\s*(?P<names>[^】]+)】$")
_NAME_SEPARATORS = re.compile(r"\s*(?:[/|｜、,，;；]|\band\b|和|与)\s*")
_MARKUP = re.compile(r"[*_`~\\]+")
MAX_CREDIT_LINE = 200
MAX_NAME = 80


def find_credits(line: str) -> tuple[Credit, ...]:
    """Credits stated by one line of plain text; empty when the line is not a credit line."""
    text = _MARKUP.sub("", line).strip()
    if not text or len(text) > MAX_CREDIT_LINE:
        return ()
    bracket = _BRACKET_BYLINE.match(text)
    if bracket:
        return _bracket_credits(bracket.group("names"), ROLE_LABELS[bracket.group("label")])
    starts = list(_SEGMENT.finditer(text))
    if not starts or starts[0].start() != 0:
        return ()
    credits: list[Credit] = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        role = ROLE_LABELS[match.group("label")]
        credits.extend(Credit(name, role) for name in split_names(text[match.end() : end]))
    return tuple(credits)


def split_names(text: str) -> list[str]:
    """Split a credit's value into names on `/`, `|`, `｜`, `、`, commas and `and`."""
    names = []
    for part in _NAME_SEPARATORS.split(_MARKUP.sub("", text)):
        name = part.strip(" \t\u3000.。:：()（）[]【】\"'“”")
        if name and len(name) <= MAX_NAME and name not in names:
            names.append(name)
    return names


def _bracket_credits(names: str, role: str) -> tuple[Credit, ...]:
    # `文/观察者网 齐倩`: the outlet comes first, the people after it
    words = names.split()
    people = words[1:] if len(words) > 1 else words
    return tuple(Credit(name, role) for name in split_names(" ".join(people).replace(" ", "/")))
