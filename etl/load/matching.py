"""Copies, revisions and re-posts: which live files are one real article, and which represents it.

Two files are versions of one article when (etl.transform.fingerprint gives what is compared):

- their texts are the same once whitespace and punctuation are gone, or nearly: their
  signatures share an LSH band and their estimated Jaccard similarity is at least NEAR_COPY;
- they share a feed and a publication instant, to the second, and at least REVISION_CONTAINMENT
  of the shorter text's shingles are in the longer (a story rewritten or extended under an edited
  headline keeps its feed's timestamp: 12 of 12 labelled revisions did);
- they have the same canonical URL and texts that share something (REPOST_SIMILARITY).

A group is a connected component of that relation over the live files, and its most complete
member (longest text, then source and path by name) is the real article: `canonical_article_id`
of every member is its id, and each member's `similarity` is to it. Every rule needs a shared
key (text hash, band, feed and instant, URL) that the new or changed file looks up, and writers
group one at a time, so the groups depend only on which files are live: not on their order,
batches, shards or workers.

New files only ever merge groups: their matches are looked up per group and per distinct text,
never member by member, so a thousand identical files cost what one does. A changed or retired
file may split its group, which is then recomputed from its members.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, text

from etl.load.sql import in_chunks
from etl.transform.fingerprint import PERMUTATIONS, band_keys

# the smallest similarity of two texts that are one article without any other sign: labelled copies
# estimate 0.80-1.0; different transcripts of the GNews sample at most 0.33, labelled look-alikes 0.27
NEAR_COPY = 0.7
REVISION_CONTAINMENT = 0.2
REPOST_SIMILARITY = 0.05
MATCHING_LOCK = "etl_locks.matching"

# what the matcher reads of a file
_VERSION = (
    "SELECT a.id, a.char_count, s.name, a.source_path, a.feed, a.published_at, a.published_precision,"
    " a.canonical_url, a.canonical_article_id, f.text_sha256, f.shingles, f.signature, f.scheme"
    " FROM articles a JOIN sources s ON s.id = a.source_id"
    " LEFT JOIN article_fingerprints f ON f.article_id = a.id"
)
# one live file per (key, text, group) that shares a key with the new files: enough to decide whether
# the group matches, since files of one text have one signature
_SHARING = (
    "SELECT min(a.id) FROM articles a JOIN article_fingerprints f ON f.article_id = a.id {join}"
    " WHERE {key} IN :ids AND a.deleted_at IS NULL GROUP BY {key}, f.text_sha256, a.canonical_article_id"
)
_SHARING_BAND = _SHARING.format(join="JOIN article_bands b ON b.article_id = a.id", key="b.band_key")
_SHARING_URL = _SHARING.format(join="", key="a.canonical_url")
_SHARING_INSTANT = (
    "SELECT min(a.id) FROM articles a JOIN article_fingerprints f ON f.article_id = a.id"
    " WHERE a.published_at IN :ids AND a.published_precision = 'second' AND a.deleted_at IS NULL"
    " GROUP BY a.feed, a.published_at, f.text_sha256, a.canonical_article_id"
)


@dataclass
class Version:
    """One live file as the matcher compares it."""

    id: int
    key: tuple[int, str, str]  # completeness order: the smallest represents its group
    feed: str
    instant: Any  # the publication instant when stated to the second, else None
    url: str | None
    text: str | None
    shingles: int
    signature: array[int]
    scheme: str | None
    canonical: int
    bands: frozenset[int] = field(default_factory=frozenset)


def serialise(connection: Connection) -> None:
    """Writers group one at a time (Postgres; SQLite has one writer): each then sees what the
    others committed, and no file can miss a match that two loaders committed at once."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"LOCK TABLE {MATCHING_LOCK} IN EXCLUSIVE MODE")


