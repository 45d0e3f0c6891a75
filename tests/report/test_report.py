"""The HTML report: self-contained, one section per topic, figures with sources."""

import base64
import dataclasses
import gzip
import hashlib
import re
from datetime import date

import pandas as pd
import pytest

from paxsilica.analytics.multitier import multitier_exposure
from paxsilica.report import render_report, report_data
from paxsilica.report.assets import PLOTLY_SHA256
from paxsilica.report.html import section_names
from paxsilica.report.sections import multitier


@pytest.fixture(scope="module")
def page(net, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    seen = []
    render_report(net, path, as_of="2026-03-01", on_section=seen.append)
    return path.read_text(encoding="utf-8"), seen


def test_report_is_self_contained(page):
    html, _ = page
    assert not re.search(r"<script[^>]+src=", html)  # no external scripts: works offline
    assert not re.search(r"https?://cdn", html)
    # plotly.js is embedded once, compressed: the vendored bundle byte for byte
    packed = re.findall(r'<script type="application/octet-stream" id="plotly-gzip-base64">([^<]+)</script>', html)
    assert len(packed) == 1
    assert hashlib.sha256(gzip.decompress(base64.b64decode(packed[0]))).hexdigest() == PLOTLY_SHA256
    figures = re.findall(r'<script type="application/json" id="([^"]+)-figure">', html)
    assert len(figures) >= 5 and all(f'id="{name}" class="plot" role="img"' in html for name in figures)


def test_report_has_each_section_and_progress_callbacks(page):
    html, seen = page
    for section_id in ("overview", "headline", "concentration", "coverage", "controls", "recipes",
                       "multitier", "sources"):
        assert f'id="{section_id}"' in html
    assert seen[:3] == ["overview", "headline", "concentration"]


def test_report_shows_members_as_of_date_and_sources(page):
    html, _ = page
    assert "as of <strong>2026-03-01</strong>" in html
    assert "India" in html and "Qatar" in html
    assert "Netherlands ·" not in html.split("</header>")[0]  # signed only in June 2026
    # the latest observed year (2025) is cited from MCS 2026, linked to the USGS PDF
    assert ('href="https://pubs.usgs.gov/periodicals/mcs2026/mcs2026-rare-earths.pdf">'
            "USGS Mineral Commodity Summaries 2026 - Rare Earths (Feb 2026)") in html
    assert "CN-MOFCOM-GAC-2023-23" in html


def test_failed_render_leaves_no_file(net, tmp_path, monkeypatch):
    from paxsilica.report import html as report_html

    monkeypatch.setattr(report_html, "SECTIONS", ["no.such.module", *report_html.SECTIONS])
    target = tmp_path / "r.html"
    with pytest.raises(ModuleNotFoundError):
        render_report(net, target)
    assert not target.exists()
    assert not list(tmp_path.iterdir())


# --- multi-tier section --------------------------------------------------------------

FAN_TRADE = pd.DataFrame({"year": [2024, 2024], "exporter": ["CHN", "MYS"],
                          "importer": ["JPN", "JPN"], "hs6": ["841459", "841459"],
                          "item_id": ["cooling_fan", "cooling_fan"], "value_kusd": [800.0, 200.0],
                          "quantity_t": [None, None], "dataset": ["baci", "baci"]})


def _section(net, day=date(2026, 7, 1)):
    return multitier.build(report_data(net, as_of=day))


def test_multitier_section_shows_sankey_table_and_basis(page, net):
    html, seen = page
    assert 'id="multitier"' in html and "multitier" in seen
    section = _section(net)
    assert section is not None and section.section_id == "multitier"
    assert 'id="multitier-sankey"' in section.body and '"type":"sankey"' in section.body
    assert "<h3>Chokepoints</h3>" in section.body and "producer:CHN:" in section.body
    assert "end item, AI data-centre compute service" in section.lead  # from the catalogue
    assert "global-pool assumption (no trade data imported)" in section.lead


def test_multitier_section_uses_imported_trade_flows(net):
    day = date(2026, 7, 1)
    plain = _section(net, day)
    traded = _section(dataclasses.replace(net, trade_flows=FAN_TRADE), day)
    assert "trade data (BACI 2024) for 1 item(s)" in traded.lead
    assert "global-pool" not in traded.lead
    # server fans have no cited producers: with trade their world shares come from exports
    # (CHN 0.8, MYS 0.2), which changes the fan row of the embodied-exposure table
    magnet = net.items.set_index("item_id").loc["cooling_fan", "name"]
    expected = multitier_exposure(net, as_of=day, trade=FAN_TRADE, roles=("market",))
    world = expected.set_index("node").loc["market:WLD:cooling_fan"]
    before = multitier_exposure(net, as_of=day, roles=("market",)).set_index("node").loc[
        "market:WLD:cooling_fan"]
    assert f"{world['concern_share']:.1%}" != f"{before['concern_share']:.1%}"

    def magnet_row(body: str) -> str:
        return body.split(f"<tr><td>{magnet}</td>", 1)[1].split("</tr>", 1)[0]

    assert f"<td class='num'>{world['concern_share']:.1%}</td>" in magnet_row(traded.body)
    if f"<tr><td>{magnet}</td>" in plain.body:
        assert f"<td class='num'>{before['concern_share']:.1%}</td>" in magnet_row(plain.body)
    else:  # without trade the fans are not among the end item's inputs most at risk
        assert before["concern_share"] < world["concern_share"]


def test_multitier_section_reports_a_recipe_cycle_instead_of_aborting(net, tmp_path):
    # gallium made from gallium arsenide (3 t per t) and GaAs from gallium: content never ends
    line = net.recipes.iloc[[0]].assign(output_item="gallium", input_item="gallium_arsenide",
                                        quantity=3.0, essential=True)
    cyclic = dataclasses.replace(net, recipes=pd.concat([net.recipes, line], ignore_index=True))
    section = _section(cyclic)
    assert section is not None and section.lead.startswith("Not computed")
    assert "gallium, gallium_arsenide" in section.lead and "gallium_arsenide" in section.body
    # the rest of the report goes on (the planner's own example, rendered whole elsewhere, left out)
    shown = [name for name in section_names() if name != "plan"]
    path = render_report(cyclic, tmp_path / "r.html", as_of="2026-07-01", sections=shown)
    page = path.read_text(encoding="utf-8")
    assert 'id="multitier"' in page and 'id="scenario"' in page and 'id="sources"' in page


def test_multitier_section_follows_another_catalogue(net):
    # only the magnet's supply chain: its top is the end item, no hard-coded ids needed
    magnet_tree = {"ndfeb_magnet", "ndpr_metal", "ndpr_oxide", "rare_earth_oxide"}
    recipes = net.recipes[net.recipes["output_item"].isin(magnet_tree)]
    smaller = dataclasses.replace(net, recipes=recipes.reset_index(drop=True))
    data = report_data(smaller, as_of=date(2026, 7, 1))
    assert data.end_item == "ndfeb_magnet"
    section = multitier.build(data)
    magnet = net.items.set_index("item_id").loc["ndfeb_magnet", "name"]
    assert f"end item, {magnet}" in section.lead and "producer:CHN:" in section.body


def test_chokepoint_table_has_no_zero_loss_rows(net):
    data = report_data(net, as_of=date(2026, 7, 1))
    extra = data.chokepoints.iloc[[0]].assign(node="producer:XXX:gpu_accelerator", country="XXX",
                                              output_lost=0.0001, betweenness=2.0)
    data = dataclasses.replace(data, chokepoints=pd.concat([data.chokepoints, extra]))
    section = multitier.build(data)
    table = section.body.split("<h3>Chokepoints</h3>", 1)[1]
    assert "producer:XXX:gpu_accelerator" not in table  # would show as "0.0 %" lost
    assert "1 row(s) cutting less than 0.05 % of supply are left out" in table
    assert "producer:TWN:gpu_accelerator" in table
