"""HTML and Markdown bodies: images, links, captions, plain text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl.records import Article, LinkRef, RawDocument, Skipped, SourceFile
from etl.transform import transform
from etl.transform.html_body import extract_html
from etl.transform.markdown_body import plain_inline, render_body

HTML = """<div>
<p>【文/某网 张三】</p>
<p>第一段<a href="https://a.com/1">链接一</a>。<script>alert(1)</script><!-- note --></p>
<p style="text-align:center;">
<img src="https://a.com/1.png" alt="图一" title="点击" width="530px" height="x"></p>
<p style="text-align: center"><span>图一</span><span>说明</span></p>
<figure><img src="https://a.com/2.png"><figcaption>图二说明</figcaption></figure>
<img alt="no source"><a>no href</a>
<pre>code  kept</pre>
</div>"""


def _doc(body: str, path: str = "x.md", **metadata: object) -> RawDocument:
    source = SourceFile("/archive", f"/archive/{path}", path, len(body), 0)
    return RawDocument(source, "0" * 64, metadata, body, "utf-8")


def _article(body: str, path: str = "x.md", **metadata: object) -> Article:
    article = transform(_doc(body, path, **metadata))
    assert isinstance(article, Article)
    return article


def test_html_images_with_captions_and_sizes() -> None:
    content = extract_html(HTML)
    assert [(i.url, i.alt, i.title, i.caption, i.width, i.height) for i in content.images] == [
        ("https://a.com/1.png", "图一", "点击", "图一说明", 530, None),
        ("https://a.com/2.png", None, None, "图二说明", None, None),
    ]


def test_html_links_and_text() -> None:
    content = extract_html(HTML)
    assert content.links == (LinkRef("https://a.com/1", "链接一"),)
    assert content.text.splitlines() == [
        "【文/某网 张三】",
        "第一段链接一。",
        "图一说明",
        "图二说明",
        "no href",
        "code kept",
    ]
    assert "alert" not in content.text


def test_markdown_images_and_links_come_from_the_parser() -> None:
    body = (
        '# 标题\n\n见[报道](https://a.com/r "t")和<https://b.com/auto>。\n'
        "![图](https://a.com/i.png)\n\n[ref]: https://c.com/ref\n\n参见[引用][ref]。\n\n"
        "`[not](a link)`\n"
    )
    rendered = render_body(body)
    assert rendered.body_format == "markdown"
    content = extract_html(rendered.html)
    assert content.first_heading == "标题"
    assert [(lk.url, lk.anchor_text) for lk in content.links] == [
        ("https://a.com/r", "报道"),
        ("https://b.com/auto", "https://b.com/auto"),
        ("https://c.com/ref", "引用"),
    ]
    assert [(i.url, i.alt) for i in content.images] == [("https://a.com/i.png", "图")]


def test_body_formats() -> None:
    assert render_body("<div><p>x</p></div>").body_format == "html"
    assert render_body("Text with <b>html</b> inside").body_format == "mixed"
    assert render_body("*just* markdown").body_format == "markdown"
    assert render_body("  \n").body_format == "empty"


def test_plain_inline_strips_markup() -> None:
    assert plain_inline("_我们会给一个书面回复_") == "我们会给一个书面回复"
    assert plain_inline("a &amp; [b](https://x) **c**") == "a & b c"


def test_article_without_front_matter_takes_first_heading_and_resolves_links() -> None:
    body = "## 标题 *一*\n\n[轉載自GNews](https://gnews.org/1)\n\n[相对](/x) [脚本](javascript:go())"
    article = _article(body)
    assert article.title == "标题 一"
    assert article.canonical_url == "https://gnews.org/1"
    # relative links in a Markdown archive point inside the archive: kept as written
    assert [lk.url for lk in article.links] == ["https://gnews.org/1", "/x"]


def test_html_relative_urls_resolve_against_the_canonical_url() -> None:
    body = '<p><a href="/p/2">next</a><a href="mailto:ed@site.org">mail</a><img src="i.png"></p>'
    article = _article(body, canonical_url="https://site.org/p/1")
    assert [lk.url for lk in article.links] == ["https://site.org/p/2", "mailto:ed@site.org"]
    assert [i.url for i in article.images] == ["https://site.org/p/i.png"]
    plain = _article(body)
    assert [lk.url for lk in plain.links] == ["/p/2", "mailto:ed@site.org"]


def test_front_matter_fields() -> None:
    article = transform(
        _doc(
            "<p>正文</p>",
            title="T",
            date="2022-02-21 22:50:33",
            categories=[["A", "B"], ["C"]],
            tags="x, y、z",
            keywords=["y", "w"],
            author=["甲", "乙"],
            cover="/c.png",
            canonical_url="https://site.org/p/1",
        ),
        timezone="Asia/Shanghai",
    )
    assert isinstance(article, Article)
    assert article.categories == (("A", "B"), ("C",))
    assert article.tags == ("x", "y", "z", "w")
    assert [(c.name, c.role) for c in article.credits] == [("甲", "author"), ("乙", "author")]
    assert [(i.url, i.role) for i in article.images] == [("https://site.org/c.png", "cover")]
    assert article.published is not None
    assert article.published.value.isoformat() == "2022-02-21T14:50:33+00:00"
    assert article.front_matter["tags"] == "x, y、z"


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abpimgsrchef#:!-\n*[]()_`")), max_size=200))
def test_random_markup_never_raises(body: str) -> None:
    article = transform(_doc(body))
    if isinstance(article, Skipped):
        assert article.reason.startswith(("placeholder: ", "index page: ", "stub: ", "link list: "))
        return
    assert article.char_count == len(article.body_text)
    assert article.summary is None or len(article.summary) <= 280


def test_html_structure_becomes_lines() -> None:
    html = (
        '<p>一<br>二</p><pre>line 1\nline 2</pre><a href="https://a.com/p"><img src="https://a.com/i.png"></a>'
        "<style>p{}</style><p>尾\u200b巴&nbsp;x</p>"
    )
    content = extract_html(html)
    assert content.text.splitlines() == ["一", "二", "line 1", "line 2", "尾巴 x"]
    assert [i.url for i in content.images] == ["https://a.com/i.png"]
    assert [(lk.url, lk.anchor_text) for lk in content.links] == [("https://a.com/p", "")]


def test_gnews_markdown_quirks() -> None:
    body = (
        "[[zh:美国]]总统说&#39;好&#39; &bull; 完\r\n\r\n"
        '![class=](https://a.com/图.png "class=")\r\n\r\n'
        "[![](https://a.com/small.png)](https://a.com/big.png)\n"
    )
    article = _article(body.replace("\r\n", "\n"))
    assert article.body_text.splitlines()[0] == "美国总统说'好' • 完"
    assert [(i.url, i.alt, i.title) for i in article.images] == [
        ("https://a.com/%E5%9B%BE.png", "class=", "class="),
        ("https://a.com/small.png", None, None),
    ]
    assert [lk.url for lk in article.links] == ["https://a.com/big.png"]


def test_gnews_date_line_gives_date_publisher_and_canonical_url() -> None:
    body = (
        "###  [:house:返回](README.md)\n---\n\n\n## 标题\n"
        "`4/2/2024 12:25 PM UTC 喜马拉雅农场新西兰站` [轉載自GNews](https://gnews.org/articles/2444188)\n\n正文。"
    )
    article = _article(body)
    assert article.title == "标题"
    assert article.published is not None
    assert (article.published.value.isoformat(), article.published.precision) == (
        "2024-04-02T12:25:00+00:00",
        "minute",
    )
    assert [(c.name, c.role) for c in article.credits] == [("喜马拉雅农场新西兰站", "publisher")]
    assert article.canonical_url == "https://gnews.org/articles/2444188"
    assert [lk.url for lk in article.links] == ["README.md", "https://gnews.org/articles/2444188"]


def test_dates_fall_back_to_title_then_file_name() -> None:
    from_title = _article("## 2023年03月05日直播\n\n正文", "x/20190101-1.md")
    assert from_title.published is not None
    assert from_title.published.value.date().isoformat() == "2023-03-05"
    from_name = _article("## 直播\n\n正文", "t/2019/07/20190727-5.md")
    assert from_name.published is not None
    assert from_name.published.value.date().isoformat() == "2019-07-27"
    placeholder = _article("## 直播\n\n正文", "t/1969/12/19691231-5.md")
    assert placeholder.published is None


def test_placeholders_and_index_pages_are_skipped() -> None:
    stub = transform(_doc("## \n[轉載自GNews](https://gnews.org/ThreadView/0)\n\n\n"))
    assert isinstance(stub, Skipped)
    assert stub.reason == "placeholder: no title, and no text outside links"
    index = transform(_doc("\n\n".join(f"#### [第{n}篇](/content/{n}.md)" for n in range(12))))
    assert isinstance(index, Skipped)
    assert index.reason == "index page: 12 of its 12 paragraphs are links"
    assert _article("## 正文\n\n一段话。").title == "正文"


def test_front_matter_that_states_a_title_makes_an_article_however_many_links() -> None:
    # the shape of a Hexo RSS product post (issue 19): Japanese prose, 5 of 12 paragraphs links
    links = [
        f'<p><a href="https://www.dlsite.com/maniax/work/=/product_id/RJ0{n}.html">RJ0{n}</a></p>'
        for n in range(5)
    ]
    prose = [
        f"<p>この作品は{n}番目の紹介です。<a href='https://dlsite.com/{n}'>詳細</a>をご覧ください。</p>"
        for n in range(7)
    ]
    body = "\n".join(prose[:4] + links + prose[4:])
    stated = transform(_doc(body, title="DLsite 新作", categories=["二次元", "DLsite"], author="RSSHub"))
    assert isinstance(stated, Article)
    assert stated.title == "DLsite 新作"
    unstated = transform(_doc(body))
    assert isinstance(unstated, Skipped)
    assert unstated.reason == "index page: 5 of its 12 paragraphs are links"
