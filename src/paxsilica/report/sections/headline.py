"""Headline: how much of an AI server, and of a year of AI data-centre service, depends
on countries of concern through all tiers, which inputs carry it, and how much of the
answer rests on weak (low-confidence, derived or estimated) rows.

The figures are those of ``paxsilica exposure --tiers all`` on the same sourcing network
(stored trade flows when the report has them, else the global pool). "Weak" is measured
per item as the part of its located supply whose rows are ``low`` confidence or have
basis ``derived`` or ``estimate`` (docs/data.md); an item located by its exporters (no
cited producer, trade flows as a proxy: the network's ``export shares`` sourcing) is
weak throughout, since that rule is a derivation of low confidence.
"""

from __future__ import annotations

import html

import pandas as pd

from paxsilica.analytics.multitier import CycleError, country_dependence, multitier_exposure
from paxsilica.analytics.network import SourcingNetwork, sourcing_network
from paxsilica.model.country import country_name
from paxsilica.model.network import StackNetwork
from paxsilica.report.html import ReportContext, Section
from paxsilica.report.sections.multitier import basis_text, report_trade

__all__ = ["END_ITEMS", "build", "weak_shares"]

END_ITEMS = ["ai_accelerator_server", "ai_data_centre"]
TITLE = "Headline: the AI server and a year of AI compute, through all tiers"
WEAK_BASIS = {"derived", "estimate"}


def weak_shares(latest: pd.DataFrame) -> pd.Series:
    """Per item: fraction of its located (named-country) share resting on weak rows.

    ``latest`` is :attr:`ReportContext.latest` (one row per item, stage and country with
    the worst ``confidence`` and least certain ``basis`` of the rows combined).

    >>> frame = pd.DataFrame({"item": ["a", "a", "b"], "share": [0.6, 0.4, 1.0],
    ...     "confidence": ["high", "low", "medium"], "basis": ["reported"] * 2 + ["derived"]})
    >>> weak_shares(frame).round(2).to_dict()
    {'a': 0.4, 'b': 1.0}
    """
    weak = latest["confidence"].eq("low") | latest["basis"].isin(WEAK_BASIS)
    total = latest.groupby("item")["share"].sum()
    weak_total = latest[weak].groupby("item")["share"].sum().reindex(total.index, fill_value=0.0)
    return (weak_total / total.where(total > 0)).fillna(0.0)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def build(context: ReportContext) -> Section | None:
    net = context.net
    ends = [item for item in END_ITEMS if item in set(net.recipes["output_item"])]
    if not ends:
        return None
    snet = sourcing_network(net, as_of=context.as_of, trade=report_trade(context))
    try:
        exposure = multitier_exposure(net, group=context.group, concern=context.concern,
                                      as_of=context.as_of, roles=("market",), snet=snet)
        weighted = multitier_exposure(net, group=context.group, concern=context.concern,
                                      as_of=context.as_of, roles=("market",), snet=snet,
                                      mode="weighted")
    except CycleError as error:
        return Section("headline", TITLE, f"Not computed: {error}.", "")
    world = exposure[exposure["country"] == "WLD"].set_index("item")
    weighted = weighted[weighted["country"] == "WLD"].set_index("item")
    weak = weak_shares(context.latest)
    proxied = snet.nodes.loc[snet.nodes["sourcing"].eq("export shares"), "item_id"]
    weak = pd.concat([weak.drop(proxied, errors="ignore"), pd.Series(1.0, index=proxied.to_numpy())])
    labels = context.item_labels
    parts = [_end_item(context, snet, item, world, weighted, weak) for item in ends]
    return Section(
        "headline", TITLE,
        "At risk = share of the item's supply lost if every producer in a country of concern "
        "stopped, through all recipe tiers: essential inputs bind (Leontief); the weighted "
        "reading also counts substitutable inputs. Unlocated = supply whose producing country "
        "no cited row names, counted as a gap, not as safe. " + basis_text(snet)
        + " Without trade data a data centre buys electricity from the world mix, although "
        "electricity is not traded between continents: the data-centre figure then overstates "
        "the risk for data centres outside China. Weak rows: low confidence, or derived or "
        "estimated, or located by exports (docs/data.md).",
        "".join(parts) + _weak_note(weak, net, labels))


def _end_item(context: ReportContext, snet: SourcingNetwork, item: str, world: pd.DataFrame,
              weighted: pd.DataFrame, weak: pd.Series) -> str:
    labels = context.item_labels
    row = world.loc[item]
    node = f"market:WLD:{item}"
    countries = country_dependence(snet, [node])
    countries = countries[countries["dependence"] > 0].head(6)
    named = ", ".join(f"{html.escape(country_name(c) if c else 'location not in data')} "
                      f"{_pct(d)}" for c, d in zip(countries["country"], countries["dependence"],
                                                    strict=True))
    inputs = context.net.recipes[context.net.recipes["output_item"] == item]
    rows = []
    for line in inputs.itertuples():
        source = world.loc[line.input_item] if line.input_item in world.index else None
        if source is None:
            continue
        rows.append(
            f"<tr><td>{html.escape(labels.get(line.input_item, line.input_item))}</td>"
            f"<td>{'yes' if line.essential else 'no'}</td>"
            f"<td class='num'>{_pct(source['concern_share'])}</td>"
            f"<td class='num'>{_pct(source['unattributed_share'])}</td>"
            f"<td class='num'>{_pct(weak.get(line.input_item, 0.0))}</td></tr>")
    return (f"<h3>{html.escape(labels.get(item, item))}</h3>"
            "<p class='callout'>"
            f"At risk to countries of concern: <b>{_pct(row['concern_share'])}</b> "
            f"(weighted reading {_pct(weighted.loc[item, 'concern_share'])}); "
            f"inside the coalition: {_pct(row['coalition_share'])}; "
            f"own output located: {_pct(row['located_share'])}; "
            f"unlocated upstream: {_pct(row['unattributed_share'])}; "
            f"own location resting on weak rows: {_pct(weak.get(item, 0.0))}.</p>"
            f"<p>Countries it depends on alone (through all tiers): {named or 'none located'}.</p>"
            "<table><thead><tr><th>Direct input</th><th>Essential</th>"
            "<th>At risk through all tiers</th><th>Unlocated</th><th>Located share on weak rows</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _weak_note(weak: pd.Series, net: StackNetwork, labels: dict[str, str]) -> str:
    items = sorted(set(net.recipes["output_item"]) | set(net.recipes["input_item"]))
    tree = weak.reindex(items).dropna()
    heavy = tree[tree >= 0.5]
    listed = ", ".join(html.escape(labels.get(i, i)) for i in heavy.index)
    return (f"<p>Of the {len(tree)} located items in the recipe tree, {len(heavy)} rest mostly "
            f"(half or more of their located supply) on weak rows{': ' + listed if listed else ''}. "
            "Treat answers that run through them as indicative.</p>")
