"""Front matter in every form Hexo and Hugo accept (etl.extract.forms), and bodies that only look
like it: the no-opening-separator form never takes a paragraph above a thematic break."""

from __future__ import annotations

import string

import pytest
import yaml
from conftest import FIXTURES, SEEDS
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import ExtractError
from etl.extract.decode import decode_text
from etl.extract.forms import MAX_UNOPENED_LINES, locate
from etl.extract.split import FRONT_MATTER_KEYS, split_front_matter

HEXO_JSON = ';;;\n"title": "a",\n"date": "2013/7/13 20:46:25"\n;;;\nbody'
TOML = "+++\ntitle = 'a'\ndate = 2024-02-02T04:14:54-08:00\n[params]\n  author = 'x'\n+++\nbody"
FORMS = {
    "yaml": ("---\ntitle: a\n---\nbody", {"title": "a"}, "yaml"),
    "long-dashes": ("-----\ntitle: a\n-----\nbody", {"title": "a"}, "yaml"),
    "yaml-unopened": (
        "title: a\ndate: 2018-7-24 23:31\n---\nbody",
        {"title": "a", "date": "2018-7-24 23:31"},
        "yaml",
    ),
    "hexo-json": (HEXO_JSON, {"title": "a", "date": "2013/7/13 20:46:25"}, "hexo-json"),
    "hexo-json-unopened": ('"title": "a"\n;;;\nbody', {"title": "a"}, "hexo-json"),
    "toml": (TOML, {"title": "a", "date": "2024-02-02T04:14:54-08:00", "params": {"author": "x"}}, "toml"),
    "json": (
        '{\n  "title": "a",\n  "tags": ["x", "y"]\n}\n\nbody',
        {"title": "a", "tags": ["x", "y"]},
        "json",
    ),
    "blank-lines": ("\n\n---\ntitle: a\n---\n\nbody\n", {"title": "a"}, "yaml"),
}


@pytest.mark.parametrize(("text", "metadata", "form"), FORMS.values(), ids=FORMS)
def test_each_form(text: str, metadata: dict[str, object], form: str) -> None:
    split = split_front_matter("x.md", text)
    assert (split.metadata, split.body, split.form) == (metadata, "body", form)


@pytest.mark.parametrize(
    "text",
    [
        "# A heading\n\nText.\n\n---\n\nMore text.",
        "Note: written before the move.\n\n---\n\n## The last weekend",
        "Warning: this is: odd\n---\nbody",  # a key, but none front matter has
        "title: a\n" + "line\n" * MAX_UNOPENED_LINES + "---\nbody",  # the separator comes too late
        "title: [unclosed\n---\nbody",  # not YAML: a body, not an error
        "{% raw %}\n{{ x }}\n{% endraw %}",
        "---\n\nA thematic break, and no closing one.",
        "+++ not a fence\nbody",
    ],
    ids=["heading", "note", "unknown-key", "too-far", "not-yaml", "tag-plugin", "lone-rule", "plus-text"],
)
def test_bodies_that_only_look_like_front_matter(text: str) -> None:
    split = split_front_matter("x.md", text)
    assert (split.metadata, split.body, split.form) == ({}, text.strip(), "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("+++\ntitle = \n+++\nbody", "Invalid value (at line 2, column 9)"),
        ('{\n  "title": \n}\nbody', "Expecting value: line 3 column 1 (char 14)"),
        ("+++\n[1, 2]\n+++\nbody", "Expected ']' at the end of a table declaration (at line 2, column 3)"),
    ],
)
def test_broken_toml_and_json_front_matter_fail_the_file(text: str, reason: str) -> None:
    with pytest.raises(ExtractError) as raised:
        split_front_matter("x.md", text)
    assert raised.value.message == f"front matter cannot be parsed: {reason}"


def test_no_file_of_the_seeds_and_the_archive_fixtures_changes() -> None:
    """Only the seeds' `---` YAML is found in the real files: no other form, no unopened YAML."""
    forms: dict[str, int] = {}
    for path in sorted([*SEEDS.iterdir(), *FIXTURES.rglob("*")]):
        if path.suffix not in (".md", ".txt") or "hexo" in path.parts or "hugo" in path.parts:
            continue
        text = decode_text(path.name, path.read_bytes()).text.strip()
        found = locate(text)
        key = "none" if found is None else f"{found.form}{'' if found.opened else ' unopened'}"
        forms[key] = forms.get(key, 0) + 1
    assert forms == {"none": 229, "yaml": 79}


_KEYS = st.sampled_from(sorted(FRONT_MATTER_KEYS))
_VALUES = (
    st.text(alphabet=string.ascii_letters + "中文 ", min_size=1, max_size=20).map(str.strip).filter(bool)
)
_LINES = st.text(alphabet=string.ascii_letters + string.digits + "中文，。 #*", max_size=40)


@given(st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=6), st.lists(_LINES, max_size=5))
def test_unopened_yaml_round_trips(metadata: dict[str, str], lines: list[str]) -> None:
    body = "\n".join(lines).strip()
    text = yaml.safe_dump(metadata, allow_unicode=True) + "---\n" + body
    split = split_front_matter("x.md", text)
    assert split.metadata == {k: yaml.safe_load(yaml.safe_dump(v)) for k, v in metadata.items()}
    assert split.body == body


@given(st.lists(_LINES, min_size=1, max_size=5), st.lists(_LINES, max_size=5))
def test_prose_above_a_rule_is_never_front_matter(above: list[str], below: list[str]) -> None:
    text = ("\n".join(above) + "\n---\n" + "\n".join(below)).strip()
    split = split_front_matter("x.md", text)
    assert split.metadata == {} or set(split.metadata) & FRONT_MATTER_KEYS
    if ":" not in "\n".join(above):
        assert (split.metadata, split.body) == ({}, text)
