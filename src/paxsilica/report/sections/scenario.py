"""Stress-test: what a Chinese export ban would cost, in US dollars, with its range, per region
over time and per item, the assumptions that drive it, and the response that matters most.

The scenario is illustrative: an export ban from China to every other country on the items
of China's export-control measures in the bundled data, from the report date, on the
stack's sourcing network (:func:`paxsilica.simulate.stress.stress_test`). An ensemble in
this process draws the assumed stocks and qualification times and every cited data range;
the section renders its bands and names the values behind them.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from paxsilica.report.html import ReportContext, Section, figure_html
from paxsilica.report.tables import html_table
from paxsilica.simulate.stress import StressTest, stress_test

__all__ = ["build"]

MEMBERS = 12
DAYS = 180
SHOWN = 8
ITEMS_SHOWN = 10
WARNINGS_SHOWN = 6


def _usd(value: object) -> str:
    """A USD amount for reading: $1.2 bn, $340 m, $12 k; ``n/a`` when missing."""
    if value is None or pd.isna(value):
        return "n/a"
    number = float(value)  # type: ignore[arg-type]
    for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(number) >= size:
            return f"${number / size:,.1f}{suffix}"
    return f"${number:,.0f}"


def _figure(bands: pd.DataFrame, regions: list[str]) -> go.Figure:
    figure = go.Figure()
    palette = ["#1f6feb", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b"]
    for position, region in enumerate(regions):
        part = bands[bands["region"] == region].sort_values("step")
        colour = palette[position % len(palette)]
        figure.add_trace(go.Scatter(x=part["step"], y=part["p95"] * 100, mode="lines", line=dict(width=0),
                                    showlegend=False, hoverinfo="skip", legendgroup=region))
        figure.add_trace(go.Scatter(x=part["step"], y=part["p5"] * 100, mode="lines", line=dict(width=0),
                                    fill="tonexty", fillcolor=_rgba(colour, 0.18), showlegend=False,
                                    hoverinfo="skip", legendgroup=region))
        figure.add_trace(go.Scatter(x=part["step"], y=part["p50"] * 100, mode="lines", name=region,
                                    line=dict(color=colour, width=2), legendgroup=region))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), paper_bgcolor="white",
                         plot_bgcolor="white", xaxis_title="days after the ban",
                         yaxis_title="value of output lost, % (median; band p5–p95)")
    return figure


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _items(test: StressTest) -> str:
    bands = test.ensemble.item_bands
    if bands is None or bands.empty:
        return ""
    usd = bands[bands["measure"] == "loss_usd"].set_index("item")
    va = bands[bands["measure"] == "value_added_loss_usd"].set_index("item")
    share = bands[bands["measure"] == "loss_share"].set_index("item")
    shown = usd.dropna(subset=["p50"])
    shown = shown[shown["p95"].abs() > 0].sort_values("p50", ascending=False).head(ITEMS_SHOWN)
    rows = [[html.escape(item), _usd(row.p50), f"{_usd(row.p5)} – {_usd(row.p95)}",
             _usd(va["p50"].get(item)), f"{share['p50'].get(item, float('nan')):.1%}"]
            for item, row in shown.iterrows()]
    unpriced = sorted(set(share.index[share["p50"].abs() > 1e-6]) - set(usd.dropna(subset=["p50"]).index))
    note = (f"<p class='note'>Hit but without a cited price or size (shares only): "
            f"{html.escape(', '.join(unpriced))}.</p>") if unpriced else ""
    return ("<h3>Per item</h3>" + html_table(["Item", "Output lost (median)", "p5 – p95", "Value added lost",
                                          "Share of its output"], rows) + note)


def _cell(row: object) -> str:
    """``value`` with its range and basis, e.g. ``180 (90–365; assumption)``."""
    value, low, high = row.value, row.low, row.high  # type: ignore[attr-defined]
    spread = "" if pd.isna(low) or pd.isna(high) or low == high else f"{low:g}–{high:g}; "
    return html.escape(f"{value:g} ({spread}{row.basis})")  # type: ignore[attr-defined]


def _assumptions(test: StressTest) -> str:
    table = test.assumptions
    model = table[table["item"] == "(model)"]
    rows = [[html.escape(str(r.parameter)), "" if r.value is None or pd.isna(r.value) else f"{r.value:g}",
             f"{r.low:g} – {r.high:g}", html.escape(str(r.source))] for r in model.itertuples()]
    out = ("<h3>Assumptions that drive the result</h3>"
           + html_table(["Model parameter (assumption, drawn)", "Central", "Range drawn", "Why"], rows))
    cited = table[table["item"] != "(model)"]
    if cited.empty:
        return out
    parameters = ["qualification_days", "substitutable_share", "price", "world_output"]
    item_rows = []
    for item, part in cited.groupby("item", sort=True):
        by = {r.parameter: r for r in part.itertuples()}
        item_rows.append([html.escape(str(item))] + [_cell(by[p]) if p in by else "not cited" for p in parameters])
    sources = sorted({str(s) for s in cited["source"].dropna()})
    return (out + html_table(["Banned item", "Qualification, days", "Substitutable share", "Price, USD/unit",
                          "World output"], item_rows)
            + "<p class='note'>Value (range drawn; basis). Ranges are drawn triangular low–value–high in "
              f"every member. Sources: {html.escape('; '.join(sources))}.</p>")


def build(context: ReportContext) -> Section | None:
    test = getattr(context, "stress_test", None) or stress_test(context.net, as_of=context.as_of,
                                                                members=MEMBERS, days=DAYS)
    if test is None:
        return None
    bands = test.ensemble.bands.dropna(subset=["p50"])
    worst = bands.groupby("region")["p50"].max()
    members = [m for m in context.members if worst.get(m, 0.0) > 1e-6]
    others = [r for r in worst.sort_values(ascending=False).index if r not in members and worst[r] > 1e-6]
    shown = (members + others)[:SHOWN]
    totals = test.totals.set_index("measure")
    lost, added = totals.loc["loss_usd"], totals.loc["value_added_loss_usd"]
    headline = (f"<p class='headline-range'>Value of output lost worldwide over {test.scenario.days} days: "
                f"<b>{_usd(lost['p50'])}</b> (p5–p95: {_usd(lost['p5'])} – {_usd(lost['p95'])}); value "
                f"added lost {_usd(added['p50'])} ({_usd(added['p5'])} – {_usd(added['p95'])}). Priced items "
                "only, at cited prices; never a point without its range.</p>")
    member_note = ("No coalition member's located industry loses output in this network, so the regions "
                   "hit most are shown." if not members else f"Coalition members hit: {', '.join(members)}.")
    body = headline + figure_html(_figure(bands, shown), "scenario-bands") + f"<p>{html.escape(member_note)}</p>"
    body += _items(test)
    if test.options is not None and not test.options.empty:
        best = test.options.iloc[0]
        rows = [[html.escape(r.option), html.escape(r.description), f"{r.loss_share:.1%}", f"{r.avoided:.1%}"]
                for r in test.options.itertuples()]
        body += (f"<p>Response that matters most: <b>{html.escape(best.option)}</b> "
                 f"({html.escape(best.description)}) avoids {best.avoided:.1%} of the loss.</p>"
                 + html_table(["Option", "What changes", "Loss share", "Loss avoided"], rows))
    body += _assumptions(test)
    warnings = test.central.warnings[:WARNINGS_SHOWN]
    if warnings:
        body += ("<h3>What the data leave open</h3><ul>"
                 + "".join(f"<li>{html.escape(line)}</li>" for line in warnings) + "</ul>")
    items = ", ".join(test.scenario.events[0].items or [])
    body += (f"<p class='note'>Items banned: {html.escape(items)}. {len(test.ensemble.draws)} ensemble "
             f"members drawing {len(test.ensemble.draws.columns) - 1} parameters (stocks, qualification times "
             "and every cited data range). Value lost = price × output lost; value added = × the cited "
             "value-added ratio. Model: ARIO (BoARIO's ARIOPsiModel equations); see docs/simulate.md.</p>")
    return Section("scenario", "Stress-test: a Chinese export ban",
                   "What it would cost, in US dollars with its range, if China stopped exporting its "
                   "export-controlled items to every country from the report date (illustrative scenario; "
                   "stocks and qualification times are assumptions, every other figure is cited).", body)
