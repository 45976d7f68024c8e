"""The report's charts: matplotlib figures written as inline SVG whose text stays text.

Labels are strangers' strings: mathtext is off (a `$` in a feed name is a dollar sign), the SVG
backend escapes `<` and `&`, and every label goes through etl.output.printable first. Each chart
salts its SVG ids with its own name, so two charts on one page never share a clip path id.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from markupsafe import Markup
from matplotlib import cycler, font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from etl.output import printable

LABEL_CHARS = 40
OTHER_FEEDS = "other feeds"
# a CJK face when the machine has one, so matplotlib measures Chinese labels as a browser draws them
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Droid Sans Fallback",
)
PALETTE = ("#3b6ea5", "#e07b39", "#3f9b5a", "#c8463d", "#8a63b8", "#8c6d4f", "#d16fb0", "#b5a33a")
OTHER_COLOUR = "#b8b8b8"
_PROLOG = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
# tags (text between them has `<` escaped), the ids on them, and the references to ids
_TAG = re.compile(r"<[^<>]*>")
_ID = re.compile(r'\sid="([^"]*)"')
_REFERENCE = re.compile(r'(?:url\(#|href="#)([^)"]+)')


def timeline_chart(rows: Sequence[dict[str, Any]]) -> Markup | None:
    """Articles per month stacked by feed, the largest at the bottom and the others (feed None) on
    top (rows: feed, month `YYYY-MM`, articles); None without rows.

    One bar per month and feed that has articles, so the SVG grows with the data, not with the
    span of years (an area over every month from a stray 1900 date on would not).
    """
    if not rows:
        return None
    series: dict[str | None, dict[date, int]] = defaultdict(dict)
    for row in rows:
        series[row["feed"]][_month(row["month"])] = row["articles"]
    feeds = sorted(series, key=lambda feed: (feed is None, -sum(series[feed].values()), feed or ""))
    stacked: dict[date, int] = defaultdict(int)
    with _style("timeline"):
        figure = Figure(figsize=(10, 3.6), layout="constrained")
        axes = figure.subplots()
        for index, feed in enumerate(feeds):
            months = sorted(series[feed])
            axes.bar(
                months,
                [series[feed][month] for month in months],
                width=[(_next_month(month) - month).days for month in months],
                bottom=[stacked[month] for month in months],
                align="edge",
                label=OTHER_FEEDS if feed is None else _label(feed),
                color=OTHER_COLOUR if feed is None else PALETTE[index % len(PALETTE)],
                linewidth=0,
            )
            for month in months:
                stacked[month] += series[feed][month]
        axes.set_ylabel("articles per month")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(min(stacked), _next_month(max(stacked)))
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, reverse=True)
        _tidy(axes, "y")
        return _svg(figure)


def bar_chart(labels: Sequence[str], values: Sequence[int], unit: str, name: str) -> Markup | None:
    """Horizontal bars, largest on top, each with its value; None without bars."""
    if not labels:
        return None
    with _style(name):
        figure = Figure(figsize=(7, 0.8 + 0.32 * len(labels)), layout="constrained")
        axes = figure.subplots()
        positions = range(len(labels))
        axes.barh(positions, values, color="#3b6ea5", height=0.7)
        axes.set_yticks(positions, [_label(label) for label in labels])
        axes.invert_yaxis()
        for position, value in zip(positions, values, strict=True):
            axes.annotate(
                f"{value:,}", (value, position), xytext=(3, 0), textcoords="offset points", va="center"
            )
        axes.set_xlabel(unit)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.margins(x=0.12)
        _tidy(axes, "x")
        return _svg(figure)


def _style(name: str) -> Any:
    return rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": f"etl-report-{name}",
            "text.parse_math": False,
            "font.family": _families(),
            "font.size": 9,
            "axes.prop_cycle": cycler(color=PALETTE),
        }
    )


@cache
def _families() -> list[str]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(name for name in CJK_FONTS if name in installed), "sans-serif"]


def _tidy(axes: Any, grid: str) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis=grid, color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)


def _svg(figure: Figure) -> Markup:
    """The figure as an `<svg>` element for inlining: no XML prolog, DOCTYPE or metadata (which name
    URLs a strict reader might fetch), no ids but those it references (every chart has a
    `figure_1`, and one page must not), text escaped by matplotlib's SVG writer."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # no CJK face on this machine: the browser draws the glyphs anyway (fonttype none)
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _PROLOG.sub("", buffer.getvalue(), count=1), count=1)
    used = {name for tag in _TAG.findall(svg) for name in _REFERENCE.findall(tag)}
    return Markup(_TAG.sub(lambda tag: _ID.sub(lambda i: i[0] if i[1] in used else "", tag[0]), svg))


def _label(text: str) -> str:
    shown = printable(text)
    return shown if len(shown) <= LABEL_CHARS else shown[: LABEL_CHARS - 1] + "…"


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
