"""Reports rendered from result objects: standalone offline HTML and Excel workbooks; never recomputed."""

from workbench.report.excel import excel_report
from workbench.report.html import html_report

__all__ = ["excel_report", "html_report"]
