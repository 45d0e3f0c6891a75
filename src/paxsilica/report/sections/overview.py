"""Headline figures and concern vs coalition share per item."""

from __future__ import annotations

import html

from paxsilica.model.country import country_name, is_country
from paxsilica.report.charts import concern_bars
from paxsilica.report.html import ReportData, Section, figure_html


def _card(value: str, label: str, tone: str = "") -> str:
    return (f'<div class="kpi {tone}"><div class="kpi-value">{html.escape(value)}</div>'
            f'<div class="kpi-label">{html.escape(label)}</div></div>')


def build(data: ReportData) -> Section:
    summary = data.summary
    majority = summary[summary["concern_share"] >= 0.5]
    covered = summary[summary["coalition_share"] >= 0.5]
    worst = summary.sort_values("concern_share", ascending=False).head(3)
    worst_text = ", ".join(
        f"{data.item_labels.get(row.item, row.item)} ({row.concern_share:.0%})"
        for row in worst.itertuples())
    organisations = "".join(f" (+ {country_name(code)})" for code in data.members
                            if not is_country(code))
    cards = "".join([
        _card(str(sum(map(is_country, data.members))),
              f"member countries on {data.as_of}{organisations}"),
        _card(str(len(summary)), "items tracked across the stack"),
        _card(str(len(majority)), "items ≥ 50% from countries of concern", "alert"),
        _card(str(len(covered)), "items ≥ 50% produced by the coalition", "good"),
    ])
    top = summary["top_country"].value_counts().head(1)
    leader = (f"{country_name(top.index[0])} is the top supplier of {int(top.iloc[0])} of "
              f"{len(summary)} items." if not top.empty else "")
    body = (f'<div class="kpis">{cards}</div>'
            f'<p class="callout">Most exposed: {html.escape(worst_text)}. {html.escape(leader)}</p>'
            + figure_html(concern_bars(summary, data.item_labels), "concern-bars"))
    return Section(
        "overview", "Where the stack is exposed",
        "For each item, the share of world supply from countries of concern (red) against the "
        "share produced by coalition members (blue), latest observed year. Figures are direct "
        "(first-tier) shares of cited production data.",
        body)
