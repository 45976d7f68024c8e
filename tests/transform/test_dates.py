"""Dates in every form the sources use, to UTC with an honest precision."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.transform.dates import parse_date, parse_date_line


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("Mon, 21 Feb 2022 22:50:33 GMT", "2022-02-21T22:50:33", "second"),
        ("2022-02-21T22:50:33+08:00", "2022-02-21T14:50:33", "second"),
        ("2022-02-21T22:50:33Z", "2022-02-21T22:50:33", "second"),
        ("2022-02-21 22:50:33", "2022-02-21T22:50:33", "second"),
        ("2022-02-21", "2022-02-21T00:00:00", "day"),
        ("2021年12月31日", "2021-12-31T00:00:00", "day"),
        ("2023年03月05日", "2023-03-05T00:00:00", "day"),
        ("2019年7月27日郭文贵直播", "2019-07-27T00:00:00", "day"),
        ("4/2/2024 12:25 PM UTC", "2024-04-02T12:25:00", "minute"),
        ("2020-01-01T10", "2020-01-01T10:00:00", "hour"),
        ("2020-01-01 10:30", "2020-01-01T10:30:00", "minute"),
        ("2020-01", "2020-01-01T00:00:00", "month"),
        (datetime(2022, 2, 21, 22, 50, 33), "2022-02-21T22:50:33", "second"),
        (date(2020, 1, 2), "2020-01-02T00:00:00", "day"),
    ],
)
def test_known_forms(value: object, expected: str, precision: str) -> None:
    parsed = parse_date(value)
    assert parsed is not None
    assert parsed.value == datetime.fromisoformat(expected).replace(tzinfo=UTC)
    assert parsed.precision == precision


def test_naive_values_use_the_given_zone() -> None:
    parsed = parse_date("2022-02-21 22:50:33", "Asia/Shanghai")
    assert parsed is not None
    assert parsed.value == datetime(2022, 2, 21, 14, 50, 33, tzinfo=UTC)
    stated = parse_date("Mon, 21 Feb 2022 22:50:33 GMT", "Asia/Shanghai")
    assert stated is not None
    assert stated.value == datetime(2022, 2, 21, 22, 50, 33, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["Invalid Date", "", "yesterday", "0000-00-00", "9999-12-31", "12:30", None, 3.5, ["2022"]]
)
def test_no_date_is_none_not_an_error(value: object) -> None:
    assert parse_date(value) is None


def test_date_line_must_be_the_whole_line() -> None:
    line = parse_date_line("2021年12月31日")
    assert line is not None
    assert (line.value.date(), line.precision) == (date(2021, 12, 31), "day")
    assert parse_date_line("俄美双方约定将于2022年1月10日在日内瓦举行会谈") is None


@given(st.text(max_size=60), st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"]))
def test_random_strings_never_raise(text: str, zone: str) -> None:
    parsed = parse_date(text, zone)
    if parsed is not None:
        assert parsed.value.tzinfo is UTC
        assert 1800 <= parsed.value.year <= 2200
    parse_date_line(text, zone)
