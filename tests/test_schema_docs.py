"""Descriptions everywhere, and generated schema docs that cannot go stale."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO

from etl.cli import cli
from etl.schema.docs import rendered_files
from etl.schema.tables import metadata
from etl.schema.views import VIEWS


def test_every_table_and_column_has_a_one_line_description() -> None:
    for table in metadata.sorted_tables:
        assert table.comment and "\n" not in table.comment, table.name
        for column in table.columns:
            assert column.comment and "\n" not in column.comment, f"{table.name}.{column.name}"
    for view in VIEWS:
        assert view.description
        assert all(c.description and "\n" not in c.description for c in view.columns), view.name


def test_committed_docs_are_up_to_date() -> None:
    for name, content in rendered_files().items():
        committed = (REPO / "docs" / name).read_text(encoding="utf-8")
        assert committed == content, f"docs/{name} is stale: run `etl schema docs`"


def test_schema_md_covers_every_table_view_and_the_er_diagram() -> None:
    schema = rendered_files()["schema.md"]
    for table in metadata.sorted_tables:
        assert f"### `{table.name}`" in schema
    for view in VIEWS:
        assert f"### `{view.name}`" in schema
    assert "articles ||--o{ article_links : article_id" in schema
    assert (
        "| `source_path` | text | text | no | unique (source_id, source_path) "
        "| File path relative to the source's root, '/'-separated; with source_id, the natural key. |"
    ) in schema


def test_datasette_metadata_describes_tables_views_and_columns() -> None:
    tables = json.loads(rendered_files()["datasette-metadata.json"])["databases"]["etl"]["tables"]
    assert tables["articles"]["columns"]["published_at"] == "Publication instant in UTC."
    assert tables["v_articles"]["columns"]["category_2"] == (
        "Second level of category_path, e.g. 观察者网 (see feed)."
    )
    assert tables["article_search"] == {"hidden": True}


def test_schema_docs_command_writes_then_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "docs"
    stale = runner.invoke(cli, ["schema", "docs", "--output-dir", str(out), "--check"])
    assert stale.exit_code == 1
    assert stale.output == (
        f"missing: {out / 'schema.md'}, {out / 'datasette-metadata.json'}; run `etl schema docs`\n"
    )
    assert not out.exists()
    written = runner.invoke(cli, ["schema", "docs", "--output-dir", str(out)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in out.iterdir()) == ["datasette-metadata.json", "schema.md"]
    checked = runner.invoke(cli, ["schema", "docs", "--output-dir", str(out), "--check"])
    assert checked.exit_code == 0
    assert checked.output == f"{out}: up to date\n"
    (out / "schema.md").write_text("edited by hand\n", encoding="utf-8")
    (out / "datasette-metadata.json").unlink()
    both = runner.invoke(cli, ["schema", "docs", "--output-dir", str(out), "--check"])
    assert both.exit_code == 1
    assert both.output == (
        f"missing: {out / 'datasette-metadata.json'}; out of date: {out / 'schema.md'}; "
        "run `etl schema docs`\n"
    )


def test_schema_docs_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    (out / "schema.md").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["schema", "docs", "--output-dir", str(out)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {out / 'schema.md'}: Is a directory\n"
