"""Coalition coverage over time, as memberships change."""

from __future__ import annotations

import html

from paxsilica.model.country import country_name
from paxsilica.report.charts import coverage_heatmap
from paxsilica.report.html import ReportData, Section, figure_html

TITLE = "Coalition coverage over time"


def _names(codes: list[str]) -> str:
    return html.escape(", ".join(country_name(code) for code in codes))


def build(data: ReportData) -> Section:
    all_dates = data.membership_dates
    dates = [d for d in all_dates if d <= data.as_of]
    if not dates:
        group = data.group_name
        later = (f"its first membership date is {all_dates[0]}" if all_dates
                 else "no membership events are recorded for it")
        return Section("coverage", TITLE,
                       f"No coverage to show: {group} had no members on or before "
                       f"{data.as_of}; {later}.", "")
    timeline = data.timeline
    produced = timeline.groupby("item")["coalition_share"].transform("max") > 0
    absent = sorted({data.item_labels.get(i, i) for i in timeline.loc[~produced, "item"]})
    figure = coverage_heatmap(timeline[produced], data.item_labels) if produced.any() else None
    change = data.change
    change = change[change["change"].abs() > 1e-9].sort_values("change", ascending=False)
    rows = "".join(
        f"<tr><td>{html.escape(data.item_labels.get(r.item, r.item))}</td>"
        f"<td>{r.year}</td><td class='num'>{r.coalition_share_before:.1%}</td>"
        f"<td class='num'>{r.coalition_share_after:.1%}</td>"
        f"<td class='num {'up' if r.change > 0 else 'down'}'>{r.change:+.1%}</td>"
        f"<td>{_names(r.joined)}</td><td>{_names(r.left)}</td></tr>"
        for r in change.itertuples())
    table = ("<table><thead><tr><th>Item</th><th>Year</th><th>Coverage "
             f"{dates[0]}</th><th>Coverage {data.as_of}</th><th>Change</th>"
             "<th>Joined since</th><th>Left since</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if rows else ""
    single = (f"<p class='callout'>Membership changed once on or before {data.as_of} "
              f"({dates[0]}): the chart has one column.</p>" if len(dates) == 1 else "")
    return Section(
        "coverage", TITLE,
        "Share of each item's world supply produced by coalition members on each date on which "
        "membership changed (signatories and endorsing partners; guests and observers excluded; "
        "a membership that ends counts up to its last day, the next column shows it gone).",
        (figure_html(figure, "coverage-heatmap") if figure is not None else "")
        + single
        + (f"<p class='callout'>No coalition production recorded on any date for "
           f"{len(absent)} items: {html.escape(', '.join(absent))}.</p>" if absent else "")
        + table)
