"""Hexo tag plugins expanded before the Markdown is rendered: what each documented example becomes."""

from __future__ import annotations

import time

import pytest
from conftest import FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from etl.extract.split import split_front_matter
from etl.transform.html_body import BodyContent, extract_html
from etl.transform.markdown_body import render_body
from etl.transform.tag_plugins import Expanded, asset_folder_of, expand_tag_plugins

POSTS = FIXTURES / "hexo" / "tag-plugins"


def _post(name: str) -> Expanded:
    """A fixture post's body expanded as the pipeline would, its asset folder beside it."""
    path = POSTS / f"{name}.md"
    split = split_front_matter(path.name, path.read_text(encoding="utf-8"))
    assert set(split.metadata) == {"title", "date"}
    return expand_tag_plugins(split.body, asset_folder_of(f"tag-plugins/{path.name}"))


def _content(expanded: Expanded | str) -> BodyContent:
    body = expanded.body if isinstance(expanded, Expanded) else expand_tag_plugins(expanded, None).body
    return extract_html(render_body(body).html)


def _texts(content: BodyContent) -> list[str]:
    return [p.text for p in content.paragraphs]


def _links(content: BodyContent) -> list[tuple[str, str]]:
    return [(link.url, link.anchor_text) for link in content.links]


def _images(content: BodyContent) -> list[tuple[object, ...]]:
    return [(i.url, i.width, i.height, i.title, i.alt) for i in content.images]


def test_every_fixture_is_a_post_and_expands_cleanly() -> None:
    names = sorted(path.stem for path in POSTS.glob("*.md"))
    assert len(names) == 18
    for name in names:
        expanded = _post(name)
        shown = "\n".join(_texts(_content(expanded)))
        assert ("{%" in shown) == (name in ("backtick-code", "raw")), name
        assert bool(expanded.warnings) == (name in ("include_code", "unknown")), name


def test_img_with_class_size_title_and_alt() -> None:
    expanded = _post("img")
    assert expanded.body.splitlines()[1] == (
        '<img src="/path/to/image" class="post-image" width="640" height="360" title="title text" '
        'alt="alt text">'
    )
    assert _images(_content(expanded)) == [
        ("/path/to/image", 640, 360, "title text", "alt text"),
        ("https://hexo.io/logo.svg", None, None, "Hexo logo", "The Hexo logo"),
    ]


@pytest.mark.parametrize(
    ("meta", "title", "alt"),
    [
        ('\'"title text" "alt text"\'', "title text", "alt text"),
        ("\"title text 'alt text'\"", "title text", "alt text"),
        ("\"'title text' 'alt text'\"", "title text", "alt text"),
        ("Just a title", "Just a title", None),
        ("'\"only a title\"'", "only a title", None),
        ("", None, None),
    ],
    ids=["double-in-single", "alt-in-double", "single-pair", "bare", "double-title", "none"],
)
def test_img_title_and_alt_forms(meta: str, title: str | None, alt: str | None) -> None:
    content = _content(f"{{% img left /a.png 10 {meta} %}}")
    assert _images(content) == [("/a.png", 10, None, title, alt)]


def test_img_sizes_with_units_and_relative_sources() -> None:
    content = _content("{% img photo.jpg 50% 200px %} and {% image a b https://x.org/p.png %}")
    assert _images(content) == [
        ("photo.jpg", None, 200, None, None),
        ("https://x.org/p.png", None, None, None, None),
    ]
    assert 'class="a b"' in expand_tag_plugins("{% image a b https://x.org/p.png %}", None).body


def test_link_text_url_external_and_title() -> None:
    expanded = _post("link")
    assert expanded.body.strip().endswith(
        '<a href="https://hexo.io" title="A fast blog framework" target="_blank">Hexo home page</a>'
    )
    assert _links(_content(expanded)) == [("https://hexo.io", "Hexo home page")]


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("{% link /r/python https://reddit.com/r/python %}", [("https://reddit.com/r/python", "/r/python")]),
        ("{% link About us /about/ %}", [("/about/", "About us")]),
        ("{% a https://hexo.io false %}", [("https://hexo.io", "https://hexo.io")]),
    ],
    ids=["hexo-url-first", "site-path", "no-text"],
)
def test_link_finds_its_url_as_hexo_does(body: str, links: list[tuple[str, str]]) -> None:
    assert _links(_content(body)) == links


def test_youtube_videos_and_playlists_become_links() -> None:
    content = _content(_post("youtube"))
    assert _links(content) == [
        ("https://www.youtube.com/watch?v=lJIrF4YjHfQ", "YouTube video lJIrF4YjHfQ"),
        (
            "https://www.youtube.com/playlist?list=PL9hW1uS6HUfscJ9DHkOSoOX45MjXduUxo",
            "YouTube playlist PL9hW1uS6HUfscJ9DHkOSoOX45MjXduUxo",
        ),
        ("https://www.youtube.com/watch?v=lJIrF4YjHfQ", "YouTube video lJIrF4YjHfQ"),
    ]


