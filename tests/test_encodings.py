"""Archives in legacy encodings, on both backends: real text encoded into GB18030, GBK, Big5,
Shift_JIS, EUC-KR and windows-1252 loads with the right title, body, encoding and language; a
UTF-8 file with one broken sequence loads with a warning; binary data is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, Database

TEXTS = FIXTURES / "encodings"
COURT = (
    FIXTURES / "gnews-sample" / "content" / "court-case-2024" / "Case-23_cr_00118_Transcript-22-05-2024.md"
)
SEED = (SEEDS / "000_79dec9e98373e082.txt").read_text(encoding="utf-8")


def _post(title: str, body: str) -> str:
    return f"---\ntitle: '{title}'\ndate: 2024-05-22 10:00:00\ncategories: [archive]\n---\n{body}\n"


def _text(name: str) -> tuple[str, str]:
    first, _, rest = (TEXTS / name).read_text(encoding="utf-8").partition("\n")
    return first, rest


# file -> (bytes, title, a phrase of the body, encoding stored, language, script)
def _cases() -> dict[str, tuple[bytes, str, str, str, str, str | None]]:
    japanese, korean, traditional = (
        _text("japanese.txt"),
        _text("korean.txt"),
        _text("traditional-chinese.txt"),
    )
    court = COURT.read_text(encoding="utf-8")
    return {
        "gb18030.md": (
            SEED.encode("gb18030"),
            "半夜1点，克里姆林宫电话响了",
            "克里姆林宫电话铃声响了",
            "gb18030",
            "zh",
            "zh-Hans",
        ),
        "gbk.md": (
            SEED.encode("gbk"),
            "半夜1点，克里姆林宫电话响了",
            "克里姆林宫电话铃声响了",
            "gb18030",
            "zh",
            "zh-Hans",
        ),
        "big5.md": (
            _post(*traditional).encode("big5"),
            "如何在 Python 中使用既有的 C library?",
            "在資訊科技快速發展的今天",
            "big5hkscs",
            "zh",
            "zh-Hant",
        ),
        "shift-jis.md": (
            _post(*japanese).encode("shift_jis"),
            "Python の開発は、1990 年ごろから開始されています。",
            "開発者の Guido van Rossum は教育用のプログラミング言語「ABC」",
            "cp932",
            "ja",
            None,
        ),
        "euc-kr.md": (
            _post(*korean).encode("euc_kr"),
            "◎ 파이썬(Python)은 배우기 쉽고, 강력한 프로그래밍 언어입니다. 파이썬은",
            "효율적인 고수준 데이터 구조와 간단하지만 효율적인 객체지향프로그래밍을",
            "cp949",
            "ko",
            None,
        ),
        "windows-1252.md": (
            _post("Transcript of May 22, 2024", court).encode("cp1252"),
            "Transcript of May 22, 2024",
            "UNITED STATES DISTRICT COURT",
            "cp1252",
            "en",
            None,
        ),
    }


@pytest.fixture
def loaded(db: Database, tmp_path: Path) -> Database:
    folder = tmp_path / "legacy"
    folder.mkdir()
    for name, (data, *_) in _cases().items():
        (folder / name).write_bytes(data)
    cut = SEED.encode("utf-8").replace(
        "克里姆林宫电话铃声响了".encode(), "克里姆林宫电话铃声响了".encode() + "😀".encode()[:2], 1
    )
    (folder / "cut-emoji.md").write_bytes(cut)
    (folder / "binary.md").write_bytes(b"---\ntitle: x\n---\n" + bytes(range(256)) * 8)
    db.load(folder, "--workers", "1", expect_exit=1)
    return db


@pytest.mark.parametrize("name", sorted(_cases()))
def test_each_encoding_loads_with_the_right_text(loaded: Database, name: str) -> None:
    _, title, phrase, encoding, language, script = _cases()[name]
    row = loaded.rows(
        "SELECT title, body_text, source_encoding, language, script FROM articles WHERE source_path = :p",
        p=name,
    )
    assert row, f"{name} did not load"
    (stored_title, body, stored_encoding, stored_language, stored_script) = row[0]
    assert stored_title == title
    assert phrase in body
    assert "\ufffd" not in body
    assert (stored_encoding, stored_language, stored_script) == (encoding, language, script)


def test_windows_1252_keeps_its_dashes_and_accents(loaded: Database) -> None:
    body = loaded.scalar("SELECT body_text FROM articles WHERE source_path = 'windows-1252.md'")
    assert isinstance(body, str)
    assert (body.count("—"), body.count("é")) == (310, 3)


def test_utf8_with_one_broken_sequence_loads_with_a_warning(loaded: Database) -> None:
    body = loaded.scalar("SELECT body_text FROM articles WHERE source_path = 'cut-emoji.md'")
    assert isinstance(body, str)
    assert "克里姆林宫电话铃声响了\ufffd" in body
    offset = SEED.encode("utf-8").index("克里姆林宫电话铃声响了".encode()) + len(
        "克里姆林宫电话铃声响了".encode()
    )
    assert loaded.rows("SELECT stage, warning FROM file_warnings WHERE source_path = 'cut-emoji.md'") == [
        ("extract", f"not valid UTF-8 at byte offset {offset}-{offset + 1}: 1 sequence replaced by U+FFFD")
    ]
    assert loaded.scalar("SELECT source_encoding FROM articles WHERE source_path = 'cut-emoji.md'") == "utf-8"
    assert loaded.scalar("SELECT files_warned FROM etl_runs") == 1


def test_binary_data_still_fails_with_a_reason(loaded: Database) -> None:
    assert loaded.rows("SELECT source_path, stage, error FROM load_errors") == [
        (
            "binary.md",
            "extract",
            "binary data: it holds NUL bytes and is not valid UTF-8 (byte 0x80 at offset 145)",
        )
    ]


def test_stats_by_encoding_and_language(loaded: Database) -> None:
    # the seed in GB18030, in GBK and in UTF-8 with a cut emoji is one article, three copies of one
    # text; the most complete (the UTF-8 one: one character more, U+FFFD) stands for it
    assert loaded.rows("SELECT source_path, version_count FROM v_articles WHERE source_path LIKE 'cut%'") == [
        ("cut-emoji.md", 3)
    ]
    assert loaded.run("stats", "--by", "encoding", "--format", "csv").stdout == (
        "encoding,articles\nbig5hkscs,1\ncp1252,1\ncp932,1\ncp949,1\nutf-8,1\n"
    )
    assert loaded.run("stats", "--by", "language", "--format", "csv").stdout == (
        "language,script,articles\nen,(none),1\nja,(none),1\nko,(none),1\nzh,zh-Hans,1\nzh,zh-Hant,1\n"
    )
    view = loaded.rows(
        "SELECT language, script, source_encoding FROM v_articles WHERE source_path = 'big5.md'"
    )
    assert view == [("zh", "zh-Hant", "big5hkscs")]


def test_a_declared_charset_is_honoured(db: Database, tmp_path: Path) -> None:
    """GBK bytes that charset detection alone could read otherwise: the page says what they are."""
    page = '<html><head><meta charset="gb2312"></head><body><p>国标码</p></body></html>'
    (tmp_path / "declared.md").write_bytes(page.encode("gbk"))
    db.load(tmp_path / "declared.md")
    assert db.rows("SELECT body_text, source_encoding FROM articles") == [("国标码", "gb18030")]
