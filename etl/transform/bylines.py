"""Credit lines in bodies (`【文/观察者网 齐倩】`, `作者：…`, `校对：…`) as names with roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.records import Credit

# label -> role; `None` marks a label whose value is a date, not a name
ROLE_LABELS: dict[str, str | None] = {
    "翻译/简评": "translator",
    "责任编辑": "editor",
    "要点提取": "editor",
    "新闻来源": "source",
    "发布时间": None,
    "作者": "writer",
    "撰文": "writer",
    "撰稿": "writer",
    "记者": "writer",
    "文": "writer",
    "听写": "transcriber",
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
    "来源": "source",
    "美工": "designer",
    "Page": "page",
}
_LABEL = "|".join(re.escape(label) for label in sorted(ROLE_LABELS, key=len, reverse=True))
# one segment: one or more labels (`听写/校对/要点提取`) then a colon; segments split on `|` or space
_LABELS = rf"(?P<labels>(?:{_LABEL})(?:\s*[/，,、]\s*(?:{_LABEL}))*)"
_SEGMENT = re.compile(rf"(?:^|[|｜]\s*|\s+){_LABELS}\s*[：:]\s*")
_LABEL_ONLY = re.compile(rf"^{_LABELS}\s*[：:]?$")
_LABEL_FIND = re.compile(_LABEL)
_BRACKET_BYLINE = re.compile(r"^【\s*(?P<label>文|作者|撰文|记者)\s*[/／:：]\s*(?P<names>[^】]+)】$")
_NAME_SEPARATORS = re.compile(r"\s*(?:[/|｜、,，;；]|\band\b)\s*")
_MARKUP = re.compile(r"[*_`~\\]+")
# a value with sentence punctuation is speech (`翻译：我能澄清一下吗？`), not a name
_PROSE = re.compile(r"[。？！?!…]")
_AFFILIATION = re.compile(r"^[^：:；]{1,30}[：:；]\s*")
MAX_CREDIT_LINE = 200
MAX_NAME = 40


@dataclass(frozen=True)
class CreditLine:
    """What one line states: credits, a date (`发布时间：…`), or roles whose names follow below."""

    credits: tuple[Credit, ...] = ()
    date_text: str | None = None
    open_roles: tuple[str, ...] = ()


def parse_credit_line(line: str) -> CreditLine | None:
    """The credits a line of plain text states; None when the line is not a credit line."""
    text = _MARKUP.sub("", line).strip()
    if not text or len(text) > MAX_CREDIT_LINE:
        return None
    bracket = _BRACKET_BYLINE.match(text)
    if bracket:
        role = ROLE_LABELS[bracket.group("label")] or "writer"
        return CreditLine(credits=_bracket_credits(bracket.group("names"), role))
    label_only = _LABEL_ONLY.match(text)
    if label_only:
        roles = _roles(label_only.group("labels"))
        return CreditLine(open_roles=roles) if roles else None
    return _segments(text)


def credits_below(line: str, roles: tuple[str, ...]) -> tuple[Credit, ...]:
    """Names listed under a label-only line, one a line, maybe as `加拿大红叶农场：百鸣jpqg`."""
    text = _MARKUP.sub("", line).strip()
    if not text or len(text) > MAX_NAME + 30 or "，" in text:
        return ()
    names = split_names(_AFFILIATION.sub("", text))
    if not names:
        return ()
    return tuple(Credit(name, role) for name in names for role in roles)


def split_names(text: str) -> list[str]:
    """Split a credit's value into names on `/`, `|`, `｜`, `、`, commas and `and`; [] for prose."""
    if _PROSE.search(text):
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(_MARKUP.sub("", text)):
        name = part.strip(" \t\u3000.。:：\"'“”《》【】#")
        if not name:
            continue
        if len(name) > MAX_NAME:
            return []
        if name not in names:
            names.append(name)
    return names


def _segments(text: str) -> CreditLine | None:
    starts = list(_SEGMENT.finditer(text))
    if not starts or starts[0].start() != 0:
        return None
    credits: list[Credit] = []
    date_text = None
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        value = text[match.end() : end].strip()
        labels = _LABEL_FIND.findall(match.group("labels"))
        if any(ROLE_LABELS[label] is None for label in labels):
            date_text = value
            continue
        names = split_names(value)
        if value and not names:
            return None  # a label followed by prose: dialogue, not a credit
        credits.extend(Credit(name, role) for name in names for role in _roles(match.group("labels")))
    if not credits and date_text is None:
        return None
    return CreditLine(credits=tuple(credits), date_text=date_text)


def _roles(labels: str) -> tuple[str, ...]:
    roles: list[str] = []
    for label in _LABEL_FIND.findall(labels):
        role = ROLE_LABELS[label]
        if role and role not in roles:
            roles.append(role)
    return tuple(roles)


def _bracket_credits(names: str, role: str) -> tuple[Credit, ...]:
    # `文/观察者网 齐倩`: the outlet comes first, the people after it
    words = names.split()
    people = words[1:] if len(words) > 1 else words
    return tuple(Credit(name, role) for name in split_names("/".join(people)))


@dataclass(frozen=True)
class Credits:
    credits: tuple[Credit, ...]
    credit_lines: frozenset[int]  # indexes of the lines that were credits, not prose
    date_text: str | None


def read_credits(lines: list[str]) -> Credits:
    """Every credit in a body: one-line credits and label lines followed by a list of names."""
    credits: list[Credit] = []
    used: set[int] = set()
    date_text = None
    open_roles: tuple[str, ...] = ()
    for index, line in enumerate(lines):
        parsed = parse_credit_line(line)
        if parsed is None:
            below = credits_below(line, open_roles) if open_roles else ()
            if below:
                credits.extend(below)
                used.add(index)
            else:
                open_roles = ()
            continue
        used.add(index)
        credits.extend(parsed.credits)
        open_roles = parsed.open_roles
        date_text = date_text or parsed.date_text
    unique = tuple(dict.fromkeys(credits))
    return Credits(credits=unique, credit_lines=frozenset(used), date_text=date_text)
