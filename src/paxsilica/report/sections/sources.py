"""The figures behind the charts, with their sources and confidence."""

from __future__ import annotations

import html

from paxsilica.model.country import country_name
from paxsilica.report.html import ReportData, Section, sources_html


def build(data: ReportData) -> Section:
    rows = []
    for r in data.summary.itertuples():
        top = f"{country_name(r.top_country)} ({r.top_share:.0%})" if isinstance(
            r.top_country, str) else "—"
        rows.append(
            f"<tr><td>{html.escape(data.item_labels.get(r.item, r.item))}</td>"
            f"<td>{html.escape(r.stage)}</td><td>{r.year}</td><td class='num'>{r.hhi:,.0f}</td>"
            f"<td>{html.escape(top)}</td><td class='num'>{r.concern_share:.1%}</td>"
            f"<td class='num'>{r.coalition_share:.1%}</td>"
            f"<td class='num'>{r.unattributed_share:.1%}</td>"
            f"<td class='conf {r.confidence}'>{r.confidence}</td>"
            f"<td class='src'>{sources_html(r.sources, data.source_links)}</td></tr>")
    body = ("<table class='sources'><thead><tr><th>Item</th><th>Stage</th><th>Year</th>"
            "<th>HHI</th><th>Top supplier</th><th>Concern</th><th>Coalition</th>"
            "<th>Unattributed</th><th>Conf.</th><th>Sources</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    return Section(
        "sources", "Figures and sources",
        "HHI is on the 0–10 000 scale over named countries (a lower bound where the source "
        "reports regions or 'other countries', shown as unattributed). Confidence is the weakest "
        "of the rows combined: high = read in the primary source; medium = reputable secondary "
        "report; low = single secondary source or chart reading.",
        body)
