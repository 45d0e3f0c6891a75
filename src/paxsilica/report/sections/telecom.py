"""Telecom vendors by market country, satellite constellations, and recycled supply
(issue 21): who builds members' mobile networks, who flies the low-orbit constellations,
and how much of each item's supply is recycled."""

from __future__ import annotations

import html

import pandas as pd

from paxsilica.model.country import country_name, is_country
from paxsilica.report.charts import concern_bars
from paxsilica.report.html import ReportData, Section, figure_html, sources_html
from paxsilica.report.tables import confidence_cell, html_table

MEASURE_WORDS = {"revenue": "vendor revenue", "installed_base": "installed equipment",
                 "sites": "sites", "subscribers": "subscribers served"}


def _percent(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _cited(sources: list[str] | str, links: dict[str, str]) -> str:
    return sources_html([sources] if isinstance(sources, str) else list(sources), links)


def _market(code: str) -> str:
    """A market's name: a country's, or the region's name from the catalogue."""
    if is_country(code):
        return country_name(code)
    from paxsilica.model.country import regions

    region = regions().get(code)
    return region.name if region else code


def _vendors(data: ReportData, links: dict[str, str]) -> str:
    table = data.telecom.vendors  # type: ignore[union-attr]
    if table.empty:
        return ""
    labels = [f"{_market(m)} · {MEASURE_WORDS.get(me, me)} {y}"
              for m, me, y in zip(table["market"], table["measure"], table["year"], strict=True)]
    chart = concern_bars(table.assign(item=labels))
    rows = [[html.escape(label), html.escape(str(r.scope or "")), _percent(r.concern_share),
             _percent(r.coalition_share), _percent(r.unattributed_share), _cited(r.sources, links),
             confidence_cell(r.confidence)]
            for label, r in zip(labels, table.itertuples(), strict=True)]
    return (figure_html(chart, "vendor-concern-bars")
            + html_table(["Market · measure · year", "Scope", "Concern", "Coalition", "Not named", "Source",
                          "Conf."], rows,
                         caption="Equipment vendors by market: share from vendors domiciled in countries "
                                 "of concern (Huawei, ZTE) and in the group"))


def _constellations(data: ReportData) -> str:
    table = data.telecom.constellations  # type: ignore[union-attr]
    if table.empty:
        return ""
    rows = [[html.escape(r.name),
             f"{html.escape(str(r.operator_name))} ({html.escape(str(r.operator_country))})",
             "yes" if r.of_concern else "no",
             f"{'' if pd.isna(r.satellites) else f'{int(r.satellites):,}'} "
             f"{html.escape(str(r.count_basis or '').replace('_', ' '))} "
             f"{'' if pd.isna(r.year) else int(r.year)}",
             "" if pd.isna(r.planned) else f"{int(r.planned):,}",
             _cited(r.source, {r.source: r.source_url} if r.source_url else {}), confidence_cell(r.confidence)]
            for r in table.itertuples()]
    return html_table(["Constellation", "Operator", "Of concern", "Satellites", "Planned", "Source", "Conf."],
                      rows, caption="Satellite constellations by operator country (counts on the basis "
                                    "stated: in orbit or launched)")


def _secondary(data: ReportData) -> str:
    table = data.telecom.secondary  # type: ignore[union-attr]
    if table.empty:
        return ""
    rows = [[html.escape(data.item_labels.get(r.item, r.item)), str(r.year),
             f"{_percent(r.secondary_share)} of {html.escape(r.share_of.replace('_', ' '))}",
             _percent(r.secondary_concern_share) + ("" if pd.isna(r.secondary_concern_share_max)
                                                    else " to " + _percent(r.secondary_concern_share_max)),
             html.escape("; ".join(r.sources)), confidence_cell(r.confidence)]
            for r in table.itertuples()]
    return html_table(["Item", "Year", "Recycled", "Of it, concern", "Source", "Conf."], rows,
                      caption="Secondary (recycled) supply: world share, and the part of it from "
                              "countries of concern (unplaced recycling counted as of concern for the "
                              "upper bound)")


def build(data: ReportData) -> Section | None:
    telecom = data.telecom
    if telecom is None or all(frame.empty for frame in
                              (telecom.vendors, telecom.constellations, telecom.secondary)):
        return None
    links = {}
    if data.net is not None:
        cited = data.net.vendor_shares.dropna(subset=["source_url"])
        links = dict(zip(cited["source"], cited["source_url"], strict=False))
    body = _vendors(data, links) + _constellations(data) + _secondary(data)
    return Section(
        "telecom", "Telecom vendors, satellites and recycled supply",
        "Mobile-network (RAN) equipment by market: the share from vendors in countries of "
        "concern, as each source measures it (revenue, installed equipment, sites or "
        "subscribers); low-orbit constellations by their operator's country; and how much "
        "of each item's world supply is recycled. Rows are cited; sources differ in what "
        "they count, so markets are not strictly comparable.", body)
