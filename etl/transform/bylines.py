"""Credit lines in bodies (`【文/观察者网 齐倩】`, `作者：…`, `校对：…`) as names with roles.

A transcript is full of lines that look like credits and are speech: `记者：今天也是…` is the
reporter talking, `翻译：郭先生` the interpreter addressing someone. So a credit's value must read
as names (short, no sentence punctuation, no stray bracket, no clause-long parts), and the labels
that double as a speaker's tag (翻译) count only inside a block of credits. A name may carry its
farm or team (`纽约香草山农场：天才老鼠`, `温哥华扬帆农场 Winner为自由而战（文祥）`,
`战友之声听写组【呼吸的雾霾】【黑郁金香】`): that becomes the credit's affiliation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.records import Credit

# label -> role; `None` marks a label whose value is a date, not a name
ROLE_LABELS: dict[str, str | None] = {
    "全文发布稿总审核": "reviewer",
    "全文发布稿审核": "reviewer",
    "发布稿审核": "reviewer",
    "翻译/简评": "translator",
    "责任编辑": "editor",
    "要点提取": "editor",
    "提取要点": "editor",
    "新闻来源": "source",
    "发布时间": None,
    "总审核": "reviewer",
    "作者": "writer",
    "撰文": "writer",
    "撰稿": "writer",
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
    "速记": "transcriber",
    "机听字幕": "transcriber",
    "整理": "editor",
    "整合": "editor",
    "Page": "page",
}
# the labels as Traditional archives write them (聽寫, 校對, 編輯, 發佈): character by character
_TRADITIONAL = str.maketrans("听写对编辑责审发译来闻时间总记机录", "聽寫對編輯責審發譯來聞時間總記機錄")
ROLES_BY_LABEL: dict[str, str | None] = {
    variant: role
    for label, role in ROLE_LABELS.items()
    for traditional in (label.translate(_TRADITIONAL),)
    for variant in {label, traditional, traditional.replace("發布", "發佈")}
}
# labels that are also how a transcript tags a speaker (the interpreter): credits only in a block
SPEAKER_LABELS = frozenset({"翻译", "译者"})
_LABEL = "|".join(re.escape(label) for label in sorted(ROLES_BY_LABEL, key=len, reverse=True))
# one segment: one or more labels (`听写/校对/要点提取`, `编辑整理及发布`) then a colon; segments
# split on `|` or space
_LABELS = rf"(?P<labels>(?:{_LABEL})(?:\s*(?:[/，,、及和与&]\s*)?(?:{_LABEL}))*)"
_SEGMENT = re.compile(rf"(?:^|[|｜]\s*|\s+){_LABELS}\s*[：:]\s*")
_LABEL_ONLY = re.compile(rf"^{_LABELS}\s*[：:]?$")
_LABEL_FIND = re.compile(_LABEL)
# a reporter is credited in a bracketed byline only: `记者：` in a transcript is a reporter speaking
_BRACKET_BYLINE = re.compile(r"^【\s*(?P<label>文|作者|撰文|记者)\s*[/／:：]\s*(?P<names>[^】]+)】$")
_NAME_SEPARATORS = re.compile(r"\s*(?:[/|｜、,，;；]|\band\b)\s*")
_MARKUP = re.compile(r"[*_`~\\]+")
# a value with sentence punctuation is speech (`翻译：我能澄清一下吗？`), not a name
_PROSE = re.compile(r"[。？！?!…]")
# `纽约香草山农场：天才老鼠`: a farm or team, then the name
_AFFILIATION_COLON = re.compile(r"^(?P<team>[^：:；;]{1,30})[：:；;]\s*(?P<rest>.+)$")
# `温哥华扬帆农场  Winner为自由而战（文祥）`: a team ends in one of these words, then a space
_TEAM_SUFFIX = r"(?:农场|農場|站|组|組|小组|团队|團隊|团|團|団|频道|頻道|联盟|聯盟|工作室)"
_TEAM = re.compile(rf"{_TEAM_SUFFIX}$")
# a line that opens with a label or a speaker's tag (`翻译：…`, `记者：…`) is never a name listed
# under the label above it: it is a credit line of its own, or speech
_TAGGED = re.compile(rf"^(?:{_LABEL}|记者|主持人)\s*[：:]")
_AFFILIATION_SPACE = re.compile(rf"^(?P<team>\S{{1,28}}{_TEAM_SUFFIX})\s+(?P<rest>[^\s/|｜、,，;；].*)$")
# `VOG战友之家听写组（彩虹桥（文桥）、SCELF (文正)）`: a transcription group and its members, on one
# line or on the line after the group's
_GROUP_NAME = r"(?P<team>\S.{0,30}?(?:听写组|聽寫組|听写团队|聽寫團隊))"
_GROUP = re.compile(rf"^{_GROUP_NAME}$")
_GROUP_LIST = re.compile(rf"^{_GROUP_NAME}?\s*[（(](?P<names>.+)[）)]$")
# `战友之声听写组【呼吸的雾霾】【黑郁金香】`: a team, then names in brackets
_BRACKET_LIST = re.compile(r"^(?P<team>[^【】]*)(?P<names>(?:【[^【】]+】\s*)+)$")
_BRACKETED = re.compile(r"【([^【】]+)】")
_OPENING, _CLOSING = "(（[【《", ")）]】》"
MAX_CREDIT_LINE = 200
# a name, or a farm name with a handle (`Winner为自由而战（文祥）`), is short
MAX_NAME = 30
# a comma-separated part longer than this is a clause, not a name
MAX_LISTED_NAME = 12


@dataclass(frozen=True)
class CreditLine:
    """What one line states: credits, a date (`发布时间：…`), or roles whose names follow below."""

    credits: tuple[Credit, ...] = ()
    date_text: str | None = None
    open_roles: tuple[str, ...] = ()
    speaker_label: bool = False  # its labels could be a speaker's tag: a credit only within a block
    group: str | None = None  # a transcription group whose members may follow on the next line


def parse_credit_line(line: str) -> CreditLine | None:
    """The credits a line of plain text states; None when the line is not a credit line."""
    text = _MARKUP.sub("", line).strip()
    if not text or len(text) > MAX_CREDIT_LINE:
        return None
    bracket = _BRACKET_BYLINE.match(text)
    if bracket:
        role = ROLES_BY_LABEL.get(bracket.group("label")) or "writer"
        return CreditLine(credits=_bracket_credits(bracket.group("names"), role))
    label_only = _LABEL_ONLY.match(text)
    if label_only:
        roles = _roles(label_only.group("labels"))
        return CreditLine(open_roles=roles) if roles else None
    listed = _GROUP_LIST.match(text)
    if listed and listed["team"]:
        return _group_members(listed["names"], listed["team"].strip())
    return _segments(text)


def _group_members(names: str, team: str) -> CreditLine | None:
    members = split_names(names)
    if not members:
        return None
    return CreditLine(credits=tuple(Credit(name, "transcriber", team) for name in members))


def credits_below(line: str, roles: tuple[str, ...]) -> tuple[Credit, ...]:
    """Names listed under a label-only line, one a line, maybe with their farm (`农场：name`)."""
    text = _MARKUP.sub("", line).strip()
    if not text or len(text) > MAX_NAME + 30 or _TAGGED.match(text):
        return ()
    return tuple(Credit(name, role, team) for name, team in named(text) for role in roles)


def named(text: str) -> list[tuple[str, str | None]]:
    """The names a credit's value holds, each with its farm or team; [] when it reads as speech."""
    team = None
    for pattern in (_AFFILIATION_COLON, _AFFILIATION_SPACE):
        match = pattern.match(text)
        if match and not _BRACKET_LIST.match(text) and _affiliated(match["team"].strip(), match["rest"]):
            team, text = match["team"].strip(), match["rest"]
            break
    brackets = _BRACKET_LIST.match(text)
    if brackets:
        listed = _BRACKETED.findall(brackets["names"])
        names = [n for n in (_clean(name) for name in listed) if n]
        team = _clean(brackets["team"]) or team
        return [(name, team) for name in dict.fromkeys(names)] if all(_name_like(n) for n in names) else []
    return _members(split_names(text), team)


