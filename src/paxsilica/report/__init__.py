"""The self-contained HTML report (works offline: plotly.js is embedded once)."""

from paxsilica.report.data import ReportData, report_data
from paxsilica.report.html import Section, render_report, write_report

__all__ = ["ReportData", "Section", "render_report", "report_data", "write_report"]
