"""The full-text index: an FTS5 table on SQLite, tsvector rows with a GIN index on Postgres.

Both take text already split by etl.transform.index_text (every CJK character a token) and
search for each query term as a phrase, so results are the same on both backends.

Neither keeps a copy of the index text: it is made from each article's title and body_text
(etl.transform.index_text.search_text), and snippets come from body_text. SQLite's FTS5 table is
contentless (migration 0015), so removing an entry means telling FTS5 the text it indexed: it is
made again from the article's row, and checked against a digest kept of the text indexed (the
table `article_search` there lists the indexed articles with theirs). Should they differ (an etl
whose index text changed), the whole index is rebuilt first. A DELETE from `article_search` by
hand empties the whole index (a trigger), which `etl search --rebuild` fills again.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, select, text

from etl.batches import chunked
from etl.load.sql import fetch_rows, in_chunks
from etl.records import SearchText

if TYPE_CHECKING:
    from etl.query import SearchQuery
from etl.schema.tables import SEARCH_INDEX, articles

# Postgres keeps word positions only up to 16,383 per tsvector (phrase matching fails past it) and
# a tsvector may not exceed 1 MB: long bodies are indexed in parts, which overlap by more than any
# sensible query's length so that a phrase across a boundary is still found
PART_TOKENS = 8_000
PART_CHARS = 200_000
PART_OVERLAP = 64
TITLE_WEIGHT = 10.0
STAGING = "etl_search_parts"
# SQLite (migration 0015): the contentless FTS5 table, and SEARCH_INDEX the table of the articles it
# holds with a digest of the text indexed for each; an entry leaves FTS before its row leaves DOCS
FTS = f"{SEARCH_INDEX}_index"
DOCS = SEARCH_INDEX
# articles whose text is made again at once to remove their entries: bodies of up to 300 KB
REMOVE_BATCH = 64
REBUILD_BATCH = 200


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str | None
    published_at: datetime | None
    body_text: str


def add_entries(connection: Connection, entries: Sequence[tuple[int, SearchText]]) -> None:
    """Index these articles; an article being re-indexed has had remove_entries first."""
    if not entries:
        return
    if connection.dialect.name == "postgresql":
        # the parts go by COPY into a temporary table of this session, the server makes the
        # tsvectors from there; the staging rows are gone before the transaction ends
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (article_id integer, chunk integer,"
            " title text, body text) ON COMMIT DELETE ROWS"
        )
        parts = [
            (article_id, n, entry.title if n == 0 else "", part)
            for article_id, entry in entries
            for n, part in enumerate(_parts(entry.body))
        ]
        raw = connection.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {STAGING} FROM STDIN") as copy:
            for part in parts:
                copy.write_row(part)
        connection.exec_driver_sql(
            f"INSERT INTO {SEARCH_INDEX} (article_id, chunk, document) SELECT article_id, chunk,"
            " setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', body)"
            f" FROM {STAGING}; DELETE FROM {STAGING}"
        )
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.executemany(
        f"INSERT INTO {FTS} (rowid, title, body) VALUES (?, ?, ?)",
        [(article_id, e.title, e.body) for article_id, e in entries],
    )
    raw.executemany(
        f"INSERT INTO {DOCS} (article_id, digest) VALUES (?, ?)",
        [(article_id, text_digest(e)) for article_id, e in entries],
    )


def remove_entries(
    connection: Connection, article_ids: Sequence[int], likely: Mapping[int, SearchText] | None = None
) -> None:
    """Remove these articles' entries (those they have); on SQLite, before their rows change.

    `likely`: text each may have been indexed with (its new text, when its file may be unchanged:
    --full, a new etl), taken on SQLite when its digest is the one indexed, instead of making the
    old text again.
    """
    if connection.dialect.name != "postgresql":
        _remove_sqlite_entries(connection, article_ids, likely or {})
        return
    statement = text(f"DELETE FROM {SEARCH_INDEX} WHERE article_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for chunk in in_chunks(article_ids):
        connection.execute(statement, {"ids": chunk})


def _remove_sqlite_entries(
    connection: Connection,
    article_ids: Sequence[int],
    likely: Mapping[int, SearchText],
    rebuilt: bool = False,
) -> None:
    """FTS5 removes a contentless entry when told the text it indexed: the likely text if its digest
    is the one kept, else the text made again from the article's row."""
    from etl.transform.index_text import search_text  # OpenCC: only when entries go

    indexed: dict[int, int] = {}
    for chunk in in_chunks(article_ids):
        marks = ", ".join("?" * len(chunk))
        indexed.update(
            fetch_rows(
                connection, f"SELECT article_id, digest FROM {DOCS} WHERE article_id IN ({marks})", chunk
            )
        )
    known = {i: likely[i] for i in indexed if i in likely and text_digest(likely[i]) == indexed[i]}
    _delete_entries(connection, list(known.items()))
    for chunk in chunked([i for i in indexed if i not in known], REMOVE_BATCH):
        rows = fetch_rows(
            connection,
            f"SELECT id, title, body_text FROM {articles.name} WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        made = [(article_id, search_text(title, body)) for article_id, title, body in rows]
        if any(text_digest(entry) != indexed[article_id] for article_id, entry in made):
            if rebuilt:
                raise RuntimeError("the search index does not match the articles it was just rebuilt from")
            rebuild(connection)  # made by another etl: every entry is made again, then these go
            _remove_sqlite_entries(connection, article_ids, likely, rebuilt=True)
            return
        _delete_entries(connection, made)


def _delete_entries(connection: Connection, entries: Sequence[tuple[int, SearchText]]) -> None:
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.executemany(
        f"INSERT INTO {FTS} ({FTS}, rowid, title, body) VALUES ('delete', ?, ?, ?)",
        [(article_id, entry.title, entry.body) for article_id, entry in entries],
    )
    raw.executemany(f"DELETE FROM {DOCS} WHERE article_id = ?", [(article_id,) for article_id, _ in entries])


def text_digest(entry: SearchText) -> int:
    """64 bits of BLAKE2b over the index text (title, NUL, body), as a signed integer; migration
    0015 computes the same. A different digest only costs a rebuild, never a wrong removal."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(entry.title.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(entry.body.encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "big", signed=True)


def clear(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DELETE FROM {SEARCH_INDEX}"))
        return
    connection.exec_driver_sql(f"INSERT INTO {FTS} ({FTS}) VALUES ('delete-all')")
    connection.exec_driver_sql(f"DELETE FROM {DOCS}")


def rebuild(connection: Connection, batch: int = REBUILD_BATCH) -> int:
    """Index every live article afresh, in the caller's transaction; how many."""
    from etl.transform.index_text import search_text

    clear(connection)
    total = 0
    for rows in live_articles(connection, batch):
        add_entries(connection, [(article_id, search_text(title, body)) for article_id, title, body in rows])
        total += len(rows)
    return total


def coverage(connection: Connection) -> tuple[int, int]:
    """(articles in the index, live articles): unequal after an upgrade, until --rebuild.

    Both counts come from small structures (SQLite's table of indexed articles, the first
    part of each Postgres entry, an index of articles and the partial index of deleted ones):
    counting the search index or the articles' rows themselves reads all their text.
    """
    if connection.dialect.name == "postgresql":
        counted = f"SELECT count(*) FROM {SEARCH_INDEX} WHERE chunk = 0"
    else:
        counted = f"SELECT count(*) FROM {DOCS}"
    indexed = connection.execute(text(counted)).scalar_one()
    live = connection.execute(
        text("SELECT count(*) - (SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL) FROM articles")
    ).scalar_one()
    return int(indexed), int(live)


def live_articles(connection: Connection, batch: int) -> Iterator[list[tuple[int, str | None, str]]]:
    """(id, title, body_text) of every live article, `batch` at a time, by id."""
    last = 0
    while True:
        rows = connection.execute(
            select(articles.c.id, articles.c.title, articles.c.body_text)
            .where(articles.c.id > last, articles.c.deleted_at.is_(None))
            .order_by(articles.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield [tuple(row) for row in rows]
        last = rows[-1][0]


def search(connection: Connection, query: SearchQuery, limit: int) -> list[SearchHit]:
    """Real articles matching `query`, best first (title matches weigh more), each once: an article
    is found through its best-matching live version (an older version's text finds it too), shown
    with its representative's id, title and date, and the matching version's text.

    Phrases reach the database only as bound values: FTS5 gets each one as a quoted string, Postgres
    through phraseto_tsquery, so nothing in a query is read as the database's own syntax.
    """
    if query.empty:
        return []
    versions = "JOIN articles a ON a.id = ranked.article_id WHERE a.deleted_at IS NULL AND a.kind <> 'draft'"
    if connection.dialect.name == "postgresql":
        ranked, params = _postgres_ranking(query)
        best = (
            "SELECT DISTINCT ON (a.canonical_article_id) a.canonical_article_id AS canonical,"
            f" a.id AS version, ranked.rank FROM ({ranked}) AS ranked {versions}"
            " ORDER BY a.canonical_article_id, ranked.rank DESC, a.id"
        )
        order = "best.rank DESC"
    else:
        # LIMIT -1 keeps SQLite from flattening this into the grouping query, where bm25() cannot run
        ranked = (
            f"SELECT rowid AS article_id, bm25({FTS}, {TITLE_WEIGHT}, 1.0) AS rank"
            f" FROM {FTS} WHERE {FTS} MATCH :match LIMIT -1"
        )
        params = {"match": _fts5_match(query)}
        # SQLite's bare columns beside a lone min() come from the row that has the minimum
        best = (
            "SELECT a.canonical_article_id AS canonical, a.id AS version, min(ranked.rank) AS rank"
            f" FROM ({ranked}) AS ranked {versions} GROUP BY a.canonical_article_id"
        )
        order = "best.rank"
    statement = text(
        f"SELECT c.id, c.title, c.published_at, v.body_text FROM ({best}) AS best"
        " JOIN articles c ON c.id = best.canonical JOIN articles v ON v.id = best.version"
        f" ORDER BY {order}, c.published_at DESC, c.id LIMIT :limit"
    ).columns(articles.c.id, articles.c.title, articles.c.published_at, articles.c.body_text)
    return [SearchHit(*row) for row in connection.execute(statement, {**params, "limit": limit})]


def _postgres_ranking(query: SearchQuery) -> tuple[str, dict[str, str]]:
    """Articles whose parts, together, match every group and none of which holds an excluded phrase.

    A long article is indexed in parts, so a phrase may sit in any part: each group is checked over
    all of an article's parts (bool_or), and an excluded phrase in any part rules the article out.
    """
    params: dict[str, str] = {}

    def bound(phrase: str) -> str:
        name = f"p{len(params)}"
        params[name] = phrase
        return f"phraseto_tsquery('simple', :{name})"

    groups = [[bound(p) for p in group] for group in query.groups]
    every = " AND ".join("(" + " OR ".join(f"bool_or(document @@ {t})" for t in g) + ")" for g in groups)
    wanted = " || ".join(t for g in groups for t in g)
    if query.excluded:
        unwanted = " || ".join(bound(p) for p in query.excluded)
        every += (
            f" AND NOT EXISTS (SELECT 1 FROM {SEARCH_INDEX} x"
            f" WHERE x.article_id = {SEARCH_INDEX}.article_id AND x.document @@ ({unwanted}))"
        )
    ranked = (
        f"SELECT article_id, sum(ts_rank(document, q.any_term)) AS rank"
        f" FROM {SEARCH_INDEX}, (SELECT {wanted} AS any_term) AS q"
        f" WHERE document @@ q.any_term GROUP BY article_id HAVING {every}"
    )
    return ranked, params


def _fts5_match(query: SearchQuery) -> str:
    """`("普 京") AND ("拜 登" OR "biden") NOT ("乌 克 兰")`, every phrase a quoted FTS5 string."""
    wanted = " AND ".join("(" + " OR ".join(_fts5_phrase(p) for p in g) + ")" for g in query.groups)
    if not query.excluded:
        return wanted
    return f"({wanted}) NOT (" + " OR ".join(_fts5_phrase(p) for p in query.excluded) + ")"


def _fts5_phrase(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def _parts(body: str) -> list[str]:
    """The body in parts of at most PART_TOKENS tokens, each ending with the token that takes it
    past PART_CHARS characters; the next starts PART_OVERLAP tokens before its end."""
    if len(body) <= PART_TOKENS:  # fewer characters than the token limit: one part, as it is
        return [body]
    tokens = body.split()
    if len(tokens) <= PART_TOKENS and len(body) <= PART_CHARS:
        return [" ".join(tokens)]
    # offset[k]: the characters of the first k tokens, a space after each; a transcript has 10^5
    # tokens, so ends are found by bisection, not token by token (which took 14 s of the writer's
    # time on a real archive)
    offset = list(accumulate(map(len, tokens), initial=0))
    parts: list[str] = []
    start = 0
    while True:
        last = min(len(tokens), start + PART_TOKENS)
        limit = offset[start] + start + PART_CHARS
        end = bisect_right(range(start, last), limit, key=lambda k: offset[k] + k) + start
        end = min(last, max(end, start + 1))
        parts.append(" ".join(tokens[start:end]))
        if end >= len(tokens):
            return parts
        start = max(end - PART_OVERLAP, start + 1)