def _members(names: list[str], team: str | None) -> list[tuple[str, str | None]]:
    """`东京樱花团/知了知了`: a team named before its members is their affiliation, not a name
    (a team named alone, `发布：东京樱花团`, is the credit)."""
    members: list[tuple[str, str | None]] = []
    for index, name in enumerate(names):
        if index + 1 < len(names) and _TEAM.search(name) and not _TEAM.search(names[index + 1]):
            team = name
            continue
        members.append((name, team))
    return members


def _affiliated(team: str, rest: str) -> bool:
    """`农场：name` or `X：one name`; a speaker's `唐平：团契，教会有` is neither."""
    return _TEAM.search(team) is not None or len(split_names(rest)) == 1


def split_names(text: str) -> list[str]:
    """Split a credit's value into names on `/`, `|`, `｜`, `、`, commas and `and`; [] for prose."""
    if _PROSE.search(text):
        return []
    parts = _NAME_SEPARATORS.split(_MARKUP.sub("", text))
    listed = len(parts) > 1 and re.search(r"[,，]", text) is not None
    names: list[str] = []
    for part in parts:
        name = _clean(part)
        if not name:
            continue
        if not _name_like(name) or (listed and len(name) > MAX_LISTED_NAME):
            return []
        if name not in names:
            names.append(name)
    return names


