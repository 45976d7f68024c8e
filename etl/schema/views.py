"""What the BI views hold, column by column: the source of their docs and Postgres comments.

The view bodies are SQL in the migrations (0006 created them); a test checks that each view in a
migrated database has exactly these columns, on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewColumn:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class View:
    name: str
    description: str
    columns: tuple[ViewColumn, ...]


V_ARTICLES = View(
    "v_articles",
    "One row per live (not deleted) article, flattened for BI tools.",
    (
        ViewColumn("id", "integer", "articles.id"),
        ViewColumn("title", "text", "Title; NULL when the file has none."),
        ViewColumn("published_at", "timestamp", "Publication instant in UTC."),
        ViewColumn("published_date", "date", "UTC calendar date of published_at."),
        ViewColumn("year", "integer", "UTC year of published_at."),
        ViewColumn("month", "text", "UTC month of published_at as YYYY-MM."),
        ViewColumn(
            "category_path",
            "text",
            "Leaf category path, e.g. 新媒体/观察者网/头条; the alphabetically first when there are several.",
        ),
        ViewColumn("category_1", "text", "Top level of category_path, e.g. 新媒体."),
        ViewColumn("category_2", "text", "Second level of category_path (the feed), e.g. 观察者网."),
        ViewColumn("category_3", "text", "Third level of category_path, e.g. 头条."),
        ViewColumn(
            "authors",
            "text",
            "Names credited as author or writer, comma-separated, the front matter author first.",
        ),
        ViewColumn("writers", "text", "Names credited as writer in the byline, comma-separated."),
        ViewColumn("image_count", "integer", "Distinct images (cover, thumbnail and inline)."),
        ViewColumn("link_count", "integer", "Distinct link targets in the body."),
        ViewColumn("char_count", "integer", "Characters in body_text."),
        ViewColumn("canonical_url", "text", "URL of the original article, when known."),
        ViewColumn("source_path", "text", "File path relative to the input root."),
        ViewColumn("language", "text", "Language, ISO 639-1 (zh, en, ja, ko, …)."),
        ViewColumn("script", "text", "zh-Hans or zh-Hant for Chinese articles; NULL otherwise."),
        ViewColumn("source_encoding", "text", "Codec that read the file (utf-8, gb18030, big5hkscs, …)."),
    ),
)

V_ARTICLE_LINKS = View(
    "v_article_links",
    "Every link in a live article, with its host and registered domain.",
    (
        ViewColumn("article_id", "integer", "articles.id"),
        ViewColumn("title", "text", "Title of the article."),
        ViewColumn("position", "integer", "Order of the link in the body, from 1."),
        ViewColumn("url", "text", "Absolute, normalised URL."),
        ViewColumn("host", "text", "Lower-case host; NULL for mailto: and other non-web URLs."),
        ViewColumn("registered_domain", "text", "Domain under its public suffix, e.g. guancha.cn."),
        ViewColumn("anchor_text", "text", "The link's visible text."),
    ),
)

V_DAILY_ARTICLES = View(
    "v_daily_articles",
    "Live articles per UTC day and feed (category_2).",
    (
        ViewColumn("published_date", "date", "UTC date; NULL for articles without a date."),
        ViewColumn("category_2", "text", "Feed (second category level); NULL when uncategorised."),
        ViewColumn("article_count", "integer", "Live articles that day in that feed."),
    ),
)

V_DOMAIN_STATS = View(
    "v_domain_stats",
    "How much live articles link to each registered domain.",
    (
        ViewColumn("registered_domain", "text", "Domain under its public suffix."),
        ViewColumn("link_rows", "integer", "Links to it, counting every occurrence."),
        ViewColumn("article_count", "integer", "Distinct articles linking to it."),
        ViewColumn("link_count", "integer", "Distinct URLs on it."),
    ),
)

VIEWS = (V_ARTICLES, V_ARTICLE_LINKS, V_DAILY_ARTICLES, V_DOMAIN_STATS)
