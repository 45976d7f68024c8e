"""The hostile corpus, generated at test time: files and entries a stranger's archive may hold.

Each case says what a correct run makes of it: an article, a skip or a failure, with the start of
the reason. Nothing large is committed; `build(folder)` writes everything.
"""

from __future__ import annotations

import codecs
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import SEEDS

SEED = (SEEDS / "000_79dec9e98373e082.txt").read_text(encoding="utf-8")
DEPTH = 1200
# what the tests pass as --max-file-size: above the largest case here but one (big.md)
MAX_FILE_SIZE = "32 MiB"
BILLION_LAUGHS = (
    "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    + "---\nbody\n"
)
# a name that is not UTF-8, as os.scandir gives it (PEP 383), and as etl stores it
BAD_NAME = os.fsdecode(b"bad-\xff\xfe.md")
BAD_NAME_STORED = "bad-\\xff\\xfe.md"
OSC_TITLE = "\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4=\x07Title"


@dataclass(frozen=True)
class Case:
    kind: str  # article, skipped or failed
    reason: str = ""  # the start of the skip reason or the error


ARTICLE = Case("article")


def _files() -> dict[str, tuple[bytes, Case]]:
    utf8 = str.encode
    return {
        "empty.md": (b"", Case("skipped", "placeholder")),
        "whitespace.md": (b" \n\t\n  \r\n", Case("skipped", "placeholder")),
        "binary.md": (bytes(range(256)) * 4, Case("failed", "binary data: it holds NUL bytes")),
        "all-nul.md": (b"\x00" * 4096, Case("failed", "binary data: 4,096 of its 4,096 bytes are NUL")),
        "nul-in-text.md": (utf8("---\ntitle: a\x00b\n---\n<p>x\x00y</p>"), ARTICLE),
        "unclosed-yaml.md": (utf8("---\ntitle: [unclosed\n"), ARTICLE),
        "malformed-yaml.md": (utf8("---\ntitle: : :\n  - x\n bad: indent\n---\nbody"), ARTICLE),
        "list-front-matter.md": (utf8("---\n- a\n- b\n---\nbody"), Case("failed", "front matter must be")),
        "scalar-front-matter.md": (
            utf8("---\njust words\n---\nbody"),
            Case("failed", "front matter must be"),
        ),
        "python-tag.md": (
            utf8("---\nx: !!python/object/apply:os.system ['echo pwned > pwned']\n---\nb"),
            Case("failed", "front matter cannot be parsed:"),
        ),
        "alias-bomb.md": (
            utf8(BILLION_LAUGHS),
            Case("failed", "front matter expands to more than 100,000 values"),
        ),
        "toml-front-matter.md": (utf8('+++\ntitle = "TOML"\n+++\n正文。'), ARTICLE),
        "json-front-matter.md": (utf8('{\n"title": "JSON"\n}\n正文。'), ARTICLE),
        "invalid-utf8.md": (b"---\ntitle: caf\xe9\n---\n", ARTICLE),
        "utf16.md": (codecs.BOM_UTF16_LE + "---\ntitle: 十六\n---\n正文".encode("utf-16-le"), ARTICLE),
        "gb18030.md": ("---\ntitle: 国标\n---\n正文".encode("gb18030"), ARTICLE),
        "deep-html.md": (utf8("<div>" * 50_000 + "深" + "</div>" * 50_000), ARTICLE),
        "huge-body.md": (utf8("<p>" + "长文本。" * 2_500_000 + "</p>"), ARTICLE),
        "many-images.md": (
            utf8("".join(f'<img src="https://img.example.com/{n}.png">' for n in range(10_000))),
            ARTICLE,
        ),
        "data-uri.md": (utf8('<p><img src="data:image/png;base64,' + "A" * 3_000_000 + '"></p>'), ARTICLE),
        "urls.md": (
            utf8(
                '<p><a href="javascript:alert(1)">js</a><a href="mailto:x@y.z">m</a><a href="/rel">r</a>'
                '<a href="http://[::1">broken</a><a href="https://пример.рф/путь">idn</a>'
                '<a href="https://a.com/' + "x" * 5000 + '">long</a>'
                '<a href="https://user:s3cret@private.example.com/x">creds</a>'
                '<img src="https://u:pw@img.example.com/i.png"></p>'
            ),
            ARTICLE,
        ),
        "absurd-sizes.md": (
            utf8('<img src="https://a.com/i.png" width="-5" height="99999999999px">'),
            ARTICLE,
        ),
        "long-title.md": (utf8("---\ntitle: " + "长" * 100_000 + "\n---\n<p>x</p>"), ARTICLE),
        "long-anchor.md": (
            utf8('<p><a href="https://a.com/">' + "a" * 100_000 + "</a></p>"),
            Case("skipped", "placeholder"),
        ),
        "long-tag.md": (
            utf8("---\ntags: [" + "t" * 100_000 + "]\ncategories: [" + "c" * 50_000 + "]\n---\nx"),
            ARTICLE,
        ),
        "deep-categories.md": (
            utf8(
                "---\ntitle: d\ncategories: ["
                + ", ".join(f"{n:03d}" + "类" * 190 for n in range(40))
                + "]\n---\nx"
            ),
            ARTICLE,
        ),
        "date-zero.md": (utf8("---\ntitle: z\ndate: 0000-00-00\n---\nx"), ARTICLE),
        "date-far.md": (utf8("---\ntitle: f\ndate: 9999-12-31\n---\nx"), ARTICLE),
        "date-words.md": (utf8("---\ntitle: w\ndate: yesterday\n---\nx"), ARTICLE),
        "date-invalid.md": (utf8("---\ntitle: i\ndate: Invalid Date\n---\nx"), ARTICLE),
        "date-object.md": (utf8("---\ntitle: o\ndate: {a: 1}\n---\nx"), ARTICLE),
        "date-inf.md": (utf8("---\ntitle: inf\ndate: .inf\n---\nx"), ARTICLE),
        "not-numbers.md": (utf8("---\ntitle: nan\nscore: .nan\nhigh: .inf\nlow: -.inf\n---\nx"), ARTICLE),
        "nul-key.md": (utf8('---\ntitle: k\n"a\\0b": 1\n---\nx'), ARTICLE),
        "surrogate.md": (utf8('---\ntitle: "half \\ud800 pair"\nauthor: "\\udfff"\n---\nx'), ARTICLE),
        "osc-title.md": (
            utf8(
                '---\ntitle: "' + OSC_TITLE.replace("\x1b", "\\e").replace("\x07", "\\a") + '"\n---\n<p>x</p>'
            ),
            ARTICLE,
        ),
        "author-list.md": (utf8("---\ntitle: l\nauthor: [甲, [乙], {name: 丙}, 3]\n---\nx"), ARTICLE),
        "categories-nested.md": (utf8("---\ntitle: n\ncategories: [[a, [b]], {c: d}, 5]\n---\nx"), ARTICLE),
        "mixed-newlines.md": (utf8("---\r\ntitle: crlf\r\n---\r\n正文\r第二\n第三"), ARTICLE),
        "bom-front-matter.md": (codecs.BOM_UTF8 + utf8("\n\n---\ntitle: bom\n---\nx"), ARTICLE),
        "only-front-matter.md": (utf8("---\ntitle: 只有标题\n---\n"), ARTICLE),
        "unclosed-tags.md": (utf8("<p><b><i><a href='https://a.com/'>open"), Case("skipped", "placeholder")),
        "script-only.md": (
            utf8("<script>alert(1)</script><style>p{}</style>"),
            Case("skipped", "placeholder"),
        ),
        "zero-width.md": (utf8("## 标\u200b题\n\n正\u200b文\ufeff。"), ARTICLE),
        "wiki.md": (utf8("## 标题\n\n[[zh:美国]]与[[中国]]"), ARTICLE),
        "name with spaces.md": (utf8("## 空格\n\n正文。"), ARTICLE),
        "名字.md": (utf8("## 中文名\n\n正文。"), ARTICLE),
        "=HYPERLINK(1)+cmd.md": (utf8("## formula\n\n正文。"), ARTICLE),
        "esc-\x1b[31mred.md": (utf8("## 颜色\n\n正文。"), ARTICLE),
        "new\nline.md": (utf8("## 换行\n\n正文。"), ARTICLE),
        BAD_NAME: (utf8("## 坏名字\n\n正文。"), ARTICLE),
        "seed-copy.txt": (utf8(SEED), ARTICLE),
        "big.md": (
            b"x" * (33 * 2**20),
            Case("failed", f"the file is 33 MiB, over the limit of {MAX_FILE_SIZE}"),
        ),
    }