def _clean(part: str) -> str:
    return part.strip(" \t\u3000.。:：\"'“”《》#")


def _name_like(name: str) -> bool:
    """Short, its brackets balanced, not a bracketed aside (`(英语`, `听不清)`, `（注：…）`)."""
    if len(name) > MAX_NAME or name[0] in _OPENING or name[-1] in _OPENING:
        return False
    depth = 0
    for character in name:
        if character in _OPENING:
            depth += 1
        elif character in _CLOSING:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and "：" not in name and ":" not in name


def _segments(text: str) -> CreditLine | None:
    starts = list(_SEGMENT.finditer(text))
    if not starts or starts[0].start() != 0:
        return None
    credits: list[Credit] = []
    date_text = None
    speaker = False
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        value = text[match.end() : end].strip()
        labels = _LABEL_FIND.findall(match.group("labels"))
        if any(ROLES_BY_LABEL[label] is None for label in labels):
            date_text = value
            continue
        speaker = speaker or any(label in SPEAKER_LABELS for label in labels)
        names = named(value)
        if value and not names:
            return None  # a label followed by prose: dialogue, not a credit
        credits.extend(Credit(n, role, team) for n, team in names for role in _roles(match.group("labels")))
    if not credits and date_text is None:
        return None
    return CreditLine(credits=tuple(credits), date_text=date_text, speaker_label=speaker)


def _roles(labels: str) -> tuple[str, ...]:
    roles: list[str] = []
    for label in _LABEL_FIND.findall(labels):
        role = ROLES_BY_LABEL[label]
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
    """Every credit in a body: one-line credits and label lines followed by a list of names.

    A line whose labels could be a speaker's tag counts only next to another credit line.
    """
    parsed: list[CreditLine | None] = [parse_credit_line(line) for line in lines]
    credits: list[Credit] = []
    used: set[int] = set()
    date_text = None
    open_roles: tuple[str, ...] = ()
    group = None
    for index, (line, found) in enumerate(zip(lines, parsed, strict=True)):
        if found is not None and found.speaker_label and not _in_a_block(parsed, index):
            found = None
        if found is None and group is not None:
            found = _listed_under(line, group)
        if line.strip():  # a blank line between a group and its members keeps the group
            heading = _GROUP.match(_MARKUP.sub("", line).strip())
            group = heading["team"] if heading else None
        if found is None:
            below = credits_below(line, open_roles) if open_roles else ()
            if below:
                credits.extend(below)
                used.add(index)
            else:
                open_roles = ()
            continue
        used.add(index)
        credits.extend(found.credits)
        open_roles = found.open_roles
        date_text = date_text or found.date_text
    first: dict[tuple[str, str], Credit] = {}
    for credit in credits:
        first.setdefault((credit.name, credit.role), credit)  # the first mention's affiliation
    return Credits(credits=tuple(first.values()), credit_lines=frozenset(used), date_text=date_text)


def _listed_under(line: str, group: str) -> CreditLine | None:
    """`（Embracer牙牙、Winner为自由而战（文祥）、…）` on the line after `**喜马拉雅听写组**`."""
    listed = _GROUP_LIST.match(_MARKUP.sub("", line).strip())
    return _group_members(listed["names"], group) if listed and not listed["team"] else None


def _in_a_block(parsed: list[CreditLine | None], index: int) -> bool:
    """Whether the line before or after this one is a credit line that is not itself speech-like."""
    neighbours = [parsed[i] for i in (index - 1, index + 1) if 0 <= i < len(parsed)]
    return any(n is not None and not n.speaker_label for n in neighbours)
