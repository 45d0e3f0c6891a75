"""Concentration heat map by stage."""

from __future__ import annotations

from paxsilica.report.charts import concentration_heatmap
from paxsilica.report.html import ReportData, Section, figure_html


def build(data: ReportData) -> Section:
    figure = concentration_heatmap(data.latest, data.item_labels)
    return Section(
        "concentration", "Concentration by stage",
        "Share of world supply by country for every item, grouped by stage from data centres "
        "(top) to mines (bottom). Regions and 'other countries' are left out of the columns.",
        figure_html(figure, "concentration-heatmap"))
