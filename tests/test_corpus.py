"""The real GNews/GETTR sample (tests/fixtures/gnews-sample, 198 files): nothing crashes or vanishes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from conftest import BACKENDS, FIXTURES, GOLDEN, Database, fresh_database

SAMPLE = FIXTURES / "gnews-sample"
EXPECTED = json.loads((GOLDEN / "gnews_sample.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The sample loaded once per backend and module; tests here only read it."""
    with fresh_database(request, request.param, tmp_path_factory.mktemp("corpus")) as url:
        db = Database(url)
        db.load(SAMPLE)
        yield db
        db.engine.dispose()


def test_every_file_is_an_article_a_skip_or_an_error(corpus: Database) -> None:
    runs = corpus.rows(
        "SELECT files_seen, articles_inserted, files_skipped, files_failed, status FROM etl_runs WHERE id = 1"
    )
    assert runs == [(198, 187, 11, 0, "succeeded")]
    assert corpus.scalar("SELECT count(*) FROM articles") == 187
    assert corpus.scalar("SELECT count(*) FROM skipped_files WHERE run_id = 1") == 11
    first_run = corpus.rows("SELECT reason FROM skipped_files WHERE run_id = 1")
    reasons = Counter(reason.split(":")[0] for (reason,) in first_run)
    assert reasons == {"index page": 3, "placeholder": 8}
    corpus.load(SAMPLE)
    assert corpus.rows(
        "SELECT files_seen, articles_inserted, articles_unchanged, files_skipped, files_failed"
        " FROM etl_runs ORDER BY id DESC LIMIT 1"
    ) == [(198, 0, 187, 11, 0)]


def test_transcripts_and_gnews_articles_have_title_and_date(corpus: Database) -> None:
    missing = corpus.rows(
        "SELECT source_path FROM articles"
        " WHERE (source_path LIKE 'content/transcript/%' OR source_path LIKE 'content/gnews/%')"
        " AND (title IS NULL OR title = '' OR published_at IS NULL)"
    )
    assert missing == []
    assert (
        corpus.scalar(
            "SELECT count(*) FROM articles WHERE source_path LIKE 'content/transcript/%'"
            " OR source_path LIKE 'content/gnews/%'"
        )
        == 175
    )


def test_wiki_artefacts_and_zero_width_characters_are_gone(corpus: Database) -> None:
    assert corpus.scalar("SELECT count(*) FROM articles WHERE body_text LIKE '%[[zh:%'") == 0
    assert corpus.scalar("SELECT count(*) FROM articles WHERE body_text LIKE :zw", zw="%\u200b%") == 0
    assert corpus.scalar("SELECT count(*) FROM articles WHERE body_text LIKE '%&#39;%'") == 0


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_sample_file_matches_golden(corpus: Database, path: str) -> None:
    expected = EXPECTED[path]
    if "skipped" in expected:
        assert corpus.rows("SELECT DISTINCT reason FROM skipped_files WHERE source_path = :p", p=path) == [
            (expected["skipped"],)
        ]
        assert corpus.scalar("SELECT count(*) FROM articles WHERE source_path = :p", p=path) == 0
        return
    (article_id, title, published, precision, canonical, summary, *language) = corpus.rows(
        "SELECT id, title, published_at, published_precision, canonical_url, summary,"
        " language, script, source_encoding FROM articles WHERE source_path = :p",
        p=path,
    )[0]
    assert language == [expected["language"], expected["script"], expected["source_encoding"]]
    assert title == expected["title"]
    assert str(published)[:19] == expected["published_at"]
    assert precision == expected["published_precision"]
    assert canonical == expected["canonical_url"]
    assert summary.startswith(expected["summary_starts"])
    credits = corpus.rows(
        "SELECT au.name, aa.role, aa.affiliation FROM article_authors aa"
        " JOIN authors au ON au.id = aa.author_id"
        " WHERE aa.article_id = :id ORDER BY aa.position",
        id=article_id,
    )
    assert [list(c) for c in credits] == expected["credits"]
    assert (
        corpus.scalar("SELECT count(*) FROM article_images WHERE article_id = :id", id=article_id)
        == (expected["images"])
    )
    assert (
        corpus.scalar("SELECT count(*) FROM article_links WHERE article_id = :id", id=article_id)
        == (expected["links"])
    )
