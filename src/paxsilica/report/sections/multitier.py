"""Multi-tier exposure: where an AI server's upstream inputs come from, embodied shares
versus direct shares, and the chokepoints whose loss would cut most supply.

Sourcing follows the same stored trade flows as ``paxsilica exposure --tiers all`` and
``paxsilica chokepoints`` (:func:`paxsilica.store.trade.trade_flows`), handed to the
report as ``ReportContext.trade``; without them the global-pool assumption applies. The
section says which basis it used.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.multitier import CycleError, embodied_origins, multitier_exposure
from paxsilica.analytics.network import GLOBAL_POOL, SourcingNetwork, sourcing_network
from paxsilica.model.country import country_name
from paxsilica.report.html import ReportContext, Section, figure_html

SERVER = "ai_accelerator_server"
FOCUS = ["ai_accelerator_server", "gpu_accelerator", "power_supply_unit", "cooling_fan",
         "ndfeb_magnet", "silicon_wafer_300mm", "gallium_nitride", "rare_earth_oxide"]
CHOKEPOINT_ITEMS = ["ai_accelerator_server", "ndfeb_magnet"]
UNKNOWN = "location not in data"
TITLE = "Multi-tier exposure and chokepoints"


def report_trade(context: ReportContext) -> pd.DataFrame | None:
    """The stored trade flows the report was given (``context.trade``), else None."""
    trade = getattr(context, "trade", None)
    return trade if isinstance(trade, pd.DataFrame) else None


def basis_text(snet: SourcingNetwork) -> str:
    """One sentence on the sourcing basis, for the section's lead."""
    if snet.basis == GLOBAL_POOL:
        return ("Sourcing basis: the global-pool assumption (no trade data imported): every "
                "buyer sources in proportion to world production shares.")
    return (f"Sourcing basis: {snet.basis}. Importers' foreign supply follows those flows; "
            "the world pool remains the mix for the rest.")


def origins_sankey(origins: pd.DataFrame, labels: dict[str, str], end_label: str) -> go.Figure:
    """Countries -> upstream items -> the end item; link width = the country's share of the
    item embodied in one end unit (each item's links add up to 1)."""
    located = origins.groupby("item")["country"].apply(lambda c: (c != "").any())
    frame = origins[origins["item"].map(located)]
    countries = sorted({c or UNKNOWN for c in frame["country"]})
    items = sorted(set(frame["item"]))
    names = ([country_name(c) if c != UNKNOWN else c for c in countries]
             + [labels.get(i, i) for i in items] + [end_label])
    position = {**{c: k for k, c in enumerate(countries)},
                **{f"item:{i}": len(countries) + k for k, i in enumerate(items)}}
    source = [position[c or UNKNOWN] for c in frame["country"]] + [position[f"item:{i}"] for i in items]
    target = [position[f"item:{i}"] for i in frame["item"]] + [len(names) - 1] * len(items)
    value = list(frame["share"]) + [1.0] * len(items)
    figure = go.Figure(go.Sankey(
        node=dict(label=names, pad=12, thickness=14),
        link=dict(source=source, target=target, value=value,
                  hovertemplate="%{source.label} → %{target.label}: %{value:.1%}<extra></extra>")))
    figure.update_layout(height=max(380, 22 * len(names)), margin=dict(l=10, r=10, t=10, b=10),
                         font=dict(size=11))
    return figure


def _rows(frame: pd.DataFrame, columns: list[str]) -> str:
    def cell(column: str, value: object) -> str:
        if column.endswith(("_share", "_lost")):
            return f"<td class='num'>{float(value):.1%}</td>"  # type: ignore[arg-type]
        if isinstance(value, float):
            return f"<td class='num'>{value:,.1f}</td>"
        return f"<td>{html.escape(str(value))}</td>"

    return "".join("<tr>" + "".join(cell(c, row[c]) for c in columns) + "</tr>"
                   for row in frame.to_dict("records"))


def build(context: ReportContext) -> Section | None:
    net = context.net
    if net.recipes.empty or SERVER not in set(net.items["item_id"]):
        return None
    snet = sourcing_network(net, as_of=context.as_of, trade=report_trade(context))
    try:
        body = _body(context, snet)
    except CycleError as error:
        return Section("multitier", TITLE, f"Not computed: {error}. {basis_text(snet)}",
                       "<p class='callout'>The multi-tier figures could not be computed: "
                       "recipes feed back into their own inputs through "
                       f"{html.escape(', '.join(error.items))}.</p>")
    return Section(
        "multitier", TITLE,
        "Where the upstream content of one 8-GPU AI server is produced (shares of each input "
        f"through all recipe tiers). {basis_text(snet)} 'At risk' assumes essential inputs "
        "cannot be replaced (Leontief); substitutable inputs (Dy/Tb, GaN switches, fan "
        "magnets) are assumed replaceable. Items without cited producers show as 'origin not "
        "in data'. Method: docs/multitier.md.",
        body)


def _body(context: ReportContext, snet: SourcingNetwork) -> str:
    net, labels = context.net, context.item_labels
    origins = embodied_origins(snet, f"market:WLD:{SERVER}")
    sankey = origins_sankey(origins, labels, labels.get(SERVER, SERVER))
    exposure = multitier_exposure(net, group=context.group, concern=context.concern,
                                  as_of=context.as_of, roles=("market",), snet=snet)
    exposure = exposure[(exposure["country"] == "WLD") & exposure["item"].isin(FOCUS)]
    exposure = exposure.assign(item=exposure["item"].map(lambda i: labels.get(i, i)))
    table_a = ("<table><thead><tr><th>Item (world supply)</th><th>Direct from countries of concern</th>"
               "<th>At risk through all tiers</th><th>Secured inside the coalition</th>"
               "<th>Origin not in data</th></tr></thead><tbody>"
               + _rows(exposure, ["item", "direct_concern_share", "concern_share", "coalition_share",
                                  "unattributed_share"]) + "</tbody></table>")
    choke = chokepoints(net, end_item=CHOKEPOINT_ITEMS, top=6, as_of=context.as_of, snet=snet)
    choke = choke.assign(end_item=choke["end_item"].map(lambda i: labels.get(i, i)),
                         where=[f"{s} → {n}" if k == "link" else n for k, n, s in
                                zip(choke["kind"], choke["node"], choke["supplier"], strict=True)])
    table_b = ("<table><thead><tr><th>End item</th><th>#</th><th>Node or link</th><th>Country</th>"
               "<th>Supply lost if it stops</th><th>Betweenness</th></tr></thead><tbody>"
               + _rows(choke, ["end_item", "rank", "where", "country", "output_lost", "betweenness"])
               + "</tbody></table>")
    if choke.empty:
        table_b = ("<p class='callout'>No located producer upstream of "
                   f"{html.escape(', '.join(labels.get(i, i) for i in CHOKEPOINT_ITEMS))} "
                   "loses any supply or lies on a path to it.</p>")
    return (figure_html(sankey, "multitier-sankey")
            + "<h3>Embodied versus direct exposure</h3>" + table_a
            + "<h3>Chokepoints</h3>" + table_b)
