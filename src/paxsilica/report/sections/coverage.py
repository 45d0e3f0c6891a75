"""Coalition coverage over time, as memberships change."""

from __future__ import annotations

import html

from paxsilica.analytics.exposure import coverage_timeline, exposure_change
from paxsilica.model.country import country_name
from paxsilica.report.charts import coverage_heatmap
from paxsilica.report.html import ReportContext, Section, figure_html


def build(context: ReportContext) -> Section | None:
    dates = [d for d in context.net.membership_dates(context.group) if d <= context.as_of]
    if not dates:
        return None
    timeline = coverage_timeline(context.net, dates, group=context.group, latest=True)
    produced = timeline.groupby("item")["coalition_share"].transform("max") > 0
    absent = sorted({context.item_labels.get(i, i) for i in timeline.loc[~produced, "item"]})
    figure = coverage_heatmap(timeline[produced], context.item_labels)
    change = exposure_change(context.net, dates[0], context.as_of, group=context.group,
                             latest=True)
    change = change[change["change"].abs() > 1e-9].sort_values("change", ascending=False)
    rows = "".join(
        f"<tr><td>{html.escape(context.item_labels.get(r.item, r.item))}</td>"
        f"<td>{r.year}</td><td class='num'>{r.coalition_share_before:.1%}</td>"
        f"<td class='num'>{r.coalition_share_after:.1%}</td>"
        f"<td class='num up'>+{r.change:.1%}</td>"
        f"<td>{html.escape(', '.join(country_name(c) for c in r.joined))}</td></tr>"
        for r in change.itertuples())
    table = ("<table><thead><tr><th>Item</th><th>Year</th><th>Coverage "
             f"{dates[0]}</th><th>Coverage {context.as_of}</th><th>Change</th>"
             f"<th>Joined since</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""
    return Section(
        "coverage", "Coalition coverage over time",
        "Share of each item's world supply produced by coalition members on each date on which "
        "membership changed (signatories and endorsing partners; guests and observers excluded).",
        figure_html(figure, "coverage-heatmap")
        + (f"<p class='callout'>No coalition production recorded on any date for "
           f"{len(absent)} items: {html.escape(', '.join(absent))}.</p>" if absent else "")
        + table)
