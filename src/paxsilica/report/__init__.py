"""The self-contained HTML report (works offline: plotly.js is embedded once)."""

from paxsilica.report.html import ReportContext, Section, render_report

__all__ = ["ReportContext", "Section", "render_report"]
