"""BI views over live articles, the full-text search index, and an index on articles.deleted_at.

The view bodies are frozen here: a later change to a view is a new migration that replaces it.
Their descriptions live in etl/schema/views.py and are written as comments by `etl db upgrade`.
The search index starts empty; `etl search --rebuild` (or the next `etl run`) fills it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the date parts are the UTC calendar date of published_at, on both backends
DATE_PARTS = {
    "sqlite": """
        date(a.published_at) AS published_date,
        CAST(strftime('%Y', a.published_at) AS INTEGER) AS year,
        strftime('%Y-%m', a.published_at) AS month""",
    "postgresql": """
        (a.published_at AT TIME ZONE 'UTC')::date AS published_date,
        CAST(EXTRACT(YEAR FROM a.published_at AT TIME ZONE 'UTC') AS INTEGER) AS year,
        to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month""",
}

# names credited with `roles`, each once, in credit order (the front matter author is credit 1)
CREDITED_NAMES = {
    "sqlite": """(SELECT group_concat(name, ', ') FROM (
            SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id
            WHERE aa.article_id = a.id AND aa.role IN ({roles})
            GROUP BY au.name ORDER BY min(aa.position)))""",
    "postgresql": """(SELECT string_agg(name, ', ' ORDER BY first) FROM (
            SELECT au.name, min(aa.position) AS first FROM article_authors aa
            JOIN authors au ON au.id = aa.author_id
            WHERE aa.article_id = a.id AND aa.role IN ({roles})
            GROUP BY au.name) AS credited)""",
}

CATEGORY_LEVEL = """(SELECT c.name FROM categories c WHERE c.depth = {level}
            AND (c.path = cat.path OR substr(cat.path, 1, length(c.path) + 1) = c.path || '/'))"""

V_ARTICLES = """
    SELECT
        a.id,
        a.title,
        a.published_at,{date_parts},
        cat.path AS category_path,
        {category_1} AS category_1,
        {category_2} AS category_2,
        {category_3} AS category_3,
        {authors} AS authors,
        {writers} AS writers,
        (SELECT count(DISTINCT ai.image_id) FROM article_images ai WHERE ai.article_id = a.id) AS image_count,
        (SELECT count(DISTINCT al.link_id) FROM article_links al WHERE al.article_id = a.id) AS link_count,
        a.char_count,
        a.canonical_url,
        a.source_path
    FROM articles a
    LEFT JOIN categories cat ON cat.id = (
        SELECT ac.category_id FROM article_categories ac
        JOIN categories c ON c.id = ac.category_id
        WHERE ac.article_id = a.id ORDER BY c.path LIMIT 1)
    WHERE a.deleted_at IS NULL
"""

V_ARTICLE_LINKS = """
    SELECT a.id AS article_id, a.title, al.position, l.url, d.host, d.registered_domain, al.anchor_text
    FROM article_links al
    JOIN articles a ON a.id = al.article_id
    JOIN links l ON l.id = al.link_id
    LEFT JOIN domains d ON d.id = l.domain_id
    WHERE a.deleted_at IS NULL
"""

V_DAILY_ARTICLES = """
    SELECT published_date, category_2, count(*) AS article_count
    FROM v_articles
    GROUP BY published_date, category_2
"""

V_DOMAIN_STATS = """
    SELECT d.registered_domain,
        count(*) AS link_rows,
        count(DISTINCT al.article_id) AS article_count,
        count(DISTINCT al.link_id) AS link_count
    FROM article_links al
    JOIN articles a ON a.id = al.article_id
    JOIN links l ON l.id = al.link_id
    JOIN domains d ON d.id = l.domain_id
    WHERE a.deleted_at IS NULL
    GROUP BY d.registered_domain
"""

SEARCH_INDEX = {
    "sqlite": [
        # title and body as etl.transform.index_text writes them: CJK characters spaced apart
        "CREATE VIRTUAL TABLE article_search USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2')",
        # merge segments less eagerly while loading: a quarter less insert time, same query speed
        "INSERT INTO article_search (article_search, rank) VALUES ('automerge', 8)",
    ],
    "postgresql": [
        """CREATE TABLE article_search (
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            chunk INTEGER NOT NULL,
            document TSVECTOR NOT NULL,
            CONSTRAINT pk_article_search PRIMARY KEY (article_id, chunk))""",
        "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
        "COMMENT ON TABLE article_search IS "
        "'Full-text search index (derived: etl search --rebuild recreates it).'",
        "COMMENT ON COLUMN article_search.article_id IS 'The article (articles.id).'",
        "COMMENT ON COLUMN article_search.chunk IS 'Part of a long article, from 0; part 0 holds the title.'",
        "COMMENT ON COLUMN article_search.document IS "
        "'Title (weight A) and body words; each CJK character is one token.'",
    ],
}


def _v_articles(dialect: str) -> str:
    return V_ARTICLES.format(
        date_parts=DATE_PARTS[dialect],
        category_1=CATEGORY_LEVEL.format(level=1),
        category_2=CATEGORY_LEVEL.format(level=2),
        category_3=CATEGORY_LEVEL.format(level=3),
        authors=CREDITED_NAMES[dialect].format(roles="'author', 'writer'"),
        writers=CREDITED_NAMES[dialect].format(roles="'writer'"),
    )


def upgrade() -> None:
    """Create v_articles, v_article_links, v_daily_articles, v_domain_stats and article_search."""
    dialect = op.get_bind().dialect.name
    op.create_index("ix_articles_deleted_at", "articles", ["deleted_at"])
    op.execute(f"CREATE VIEW v_articles AS {_v_articles(dialect)}")
    op.execute(f"CREATE VIEW v_article_links AS {V_ARTICLE_LINKS}")
    op.execute(f"CREATE VIEW v_daily_articles AS {V_DAILY_ARTICLES}")
    op.execute(f"CREATE VIEW v_domain_stats AS {V_DOMAIN_STATS}")
    for statement in SEARCH_INDEX[dialect]:
        op.execute(statement)


def downgrade() -> None:
    """Drop the search index and the views."""
    op.execute("DROP TABLE article_search")
    for view in ("v_domain_stats", "v_daily_articles", "v_article_links", "v_articles"):
        op.execute(f"DROP VIEW {view}")
    op.drop_index("ix_articles_deleted_at", table_name="articles")
