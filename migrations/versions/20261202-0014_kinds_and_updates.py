"""Hexo's conventions: posts, pages and drafts, and when the source says it was last edited.

- `articles.kind`: post, page or draft. Rows already there are posts until a run reads them again
  (every file is re-read after an upgrade).
- `articles.source_updated_at`: the front matter's `updated` (Hexo) or `lastmod` (Hugo), in UTC.
- `article_post_links`: Hexo's `{% post_link slug %}`, and the article each names once loaded.
- `article_images.role` may be `gallery` (Hexo's `photos`).
- The views leave drafts out, and v_articles gains `kind` (post or page) as its last column.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = (
    "post, page (a Hexo page, layout: page, Hugo _index.md) or draft (published: false, "
    "draft: true, under _drafts/); the views leave drafts out."
)
SOURCE_UPDATED_AT = "When the source says it was last edited (front matter updated, lastmod), in UTC."
IMAGE_ROLES = "cover, thumbnail, gallery (Hexo's photos, in order) or inline."
IMAGE_ROLES_BEFORE = "cover, thumbnail or inline."
POST_LINKS = "Hexo's links between posts ({% post_link %}), resolved to articles after each run."
POST_LINK_SLUG = "What `{% post_link slug %}` names, as written."
POST_LINK_TARGET = (
    "The loaded article of the same source with that file name, slug or permalink; "
    "NULL when there is none (the run says so)."
)
LIVE = "WHERE a.deleted_at IS NULL"
NOT_DRAFT = "WHERE a.deleted_at IS NULL AND a.kind <> 'draft'"
LAST_0013_COLUMN = "AS publisher\n    FROM articles a"


def view_definitions(dialect: str, script: Any) -> list[tuple[str, str]]:
    """The views as this revision leaves them, in creation order (see 0012)."""
    views = []
    for name, body in script.get_revision("0013").module.view_definitions(dialect, script):
        if LIVE not in body and "FROM v_articles" not in body:
            raise RuntimeError(f"0013's {name} no longer filters live articles as 0014 expects")
        body = body.replace(LIVE, NOT_DRAFT)
        if name == "v_articles":
            if LAST_0013_COLUMN not in body:
                raise RuntimeError("0013's v_articles no longer ends as 0014 expects")
            body = body.replace(LAST_0013_COLUMN, "AS publisher,\n        a.kind\n    FROM articles a")
        views.append((name, body))
    return views


def upgrade() -> None:
    """Add articles.kind and articles.source_updated_at; a gallery image role; the views leave drafts
    out."""
    dialect = op.get_bind().dialect.name
    for name, _ in reversed(
        context.script.get_revision("0013").module.view_definitions(dialect, context.script)
    ):
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="post", comment=KIND))
        batch.add_column(
            sa.Column("source_updated_at", sa.DateTime(timezone=True), comment=SOURCE_UPDATED_AT)
        )
    with op.batch_alter_table("article_images") as batch:
        batch.alter_column("role", existing_type=sa.String(16), existing_nullable=False, comment=IMAGE_ROLES,
                           existing_comment=IMAGE_ROLES_BEFORE)  # fmt: skip
    op.create_table(
        "article_post_links",
        sa.Column("article_id", sa.Integer(), nullable=False, comment="The article (articles.id)."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in the body, from 1."),
        sa.Column("slug", sa.Text(), nullable=False, comment=POST_LINK_SLUG),
        sa.Column("target_article_id", sa.Integer(), nullable=True, comment=POST_LINK_TARGET),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_post_links_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_article_id"],
            ["articles.id"],
            name="fk_article_post_links_target_article_id_articles",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("article_id", "position", name="pk_article_post_links"),
        comment=POST_LINKS,
    )
    op.create_index("ix_article_post_links_target_article_id", "article_post_links", ["target_article_id"])
    for name, body in view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    """Back to 0013."""
    dialect = op.get_bind().dialect.name
    for name, _ in reversed(view_definitions(dialect, context.script)):
        op.execute(f"DROP VIEW {name}")
    op.drop_table("article_post_links")
    with op.batch_alter_table("article_images") as batch:
        batch.alter_column("role", existing_type=sa.String(16), existing_nullable=False,
                           comment=IMAGE_ROLES_BEFORE, existing_comment=IMAGE_ROLES)  # fmt: skip
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("source_updated_at")
        batch.drop_column("kind")
    for name, body in context.script.get_revision("0013").module.view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")