@pytest.mark.parametrize(
    ("name", "links"),
    [
        ("vimeo", [("https://vimeo.com/82090131", "Vimeo video 82090131")]),
        (
            "gist",
            [
                ("https://gist.github.com/996818", "Gist 996818"),
                ("https://gist.github.com/1027674", "Gist 1027674 gist_tag.rb"),
            ],
        ),
        ("jsfiddle", [("https://jsfiddle.net/NmudS/", "jsFiddle NmudS")]),
        ("iframe", [("https://www.example.com/embedded/map", "https://www.example.com/embedded/map")]),
        ("url_for", [("index.html", "blog"), ("/a/path", "index")]),
    ],
)
def test_embeds_become_links(name: str, links: list[tuple[str, str]]) -> None:
    assert _links(_content(_post(name))) == links


def test_blockquotes_keep_markdown_inside_and_credit_the_source() -> None:
    content = _content(_post("blockquote"))
    assert _texts(content)[1:] == [
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Pellentesque hendrerit lacus ut purus "
        "iaculis feugiat. Sed nec tempor elit, quis aliquam neque. Curabitur sed diam eget dolor fermentum "
        "semper at eu lorem.",
        "Quote from a book",
        "Do not just seek happiness for yourself. Seek happiness for all. Through kindness. Through mercy.",
        "— David Levithan, Wide Awake",
        "Quote from Twitter",
        "NEW: DevDocs now comes with syntax highlighting. http://devdocs.io",
        "— @DevDocs, twitter.com/devdocs/status/356095192085962752",
        "Quote from an article on the web",
        "Every interaction is both precious and an opportunity to delight.",
        "— Seth Godin, Welcome to Island Marketing",
    ]
    assert _links(content) == [
        (
            "https://twitter.com/devdocs/status/356095192085962752",
            "twitter.com/devdocs/status/356095192085962752",
        ),
        (
            "http://sethgodin.typepad.com/seths_blog/2009/07/welcome-to-island-marketing.html",
            "Welcome to Island Marketing",
        ),
    ]
    html = render_body(expand_tag_plugins("{% quote %}\n*Lorem* {% img /a.png %}\n{% endquote %}", None).body)
    assert '<blockquote>\n<p><em>Lorem</em> <img src="/a.png"></p>\n</blockquote>' in html.html


def test_codeblocks_are_escaped_verbatim_with_language_and_caption() -> None:
    expanded = _post("codeblock")
    assert (
        '<pre><code class="language-objc">[rectangle setX: 10 y: 10 width: 20 height: 20];\n</code></pre>'
        in (expanded.body)
    )
    assert "<pre><code>_.compact([0, 1, false, 2, '', 3]);\n\n=&gt; [1, 2, 3]\n</code></pre>" in expanded.body
    content = _content(expanded)
    assert _texts(content) == [
        "A plain code block",
        "alert('Hello World!');",
        "Specifying the language",
        "[rectangle setX: 10 y: 10 width: 20 height: 20];",
        "Adding a caption to the code block",
        "Array.map",
        "array.map(callback[, thisArg])",
        "Adding a caption and a URL",
        "_.compact Underscore.js",
        "_.compact([0, 1, false, 2, '', 3]);",
        "=> [1, 2, 3]",
    ]
    assert _links(content) == [("http://underscorejs.org/#compact", "Underscore.js")]
    code = expand_tag_plugins("{% code %}\n  {% img /a.png %} <b>\n{% endcode %}", None).body
    assert "<pre><code>{% img /a.png %} &lt;b&gt;\n</code></pre>" in code


def test_pullquote_is_a_blockquote_with_its_classes() -> None:
    html = render_body(_post("pullquote").body).html
    quote = '<blockquote class="pullquote left">\n<p>To add pull quotes to your <em>posts</em>.</p>'
    assert f"{quote}\n</blockquote>" in html


def test_raw_is_verbatim_and_not_read_for_tags() -> None:
    expanded = _post("raw")
    assert expanded.body.endswith("`raw` tag.\n\n\ncontent {% img /not/expanded.png %}\n")
    assert _texts(_content(expanded))[-1] == "content {% img /not/expanded.png %}"
    assert expand_tag_plugins("a{%raw%}{% x %}{{ y }}{%- endraw -%}b", None).body == "a{% x %}{{ y }}b"


