"""Headline: how much of an AI server, and of a year of AI data-centre service, depends
on countries of concern through all tiers, which inputs carry it, and how much of the
answer rests on weak (low-confidence, derived or estimated) rows.

The figures are those of ``paxsilica exposure --tiers all`` on the same sourcing network
(the network's stored trade flows, else the global pool), computed by
:func:`paxsilica.report.data.headline_data`; this module only renders them. "Weak" is measured
per item as the part of its located supply whose rows are ``low`` confidence or have
basis ``derived`` or ``estimate`` (docs/data.md); an item located by its exporters (no
cited producer, trade flows as a proxy: the network's ``export shares`` sourcing) is
weak throughout, since that rule is a derivation of low confidence.
"""

from __future__ import annotations

import html

import pandas as pd

from paxsilica.model.country import country_name
from paxsilica.report.data import HeadlineData, weak_shares
from paxsilica.report.html import ReportData, Section
from paxsilica.report.sections.multitier import basis_text

__all__ = ["TITLE", "build", "weak_shares"]

TITLE = "Headline: the AI server and a year of AI compute, through all tiers"


def _pct(value: float) -> str:
    return f"{value:.0%}"


def build(data: ReportData) -> Section | None:
    headline = data.headline
    if headline is None:
        return None
    if headline.error is not None:
        return Section("headline", TITLE, f"Not computed: {headline.error}.", "")
    parts = [_end_item(data, headline, item) for item in headline.items]
    return Section(
        "headline", TITLE,
        "At risk = share of the item's supply lost if every producer in a country of concern "
        "stopped, through all recipe tiers: essential inputs bind (Leontief); the weighted "
        "reading also counts substitutable inputs. Unlocated = supply whose producing country "
        "no cited row names, counted as a gap, not as safe. " + basis_text(headline.basis)
        + " Without trade data a data centre buys electricity from the world mix, although "
        "electricity is not traded between continents: the data-centre figure then overstates "
        "the risk for data centres outside China. Weak rows: low confidence, or derived or "
        "estimated, or located by exports (docs/data.md).",
        "".join(parts) + _weak_note(data, headline.weak))


def _end_item(data: ReportData, headline: HeadlineData, item: str) -> str:
    labels, world, weak = data.item_labels, headline.world, headline.weak
    row = world.loc[item]
    countries = headline.dependence.get(item, pd.DataFrame(columns=["country", "dependence"])).head(6)
    named = ", ".join(f"{html.escape(country_name(c) if c else 'location not in data')} "
                      f"{_pct(d)}" for c, d in zip(countries["country"], countries["dependence"],
                                                    strict=True))
    inputs = data.recipes[data.recipes["output_item"] == item]
    rows = []
    for line in inputs.itertuples():
        if line.input_item not in world.index:
            continue
        source = world.loc[line.input_item]
        rows.append(
            f"<tr><td>{html.escape(labels.get(line.input_item, line.input_item))}</td>"
            f"<td>{'yes' if line.essential else 'no'}</td>"
            f"<td class='num'>{_pct(source['concern_share'])}</td>"
            f"<td class='num'>{_pct(source['unattributed_share'])}</td>"
            f"<td class='num'>{_pct(weak.get(line.input_item, 0.0))}</td></tr>")
    return (f"<h3>{html.escape(labels.get(item, item))}</h3>"
            "<p class='callout'>"
            f"At risk to countries of concern: <b>{_pct(row['concern_share'])}</b> "
            f"(weighted reading {_pct(headline.weighted.loc[item, 'concern_share'])}); "
            f"inside the coalition: {_pct(row['coalition_share'])}; "
            f"own output located: {_pct(row['located_share'])}; "
            f"unlocated upstream: {_pct(row['unattributed_share'])}; "
            f"own location resting on weak rows: {_pct(weak.get(item, 0.0))}.</p>"
            f"<p>Countries it depends on alone (through all tiers): {named or 'none located'}.</p>"
            "<table><thead><tr><th>Direct input</th><th>Essential</th>"
            "<th>At risk through all tiers</th><th>Unlocated</th><th>Located share on weak rows</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _weak_note(data: ReportData, weak: pd.Series) -> str:
    items = sorted(set(data.recipes["output_item"]) | set(data.recipes["input_item"]))
    tree = weak.reindex(items).dropna()
    heavy = tree[tree >= 0.5]
    listed = ", ".join(html.escape(data.item_labels.get(i, i)) for i in heavy.index)
    return (f"<p>Of the {len(tree)} located items in the recipe tree, {len(heavy)} rest mostly "
            f"(half or more of their located supply) on weak rows{': ' + listed if listed else ''}. "
            "Treat answers that run through them as indicative.</p>")
