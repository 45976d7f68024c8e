"""Initial public schema v1: articles, authors, categories, tags, images, links, domains, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 14:55:09.072101
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the public schema v1 (ARCHITECTURE.md)."""
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "source_path",
            sa.Text(),
            nullable=False,
            comment="File path relative to the input root, '/'-separated; the natural key.",
        ),
        sa.Column(
            "content_sha256",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the file's bytes; unchanged hash means nothing to reload.",
        ),
        sa.Column(
            "title",
            sa.Text(),
            nullable=True,
            comment="Title from front matter, else the first heading; plain text.",
        ),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Publication instant in UTC.",
        ),
        sa.Column(
            "published_precision",
            sa.String(length=10),
            nullable=True,
            comment="How much of published_at the source stated: second, minute, day, month, year.",
        ),
        sa.Column(
            "body_format",
            sa.String(length=16),
            nullable=False,
            comment="html, markdown, mixed (Markdown with HTML) or empty.",
        ),
        sa.Column(
            "body_html",
            sa.Text(),
            nullable=False,
            comment="Body as HTML: as given, or rendered from Markdown.",
        ),
        sa.Column(
            "body_text",
            sa.Text(),
            nullable=False,
            comment="Body as plain text, one paragraph a line.",
        ),
        sa.Column(
            "summary",
            sa.Text(),
            nullable=True,
            comment="Lead paragraph(s) as plain text, at most 280 characters.",
        ),
        sa.Column(
            "canonical_url",
            sa.Text(),
            nullable=True,
            comment="URL of the original article (front matter, or the 轉載自 link).",
        ),
        sa.Column("char_count", sa.Integer(), nullable=False, comment="Characters in body_text."),
        sa.Column(
            "front_matter",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="All front matter as JSON, nothing dropped.",
        ),
        sa.Column(
            "extractor_version",
            sa.String(length=32),
            nullable=False,
            comment="etl version that produced this row; an upgrade reprocesses the file.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When the row was first loaded (UTC).",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When the row last changed (UTC).",
        ),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When the source file was found gone (soft delete).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("source_path", name=op.f("uq_articles_source_path")),
        comment="One row per article file.",
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_published_at"), ["published_at"], unique=False)

    op.create_table(
        "authors",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False, comment="Person or organisation name."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authors")),
        sa.UniqueConstraint("name", name=op.f("uq_authors_name")),
        comment="Every person or organisation credited by any article.",
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False, comment="This level's name, e.g. 头条."),
        sa.Column("parent_id", sa.Integer(), nullable=True, comment="Parent category; NULL at the top."),
        sa.Column(
            "path",
            sa.Text(),
            nullable=False,
            comment="Full path from the top, '/'-separated, e.g. 新媒体/观察者网/头条.",
        ),
        sa.Column("depth", sa.Integer(), nullable=False, comment="1 for a top-level category."),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["categories.id"], name=op.f("fk_categories_parent_id_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("path", name=op.f("uq_categories_path")),
        comment="Category hierarchy (Hexo category lists).",
    )
    op.create_table(
        "domains",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("host", sa.Text(), nullable=False, comment="Lower-case host, e.g. www.guancha.cn."),
        sa.Column(
            "registered_domain",
            sa.Text(),
            nullable=False,
            comment="Domain under its public suffix, e.g. guancha.cn (the host itself for IPs).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domains")),
        sa.UniqueConstraint("host", name=op.f("uq_domains_host")),
        comment="Hosts of images and links.",
    )
    with op.batch_alter_table("domains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_domains_registered_domain"), ["registered_domain"], unique=False)

    op.create_table(
        "etl_runs",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="Start (UTC).",
        ),
        sa.Column(
            "finished_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="End (UTC); NULL while running or if killed.",
        ),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="running, succeeded, partial (some files failed), failed or interrupted.",
        ),
        sa.Column("etl_version", sa.String(length=32), nullable=False, comment="Version of etl that ran."),
        sa.Column(
            "paths",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            comment="Input roots as given.",
        ),
        sa.Column("files_seen", sa.Integer(), nullable=False, comment="Article files found."),
        sa.Column("articles_inserted", sa.Integer(), nullable=False, comment="New articles."),
        sa.Column("articles_updated", sa.Integer(), nullable=False, comment="Changed articles reloaded."),
        sa.Column(
            "articles_unchanged",
            sa.Integer(),
            nullable=False,
            comment="Files skipped as unchanged.",
        ),
        sa.Column("articles_deleted", sa.Integer(), nullable=False, comment="Articles soft-deleted."),
        sa.Column("files_failed", sa.Integer(), nullable=False, comment="Files recorded in load_errors."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_etl_runs")),
        comment="One row per `etl run`.",
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("name", sa.Text(), nullable=False, comment="Tag or keyword."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
        comment="Front matter tags and keywords.",
    )
    op.create_table(
        "article_authors",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("author_id", sa.Integer(), nullable=False, comment="authors.id"),
        sa.Column(
            "role",
            sa.String(length=32),
            nullable=False,
            comment=(
                "author (front matter), writer, editor, proofreader, translator, reviewer, publisher, page."
            ),
        ),
        sa.Column(
            "position",
            sa.Integer(),
            nullable=False,
            comment="Order of the credit in the article, from 1.",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_authors_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["authors.id"], name=op.f("fk_article_authors_author_id_authors")
        ),
        sa.PrimaryKeyConstraint("article_id", "author_id", "role", name=op.f("pk_article_authors")),
        comment="Who is credited for an article, and as what.",
    )
    with op.batch_alter_table("article_authors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_authors_author_id"), ["author_id"], unique=False)

    op.create_table(
        "article_categories",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column(
            "category_id",
            sa.Integer(),
            nullable=False,
            comment="The leaf category (categories.id).",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_categories_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_article_categories_category_id_categories"),
        ),
        sa.PrimaryKeyConstraint("article_id", "category_id", name=op.f("pk_article_categories")),
        comment="An article's leaf categories.",
    )
    with op.batch_alter_table("article_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_categories_category_id"), ["category_id"], unique=False)

    op.create_table(
        "article_tags",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("tag_id", sa.Integer(), nullable=False, comment="tags.id"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_tags_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_article_tags_tag_id_tags")),
        sa.PrimaryKeyConstraint("article_id", "tag_id", name=op.f("pk_article_tags")),
        comment="Tags of each article.",
    )
    with op.batch_alter_table("article_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("url", sa.Text(), nullable=False, comment="Absolute, normalised image URL."),
        sa.Column(
            "domain_id",
            sa.Integer(),
            nullable=True,
            comment="Host of the URL; NULL for non-web URLs.",
        ),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name=op.f("fk_images_domain_id_domains")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        sa.UniqueConstraint("url", name=op.f("uq_images_url")),
        comment="One row per distinct image URL.",
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("url", sa.Text(), nullable=False, comment="Absolute, normalised URL."),
        sa.Column(
            "domain_id",
            sa.Integer(),
            nullable=True,
            comment="Host of the URL; NULL for mailto: etc.",
        ),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name=op.f("fk_links_domain_id_domains")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("url", name=op.f("uq_links_url")),
        comment="One row per distinct link target.",
    )
    op.create_table(
        "load_errors",
        sa.Column("id", sa.Integer(), nullable=False, comment="Surrogate key."),
        sa.Column("run_id", sa.Integer(), nullable=False, comment="etl_runs.id"),
        sa.Column("source_path", sa.Text(), nullable=False, comment="The file that failed."),
        sa.Column("stage", sa.String(length=16), nullable=False, comment="extract, transform or load."),
        sa.Column("error", sa.Text(), nullable=False, comment="What went wrong, for a person to read."),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When (UTC).",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["etl_runs.id"],
            name=op.f("fk_load_errors_run_id_etl_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_errors")),
        comment="Files that could not be loaded, and why.",
    )
    with op.batch_alter_table("load_errors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_load_errors_run_id"), ["run_id"], unique=False)

    op.create_table(
        "article_images",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("role", sa.String(length=16), nullable=False, comment="cover, thumbnail or inline."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order within the role, from 1."),
        sa.Column("image_id", sa.Integer(), nullable=False, comment="images.id"),
        sa.Column("alt", sa.Text(), nullable=True, comment="alt text."),
        sa.Column("title", sa.Text(), nullable=True, comment="title attribute."),
        sa.Column(
            "caption",
            sa.Text(),
            nullable=True,
            comment="figcaption, or the centred paragraph right after the image.",
        ),
        sa.Column("width", sa.Integer(), nullable=True, comment="Declared width in pixels."),
        sa.Column("height", sa.Integer(), nullable=True, comment="Declared height in pixels."),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_images_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_article_images_image_id_images")),
        sa.PrimaryKeyConstraint("article_id", "role", "position", name=op.f("pk_article_images")),
        comment="Where an image appears in an article.",
    )
    with op.batch_alter_table("article_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_images_image_id"), ["image_id"], unique=False)

    op.create_table(
        "article_links",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in the body, from 1."),
        sa.Column("link_id", sa.Integer(), nullable=False, comment="links.id"),
        sa.Column("anchor_text", sa.Text(), nullable=False, comment="The link's visible text."),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_links_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], name=op.f("fk_article_links_link_id_links")),
        sa.PrimaryKeyConstraint("article_id", "position", name=op.f("pk_article_links")),
        comment="Every link in an article body.",
    )
    with op.batch_alter_table("article_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_links_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    """Drop every table of the public schema v1."""
    with op.batch_alter_table("article_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_links_link_id"))

    op.drop_table("article_links")
    with op.batch_alter_table("article_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_images_image_id"))

    op.drop_table("article_images")
    with op.batch_alter_table("load_errors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_load_errors_run_id"))

    op.drop_table("load_errors")
    op.drop_table("links")
    op.drop_table("images")
    with op.batch_alter_table("article_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_tags_tag_id"))

    op.drop_table("article_tags")
    with op.batch_alter_table("article_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_categories_category_id"))

    op.drop_table("article_categories")
    with op.batch_alter_table("article_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_authors_author_id"))

    op.drop_table("article_authors")
    op.drop_table("tags")
    op.drop_table("etl_runs")
    with op.batch_alter_table("domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_domains_registered_domain"))

    op.drop_table("domains")
    op.drop_table("categories")
    op.drop_table("authors")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_published_at"))

    op.drop_table("articles")
