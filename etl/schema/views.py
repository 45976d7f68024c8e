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
    "One row per real article: the most complete live version of its copies, revisions and re-posts "
    "(articles.canonical_article_id = id), flattened for BI tools; drafts left out.",
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
        ViewColumn("category_2", "text", "Second level of category_path, e.g. 观察者网 (see feed)."),
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
        ViewColumn("feed", "text", "The feed: category path, else the top folder within the source."),
        ViewColumn("source", "text", "Name of the source the file is in (sources.name)."),
        ViewColumn(
            "version_count",
            "integer",
            "Live files that are this article: 1, or more with copies and revisions.",
        ),
        ViewColumn(
            "credits",
            "text",
            "Every name the article credits with its roles, names in credit order: "
            "`天才老鼠 (editor, transcriber); 文敏 (publisher, reviewer)`.",
        ),
        ViewColumn(
            "publisher", "text", "Names credited as publisher (a date line's site, a transcript's 发布)."
        ),
        ViewColumn("kind", "text", "post or page (drafts are left out of the views)."),
    ),
)

V_ARTICLE_LINKS = View(
    "v_article_links",
    "Every link in a real article (its most complete live version), with its host and registered domain.",
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
    "Real articles per UTC day and feed.",
    (
        ViewColumn("published_date", "date", "UTC date; NULL for articles without a date."),
        ViewColumn("category_2", "text", "Second category level; NULL when uncategorised."),
        ViewColumn("article_count", "integer", "Real articles that day in that feed."),
        ViewColumn("feed", "text", "The feed (v_articles.feed)."),
    ),
)

V_DOMAIN_STATS = View(
    "v_domain_stats",
    "How much real articles (their most complete live versions) link to each registered domain.",
    (
        ViewColumn("registered_domain", "text", "Domain under its public suffix."),
        ViewColumn("link_rows", "integer", "Links to it, counting every occurrence."),
        ViewColumn("article_count", "integer", "Distinct articles linking to it."),
        ViewColumn("link_count", "integer", "Distinct URLs on it."),
    ),
)

V_ARTICLE_VERSIONS = View(
    "v_article_versions",
    "Every live file with the real article it is a version of, and how it matched.",
    (
        ViewColumn("article_id", "integer", "articles.id of this file."),
        ViewColumn("canonical_article_id", "integer", "The real article (the most complete version)."),
        ViewColumn("is_canonical", "integer", "1 for the most complete version itself, else 0."),
        ViewColumn("source", "text", "Name of the source the file is in."),
        ViewColumn("source_path", "text", "File path within the source."),
        ViewColumn("title", "text", "This file's title."),
        ViewColumn("published_at", "timestamp", "This file's publication instant (UTC)."),
        ViewColumn("feed", "text", "This file's feed."),
        ViewColumn("char_count", "integer", "Characters in this file's body text."),
        ViewColumn(
            "match",
            "text",
            "How it matches the canonical article: copy (the same text, or nearly, in the same feed and "
            "source), repost (the same text elsewhere, or the same URL), revision (the same feed and "
            "instant, part of the text shared); NULL for the canonical article itself.",
        ),
        ViewColumn(
            "similarity",
            "real",
            "Estimated Jaccard similarity of its text to the canonical article's, 0 to 1.",
        ),
    ),
)

V_ARTICLE_CREDITS = View(
    "v_article_credits",
    "Every credit of a real article: who, in what role, with which farm or team. Count people by "
    "`person`, which joins the spellings of one person.",
    (
        ViewColumn("article_id", "integer", "The real article (articles.id)."),
        ViewColumn("title", "text", "Its title."),
        ViewColumn("published_at", "timestamp", "Its publication instant (UTC)."),
        ViewColumn("feed", "text", "Its feed."),
        ViewColumn("name", "text", "The name as credited (`Winner为自由而战（文祥）`)."),
        ViewColumn(
            "person",
            "text",
            "Who the name is: one key for the spellings of one person (`Winner 文祥` and "
            "`为自由而战（文祥）` are 文祥); the name itself for names not re-read since etl 0.6.",
        ),
        ViewColumn("role", "text", "writer, editor, transcriber, proofreader, reviewer, publisher, …"),
        ViewColumn("affiliation", "text", "The farm or team credited with the name, if any."),
        ViewColumn("position", "integer", "Order of the credit in the article, from 1."),
    ),
)

VIEWS = (V_ARTICLES, V_ARTICLE_LINKS, V_DAILY_ARTICLES, V_DOMAIN_STATS, V_ARTICLE_VERSIONS, V_ARTICLE_CREDITS)
