"""The bundled example plan (rare earths, NdPr oxide, magnets): builds over time and each
member's dependence on countries of concern before and after."""

from __future__ import annotations

import html
from importlib import resources

import pandas as pd
import plotly.graph_objects as go

from paxsilica.errors import PaxsilicaError
from paxsilica.model.country import country_name
from paxsilica.report.html import ReportContext, Section, figure_html

EXAMPLE = "plans/ndpr_magnets.yaml"


def _timeline(builds: pd.DataFrame, last_year: int) -> go.Figure:
    """Bars from the build year to the end of the horizon; solid once online."""
    figure = go.Figure()
    for row in builds.sort_values(["year", "project"]).itertuples():
        label = f"{row.project} ({row.country})"
        figure.add_bar(y=[label], x=[row.online_from - row.year], base=[row.year],
                       orientation="h", marker_color="#c9d6e8", name="building",
                       showlegend=False, hovertemplate=f"{label}: built {row.year}<extra></extra>")
        figure.add_bar(y=[label], x=[last_year + 1 - row.online_from], base=[row.online_from],
                       orientation="h", marker_color="#2f5d8c", showlegend=False,
                       hovertemplate=(f"{label}: online {row.online_from}, "
                                      f"{row.capacity:,.1f} t/yr<extra></extra>"))
    figure.update_layout(barmode="overlay", height=80 + 34 * len(builds),
                         margin={"l": 10, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": "year", "dtick": 1})
    return figure


def build(context: ReportContext) -> Section | None:
    from paxsilica.plan import build as build_model
    from paxsilica.plan import load_problem, solve
    from paxsilica.plan.summary import concern_share_change

    path = resources.files("paxsilica.data").joinpath(EXAMPLE)
    try:
        problem = load_problem(path, context.net)
    except PaxsilicaError as exc:  # the store lacks an item or country the example uses
        return Section("plan", "Example plan", f"Example plan not shown: {html.escape(str(exc))}",
                       "")
    result = solve(build_model(problem), duals=False)
    if result.objective is None:
        return Section("plan", "Example plan", f"Example plan: {html.escape(result.message)}", "")
    change = concern_share_change(result.flows, result.unmet, problem.concern, "base")
    rows = "".join(
        f"<tr><td>{html.escape(country_name(r.member))}</td>"
        f"<td>{html.escape(context.item_labels.get(r.item, r.item))}</td>"
        f"<td class='num'>{r.before:.0%}</td><td class='num'>{r.after:.0%}</td></tr>"
        for r in change.itertuples())
    table = ("<table><thead><tr><th>Member</th><th>Item</th>"
             f"<th>Concern share {change['first_year'].iloc[0]}</th>"
             f"<th>{change['last_year'].iloc[0]}</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if not change.empty else ""
    figure = figure_html(_timeline(result.builds, problem.last_year), "plan-builds") \
        if not result.builds.empty else "<p>No project is built.</p>"
    lead = (f"{html.escape(problem.name)}: the least expected-cost set of projects meeting the "
            "targets in every export-control scenario (solved with HiGHS when the report is "
            f"built; expected discounted cost {result.objective:,.0f} USD). Production figures "
            "are cited; demand, costs and probabilities are illustrative assumptions marked in "
            f"data/{EXAMPLE}. Concern share: part of each member's demand served from countries "
            "of concern in the base scenario.")
    return Section("plan", "Example plan: rare earths, NdPr oxide and magnets", lead,
                   figure + table)
