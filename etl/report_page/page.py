"""The report page: the figures (etl.load.report.ReportData) and their charts into one HTML file.

Every string from the database is a stranger's: the template autoescapes, every value shown goes
through etl.output.printable (no control or bidirectional characters reorder a table), and the
JSON data block escapes `<`, `>` and `&`, so no title, name or file name can close it.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from etl import __version__
from etl.load.report import ReportData
from etl.output import json_text, printable
from etl.report_page import charts

UNKNOWN = "(unknown)"
# what may not appear raw inside a <script> element, nor start a tag or an entity
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def render_page(data: ReportData, database: str, generated_at: datetime) -> str:
    """The whole report as one HTML document that fetches nothing."""
    environment = Environment(
        loader=PackageLoader("etl.report_page"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_shown,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(count=_count, share=_share, when=_when, day=_day, took=_took)
    return environment.get_template("report.html.j2").render(
        data=data,
        database=database,
        generated_at=generated_at,
        version=__version__,
        charts=_charts(data),
        people=_by_role(data.people),
        timeline={
            "feeds": len({row["feed"] for row in data.timeline} - {None}),
            "others": any(row["feed"] is None for row in data.timeline),
        },
        data_json=data_block(data),
        unknown=UNKNOWN,
    )


def data_block(data: ReportData) -> Markup:
    """The figures as JSON that is safe inside `<script type="application/json">`."""
    return Markup(json_text(_plain(dataclasses.asdict(data)), indent=None).translate(_JSON_IN_HTML))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, datetime) else value


def _charts(data: ReportData) -> dict[str, Markup | None]:
    languages = [" · ".join(filter(None, (r["language"] or UNKNOWN, r["script"]))) for r in data.languages]
    return {
        "timeline": charts.timeline_chart(data.timeline),
        "languages": charts.bar_chart(
            languages, [r["articles"] for r in data.languages], "articles", "languages"
        ),
        "domains": charts.bar_chart(
            [r["domain"] for r in data.domains], [r["links"] for r in data.domains], "links", "domains"
        ),
    }


def _by_role(people: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in people:
        grouped.setdefault(row["role"], []).append(row)
    return grouped


def _shown(value: Any) -> Any:
    """What a `{{ }}` prints: None as nothing, text made printable (then escaped), markup as is."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _day(value: datetime | None) -> str:
    return "—" if value is None else value.date().isoformat()


def _took(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