# entries that are not plain files: name -> (how to make it inside the folder, its outcome); None
# for entries that are nothing at all to the run (not recorded)
def _entries() -> dict[str, tuple[Callable[[Path], None], Case | None]]:
    outside = "a symlink to a file outside the input: not followed"
    return {
        "environ.md": (
            lambda f: (f / "environ.md").symlink_to("/proc/self/environ"),
            Case("skipped", outside),
        ),
        "passwd.md": (lambda f: (f / "passwd.md").symlink_to("/etc/passwd"), Case("skipped", outside)),
        "hostname.txt": (
            lambda f: (f / "hostname.txt").symlink_to("/etc/hostname"),
            Case("skipped", outside),
        ),
        "zero.md": (lambda f: (f / "zero.md").symlink_to("/dev/zero"), Case("skipped", outside)),
        "escape.md": (
            lambda f: (f / "escape.md").symlink_to(Path(*[".."] * 40, "etc", "passwd")),
            Case("skipped", outside),
        ),
        "etc": (
            lambda f: (f / "etc").symlink_to("/etc"),
            Case("skipped", "a symlink to a folder outside the input: not followed"),
        ),
        "alias.md": (lambda f: (f / "alias.md").symlink_to("seed-copy.txt"), ARTICLE),
        "dangling.md": (
            lambda f: (f / "dangling.md").symlink_to("nowhere.md"),
            Case("skipped", "a dangling symlink or a symlink loop"),
        ),
        "loop-a.md": (
            lambda f: ((f / "loop-a.md").symlink_to("loop-b.md"), (f / "loop-b.md").symlink_to("loop-a.md")),
            Case("skipped", "a dangling symlink or a symlink loop"),
        ),
        "loop-b.md": (lambda f: None, Case("skipped", "a dangling symlink or a symlink loop")),
        "loop": (
            lambda f: (f / "loop").symlink_to(f),
            None,
        ),  # a folder link inside: walked under its own name
        "pipe.md": (lambda f: os.mkfifo(f / "pipe.md"), Case("skipped", "not a regular file (a FIFO)")),
        "sock.md": (_socket, Case("skipped", "not a regular file (a socket)")),
        "x.md": (lambda f: (f / "x.md").mkdir(), None),  # a folder named like an article
        "d": (_deep, None),
    }


