"""Shared rows (authors, tags, categories, domains, images, links) resolved to ids, cached."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection, Table, bindparam, select, update

from etl.load.sql import Row, in_chunks, insert_rows
from etl.records import Article
from etl.schema.tables import authors, categories, domains, images, links, tags

CATEGORY_SEPARATOR = "/"
# ids kept per table; past this the table's cache starts afresh, so memory does not grow with the
# archive (a miss costs one INSERT … ON CONFLICT DO NOTHING and one SELECT for the batch)
MAX_CACHED_KEYS = 10_000


class SharedRows:
    """Maps natural keys to ids; ids learnt in an open transaction count only once it commits."""

    def __init__(self) -> None:
        self._known: dict[str, dict[str, int]] = {}
        self._staged: dict[str, dict[str, int]] = {}

    def commit(self) -> None:
        for table, ids in self._staged.items():
            known = self._known.setdefault(table, {})
            if len(known) + len(ids) > MAX_CACHED_KEYS:
                known.clear()
            known.update(ids)
        self._staged.clear()

    def rollback(self) -> None:
        self._staged.clear()

    def ids(self, table: Table) -> Mapping[str, int]:
        """Natural key -> id for `table`: what is known, and what the open transaction learnt."""
        return ChainMap(self._staged.get(table.name, {}), self._known.get(table.name, {}))

    def ensure(
        self, connection: Connection, table: Table, key: str, columns: Sequence[str], rows: dict[str, Row]
    ) -> list[str]:
        """Make sure a row exists for every key in `rows` (key -> values in the order of `columns`)
        and learn its id; the keys that were not known before."""
        known = self.ids(table)
        # sorted: concurrent loaders then take the unique-index locks in one order, never a cycle
        missing = sorted(value for value in rows if value not in known)
        if not missing:
            return missing
        for batch in in_chunks(missing):
            insert_rows(connection, table, columns, [rows[value] for value in batch], conflict_key=key)
        staged = self._staged.setdefault(table.name, {})
        column = table.c[key]
        for batch in in_chunks(missing):
            for row_id, value in connection.execute(select(table.c.id, column).where(column.in_(batch))):
                staged[value] = row_id
        return missing

    def resolve(self, connection: Connection, articles: Iterable[Article]) -> None:
        """Ensure every shared row the articles refer to, parents before children."""
        articles = list(articles)
        people = {c.name: (c.name, c.person) for a in articles for c in a.credits}
        found = self.ensure(connection, authors, "name", ("name", "person"), people)
        _name_the_people(connection, found, people)
        tag_names = {t for a in articles for t in a.tags}
        self.ensure(connection, tags, "name", ("name",), {t: (t,) for t in tag_names})
        self._resolve_categories(connection, {p for a in articles for p in a.categories})
        hosts = {d.host: (d.host, d.registered_domain) for a in articles for d in a.domains}
        self.ensure(connection, domains, "host", ("host", "registered_domain"), hosts)
        domain_ids = self.ids(domains)
        for table, refs in (
            (images, [i for a in articles for i in a.images]),
            (links, [lk for a in articles for lk in a.links]),
        ):
            rows = {r.url: (r.url, domain_ids.get(r.host or "")) for r in refs}
            self.ensure(connection, table, "url", ("url", "domain_id"), rows)

    def _resolve_categories(self, connection: Connection, paths: set[tuple[str, ...]]) -> None:
        prefixes = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
        for depth in sorted({len(p) for p in prefixes}):
            known = self.ids(categories)
            rows = {}
            for prefix in (p for p in prefixes if len(p) == depth):
                parent = CATEGORY_SEPARATOR.join(prefix[:-1])
                path = category_path(prefix)
                rows[path] = (prefix[-1], path, depth, known[parent] if parent else None)
            self.ensure(connection, categories, "path", ("name", "path", "depth", "parent_id"), rows)


def _name_the_people(connection: Connection, names: list[str], people: dict[str, Row]) -> None:
    """Authors that an etl before 0.6 inserted have no person yet: they get theirs when met."""
    if names:
        connection.execute(
            update(authors).where(authors.c.name == bindparam("n"), authors.c.person.is_(None)),
            [{"n": name, "person": people[name][1]} for name in names],
        )


def category_path(names: tuple[str, ...]) -> str:
    return CATEGORY_SEPARATOR.join(names)
