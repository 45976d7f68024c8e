"""One real article is one row in the views: copies, revisions and re-posts are grouped, look-alikes
are not, and the groups depend only on which files are loaded.

The labelled set is real: 75 files of three public Hexo RSS mirrors (tests/fixtures/revisions,
labels.json: 42 same-article pairs, 60 look-alikes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, Database, fresh_database

REVISIONS = FIXTURES / "revisions"
MIRRORS = sorted(p for p in REVISIONS.iterdir() if p.is_dir())
LABELS = json.loads((REVISIONS / "labels.json").read_text(encoding="utf-8"))
ARCHIVE = FIXTURES / "gnews-archive"
SAMPLE = FIXTURES / "gnews-sample"


def groups(db: Database) -> set[frozenset[str]]:
    """The live files by real article, as `source/path`."""
    found: dict[int, set[str]] = {}
    for canonical, source, path in db.rows(
        "SELECT a.canonical_article_id, s.name, a.source_path FROM articles a"
        " JOIN sources s ON s.id = a.source_id WHERE a.deleted_at IS NULL"
    ):
        found.setdefault(canonical, set()).add(f"{source}/{path}")
    return {frozenset(files) for files in found.values()}


def representatives(db: Database) -> set[str]:
    return {f"{source}/{path}" for source, path in db.rows("SELECT source, source_path FROM v_articles")}


def test_the_labelled_set_is_grouped_as_labelled(db: Database) -> None:
    db.load(*MIRRORS)
    group_of = {file: index for index, files in enumerate(groups(db)) for file in files}
    found = [p for p in LABELS["pairs"] if p["same"] and group_of[p["a"]] == group_of[p["b"]]]
    merged = [p for p in LABELS["pairs"] if not p["same"] and group_of[p["a"]] == group_of[p["b"]]]
    positives = [p for p in LABELS["pairs"] if p["same"]]
    assert (len(found), len(positives)) == (42, 42)  # every copy, revision and repost pair
    assert merged == []  # no look-alike (60 pairs) and no unrelated pair (2,673) is one article
    assert db.scalar("SELECT count(*) FROM v_articles") == len(groups(db)) == 45
    kinds = dict(
        db.rows("SELECT match, count(*) FROM v_article_versions WHERE match IS NOT NULL GROUP BY match")
    )
    assert kinds == {"copy": 3, "repost": 17, "revision": 10}


def test_a_revision_is_found_and_the_longer_version_represents_it(db: Database) -> None:
    db.load(*MIRRORS)
    rows = db.rows(
        "SELECT v.source_path, v.match, v.similarity, v.is_canonical FROM v_article_versions v"
        " WHERE v.source_path LIKE '%普京宣布承认%' ORDER BY v.is_canonical DESC, v.source_path"
    )
    assert rows == [
        ("source/_posts/新媒体/观察者网/头条/普京宣布承认_乌东地区_独立.md", None, None, 1),
        (
            "source/_posts/新媒体/观察者网/头条/普京宣布承认乌东地区独立.md",
            "revision",
            pytest.approx(0.8, abs=0.1),
            0,
        ),
    ]
    assert (
        db.scalar(
            "SELECT version_count FROM v_articles WHERE source_path LIKE '%普京宣布承认_乌东地区_独立.md'"
        )
        == 2
    )


def test_groups_do_not_depend_on_order_batches_or_shards(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    results = []
    # all at once; mirror by mirror in reverse; in two halves; as three shards loaded at once
    for way in ("together", "reversed", "halves", "shards"):
        (tmp_path / way).mkdir()
        with fresh_database(request, "postgres", tmp_path / way) as url:
            db = Database(url)
            if way == "together":
                db.load(*MIRRORS)
            elif way == "reversed":
                for mirror in reversed(MIRRORS):
                    db.load(mirror)
            elif way == "halves":
                _in_two_halves(db, tmp_path / way)
            else:
                _as_shards(url, tmp_path / way)
            results.append((groups(db), representatives(db)))
            db.engine.dispose()
    assert all(result == results[0] for result in results[1:])


def _in_two_halves(db: Database, tmp_path: Path) -> None:
    """Half of every mirror's files first, the rest in a second run (the same sources)."""
    copies = []
    for mirror in MIRRORS:
        copy = tmp_path / mirror.name
        shutil.copytree(mirror, copy)
        copies.append(copy)
    held = tmp_path / "held"
    files = sorted(p for copy in copies for p in copy.rglob("*.md"))
    for file in files[1::2]:
        target = held / file.relative_to(tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        file.rename(target)
    db.load(*copies)
    for file in sorted(held.rglob("*.md")):
        file.rename(tmp_path / file.relative_to(held))
    db.load(*copies)
    assert db.scalar("SELECT count(*) FROM articles WHERE deleted_at IS NULL") == len(files)
    # the groups are named as the other loads name them: by mirror
    assert {name for (name,) in db.rows("SELECT name FROM sources")} == {m.name for m in MIRRORS}


def _as_shards(url: str, tmp_path: Path) -> None:
    shards = [
        subprocess.Popen(
            [sys.executable, "-m", "etl", "run", *map(str, MIRRORS), "--db", url, "--shard", f"{k}/3",
             "--workers", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2, 3)
    ]  # fmt: skip
    for shard in shards:
        out, err = shard.communicate(timeout=300)
        assert shard.returncode == 0, out + err


def test_a_file_that_changes_or_goes_leaves_its_group(db: Database, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "a")
    shutil.copy(SEEDS / "000_79dec9e98373e082.txt", tmp_path / "a" / "copy-of-000.txt")
    db.load(tmp_path / "a")
    assert db.scalar("SELECT count(*) FROM v_articles") == 4
    assert db.scalar("SELECT max(version_count) FROM v_articles") == 2
    # the copy is edited into another story: the group splits
    copy = tmp_path / "a" / "copy-of-000.txt"
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.split("<p>", 3)[0] + "<p>另一篇完全不同的文章，只有一段。</p>", encoding="utf-8")
    db.load(tmp_path / "a")
    assert db.scalar("SELECT count(*) FROM v_articles") == 5
    # it becomes a copy again, then its original goes: the copy stands for the article
    shutil.copy(SEEDS / "000_79dec9e98373e082.txt", copy)
    db.load(tmp_path / "a")
    assert db.scalar("SELECT count(*) FROM v_articles") == 4
    (tmp_path / "a" / "000_79dec9e98373e082.txt").unlink()
    db.load(tmp_path / "a")
    assert db.rows("SELECT source_path, version_count FROM v_articles WHERE title LIKE '半夜1点%'") == [
        ("copy-of-000.txt", 1)
    ]
    deleted = db.scalar("SELECT canonical_article_id = id FROM articles WHERE deleted_at IS NOT NULL")
    assert deleted in (1, True)


def test_the_seeds_are_four_articles(db: Database) -> None:
    """000 and 002 share a feed, an author and a fortnight, but are different articles."""
    db.load(SEEDS)
    assert db.rows("SELECT count(*), sum(version_count) FROM v_articles") == [(4, 4)]
    assert db.scalar("SELECT count(*) FROM article_fingerprints WHERE similarity IS NOT NULL") == 0


def test_gnews_transcript_copies_are_one_article(db: Database) -> None:
    """The 2019-07-27 transcript saved under several thread ids; a court transcript as .md and .txt."""
    db.load(SAMPLE, ARCHIVE)
    rows = db.rows(
        "SELECT v.source, v.source_path, v.match FROM v_article_versions v"
        " WHERE v.canonical_article_id IN (SELECT canonical_article_id FROM articles"
        "   WHERE source_path LIKE '%20190727-53715693.md')"
        " ORDER BY v.source_path, v.source"
    )
    assert rows == [
        ("gnews-archive", "content/transcript/2019/07/20190727-53715253.md", None),
        ("gnews-archive", "content/transcript/2019/07/20190727-53715335.md", "copy"),
        ("gnews-sample", "content/transcript/2019/07/20190727-53715693.md", "repost"),
    ]
    twins = db.rows(
        "SELECT source_path, is_canonical FROM v_article_versions"
        " WHERE source = 'gnews-archive'"
        " AND source_path LIKE 'content/court-case-2024/Case-23_cr_00118_Transcript-22%'"
        " ORDER BY source_path"
    )
    assert [is_canonical for _, is_canonical in twins].count(1) == 1 and len(twins) == 2


def test_files_without_text_are_not_copies_of_each_other(db: Database) -> None:
    """22 sample transcripts have a title and no text: an empty text says nothing of identity."""
    db.load(SAMPLE)
    empty = db.rows(
        "SELECT count(*), count(DISTINCT canonical_article_id) FROM articles WHERE char_count = 0"
    )
    assert empty == [(22, 22)]
    assert db.scalar("SELECT count(*) FROM v_articles WHERE char_count = 0") == 22


def test_search_and_stats_count_each_article_once(db: Database, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "a")
    shutil.copytree(SEEDS, tmp_path / "b")
    # an older version in b holds a word the representative does not
    older = tmp_path / "b" / "000_79dec9e98373e082.txt"
    older.write_text(older.read_text(encoding="utf-8").replace("电话铃声", "电话铃", 1), encoding="utf-8")
    db.load(tmp_path / "a", tmp_path / "b")
    assert db.scalar("SELECT count(*) FROM articles") == 8
    hits = json.loads(db.run("search", "克里姆林宫", "--format", "json").stdout)
    assert len(hits) == len({h["article_id"] for h in hits}) == 2  # seeds 000 and 003, each once
    hits = json.loads(db.run("search", "电话铃声", "--format", "json").stdout)
    assert len(hits) == 1
    only_old = json.loads(db.run("search", '"电话铃响了"', "--format", "json").stdout)
    assert [h["article_id"] for h in only_old] == [h["article_id"] for h in hits]
    assert "电话铃响了" in only_old[0]["snippet"]
    months = db.run("stats", "--by", "month", "--format", "json").stdout
    assert sum(row["articles"] for row in json.loads(months)) == 4


def test_a_group_of_thousands_of_copies_is_recomputed_without_comparing_them(monkeypatch) -> None:
    """A changed file regroups its whole group: 3,000 copies of one text and a near-copy cost a
    handful of comparisons (pairwise, 4.5 million: 167 s for one edited file of a 100,000-file archive)."""
    from array import array

    from etl.load import matching
    from etl.transform.fingerprint import fingerprint

    text = (SEEDS / "001_ff1f44015ba36125.txt").read_text(encoding="utf-8").split("---", 2)[2]
    prints = [fingerprint(text), fingerprint(text.replace("。", "。又", 3))]

    def version(row_id: int, which: int) -> matching.Version:
        found = prints[which]
        return matching.Version(
            id=row_id, key=(-len(text), "s", f"{row_id:05d}.md"), feed="f", instant=None, url=None,
            text=found.text_sha256, shingles=found.shingles, signature=array("I", found.signature),
            scheme=found.scheme, canonical=row_id, bands=frozenset(found.bands),
        )  # fmt: skip

    pairs, compared = [], []
    every_pair = matching._pairs
    monkeypatch.setattr(matching, "_pairs", lambda ids: (pairs.append(p) or p for p in every_pair(ids)))
    monkeypatch.setattr(matching, "related", lambda a, b: compared.append((a.id, b.id)) or 1.0)
    versions = [version(i, 0) for i in range(1, 3001)] + [version(3001, 1), version(3002, 1)]
    [component] = matching._components(versions)
    assert [v.id for v in component][:2] == [1, 2] and len(component) == 3002
    assert pairs == compared == [(1, 3001)]
