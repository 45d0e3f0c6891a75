"""Multi-tier exposure: where the catalogue's end item's upstream inputs come from,
embodied shares versus direct shares, and the chokepoints whose loss would cut most supply.

Renders the tables of :class:`~paxsilica.report.data.ReportData` (``origins``,
``multitier``, ``chokepoints``, ``basis``), computed on the network's stored trade flows
as ``paxsilica exposure --tiers all`` and ``paxsilica chokepoints`` are; without them the
global-pool assumption applies. The section says which basis it used.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from paxsilica.analytics.network import GLOBAL_POOL
from paxsilica.model.country import country_name
from paxsilica.report.html import ReportData, Section, figure_html

UNKNOWN = "location not in data"
TITLE = "Multi-tier exposure and chokepoints"
SANKEY_PAD = 17
"""Gap (px) between two Sankey nodes of a column: more than a label's height (11-px font)."""
MIN_SHOWN_LOSS = 0.0005
"""Chokepoint rows losing less than this share (shown as 0.0 %) are left out of the table."""


def basis_text(basis: str) -> str:
    """One sentence on the sourcing basis, for the section's lead."""
    if basis == GLOBAL_POOL:
        return ("Sourcing basis: the global-pool assumption (no trade data imported): every "
                "buyer sources in proportion to world production shares.")
    return (f"Sourcing basis: {basis}. Importers' foreign supply follows those flows; "
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
    # Node labels sit at the node's middle: a gap of SANKEY_PAD px between nodes keeps two
    # labels of the same column apart, if the figure is tall enough for every gap.
    tallest = max(len(countries), len(items))
    figure = go.Figure(go.Sankey(
        node=dict(label=names, pad=SANKEY_PAD, thickness=14),
        link=dict(source=source, target=target, value=value,
                  hovertemplate="%{source.label} → %{target.label}: %{value:.1%}<extra></extra>")))
    figure.update_layout(height=max(380, (SANKEY_PAD + 6) * tallest + 160),
                         margin=dict(l=10, r=10, t=10, b=10), font=dict(size=11))
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


def build(data: ReportData) -> Section | None:
    if data.end_item is None:
        return None
    error = data.multitier_error
    if error is not None:
        return Section("multitier", TITLE, f"Not computed: {error}. {basis_text(data.basis)}",
                       "<p class='callout'>The multi-tier figures could not be computed: "
                       "recipes feed back into their own inputs through "
                       f"{html.escape(', '.join(error.items))}.</p>")
    end_label = data.item_labels.get(data.end_item, data.end_item)
    return Section(
        "multitier", TITLE,
        f"Where the upstream content of the recipe tree's end item, {end_label}, is produced: "
        "shares of each input through all recipe tiers. "
        f"{basis_text(data.basis)} 'At risk' assumes essential inputs cannot be replaced "
        "(Leontief); inputs marked substitutable in the recipes are assumed replaceable. Items "
        "without cited producers show as 'origin not in data'. Method: docs/multitier.md.",
        _body(data, end_label))


def _body(data: ReportData, end_label: str) -> str:
    labels = data.item_labels
    sankey = origins_sankey(data.origins, labels, end_label)
    exposure = data.multitier.assign(item=data.multitier["item"].map(lambda i: labels.get(i, i)))
    table_a = ("<table><thead><tr><th>Item (world supply)</th><th>Direct from countries of concern</th>"
               "<th>At risk through all tiers</th><th>Secured inside the coalition</th>"
               "<th>Origin not in data</th></tr></thead><tbody>"
               + _rows(exposure, ["item", "direct_concern_share", "concern_share", "coalition_share",
                                  "unattributed_share"]) + "</tbody></table>")
    choke = data.chokepoints
    # rows that round to "0.0 % lost" say nothing in a table of losses (betweenness alone
    # ranks them; `paxsilica chokepoints` still lists them)
    negligible = int((choke["output_lost"] < MIN_SHOWN_LOSS).sum()) if not choke.empty else 0
    choke = choke[choke["output_lost"] >= MIN_SHOWN_LOSS] if not choke.empty else choke
    choke = choke.assign(end_item=choke["end_item"].map(lambda i: labels.get(i, i)),
                         where=[f"{s} → {n}" if k == "link" else n for k, n, s in
                                zip(choke["kind"], choke["node"], choke["supplier"], strict=True)])
    table_b = ("<table><thead><tr><th>End item</th><th>#</th><th>Node or link</th><th>Country</th>"
               "<th>Supply lost if it stops</th><th>Betweenness</th></tr></thead><tbody>"
               + _rows(choke, ["end_item", "rank", "where", "country", "output_lost", "betweenness"])
               + "</tbody></table>")
    if choke.empty:
        table_b = ("<p class='callout'>No located producer upstream of "
                   f"{html.escape(end_label)} loses any supply or lies on a path to it.</p>")
    else:
        table_b = ("<p>For the end item and for the upstream item most at risk through all "
                   "tiers" + (f"; {negligible} row(s) cutting less than 0.05 % of supply are left "
                              "out" if negligible else "") + ".</p>" + table_b)
    return (figure_html(sankey, "multitier-sankey")
            + "<h3>Embodied versus direct exposure</h3>" + table_a
            + "<h3>Chokepoints</h3>" + table_b)
