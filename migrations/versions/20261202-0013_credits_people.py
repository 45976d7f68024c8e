"""Credits as the archives give them: who a name is, the team it came with, and all of them in
v_articles.

- `authors.person`: one key for the spellings of one person (etl.transform.people); NULL for the
  names already there, until a run meets them again (every file is re-read after an upgrade).
- `article_authors.affiliation`: the farm or team a name was credited with.
- v_articles gains `credits` (every credited name with its roles, in credit order) and `publisher`
  (the names credited as publisher: the site of a GNews date line, the 发布 of a transcript).
- v_article_credits: one row per credit of a real article, with the person and the affiliation,
  for "most credited people" by person rather than by spelling.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAST_0012_COLUMN = "AND v.deleted_at IS NULL) AS version_count\n    FROM articles a"
# every name with its roles (alphabetical), in the order the article credits the names; SQLite
# before 3.44 has no ORDER BY in group_concat, so its rows come ordered from a subquery
CREDITS = {
    "sqlite": """(SELECT group_concat(credit, '; ') FROM (
            SELECT name || ' (' || group_concat(role, ', ') || ')' AS credit FROM (
                SELECT au.name, aa.role, aa.position FROM article_authors aa
                JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id
                ORDER BY au.name, aa.role)
            GROUP BY name ORDER BY min(position)))""",
    "postgresql": """(SELECT string_agg(credit, '; ' ORDER BY first) FROM (
            SELECT au.name || ' (' || string_agg(aa.role, ', ' ORDER BY aa.role) || ')' AS credit,
                min(aa.position) AS first
            FROM article_authors aa JOIN authors au ON au.id = aa.author_id
            WHERE aa.article_id = a.id GROUP BY au.name) AS credited)""",
}
V_ARTICLE_CREDITS = """SELECT a.id AS article_id, a.title, a.published_at, a.feed, au.name,
        coalesce(au.person, au.name) AS person, aa.role, aa.affiliation, aa.position
    FROM article_authors aa
    JOIN articles a ON a.id = aa.article_id
    JOIN authors au ON au.id = aa.author_id
    WHERE a.deleted_at IS NULL AND a.canonical_article_id = a.id"""
PEOPLE = (
    "Who the name is: one key for the spellings of one person (`Winner 文祥` and "
    "`为自由而战（文祥）` are 文祥); NULL for names not met since etl 0.6."
)
AFFILIATION = "The farm or team the name was credited with (纽约香草山农场：天才老鼠), if any."
NAME = "Person or organisation name, as credited."
ROLE = "author (front matter), writer, editor, proofreader, translator, reviewer, publisher, page."
ROLES_NOW = (
    "author (front matter), writer, editor, proofreader, translator, reviewer, transcriber, "
    "publisher, designer, source, page."
)


def view_definitions(dialect: str, script: Any) -> list[tuple[str, str]]:
    """The views as this revision leaves them, in creation order (see 0012)."""
    before = script.get_revision("0012").module.view_definitions(dialect, script)
    v_articles = dict(before)["v_articles"]
    if LAST_0012_COLUMN not in v_articles:
        raise RuntimeError("0012's v_articles no longer ends as 0013 expects")
    publisher = script.get_revision("0006").module.CREDITED_NAMES[dialect].format(roles="'publisher'")
    v_articles = v_articles.replace(
        LAST_0012_COLUMN,
        "AND v.deleted_at IS NULL) AS version_count,\n"
        f"        {CREDITS[dialect]} AS credits,\n"
        f"        {publisher} AS publisher\n"
        "    FROM articles a",
    )
    views = [(name, v_articles if name == "v_articles" else body) for name, body in before]
    return [*views, ("v_article_credits", V_ARTICLE_CREDITS)]


def upgrade() -> None:
    """Add authors.person and article_authors.affiliation; v_articles gains credits and publisher;
    v_article_credits."""
    dialect = op.get_bind().dialect.name
    before = context.script.get_revision("0012").module.view_definitions(dialect, context.script)
    for name, _ in reversed(before):
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("authors") as batch:
        batch.add_column(sa.Column("person", sa.Text(), nullable=True, comment=PEOPLE))
        batch.create_index("ix_authors_person", ["person"])
        batch.alter_column("name", existing_type=sa.Text(), existing_nullable=False, comment=NAME,
                           existing_comment="Person or organisation name.")  # fmt: skip
    with op.batch_alter_table("article_authors") as batch:
        batch.add_column(sa.Column("affiliation", sa.Text(), nullable=True, comment=AFFILIATION))
        batch.alter_column("role", existing_type=sa.String(32), existing_nullable=False, comment=ROLES_NOW,
                           existing_comment=ROLE)  # fmt: skip
    for name, body in view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    """Back to 0012."""
    dialect = op.get_bind().dialect.name
    for name, _ in reversed(view_definitions(dialect, context.script)):
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("article_authors") as batch:
        batch.alter_column("role", existing_type=sa.String(32), existing_nullable=False, comment=ROLE,
                           existing_comment=ROLES_NOW)  # fmt: skip
        batch.drop_column("affiliation")
    with op.batch_alter_table("authors") as batch:
        batch.alter_column("name", existing_type=sa.Text(), existing_nullable=False,
                           comment="Person or organisation name.", existing_comment=NAME)  # fmt: skip
        batch.drop_index("ix_authors_person")
        batch.drop_column("person")
    for name, body in context.script.get_revision("0012").module.view_definitions(dialect, context.script):
        op.execute(f"CREATE VIEW {name} AS {body}")