def _socket(folder: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.md"))
    server.close()


def _deep(folder: Path) -> None:
    """A file at the bottom of DEPTH nested folders (a recursive walk stops at ~1,000)."""
    path = folder
    for _ in range(DEPTH):
        path = path / "d"
        path.mkdir()
    (path / "bottom.md").write_text("## 最深处\n\n正文。", encoding="utf-8")


def remove_deep(folder: Path) -> None:
    """Remove the deep folders bottom-up (shutil.rmtree, and so pytest's own clean-up, recurses)."""
    path = folder / "d"
    if not path.is_dir():
        return
    while (path / "d").is_dir():
        path = path / "d"
    (path / "bottom.md").unlink(missing_ok=True)
    while path != folder:
        path.rmdir()
        path = path.parent


DEEP_PATH = "d/" * DEPTH + "bottom.md"


def expected() -> dict[str, Case]:
    """Every recorded entry by the source path etl stores, with what it must become."""
    cases = {name: case for name, (_, case) in _files().items()}
    cases |= {name: case for name, (_, case) in _entries().items() if case is not None}
    cases[BAD_NAME_STORED] = cases.pop(BAD_NAME)
    cases[DEEP_PATH] = ARTICLE
    return cases


def build(folder: Path) -> Path:
    """Write the hostile corpus into `folder` (which must exist)."""
    for name, (data, _) in _files().items():
        (folder / name).write_bytes(data)
    for make, _ in _entries().values():
        make(folder)
    return folder
