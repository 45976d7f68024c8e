"""Conventions of re-posted articles (GNews, GETTR): the date line, the source link, dated file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from etl.records import Credit, PublishedDate
from etl.transform.dates import parse_date

# `4/2/2024 12:25 PM UTC 喜马拉雅农场新西兰站` or `@milesguo 4/3/2023 3:43 AM UTC`
_DATE_LINE = re.compile(
    r"^(?:@(?P<handle>\S+)\s+)?"
    r"(?P<stamp>\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*[AaPp][Mm]\s+UTC)"
    r"\s*(?P<site>.*)$"
)
SOURCE_ANCHOR = re.compile(r"^\s*(轉載自|转载自|轉發自|转发自|原文链接|原文|来源|Source\b)", re.IGNORECASE)
_FILE_DATES = (
    # 20190727-53715693.md, 2019-07-27-title.md
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-?(?P<m>0[1-9]|1[0-2])-?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"),
    # Transcript-22-05-2024.md (day first, as the court files of the GNews archive)
    re.compile(r"(?<!\d)(?P<d>0[1-9]|[12]\d|3[01])-(?P<m>0[1-9]|1[0-2])-(?P<y>(?:19|20)\d{2})(?!\d)"),
)
# folder dates that stand for "unknown" in the GNews archive (20141231 holds videos of 2015)
PLACEHOLDER_FILE_DATES = frozenset({"19691231", "19700101", "20141231"})


@dataclass(frozen=True)
class DateLine:
    published: PublishedDate
    publisher: Credit | None
    text: str  # the line as the page shows it


def find_date_line(code_spans: tuple[str, ...]) -> DateLine | None:
    """The first inline-code date line, with the site or @handle after it as publisher."""
    for span in code_spans:
        match = _DATE_LINE.match(span.strip())
        if not match:
            continue
        published = parse_date(match.group("stamp"))
        if published is None:
            continue
        name = match.group("handle") or match.group("site").strip()
        return DateLine(published, Credit(name, "publisher") if name else None, span.strip())
    return None


def date_from_file_name(source_path: str, timezone: str = "UTC") -> PublishedDate | None:
    """A date in the file name (`20190727-53715693.md`), unless it is a placeholder date."""
    name = PurePosixPath(source_path).name
    for pattern in _FILE_DATES:
        match = pattern.search(name)
        if match:
            compact = match.group("y") + match.group("m") + match.group("d")
            if compact in PLACEHOLDER_FILE_DATES:
                return None
            return parse_date(f"{match['y']}-{match['m']}-{match['d']}", timezone)
    return None
