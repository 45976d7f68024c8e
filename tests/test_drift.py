"""A schema someone changed by hand: etl repairs what it can (views, their comments) and says
plainly what it cannot (a dropped column), before a run depends on it."""

from __future__ import annotations

from conftest import SEEDS, Database

from etl.load import SCHEMA_HEAD

RECREATED = (
    "recreated the views v_articles, v_article_links, v_daily_articles, v_domain_stats, v_article_versions,"
    " v_article_credits"
)


def _drop_views(db: Database) -> None:
    with db.engine.begin() as connection:
        for view in ("v_daily_articles", "v_articles"):
            connection.exec_driver_sql(f"DROP VIEW {view}")


def test_upgrade_recreates_dropped_views_and_their_comments(db: Database) -> None:
    db.load(SEEDS)
    before = db.rows("SELECT * FROM v_daily_articles ORDER BY published_date")
    _drop_views(db)
    upgraded = db.run("db", "upgrade")
    assert f"Schema up to date at revision {SCHEMA_HEAD}; {RECREATED}, which had been dropped or changed" in (
        upgraded.output
    )
    assert db.rows("SELECT * FROM v_daily_articles ORDER BY published_date") == before
    assert db.scalar("SELECT count(*) FROM v_articles") == 4
    if db.engine.dialect.name == "postgresql":
        assert db.scalar("SELECT obj_description('v_articles'::regclass, 'pg_class')").startswith("One row")
    assert "recreated" not in db.run("db", "upgrade").output


def test_a_run_repairs_dropped_views_by_itself(db: Database) -> None:
    db.load(SEEDS)
    _drop_views(db)
    result = db.load(SEEDS)
    assert RECREATED in result.output
    assert db.scalar("SELECT count(*) FROM v_articles") == 4


def test_a_dropped_column_stops_the_run_before_it_loads_anything(db: Database) -> None:
    db.load(SEEDS)
    cascade = " CASCADE" if db.engine.dialect.name == "postgresql" else ""
    with db.engine.begin() as connection:
        if not cascade:
            connection.exec_driver_sql("DROP VIEW v_daily_articles")
            connection.exec_driver_sql("DROP VIEW v_articles")
        connection.exec_driver_sql(f"ALTER TABLE articles DROP COLUMN script{cascade}")
    result = db.load(SEEDS, expect_exit=1)
    assert result.output.splitlines()[-1] == (
        "Error: the database schema differs from what etl needs and etl cannot repair it: column "
        "articles.script is missing. Restore it from a backup (or recreate the column as the migrations "
        "define it), or load into a new database"
    )
    assert "Traceback" not in result.output
    assert db.scalar("SELECT count(*) FROM etl_runs") == 1  # the refused run never started
    assert "cannot repair" in db.run("db", "upgrade", expect_exit=1).output
