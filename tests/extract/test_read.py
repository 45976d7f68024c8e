"""Extract: discovery, decoding and front matter splitting on real and odd inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import ExtractError
from etl.extract import discover_files, read_document
from etl.extract.decode import decode_text
from etl.extract.split import split_front_matter
from etl.records import SourceFile


def _read(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return read_document(SourceFile(str(tmp_path), str(path), name, len(data), 0))


def test_discovers_suffixes_recursively_in_order(tmp_path: Path) -> None:
    for name in ["b.md", "a/c.markdown", "a/d.TXT", "e.html", ".git/f.md", "g.md/h.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [f.source_path for f in discover_files([tmp_path])]
    assert found == ["b.md", "a/c.markdown", "a/d.TXT", "g.md/h.txt"]


def test_single_file_root_is_named_by_its_file_name() -> None:
    seed = SEEDS / "001_ff1f44015ba36125.txt"
    assert [f.source_path for f in discover_files([seed])] == ["001_ff1f44015ba36125.txt"]


def test_seed_with_leading_blank_line_has_front_matter() -> None:
    source = next(discover_files([SEEDS]))
    doc = read_document(source)
    assert doc.metadata["categories"] == ["新媒体", "观察者网", "头条"]
    assert doc.metadata["comments"] is False
    assert doc.body.startswith("<div>")
    assert doc.content_sha256 == "3ab54233610f76dc0fb77ef2f3e7b62f2e0dfdecfe5c4b0334c91725fa83ec58"


def test_bom_and_blank_lines_before_front_matter(tmp_path: Path) -> None:
    doc = _read(tmp_path, "a.md", b"\xef\xbb\xbf\n\n---\ntitle: Hi\n---\nBody\r\n")
    assert (doc.metadata, doc.body) == ({"title": "Hi"}, "Body")


def test_no_front_matter_and_a_thematic_break(tmp_path: Path) -> None:
    doc = _read(tmp_path, "a.md", "###  [:house:返回](README.md)\n---\n\n## 标题\n".encode())
    assert doc.metadata == {}
    assert doc.body == "###  [:house:返回](README.md)\n---\n\n## 标题"
    lone = _read(tmp_path, "b.md", b"---\n\nJust a rule above.\n")
    assert (lone.metadata, lone.body) == ({}, "---\n\nJust a rule above.")


def test_utf16_with_bom(tmp_path: Path) -> None:
    doc = _read(tmp_path, "a.md", "---\ntitle: 标题\n---\n正文".encode("utf-16"))
    assert (doc.metadata, doc.body) == ({"title": "标题"}, "正文")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"---\n- a\n- b\n---\nbody",
            "front matter must be a mapping of keys to values, found a list",
        ),
        (
            b"---\njust text\n---\nbody",
            "front matter must be a mapping of keys to values, found a str",
        ),
        (b"\xff\xfe\xfe", "invalid UTF-16 at byte 2"),
        (
            bytes(range(0x80, 0x100)) * 8,
            "not valid UTF-8 (byte 0x80 at offset 0), and no declared or detected encoding reads it as text",
        ),
        (
            b"<p>" + bytes(range(256)) * 4,
            "binary data: it holds NUL bytes and is not valid UTF-8 (byte 0x80 at offset 131)",
        ),
    ],
)
def test_unusable_files_raise_extract_error(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ExtractError) as info:
        _read(tmp_path, "bad.md", data)
    assert info.value.message.startswith(message)
    assert info.value.source_path == "bad.md"
    assert info.value.stage == "extract"


def test_yaml_tags_never_execute(tmp_path: Path) -> None:
    data = b"---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\nx"
    with pytest.raises(ExtractError, match="could not determine a constructor"):
        _read(tmp_path, "evil.md", data)
    assert not Path("pwned").exists()


def test_missing_file_is_an_extract_error(tmp_path: Path) -> None:
    source = SourceFile(str(tmp_path), str(tmp_path / "gone.md"), "gone.md", 0, 0)
    with pytest.raises(ExtractError, match="cannot read file: No such file or directory"):
        read_document(source)


@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_extract_error(data: bytes) -> None:
    try:
        decoded = decode_text("x.md", data)
    except ExtractError:
        return
    assert "\r" not in decoded.text and "\x00" not in decoded.text
    assert decoded.encoding in {"utf-8", "utf-16"} or not data.isascii()


@given(st.text(max_size=400))
def test_any_text_splits_or_raises_extract_error(text: str) -> None:
    try:
        split = split_front_matter("x.md", text)
    except ExtractError:
        return
    assert isinstance(split.metadata, dict)
    assert split.body == split.body.strip()
    assert split.warning is None or split.warning.startswith("front matter is not valid YAML (")
