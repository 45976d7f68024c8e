"""Arbitrary input through extract and transform raises nothing but etl's own errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import FileError
from etl.extract import read_document
from etl.records import Skipped, SourceFile
from etl.transform import transform

FRONT_MATTER = st.dictionaries(
    st.sampled_from(["title", "date", "categories", "author", "headimg", "thumbnail", "tags", "x"]),
    st.one_of(
        st.text(max_size=30),
        st.lists(st.text(max_size=10), max_size=3),
        st.integers(),
        st.none(),
        st.booleans(),
        st.lists(st.lists(st.text(max_size=5), max_size=2), max_size=2),
    ),
    max_size=6,
)
HTML = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<a href='x'>", "</a>", "<img src='//a/b.png' width='9x'>", "<br>", "<pre>",
         "文", "**", "[l](", ")", "![i](", "\n", "【文/某 人】", "作者：", "<script>", "&#39;", "\x00",
         "`4/2/2024 1:00 PM UTC x`", "[[zh:美国]]", "data:image/png;base64,AAAA", "javascript:x"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


def _process(tmp: Path, data: bytes) -> None:
    path = tmp / "x.md"
    path.write_bytes(data)
    source = SourceFile(str(tmp), str(path), "x.md", len(data), 0)
    try:
        outcome = transform(read_document(source))
    except FileError:
        return
    if isinstance(outcome, Skipped):
        assert outcome.reason.startswith(("placeholder: ", "index page: ", "link list: ", "stub: "))
    else:
        assert outcome.char_count == len(outcome.body_text)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.binary(max_size=600))
def test_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _process(Path(tmp), data)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(FRONT_MATTER, HTML)
def test_arbitrary_front_matter_and_markup(metadata: dict, body: str) -> None:
    import yaml

    text = f"---\n{yaml.safe_dump(metadata, allow_unicode=True)}---\n{body}" if metadata else body
    with tempfile.TemporaryDirectory() as tmp:
        _process(Path(tmp), text.encode("utf-8"))
