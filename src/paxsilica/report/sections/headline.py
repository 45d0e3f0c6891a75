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
        "reading also counts substitutable inputs. It is a range, never a point: the low end "
        "counts supply whose producing country no cited row names as safe, the high end counts "
        "it as of concern; the true share lies between, and the input named as driving the "
        "range is where locating more supply would narrow it most. " + basis_text(headline.basis)
        + " Electricity is not traded across borders (catalogue: tradable false): a data "
        "centre runs on its own country's electricity where the data locate it (IEA regions; "
        "the unlocated remainder stays in the pool). Weak rows: low confidence, or derived or "
        "estimated, or located by exports (docs/data.md).",
        "".join(parts) + _weak_note(data, headline.weak))


def _end_item(data: ReportData, headline: HeadlineData, item: str) -> str:
    labels, world, weak = data.item_labels, headline.world, headline.weak
    row = world.loc[item]
    dependence = headline.dependence.get(item, pd.DataFrame(columns=["country", "dependence"]))
    # supply whose country no row names is not a country: said apart, after the countries
    located = dependence["country"].fillna("").astype(str).ne("")
    countries = dependence[located].head(6)
    named = ", ".join(f"{html.escape(country_name(c))} {_pct(d)}"
                      for c, d in zip(countries["country"], countries["dependence"], strict=True))
    unknown = dependence.loc[~located, "dependence"]
    unlocated = (f" Supply whose country is not in the data, which it also depends on alone: "
                 f"{_pct(unknown.max())}." if len(unknown) else "")
    inputs = data.recipes[data.recipes["output_item"] == item]
    rows = []
    for line in inputs.itertuples():
        if line.input_item not in world.index:
            continue
        source = world.loc[line.input_item]
        rows.append(
            f"<tr><td>{html.escape(labels.get(line.input_item, line.input_item))}</td>"
            f"<td>{'yes' if line.essential else 'no'}</td>"
            f"<td class='num'>{_range(source)}</td>"
            f"<td class='num'>{_pct(source['unattributed_share'])}</td>"
            f"<td class='num'>{_pct(weak.get(line.input_item, 0.0))}</td></tr>")
    return (f"<h3>{html.escape(labels.get(item, item))}</h3>"
            "<p class='callout'>"
            f"At risk to countries of concern: <b>{_range(row)}</b> "
            f"({_driver(data, world, item)}; "
            f"weighted reading {_range(headline.weighted.loc[item])}); "
            f"inside the coalition: {_pct(row['coalition_share'])}; "
            f"own output located: {_pct(row['located_share'])}; "
            f"unlocated upstream: {_pct(row['unattributed_share'])}; "
            f"own location resting on weak rows: {_pct(weak.get(item, 0.0))}.</p>"
            f"<p>Countries it depends on alone (through all tiers): {named or 'none located'}."
            f"{unlocated}</p>"
            "<table><thead><tr><th>Direct input</th><th>Essential</th>"
            "<th>At risk through all tiers (low–high)</th><th>Unlocated</th><th>Located share on weak rows</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _range(row: pd.Series) -> str:
    """``low–high`` (one figure when the bounds agree to the percent)."""
    low = row["concern_share"]
    high = row.get("concern_share_high", low)
    return _pct(low) if f"{low:.0%}" == f"{high:.0%}" else f"{_pct(low)}–{_pct(high)}"


def _driver(data: ReportData, world: pd.DataFrame, item: str) -> str:
    """Which essential input's unlocated supply opens the range most: the assumption that
    drives it."""
    row = world.loc[item]
    if "concern_share_high" not in world or row["concern_share_high"] - row["concern_share"] < 0.005:
        return "everything upstream is located, so the range is a point"
    inputs = data.recipes[(data.recipes["output_item"] == item) & data.recipes["essential"]]
    inputs = [i for i in inputs["input_item"] if i in world.index]
    if not inputs:
        return "the range comes from the item's own unlocated output"
    highs = world.loc[inputs, "concern_share_high"]
    drivers = [i for i in inputs if highs[i] >= highs.max() - 0.005]
    named = "; ".join(f"{html.escape(data.item_labels.get(i, i))} {_range(world.loc[i])}"
                      for i in drivers[:4])
    more = f" and {len(drivers) - 4} more" if len(drivers) > 4 else ""
    verb = "drives" if len(drivers) == 1 else "each drive"
    return (f"the high end assumes all unlocated supply is of concern; the unlocated supply of "
            f"{named}{more} {verb} it")


def _weak_note(data: ReportData, weak: pd.Series) -> str:
    items = sorted(set(data.recipes["output_item"]) | set(data.recipes["input_item"]))
    tree = weak.reindex(items).dropna()
    heavy = tree[tree >= 0.5]
    listed = ", ".join(html.escape(data.item_labels.get(i, i)) for i in heavy.index)
    return (f"<p>Of the {len(tree)} located items in the recipe tree, {len(heavy)} rest mostly "
            f"(half or more of their located supply) on weak rows{': ' + listed if listed else ''}. "
            "Treat answers that run through them as indicative.</p>")