def regroup(connection: Connection, added: Sequence[int], changed: Sequence[int] = ()) -> None:
    """Regroup after these articles were added, or changed or retired, in this transaction."""
    if changed:
        _recompute(connection, sorted({*added, *changed}))
    elif added:
        _merge(connection, sorted(set(added)))


def related(a: Version, b: Version) -> float | None:
    """The similarity of `a` and `b` when they are versions of one article, else None."""
    if a.text is not None and a.text == b.text:
        return 1.0
    if not (a.shingles and b.shingles and a.scheme == b.scheme):
        return None
    similarity = _similarity(a, b)
    if similarity >= NEAR_COPY and a.bands & b.bands:
        return similarity
    if (
        a.instant is not None
        and a.instant == b.instant
        and a.feed == b.feed
        and _containment(similarity, a.shingles, b.shingles) >= REVISION_CONTAINMENT
    ):
        return similarity
    if a.url is not None and a.url == b.url and similarity >= REPOST_SIMILARITY:
        return similarity
    return None


def _similarity(a: Version, b: Version) -> float:
    if a.text is not None and a.text == b.text:
        return 1.0
    if not (a.shingles and b.shingles and a.scheme == b.scheme):
        return 0.0
    return sum(map(operator.eq, a.signature, b.signature)) / PERMUTATIONS


def _containment(similarity: float, first: int, second: int) -> float:
    """The share of the smaller shingle set in the larger, from their Jaccard similarity and sizes."""
    shared = similarity * (first + second) / (1 + similarity)
    return shared / min(first, second)


def _merge(connection: Connection, added: list[int]) -> None:
    """New files join (and so merge) the groups they match; nothing else changes."""
    new = {v.id: v for v in _versions(connection, added)}
    groups_by_text: dict[str, set[int]] = {}
    texts = sorted({v.text for v in new.values() if v.text})
    for sha, group in _select(
        connection,
        "SELECT DISTINCT f.text_sha256, a.canonical_article_id FROM article_fingerprints f"
        " JOIN articles a ON a.id = f.article_id WHERE f.text_sha256 IN :ids AND a.deleted_at IS NULL",
        texts,
    ):
        groups_by_text.setdefault(sha, set()).add(group)
    known = frozenset(sha for sha, groups in groups_by_text.items() if groups - set(new))
    sharing = _sharing(connection, list(new.values()), known)
    others = {v.id: v for v in _versions(connection, sorted(sharing - set(new)))}
    parent: dict[int, int] = {}  # over group ids (a group is named by its representative's id)

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for version in new.values():  # identical texts first: one group, whatever else they share
        find(version.canonical)
        for group in groups_by_text.get(version.text or "", ()):
            parent[find(group)] = find(version.canonical)
    # what each key finds, one file per text and group: the others of a text in a group say the same
    by_key: dict[tuple[Any, ...], dict[tuple[str | None, int], Version]] = {}
    for version in [*others.values(), *new.values()]:
        for key in _keys(version, texts=False):
            by_key.setdefault(key, {}).setdefault((version.text, find(version.canonical)), version)
    for version in new.values():
        # a near-copy shares most bands with its file: each such file compared once, not once a band
        candidates = {o.id: o for key in _keys(version, texts=False) for o in by_key[key].values()}
        root = find(version.canonical)  # what it finds joins it, so its own group stays `root`
        for other in candidates.values():
            if find(other.canonical) != root and related(version, other) is not None:
                parent[find(other.canonical)] = root
    components: dict[int, set[int]] = {}
    for group in list(parent):
        components.setdefault(find(group), set()).add(group)
    merged = [groups for groups in components.values() if len(groups) > 1]  # a file alone changes nothing
    keys = {v.id: v.key for v in _versions(connection, sorted(g for groups in merged for g in groups))}
    for groups in merged:
        representative = min(groups, key=lambda g: keys[g])
        _rename(connection, sorted(groups - {representative}), representative)
        _renew_similarity(connection, representative)