def test_asset_images_live_in_the_post_asset_folder() -> None:
    content = _content(_post("asset_img"))
    src = "tag-plugins/asset_img/foo.jpg"
    assert _images(content) == [
        (src, None, None, None, None),
        (src, None, None, None, None),
        (src, 500, 400, None, None),
        (src, None, None, "lorem ipsum", "dolor"),
    ]
    assert 'class="post-image"' in _post("asset_img").body
    assert expand_tag_plugins("{% asset_img foo.jpg %}", None).body.endswith('<img src="foo.jpg">')


def test_asset_links_and_paths() -> None:
    expanded = _post("asset_link")
    assert _links(_content(expanded)) == [
        ("tag-plugins/asset_link/foo.jpg", "foo.jpg"),
        ("tag-plugins/asset_link/report.pdf", "The annual report"),
    ]
    assert _texts(_content(expanded))[-1] == "The image is at tag-plugins/asset_link/foo.jpg."


def test_post_links_name_the_slug_for_the_caller_to_resolve() -> None:
    expanded = _post("post_link")
    assert expanded.post_links == ("hexo-3-8-released", "hexo-4-released", "lorem-ipsum")
    assert [line for line in expanded.body.splitlines() if line] == [
        'Display title of the post: <a data-post-link="hexo-3-8-released">hexo-3-8-released</a>',
        'Display custom text: <a data-post-link="hexo-3-8-released">Link to a post</a>',
        'Escape title: <a data-post-link="hexo-4-released">How to use &lt;b&gt; tag in title</a>',
        'Do not escape title: <a data-post-link="hexo-4-released"><b>bold</b> custom title</a>',
        "The path: lorem-ipsum",
    ]
    content = _content(expanded)
    assert content.links == ()  # no href until the caller resolves the slug
    assert _texts(content)[2] == "Escape title: How to use <b> tag in title"


def test_tags_in_code_fences_and_inline_code_stay_as_written() -> None:
    expanded = _post("backtick-code")
    body = split_front_matter("x.md", (POSTS / "backtick-code.md").read_text(encoding="utf-8")).body
    assert expanded == Expanded(body, (), ())
    for text in (
        "~~~\n{% img /a.png %}\n~~~",
        "````\n```\n{% img /a.png %}\n````",
        "``{% img /a.png %} ` ``",
        "<code>{% img /a.png %}</code>",
        "```\n{% img /a.png %}",  # an unclosed fence runs to the end
    ):
        assert expand_tag_plugins(text, None).body == text
    assert expand_tag_plugins("`a\n\n{% img /b.png %}`", None).body == '`a\n\n<img src="/b.png">`'
    assert expand_tag_plugins("\\`{% img /b.png %}`", None).body == '\\`<img src="/b.png">`'


def test_unknown_tags_stay_in_the_html_but_out_of_the_text() -> None:
    expanded = _post("unknown")
    assert expanded.warnings == (
        "unknown tag plugin {% note %} kept out of the text",
        "unknown tag plugin {% mermaid %} kept out of the text",
    )
    assert '<template data-hexo-tag="note" data-source="{% note info %}"></template>' in expanded.body
    content = _content(expanded)
    assert _texts(content) == ["A theme's note keeps its text."]
    assert _post("include_code").warnings == (
        "tag plugin {% include_code %} needs files outside the post; kept out of the text",
    )
    tricky = _content("{% foo *a_ <b>x</b> https://x.org %} *b*")
    assert (_texts(tricky), tricky.links) == (["b"], ())


@pytest.mark.parametrize(
    ("body", "warnings"),
    [
        ("{% blockquote %}\nnever closed", ("unclosed {% blockquote %} kept out of the text",)),
        ("{% raw %} never closed", ("unclosed {% raw %} kept out of the text",)),
        ("text {% endpullquote %}", ("{% endpullquote %} without its opening tag kept out of the text",)),
        (
            "{% quote %}{% pullquote %}x{% endquote %}",
            ("unclosed {% pullquote %} kept out of the text",),
        ),
        (
            "{% img %} {% post_link %}",
            (
                "{% img %} without what it points to kept out of the text",
                "{% post_link %} without what it points to kept out of the text",
            ),
        ),
    ],
    ids=["blockquote", "raw", "stray-end", "crossed", "no-argument"],
)
def test_broken_blocks_warn_and_never_show_tag_text(body: str, warnings: tuple[str, ...]) -> None:
    expanded = expand_tag_plugins(body, None)
    assert expanded.warnings == warnings
    assert not any("{%" in text for text in _texts(_content(expanded)))


@pytest.mark.parametrize(
    "body",
    [
        "{% img /a.png",
        "50%} off {%",
        "{% %} {% 12 %} {%}",
        "{{ title }} and {# a comment #}",
        "a {% img {% b",
    ],
)
def test_malformed_tags_are_left_as_text(body: str) -> None:
    assert expand_tag_plugins(body, None) == Expanded(body, (), ())


