"""Forty-odd kinds of broken or hostile files: none crashes a run, each is an article, a skip or an
error a person can read, and the counts add up. Generated here; nothing large is committed."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from conftest import SEEDS, Database

SEED = (SEEDS / "000_79dec9e98373e082.txt").read_text(encoding="utf-8")
BILLION_LAUGHS = (
    "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    + "---\nbody\n"
)


def _cases() -> dict[str, bytes]:
    utf8 = str.encode
    return {
        "empty.md": b"",
        "whitespace.md": b" \n\t\n  \r\n",
        "binary.md": bytes(range(256)) * 4,
        "nul-in-text.md": utf8("---\ntitle: a\x00b\n---\n<p>x\x00y</p>"),
        "unclosed-yaml.md": utf8("---\ntitle: [unclosed\n"),
        "malformed-yaml.md": utf8("---\ntitle: : :\n  - x\n bad: indent\n---\nbody"),
        "list-front-matter.md": utf8("---\n- a\n- b\n---\nbody"),
        "scalar-front-matter.md": utf8("---\njust words\n---\nbody"),
        "python-tag.md": utf8("---\nx: !!python/object/apply:os.system ['echo pwned > pwned']\n---\nb"),
        "alias-bomb.md": utf8(BILLION_LAUGHS),
        "toml-front-matter.md": utf8('+++\ntitle = "TOML"\n+++\n正文。'),
        "json-front-matter.md": utf8('{\n"title": "JSON"\n}\n正文。'),
        "invalid-utf8.md": b"---\ntitle: caf\xe9\n---\n",
        "utf16.md": codecs.BOM_UTF16_LE + "---\ntitle: 十六\n---\n正文".encode("utf-16-le"),
        "gb18030.md": "---\ntitle: 国标\n---\n正文".encode("gb18030"),
        "deep-html.md": utf8("<div>" * 50_000 + "深" + "</div>" * 50_000),
        "huge-body.md": utf8("<p>" + "长文本。" * 2_500_000 + "</p>"),
        "many-images.md": utf8(
            "".join(f'<img src="https://img.example.com/{n}.png">' for n in range(10_000))
        ),
        "data-uri.md": utf8('<p><img src="data:image/png;base64,' + "A" * 3_000_000 + '"></p>'),
        "urls.md": utf8(
            '<p><a href="javascript:alert(1)">js</a><a href="mailto:x@y.z">m</a><a href="/rel">r</a>'
            '<a href="http://[::1">broken</a><a href="https://пример.рф/путь">idn</a>'
            '<a href="https://a.com/' + "x" * 5000 + '">long</a></p>'
        ),
        "absurd-sizes.md": utf8('<img src="https://a.com/i.png" width="-5" height="99999999999px">'),
        "long-title.md": utf8("---\ntitle: " + "长" * 100_000 + "\n---\n<p>x</p>"),
        "long-anchor.md": utf8('<p><a href="https://a.com/">' + "a" * 100_000 + "</a></p>"),
        "long-tag.md": utf8("---\ntags: [" + "t" * 100_000 + "]\ncategories: [" + "c" * 50_000 + "]\n---\nx"),
        "date-zero.md": utf8("---\ntitle: z\ndate: 0000-00-00\n---\nx"),
        "date-far.md": utf8("---\ntitle: f\ndate: 9999-12-31\n---\nx"),
        "date-words.md": utf8("---\ntitle: w\ndate: yesterday\n---\nx"),
        "date-invalid.md": utf8("---\ntitle: i\ndate: Invalid Date\n---\nx"),
        "date-object.md": utf8("---\ntitle: o\ndate: {a: 1}\n---\nx"),
        "author-list.md": utf8("---\ntitle: l\nauthor: [甲, [乙], {name: 丙}, 3]\n---\nx"),
        "categories-nested.md": utf8("---\ntitle: n\ncategories: [[a, [b]], {c: d}, 5]\n---\nx"),
        "mixed-newlines.md": utf8("---\r\ntitle: crlf\r\n---\r\n正文\r第二\n第三"),
        "bom-front-matter.md": codecs.BOM_UTF8 + utf8("\n\n---\ntitle: bom\n---\nx"),
        "only-front-matter.md": utf8("---\ntitle: 只有标题\n---\n"),
        "unclosed-tags.md": utf8("<p><b><i><a href='https://a.com/'>open"),
        "script-only.md": utf8("<script>alert(1)</script><style>p{}</style>"),
        "zero-width.md": utf8("## 标\u200b题\n\n正\u200b文\ufeff。"),
        "wiki.md": utf8("## 标题\n\n[[zh:美国]]与[[中国]]"),
        "name with spaces.md": utf8("## 空格\n\n正文。"),
        "名字.md": utf8("## 中文名\n\n正文。"),
        "seed-copy.txt": utf8(SEED),
    }


def _write(folder: Path) -> int:
    for name, data in _cases().items():
        (folder / name).write_bytes(data)
    (folder / "x.md").mkdir()  # a directory named like an article
    (folder / "loop").symlink_to(folder)  # a symlink loop
    return len(_cases())


def test_generator_makes_forty_kinds() -> None:
    assert len(_cases()) >= 40


@pytest.mark.parametrize("workers", ["2"])
def test_hostile_files_never_crash_a_run(db: Database, tmp_path: Path, workers: str) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    count = _write(folder)
    result = db.run("run", str(folder), "--workers", workers, expect_exit=1)
    assert "Traceback" not in result.output
    (seen, inserted, failed, skipped) = db.rows(
        "SELECT files_seen, articles_inserted, files_failed, files_skipped FROM etl_runs"
    )[0]
    assert seen == count
    assert inserted + failed + skipped == seen
    errors = dict(db.rows("SELECT source_path, error FROM load_errors"))
    assert set(errors) == {
        "binary.md",
        "list-front-matter.md",
        "scalar-front-matter.md",
        "python-tag.md",
        "alias-bomb.md",
    }
    assert errors["alias-bomb.md"] == "front matter expands to more than 100,000 values"
    assert errors["binary.md"].startswith("binary data: it holds NUL bytes")
    assert errors["python-tag.md"].startswith("front matter cannot be parsed:")
    # legacy encodings are detected; YAML that does not parse is read line by line, with a warning
    encoded = db.rows(
        "SELECT source_path, title, source_encoding FROM articles"
        " WHERE source_path IN ('invalid-utf8.md', 'gb18030.md', 'utf16.md') ORDER BY source_path"
    )
    assert encoded == [
        ("gb18030.md", "国标", "gb18030"),
        ("invalid-utf8.md", "café", "cp1252"),
        ("utf16.md", "十六", "utf-16"),
    ]
    assert db.rows("SELECT source_path, stage FROM file_warnings") == [("malformed-yaml.md", "extract")]
    assert not Path("pwned").exists() and not (folder / "pwned").exists()
    titles = dict(db.rows("SELECT source_path, title FROM articles"))
    assert titles["utf16.md"] == "十六"
    assert titles["bom-front-matter.md"] == "bom"
    assert len(titles["long-title.md"]) == 100_000
    assert titles["zero-width.md"] == "标题"
    assert titles["name with spaces.md"] == "空格"
    assert titles["名字.md"] == "中文名"
    assert (
        db.scalar(
            "SELECT count(*) FROM article_images ai JOIN articles a ON a.id = ai.article_id"
            " WHERE a.source_path = 'many-images.md'"
        )
        == 10_000
    )
    data_image = db.scalar("SELECT max(length(url)) FROM images WHERE url LIKE 'data:%'")
    assert data_image < 100
    assert db.scalar("SELECT max(length(name)) FROM tags") == 200
    assert (
        db.scalar(
            "SELECT count(*) FROM articles WHERE published_at IS NOT NULL AND source_path LIKE 'date-%'"
        )
        == 0
    )
    assert db.scalar("SELECT body_text FROM articles WHERE source_path = 'nul-in-text.md'") == "xy"
    assert os.path.islink(folder / "loop")