def _recompute(connection: Connection, touched: list[int]) -> None:
    """The groups of these files (before and after their change) recomputed from their members."""
    rows = _select(
        connection,
        "SELECT id, canonical_article_id, CASE WHEN deleted_at IS NULL AND kind <> 'draft' THEN NULL"
        " ELSE 1 END FROM articles WHERE id IN :ids",
        touched,
    )
    # a deleted file and a draft are nobody's version any more
    retired = [row_id for row_id, _, out in rows if out is not None]
    live = [v for v in _versions(connection, [row_id for row_id, _, out in rows if out is None])]
    groups = {canonical for _, canonical, _ in rows}
    groups |= {v.canonical for v in _versions(connection, sorted(_sharing(connection, live)))}
    members = _versions(
        connection,
        sorted(
            row_id
            for (row_id,) in _select(
                connection, "SELECT id FROM articles WHERE canonical_article_id IN :ids", sorted(groups)
            )
        ),
    )
    by_id = {v.id: v for v in [*members, *live]}
    versions = [v for v in by_id.values() if v.id not in retired]
    for component in _components(versions):
        representative = component[0]
        moved = [v.id for v in component if v.canonical != representative.id]
        if moved:
            connection.execute(
                text("UPDATE articles SET canonical_article_id = :c WHERE id = :i"),
                [{"c": representative.id, "i": i} for i in moved],
            )
        _renew_similarity(connection, representative.id)
    if retired:
        connection.execute(
            text("UPDATE articles SET canonical_article_id = id WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": retired},
        )
        connection.execute(
            text("UPDATE article_fingerprints SET similarity = NULL WHERE article_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": retired},
        )


def _components(versions: list[Version]) -> list[list[Version]]:
    """The connected components of `related`, each in completeness order. Pairs are compared only
    within a shared key (each one the lookups could find), one file per text and group, and a key
    whose files are already one group is passed over: identical texts cost no comparisons at all."""
    parent = {v.id: v.id for v in versions}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    by_id = {v.id: v for v in versions}
    buckets: dict[tuple[Any, ...], list[int]] = {}
    for v in sorted(versions, key=lambda v: v.key):
        for key in _keys(v, texts=True):
            buckets.setdefault(key, []).append(v.id)
    for key in sorted(buckets, key=lambda k: k[0] != "text"):  # identical texts first
        ids = buckets[key]
        if key[0] == "text":  # one text is one article: joined without a comparison
            for other in ids[1:]:
                parent[find(other)] = find(ids[0])
            continue
        # files of one text in one group compare alike here (their url and instant have keys of
        # their own): one of each, so a group of 25,000 copies is not 300 million pairs
        first: dict[tuple[Any, int], int] = {}
        for i in ids:
            first.setdefault((by_id[i].text or i, find(i)), i)
        ids = list(first.values())
        if len({find(i) for i in ids}) == 1:
            continue
        for a, b in _pairs(ids):
            if find(a) != find(b) and related(by_id[a], by_id[b]) is not None:
                parent[find(b)] = find(a)
    groups: dict[int, list[Version]] = {}
    for v in sorted(versions, key=lambda v: v.key):
        groups.setdefault(find(v.id), []).append(v)
    return list(groups.values())


def _keys(version: Version, texts: bool) -> list[tuple[Any, ...]]:
    """What `version` can be found by: its text, bands, URL, and feed and instant."""
    keys: list[tuple[Any, ...]] = [("text", version.text)] if texts and version.text else []
    keys += [("band", band) for band in version.bands]
    if version.url:
        keys.append(("url", version.url))
    if version.instant is not None:
        keys.append(("instant", version.feed, version.instant))
    return keys


def _pairs(ids: list[int]) -> Iterator[tuple[int, int]]:
    for index, first in enumerate(ids):
        for second in ids[index + 1 :]:
            yield first, second


