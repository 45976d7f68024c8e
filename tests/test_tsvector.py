"""The tsvector literals etl writes for parts of index text are the server's own to_tsvector, on a
real Postgres; parts it cannot be sure of are left to the server."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL

from etl.load.search_index import _parts
from etl.load.tsvector import PROBE, tsvector_literal
from etl.transform.index_text import index_text

HAN = st.sampled_from("的是了普京说乌克兰中国㐀䶵一龥")
ASCII_WORD = st.text(alphabet="aAbZz019eExX", min_size=1, max_size=99)
GAP = st.sampled_from([" ", "  ", "\n", " \n\t ", "\r\n"])


@pytest.fixture(scope="module")
def server(postgres_admin_url: URL) -> Iterator[Connection]:
    engine = create_engine(postgres_admin_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _same_as_server(server: Connection, part: str, literal: str) -> bool:
    query = text("SELECT to_tsvector('simple', :part) = CAST(:literal AS tsvector)")
    return bool(server.execute(query, {"part": part, "literal": literal}).scalar())


@given(st.lists(st.one_of(HAN, ASCII_WORD), max_size=80), GAP, st.sampled_from(["", " ", "\n"]))
@settings(max_examples=300, deadline=None)
def test_the_literal_is_what_the_server_makes(
    server: Connection, tokens: list[str], gap: str, edge: str
) -> None:
    part = edge + gap.join(tokens) + edge
    literal = tsvector_literal(part)
    if literal is None:  # only a number in exponent notation run into letters, which the parser splits
        assert any(re.match("[0-9]+[eE][0-9]+[A-Za-z]", t) for t in tokens)
        assert not _same_as_server(server, part, _one_lexeme_a_token(tokens))
    else:
        assert _same_as_server(server, part, literal)


def _one_lexeme_a_token(tokens: list[str]) -> str:
    return " ".join(f"'{t.lower()}':{n}" for n, t in enumerate(tokens, 1))


def test_a_lexeme_keeps_its_first_255_positions_as_on_the_server(server: Connection) -> None:
    part = " ".join(["的"] * 300 + ["The", "the", "THE"] * 100)
    literal = tsvector_literal(part)
    assert literal is not None
    assert literal.startswith("'的':1,2,3,") and literal.count(",") == 2 * 254
    assert _same_as_server(server, part, literal)


@pytest.mark.parametrize(
    "part",
    [
        "café",  # accented Latin: the server's lower-casing depends on its locale
        "普京 Путин",  # another script
        "カタカナ",  # kana
        "a-b",  # punctuation the parser makes compounds, hosts and versions of
        "x" * 100,  # a long token
        "0E0A",  # the parser reads `0e0` and `a`
        "普 12e5x",
        "普\u3000京",  # whitespace beyond ASCII
        "\U00020000",  # a Han character beyond the BMP
    ],
)
def test_what_the_parser_might_read_otherwise_is_left_to_the_server(part: str) -> None:
    assert tsvector_literal(part) is None


def test_every_part_of_the_seeds_that_etl_writes_is_the_servers(server: Connection) -> None:
    parts = [
        p for path in sorted(SEEDS.iterdir()) for p in _parts(index_text(path.read_text(encoding="utf-8")))
    ]
    written = [(p, tsvector_literal(p)) for p in parts]
    assert len(written) == 4
    assert [literal is not None for _, literal in written] == [True, True, True, True]
    assert all(_same_as_server(server, p, literal) for p, literal in written if literal is not None)


def test_the_probe_of_a_servers_locale_passes_on_this_one(server: Connection) -> None:
    literal = tsvector_literal(PROBE)
    assert literal is not None and literal.startswith(
        "'abcdefghijklmnopqrstuvwxyz':1,2 '0123456789':3 '1e5':4"
    )
    assert _same_as_server(server, PROBE, literal)
