"""The bundled example plan (rare earths → NdPr oxide → magnets, chained): what is built
when, unmet demand per scenario and who bears it, the reserves' release rule, what each
build and reserve avoids per dollar, and the members' cost shares (Shapley, core)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from paxsilica.errors import PaxsilicaError
from paxsilica.model.country import country_name
from paxsilica.plan.summary import EXAMPLE, concern_share_change, unmet_by_member
from paxsilica.report.html import ReportContext, Section, figure_html

PALETTE = ["#2f5d8c", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#00798c", "#a05d3c"]


def _name(context: ReportContext, item: str) -> str:
    return context.item_labels.get(item, item)


def _money(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.2f} bn USD"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} M USD"
    return f"{value:,.0f} USD"


def _timeline(context: ReportContext, builds: pd.DataFrame, last_year: int) -> go.Figure:
    """Bars from the build year to the end of the horizon: light while building, dark once
    online (one legend entry each)."""
    figure = go.Figure()
    shown = {"building": False, "online": False}
    for row in builds.sort_values(["year", "project"]).itertuples():
        label = f"{_name(context, row.item)}, {country_name(row.country)} ({row.project})"
        for state, start, length, colour in (
                ("building", row.year, row.online_from - row.year, "#c9d6e8"),
                ("online", row.online_from, last_year + 1 - row.online_from, "#2f5d8c")):
            figure.add_bar(y=[label], x=[length], base=[start], orientation="h",
                           marker_color=colour, name=state, legendgroup=state,
                           showlegend=not shown[state],
                           hovertemplate=f"{label}: {state} from {start}<extra></extra>")
            shown[state] = True
    figure.update_layout(barmode="overlay", height=110 + 34 * len(builds),
                         margin={"l": 10, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": "year", "dtick": 1},
                         legend={"orientation": "h", "y": -0.15})
    figure.update_yaxes(automargin=True)
    return figure


def _unmet_chart(context: ReportContext, table: pd.DataFrame,
                 scenarios: list[str]) -> go.Figure:
    """Tonnes unmet over the plan per scenario (every scenario on the axis, empty where all
    demand is met), stacked by member and item. Scenarios run down the side: their names
    (``controls_resume:1of2``) overlapped each other under the bars on a phone."""
    figure = go.Figure()
    for n, ((member, item), rows) in enumerate(table.groupby(["member", "item"])):
        figure.add_bar(y=rows["scenario"], x=rows["quantity"], orientation="h",
                       name=f"{country_name(member)}: {_name(context, item)}",
                       marker_color=PALETTE[n % len(PALETTE)],
                       hovertemplate="%{y}: %{x:,.0f} t unmet<extra>%{fullData.name}</extra>")
    figure.update_layout(barmode="stack", height=max(300, 140 + 30 * len(scenarios)),
                         margin={"l": 10, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": "t unmet over the plan"},
                         yaxis={"categoryorder": "array", "categoryarray": scenarios,
                                "type": "category", "autorange": "reversed", "automargin": True},
                         legend={"orientation": "h", "y": -0.25})
    figure.add_scatter(y=scenarios, x=[0] * len(scenarios), mode="markers",
                       marker={"opacity": 0}, showlegend=False, hoverinfo="skip")
    return figure


def _shares_chart(game: object) -> go.Figure:
    """Each member's Shapley share of the joint cost next to its stand-alone cost, members
    down the side (their names overlapped under the bars on a phone)."""
    shares = game.shares  # type: ignore[attr-defined]
    names = [country_name(c) for c in shares["country"]]
    figure = go.Figure()
    figure.add_bar(y=names, x=shares["standalone_cost"] / 1e9, name="cost alone", orientation="h",
                   marker_color="#c9d6e8", hovertemplate="%{y}: %{x:,.2f} bn USD alone<extra></extra>")
    figure.add_bar(y=names, x=shares["shapley_cost"] / 1e9, name="Shapley share of the joint plan",
                   orientation="h", marker_color="#2f5d8c",
                   hovertemplate="%{y}: %{x:,.2f} bn USD in the coalition<extra></extra>")
    figure.update_layout(barmode="group", height=max(300, 140 + 44 * len(names)),
                         margin={"l": 10, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": "bn USD, discounted expected"},
                         yaxis={"autorange": "reversed", "automargin": True},
                         legend={"orientation": "h", "y": -0.2})
    return figure


def _unmet_words(context: ReportContext, table: pd.DataFrame, scenarios: pd.DataFrame,
                 rule: str) -> str:
    if table.empty:
        return "<p>No demand is left unmet in any scenario.</p>"
    parts = []
    for scenario, rows in table.groupby("scenario", sort=False):
        total = rows.groupby("item")["quantity"].sum()
        what = "; ".join(
            f"{q:,.0f} t of {html.escape(_name(context, item))} "
            f"({q / rows.loc[rows['item'] == item, 'demand'].sum():.0%} of demand in "
            f"{int(rows['first_year'].min())}–{int(rows['last_year'].max())})"
            for item, q in total.items())
        who = ", ".join(f"{html.escape(country_name(r.member))} {r.quantity:,.0f} t"
                        for r in rows.sort_values("quantity", ascending=False).itertuples())
        parts.append(f"<li><strong>{html.escape(str(scenario))}</strong>: {what}. Borne by "
                     f"{who}.</li>")
    met = [s for s in scenarios["scenario"] if s not in set(table["scenario"])]
    also = (f"<p>All demand is met in {html.escape(', '.join(met))}.</p>" if met else "")
    return (f"<p>Unmet demand per scenario (shared by the rule: {html.escape(rule)}):</p>"
            f"<ul>{''.join(parts)}</ul>{also}")


def _reserve_words(context: ReportContext, rules: pd.DataFrame, values: pd.DataFrame) -> str:
    if rules.empty:
        return ""
    items = []
    per_cost = values.set_index("name")["per_cost"] if not values.empty else pd.Series()
    for pile, rows in rules.groupby("stockpile", sort=False):
        first = rows.iloc[0]
        text = html.escape(first["rule"].replace(first["item"], _name(context, first["item"])))
        used = rows[rows["drawn"] > 1e-9]
        if not used.empty:
            text += "; drawn in " + ", ".join(
                f"{html.escape(str(r.scenario))} from {int(r.first_year)} ({r.drawn:,.0f} t)"
                for r in used.itertuples())
        if pile in per_cost.index and pd.notna(per_cost[pile]):
            text += f"; expected loss avoided {per_cost[pile]:,.1f} USD per USD it costs"
        items.append(f"<li>{html.escape(country_name(first['member']))}, {html.escape(pile)}: "
                     f"{text}.</li>")
    return f"<p>Reserves (release rule):</p><ul>{''.join(items)}</ul>"


def _shares_words(game: object | None, error: str | None) -> str:
    if game is None:
        return f"<p>Cost shares not computed: {html.escape(error or 'no plan')}.</p>"
    shares = game.shares  # type: ignore[attr-defined]
    core = game.core  # type: ignore[attr-defined]
    saved = ", ".join(f"{html.escape(country_name(r.country))} saves {_money(r.saving)}"
                      for r in shares.itertuples())
    text = (f"<p>Cost shares (Shapley value of the members' cost game, "
            f"{'exact' if game.exact else 'sampled'}; " +  # type: ignore[attr-defined]
            html.escape(game.rule) + f"): against going alone, {saved}. ")  # type: ignore[attr-defined]
    if core.get("in_core"):
        text += "No group of members would pay less on its own (the shares are in the core)."
    elif core.get("core_empty"):
        text += "No sharing keeps every group from doing better alone (the core is empty)."
    else:
        blocking = " and ".join(country_name(c) for c in core["blocking_coalition"])
        text += (f"{html.escape(blocking)} together would pay {_money(core['max_excess'])} "
                 "less on their own: the Shapley shares are not in the core; the closest "
                 "shares in the core are in the JSON answer.")
    gap = game.plan_cost_gap  # type: ignore[attr-defined]
    if gap is not None and abs(gap) > 1:
        text += (f" The plan costs {_money(gap)} more than the game's joint cost: meeting "
                 "every target costs that much beyond the unmet-demand price the game puts "
                 "on missing one.")
    return text + "</p>"


def build(context: ReportContext) -> Section | None:
    from paxsilica.plan.summary import example_report

    title = "Example plan: rare earths, NdPr oxide and magnets"
    try:
        example = example_report(context.net)
    except PaxsilicaError as exc:  # the store lacks an item or country the example uses
        return Section("plan", title, f"Example plan not shown: {html.escape(str(exc))}", "")
    problem, result = example.problem, example.result
    if result.objective is None:
        return Section("plan", title, f"Example plan: {html.escape(result.message)}", "")
    unmet = unmet_by_member(result.unmet)
    change = concern_share_change(result.flows, result.unmet, problem.concern, "base")
    lead = (f"{html.escape(problem.name)}: the least expected-cost set of projects and "
            "reserves, with items chained by the catalogue's recipes (5.5 t of ore per t of "
            "NdPr oxide, 0.35 t of oxide per t of magnet), solved with HiGHS when the report "
            f"is built (expected discounted cost {_money(result.objective)}). Production "
            "figures, recipes and measures are cited; demand, costs and probabilities are "
            f"illustrative assumptions marked in data/{EXAMPLE}.")
    # long project labels: the timeline keeps a legible width and scrolls on a phone
    body = figure_html(_timeline(context, result.builds, problem.last_year), "plan-builds",
                       min_width=680) if not result.builds.empty else "<p>No project is built.</p>"
    body += _unmet_words(context, unmet, result.scenarios, result.shortfall_rule)
    if not unmet.empty:
        body += figure_html(_unmet_chart(context, unmet, list(result.scenarios["scenario"])),
                            "plan-unmet")
    body += _reserve_words(context, result.stockpile_rules, result.values)
    body += _shares_words(example.game, example.error)
    if example.game is not None:
        body += figure_html(_shares_chart(example.game), "plan-shares")
    body += _scenario_table(result.scenarios) + _concern_table(context, change)
    if result.warnings:
        body += "<p>Warnings: " + "; ".join(html.escape(w) for w in result.warnings) + "</p>"
    return Section("plan", title, lead, body)


def _scenario_table(scenarios: pd.DataFrame) -> str:
    rows = "".join(f"<tr><td>{html.escape(str(r.scenario))}</td>"
                   f"<td class='num'>{r.probability:.3f}</td><td>{html.escape(str(r.origin))}</td>"
                   "</tr>" for r in scenarios.itertuples())
    return ("<div class='scroll'><table><thead><tr><th>Scenario</th><th>Probability</th>"
            f"<th>From</th></tr></thead><tbody>{rows}</tbody></table></div>")


def _concern_table(context: ReportContext, change: pd.DataFrame) -> str:
    if change.empty:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(country_name(r.member))}</td>"
        f"<td>{html.escape(_name(context, r.item))}</td>"
        f"<td class='num'>{r.before:.0%}</td><td class='num'>{r.after:.0%}</td></tr>"
        for r in change.itertuples())
    return ("<p>Share of each member's demand served from countries of concern in the base "
            "scenario:</p><div class='scroll'><table><thead><tr><th>Member</th><th>Item</th>"
            f"<th>Concern share {change['first_year'].iloc[0]}</th>"
            f"<th>{change['last_year'].iloc[0]}</th></tr></thead><tbody>{rows}</tbody>"
            "</table></div>")