def _sharing(
    connection: Connection, versions: Iterable[Version], known_texts: frozenset[str] = frozenset()
) -> set[int]:
    """Live files that share a band, a URL or a feed and instant with these (one per text and group).

    Bands are not looked up for `known_texts`: a text already loaded has its signature's near-copies
    in its group already.
    """
    versions = list(versions)
    found: set[int] = set()
    bands = {band for v in versions if v.text not in known_texts for band in v.bands}
    found |= _ids(connection, _SHARING_BAND, sorted(bands))
    found |= _ids(connection, _SHARING_URL, sorted({v.url for v in versions if v.url}))
    instants = {(v.feed, v.instant) for v in versions if v.instant is not None}
    for other in _versions(
        connection, sorted(_ids(connection, _SHARING_INSTANT, sorted({i for _, i in instants})))
    ):
        if (other.feed, other.instant) in instants:
            found.add(other.id)
    return found


def _rename(connection: Connection, groups: list[int], representative: int) -> None:
    """The members of these groups now belong to `representative`'s."""
    connection.execute(
        text("UPDATE articles SET canonical_article_id = :c WHERE canonical_article_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        {"c": representative, "ids": groups},
    )


def _renew_similarity(connection: Connection, representative: int) -> None:
    """Each member's similarity to the representative, reckoned once per distinct text (the files
    of one text have one signature), written only where it changed."""
    [head] = _versions(connection, [representative])
    texts = _select(
        connection,
        "SELECT DISTINCT f.text_sha256, f.shingles, f.signature, f.scheme FROM article_fingerprints f"
        " JOIN articles a ON a.id = f.article_id WHERE a.canonical_article_id IN :ids",
        [representative],
    )
    for sha, shingles, signature, scheme in texts:
        other = Version(
            0, (0, "", ""), "", None, None, sha, shingles, array("I", bytes(signature)), scheme, 0
        )
        connection.execute(
            text(
                "UPDATE article_fingerprints SET similarity = :s WHERE text_sha256 = :t"
                " AND (similarity IS NULL OR similarity <> :s) AND article_id IN"
                " (SELECT id FROM articles WHERE canonical_article_id = :c AND id <> :c)"
            ),
            {"s": round(_similarity(head, other), 3), "t": sha, "c": representative},
        )
    connection.execute(
        text(
            "UPDATE article_fingerprints SET similarity = NULL"
            " WHERE article_id = :c AND similarity IS NOT NULL"
        ),
        {"c": representative},
    )


def _versions(connection: Connection, ids: Sequence[int]) -> list[Version]:
    # a draft is nobody's version: it stays its own article until it is published
    statement = text(
        f"{_VERSION} WHERE a.id IN :ids AND a.deleted_at IS NULL AND a.kind <> 'draft'"
    ).bindparams(bindparam("ids", expanding=True))
    versions = []
    for chunk in in_chunks(list(ids)):
        for row in connection.execute(statement, {"ids": chunk}):
            (row_id, chars, source, path, feed, at, precision, url, canonical, sha, shingles, signature,
             scheme) = row  # fmt: skip
            version = Version(
                id=row_id,
                key=(-chars, source, path),
                feed=feed,
                instant=at if precision == "second" else None,
                url=url,
                # a text too short to sign (an empty transcript, a title and a link) says nothing
                # of which article a file is: files that share only such a text stay apart
                text=sha if shingles else None,
                shingles=shingles or 0,
                signature=array("I", bytes(signature or b"")),
                scheme=scheme,
                canonical=canonical,
            )
            if version.shingles:
                version.bands = frozenset(band_keys(bytes(signature)))
            versions.append(version)
    return versions


def _select(connection: Connection, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    statement = text(sql).bindparams(bindparam("ids", expanding=True))
    rows: list[tuple[Any, ...]] = []
    for chunk in in_chunks(list(values)):
        rows += [tuple(row) for row in connection.execute(statement, {"ids": chunk})]
    return rows


def _ids(connection: Connection, sql: str, values: Sequence[Any]) -> set[int]:
    return {row_id for (row_id,) in _select(connection, sql, values)}
