"""A part of index text as a tsvector literal, for the parts Postgres would tokenise exactly so.

`to_tsvector('simple', part)` costs the server about 1.3 µs a token (most of a cold load's server
CPU on an archive of transcripts: 27 million tokens), where reading the same vector as a literal
costs about a quarter of that. A part made only of ASCII letters and digits and of Han characters
(the ideographs every glibc and Postgres knows: Unicode 1.1 and extension A), separated by ASCII
whitespace, but for a number in exponent notation run into letters, is what the default parser
reads as one lexeme a token, lower-cased, at positions 1, 2, 3…, a lexeme keeping its first 255
positions: the literal says exactly that. Any other part (accented letters, other scripts, kana,
zero-width characters, a token of 100 characters or more) goes to the server.
The property test checks the literal against the server's own tsvector; `PROBE` checks a server's
locale once per connection (a Turkish one lower-cases `I` to `ı`: then the server does it all).
"""

from __future__ import annotations

import re

# not a number in exponent notation run into letters: the parser reads `0e0a` as `0e0` and `a`
_TOKEN = r"(?:(?![0-9]+[eE][0-9]+[A-Za-z])[0-9A-Za-z]{1,99}|[\u3400-\u4db5\u4e00-\u9fa5])"
_SIMPLE = re.compile(rf"[ \t\n\r]*(?:{_TOKEN}(?:[ \t\n\r]+|\Z))*")
# to_tsvector keeps a lexeme's first 255 positions (MAXNUMPOS - 1 in tsvector_parser.c's caller)
MAX_POSITIONS = 255
# every kind of character a literal is written for, with the edges of the Han ranges
PROBE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 1e5 一 龥 㐀 䶵 一"
# positions as text, made once: a part has at most search_index.PART_TOKENS tokens
_POSITIONS = [str(n) for n in range(1, 16_384)]


def tsvector_literal(part: str) -> str | None:
    """What `to_tsvector('simple', part)` is, as a tsvector literal; None for a part whose tokens
    the server might split, join or fold otherwise."""
    if not _SIMPLE.fullmatch(part):
        return None
    tokens = part.lower().split()
    if len(tokens) > len(_POSITIONS):  # past the last position Postgres keeps
        return None
    positions: dict[str, list[str]] = {}
    for token, position in zip(tokens, _POSITIONS, strict=False):
        found = positions.get(token)
        if found is None:
            positions[token] = [position]
        else:
            found.append(position)
    return " ".join(
        f"'{token}':{','.join(found[:MAX_POSITIONS] if len(found) > MAX_POSITIONS else found)}"
        for token, found in positions.items()
    )
