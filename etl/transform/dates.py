"""Every date form met in the sources, turned into a UTC instant plus its precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

from etl.records import PublishedDate

# the day's 日 is often left out in titles (`2023年01月04文贵大直播`): a day is one or two digits
# followed by 日/号 or by anything but another digit
_CJK_DATE = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?:(?P<day>\d{1,2})(?:\s*[日号]|(?!\d)))?"
    r"(?:\s*(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{1,2})\s*分?)?"
)
_RFC_2822 = re.compile(r"(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{1,2}:\d{2}(?::\d{2})? ")
_ENGLISH_DATE = re.compile(r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}")
_NOT_A_DATE = frozenset({"", "invalid date", "null", "none", "n/a", "unknown"})
# two different defaults reveal which fields dateutil filled in by itself
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def parse_date(value: object, timezone: str = "UTC") -> PublishedDate | None:
    """Parse a front matter or body date; None when the value holds no usable date.

    Naive values are read in `timezone`. Never raises: an unreadable date is a missing date.
    """
    zone = ZoneInfo(timezone)
    if isinstance(value, datetime):
        return _to_utc(value, zone, "second")
    if isinstance(value, date):
        return _to_utc(datetime.combine(value, time()), zone, "day")
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if text.lower() in _NOT_A_DATE:
        return None
    cjk = _CJK_DATE.search(text)
    if cjk:
        return _from_cjk(cjk, zone)
    if _RFC_2822.match(text):  # the Hexo form; the stdlib parser is 20x faster than dateutil
        try:
            stated = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            stated = None
        if stated is not None:
            return _to_utc(stated, zone, "second" if text.count(":") == 2 else "minute")
    return _from_dateutil(text, zone)


def find_cjk_date(text: str, timezone: str = "UTC") -> PublishedDate | None:
    """The first `2019年7月27日`-style date inside a longer text, such as a title."""
    match = _CJK_DATE.search(text)
    return _from_cjk(match, ZoneInfo(timezone)) if match else None


def _from_cjk(match: re.Match[str], zone: tzinfo) -> PublishedDate | None:
    fields = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if "day" not in fields:
        precision = "month"
    elif "hour" in fields:
        precision = "minute"
    else:
        precision = "day"
    try:
        moment = datetime(
            fields["year"],
            fields["month"],
            fields.get("day", 1),
            fields.get("hour", 0),
            fields.get("minute", 0),
        )
    except ValueError:
        return None
    return _to_utc(moment, zone, precision)


def _from_dateutil(text: str, zone: tzinfo) -> PublishedDate | None:
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A)
        second = dateutil_parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    if first.year != second.year:
        return None  # no year stated: too vague to publish
    if first.month != second.month:
        precision = "year"
    elif first.day != second.day:
        precision = "month"
    elif first.hour != second.hour:
        precision = "day"
    elif first.minute != second.minute:
        precision = "hour"
    elif first.second != second.second:
        precision = "minute"
    else:
        precision = "second"
    return _to_utc(first, zone, precision)


def _to_utc(moment: datetime, zone: tzinfo, precision: str) -> PublishedDate | None:
    if not _MIN_YEAR <= moment.year <= _MAX_YEAR:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        utc = moment.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError):
        return None
    return PublishedDate(value=utc, precision=precision)  # type: ignore[arg-type]


_FINENESS = ("year", "month", "day", "hour", "minute", "second")


def narrows(finer: PublishedDate, coarser: PublishedDate) -> bool:
    """Whether `finer` states more than `coarser` and lies within the period `coarser` names
    (the 28th of a month that a title gives only as `2019年9月`)."""
    if _FINENESS.index(finer.precision) <= _FINENESS.index(coarser.precision):
        return False
    fields = ("year", "month", "day", "hour", "minute", "second")[: _FINENESS.index(coarser.precision) + 1]
    return all(getattr(finer.value, f) == getattr(coarser.value, f) for f in fields)


def parse_date_line(line: str, timezone: str = "UTC") -> PublishedDate | None:
    """A date only when the whole line is one: `2021年12月31日` (GNews), `May 22, 2024` (court)."""
    text = line.strip(" \t\u3000*_`")
    match = _CJK_DATE.fullmatch(text)
    if match:
        return _from_cjk(match, ZoneInfo(timezone))
    if _ENGLISH_DATE.fullmatch(text):
        return _from_dateutil(text, ZoneInfo(timezone))
    return None
