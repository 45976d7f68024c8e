"""The page of `etl report`: one self-contained HTML file that shows what a database holds.

(Not `etl.report`: that is the Python API's function, which a subpackage of that name would shadow.)

etl.load.report reads the figures (the only SQL); here they become charts (`charts`, matplotlib's
SVG) and a page (`page`, a Jinja2 template); etl.api.report writes the file. matplotlib and Jinja2
are imported only when a report is rendered, so `import etl` and `etl --help` never pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.lazy import lazy_attributes

DEFAULT_OUTPUT = "etl-report.html"
__all__ = ["DEFAULT_OUTPUT", "render_page"]

if TYPE_CHECKING:
    from etl.report_page.page import render_page

__getattr__ = lazy_attributes(__name__, {"render_page": "etl.report_page.page"})
