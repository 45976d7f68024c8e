"""Language and script of real articles: the CJK fast path says what py3langid says, at a tenth of
its cost, and the script follows the text, not the site's boilerplate."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SEEDS

from etl.extract import discover_files, read_document
from etl.records import Article
from etl.transform import transform
from etl.transform.language import SAMPLE_CHARS, _identifier, identify
from etl.transform.scripts import ZH_HANS, ZH_HANT, chinese_script


def _articles() -> list[Article]:
    found = []
    for source in discover_files([FIXTURES / "gnews-sample", SEEDS]):
        outcome = transform(read_document(source))
        if isinstance(outcome, Article):
            found.append(outcome)
    return found


def test_the_script_path_agrees_with_py3langid_on_every_real_article() -> None:
    articles = _articles()
    assert len(articles) == 191
    for article in articles:
        sample = f"{article.title or ''}\n{article.body_text[:SAMPLE_CHARS]}"
        by_model = next(label for label, _ in _identifier().rank(sample) if len(label) == 2)
        assert identify(article.title, article.body_text)[0] == by_model, article.source.source_path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("japanese.txt", ("ja", None)),
        ("korean.txt", ("ko", None)),
        ("traditional-chinese.txt", ("zh", ZH_HANT)),
    ],
)
def test_japanese_korean_and_traditional_text(name: str, expected: tuple[str, str | None]) -> None:
    text = (FIXTURES / "encodings" / name).read_text(encoding="utf-8")
    assert identify(None, text) == expected


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("烏克蘭總統澤連斯基說", ZH_HANT),
        ("乌克兰总统泽连斯基说", ZH_HANS),
        ("已轉發\n七哥的话一次又一次的被验证", ZH_HANS),  # a Traditional site's boilerplate, Simplified words
        ("長期服用安眠藥恐上癮　專家從安眠藥歷史揭常見副作用", ZH_HANT),
    ],
)
def test_script_by_which_characters_the_text_uses(text: str, script: str) -> None:
    assert chinese_script(text) == script


def test_text_without_letters_has_no_language() -> None:
    assert identify(None, "2024 — 12:30 !!!") == (None, None)
    assert identify("The court", "Good morning. Please be seated; we resume.") == ("en", None)