def test_a_tag_opened_twice_is_text_up_to_the_second() -> None:
    assert expand_tag_plugins("a {% img {% img /b.png %}", None).body == 'a {% img <img src="/b.png">'


def test_whitespace_control_dashes_are_read_as_hexo_does() -> None:
    assert expand_tag_plugins("{%- img /a.png -%}", None).body.endswith('<img src="/a.png">')


@pytest.mark.parametrize(
    "body",
    [
        "{% link click javascript:alert(1) %}",
        "{% link click 'JaVa\\tscript:alert(1)' %}",
        "{% link click ' JAVASCRIPT:alert(1)' %}",
        "{% iframe javascript:alert(1) %}",
        "{% iframe 'java\\tscript:alert(1)' %}",
        "{% url_for x vbscript:msgbox %}",
        "{% blockquote A javascript:alert(1) %}\nq\n{% endblockquote %}",
    ],
)
def test_script_urls_never_become_hrefs(body: str) -> None:
    expanded = expand_tag_plugins(body, None)
    assert "href" not in expanded.body
    assert _content(expanded).links == ()


def test_attribute_values_and_text_are_escaped() -> None:
    body = """{% img '/a".png' 'x" onerror="y' %} {% link <b>x</b> 'https://a.org/?q="1"&r=2' %}"""
    assert expand_tag_plugins(body, None).body.split("\n", 1)[1] == (
        '<img src="/a&quot;.png" title="x&quot; onerror=&quot;y"> '
        '<a href="https://a.org/?q=&quot;1&quot;&amp;r=2">&lt;b&gt;x&lt;/b&gt;</a>'
    )


def test_a_body_opening_with_a_tag_still_renders_as_markdown() -> None:
    rendered = render_body(expand_tag_plugins("{% img /a.png %} *one*\n\n**two**", None).body)
    assert rendered.body_format == "mixed"
    assert '<p><img src="/a.png"> <em>one</em></p>\n<p><strong>two</strong></p>' in rendered.html
    raw_html = expand_tag_plugins("<p>{% img /a.png %}</p>", None).body
    assert raw_html == '<p><img src="/a.png"></p>'  # a body that was HTML stays HTML


def test_asset_folder_of_a_post() -> None:
    assert asset_folder_of("_posts/my-post.md") == "_posts/my-post"
    assert asset_folder_of("source/_posts/2024/a.b.markdown") == "source/_posts/2024/a.b"


_PIECES = st.sampled_from(
    ["{%", "%}", "{% ", " %}", "end", "raw", "img", "blockquote", "code", "quote", "pullquote", "post_link",
     "youtube", "link", "asset_img", "x", " ", "\n", "\n\n", "`", "```", "~~~", "'", '"', "\\", "<code>",
     "</code>", "-", "/a.png", "http://a.org", "{{", "}}", "{#", "#}", ":", ",", "<", "&"]
)  # fmt: skip


@given(st.lists(_PIECES | st.text(max_size=5), max_size=60).map("".join), st.none() | st.just("_posts/p"))
def test_random_text_never_raises(body: str, folder: str | None) -> None:
    expanded = expand_tag_plugins(body, folder)
    assert isinstance(expanded.body, str)
    extract_html(render_body(expanded.body).html)


@given(st.text().filter(lambda text: "{%" not in text))
def test_text_without_tags_comes_back_unchanged(body: str) -> None:
    assert expand_tag_plugins(body, None) == Expanded(body, (), ())


@pytest.mark.parametrize(
    "body",
    [
        "{% " * 100_000,
        "{% x " * 50_000 + "%}",
        "{% blockquote %}" * 30_000,
        "{% blockquote %}a" * 15_000 + "{% endblockquote %}" * 15_000,
        "{% endblockquote %}{% note %}" * 20_000,
        "` {% x %} " * 30_000,
        "`" * 1 + " ``" * 30_000 + "{% x %}",
        "<code>{% x %}" * 30_000,
        "```\n{% x %}\n" * 30_000,
        "{% raw %}{% codeblock %}{% code %}" * 20_000,
        "{% blockquote " + "a " * 100_000 + "%}x{% endblockquote %}",
        "{% img " + "'" * 100_000 + " %}",
    ],
    ids=["opens", "one-close", "nested", "balanced", "stray", "spans", "runs", "html-code", "fences",
         "verbatim", "long-args", "quotes"],
)  # fmt: skip
def test_hostile_bodies_take_linear_time(body: str) -> None:
    started = time.monotonic()
    expand_tag_plugins(body, None)
    assert time.monotonic() - started < 3
