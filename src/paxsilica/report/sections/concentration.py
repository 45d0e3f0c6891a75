"""Concentration heat map by stage."""

from __future__ import annotations

from paxsilica.report.charts import concentration_heatmap, heatmap_rows
from paxsilica.report.html import ReportData, Section, figure_html


def build(data: ReportData) -> Section:
    figure = concentration_heatmap(data.latest, data.item_labels)
    rows = heatmap_rows(data.latest)
    # the caption names the stages the chart really shows at its top and bottom
    top, bottom = (rows["stage"].iloc[0], rows["stage"].iloc[-1]) if len(rows) else ("", "")
    order = (f", grouped by stage from {top.replace('_', ' ')} (top) to {bottom.replace('_', ' ')} "
             "(bottom)" if top != bottom else "")
    return Section(
        "concentration", "Concentration by stage",
        f"Share of world supply by country for every item{order}. Regions and 'other "
        "countries' are left out of the columns.",
        figure_html(figure, "concentration-heatmap"))
