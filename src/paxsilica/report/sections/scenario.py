"""Stress-test: output loss over time per coalition member under a Chinese export ban, with
ensemble bands, and the response (stockpile, stocks, rerouting, capacity) that matters most.

The scenario is illustrative: an export ban from China to every other country on the items
of China's export-control measures in the bundled data, from the report date, on the
stack's sourcing network; input stocks and rerouting time are uncertain (assumptions, see
:func:`report_scenario`). A small ensemble runs in this process (the CLI runs large ones on
Dask).
"""

from __future__ import annotations

import html
import tempfile

import pandas as pd
import plotly.graph_objects as go

from paxsilica.report.html import ReportContext, Section, figure_html
from paxsilica.simulate.ensemble import run_ensemble
from paxsilica.simulate.options import compare_options
from paxsilica.simulate.scenario import Scenario, scenario_from_dict
from paxsilica.simulate.stack import stack_network

__all__ = ["build", "report_scenario"]

MEMBERS = 12
DAYS = 180
SHOWN = 8


def report_scenario(context: ReportContext, items: set[str]) -> Scenario | None:
    """Ban from China on its controlled items (those in the network), as of the report date.
    Uncertain (assumptions, not cited): stocks 30–120 days, rerouting 0–90 days (mode 30)."""
    controls = context.net.export_controls
    controlled = sorted({i for row in controls[controls["issuer"] == "CHN"]["item_ids"]
                         for i in (row or []) if i in items})
    if not controlled:
        return None
    return scenario_from_dict({
        "name": "china-export-ban", "days": DAYS, "start_date": context.as_of.isoformat(),
        "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"],
                    "items": controlled, "start": 0}],
        "uncertain": {"inventory_days": {"uniform": [30, 120]},
                      "events.0.ramp_up": {"triangular": [0, 30, 90]}}})


def _figure(bands: pd.DataFrame, regions: list[str]) -> go.Figure:
    figure = go.Figure()
    palette = ["#1f6feb", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b"]
    for position, region in enumerate(regions):
        part = bands[bands["region"] == region].sort_values("step")
        colour = palette[position % len(palette)]
        figure.add_trace(go.Scatter(x=part["step"], y=part["p95"] * 100, mode="lines", line=dict(width=0),
                                    showlegend=False, hoverinfo="skip", legendgroup=region))
        figure.add_trace(go.Scatter(x=part["step"], y=part["p05"] * 100, mode="lines", line=dict(width=0),
                                    fill="tonexty", fillcolor=_rgba(colour, 0.18), showlegend=False,
                                    hoverinfo="skip", legendgroup=region))
        figure.add_trace(go.Scatter(x=part["step"], y=part["p50"] * 100, mode="lines", name=region,
                                    line=dict(color=colour, width=2), legendgroup=region))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), paper_bgcolor="white",
                         plot_bgcolor="white", xaxis_title="days after the ban",
                         yaxis_title="output lost, % (median; band p5–p95)")
    return figure


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def build(context: ReportContext) -> Section | None:
    sim, _ = stack_network(context.net)
    scenario = report_scenario(context, set(sim.industries["sector"]))
    if scenario is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        result = run_ensemble(context.net, scenario, members=MEMBERS, folder=folder,
                              scheduler="synchronous")
    bands = result.bands
    worst = bands.groupby("region")["p50"].max()
    members = [m for m in context.members if worst.get(m, 0.0) > 1e-6]
    others = [r for r in worst.sort_values(ascending=False).index if r not in members and worst[r] > 1e-6]
    shown = (members + others)[:SHOWN]
    options = compare_options(context.net, scenario)
    best = options.iloc[0]
    rows = "".join(f"<tr><td>{html.escape(r.option)}</td><td>{html.escape(r.description)}</td>"
                   f"<td>{r.loss_share:.1%}</td><td>{r.avoided:.1%}</td></tr>"
                   for r in options.itertuples())
    member_note = ("No coalition member's located industry loses output in this network: the "
                   "bundled data locate few downstream producers (chips, servers are "
                   "'unattributed'), so the regions hit most are shown instead."
                   if not members else f"Coalition members hit: {', '.join(members)}.")
    body = (figure_html(_figure(bands, shown), "scenario-bands")
            + f"<p>{html.escape(member_note)}</p>"
            + f"<p>Response that matters most: <b>{html.escape(best.option)}</b> "
              f"({html.escape(best.description)}) avoids {best.avoided:.1%} of the loss "
              f"(central values: stocks {scenario.model.inventory_days:g} days, rerouting over "
              f"{scenario.events[0].ramp_up} days).</p>"
            + "<table><thead><tr><th>Option</th><th>What changes</th><th>Loss share</th>"
              f"<th>Loss avoided</th></tr></thead><tbody>{rows}</tbody></table>"
            + f"<p class='note'>Items banned: {html.escape(', '.join(scenario.events[0].items or []))}. "
              f"{MEMBERS} ensemble members; loss share = output lost over {DAYS} days / baseline, "
              "averaged over the industries hit outside China. Model: ARIO (BoARIO's "
              "ARIOPsiModel equations); see docs/simulate.md.</p>")
    return Section("scenario", "Stress-test: a Chinese export ban",
                   "Daily output lost per region if China stopped exporting its export-controlled "
                   "items to every country from the report date (illustrative scenario; stocks and "
                   "rerouting time are uncertain assumptions, not cited figures).", body)
