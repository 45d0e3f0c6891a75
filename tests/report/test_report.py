"""The HTML report: self-contained, one section per topic, figures with sources."""

import dataclasses
import re
from datetime import date

import pandas as pd
import pytest

from paxsilica.analytics.multitier import multitier_exposure
from paxsilica.report import render_report
from paxsilica.report.html import ReportContext
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
    assert "Plotly" in html[:5_000_000]


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

    monkeypatch.setattr(report_html, "SECTIONS", [*report_html.SECTIONS, "no.such.module"])
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


@dataclasses.dataclass(frozen=True, eq=False)
class TradeContext(ReportContext):
    """The report context with the stored trade flows the section reads (``context.trade``)."""

    trade: pd.DataFrame | None = None


def test_multitier_section_shows_sankey_table_and_basis(page, net):
    html, seen = page
    assert 'id="multitier"' in html and "multitier" in seen
    section = multitier.build(ReportContext(net, date(2026, 7, 1)))
    assert section is not None and section.section_id == "multitier"
    assert 'id="multitier-sankey"' in section.body and '"type":"sankey"' in section.body
    assert "<h3>Chokepoints</h3>" in section.body and "producer:CHN:ndfeb_magnet" in section.body
    assert "global-pool assumption (no trade data imported)" in section.lead


def test_multitier_section_uses_imported_trade_flows(net):
    day = date(2026, 7, 1)
    plain = multitier.build(TradeContext(net, day))
    traded = multitier.build(TradeContext(net, day, trade=FAN_TRADE))
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
    assert f"<td class='num'>{before['concern_share']:.1%}</td>" in magnet_row(plain.body)


def test_multitier_section_reports_a_recipe_cycle_instead_of_aborting(net, tmp_path):
    # gallium made from gallium arsenide (3 t per t) and GaAs from gallium: content never ends
    line = net.recipes.iloc[[0]].assign(output_item="gallium", input_item="gallium_arsenide",
                                        quantity=3.0, essential=True)
    cyclic = dataclasses.replace(net, recipes=pd.concat([net.recipes, line], ignore_index=True))
    section = multitier.build(ReportContext(cyclic, date(2026, 7, 1)))
    assert section is not None and section.lead.startswith("Not computed")
    assert "gallium, gallium_arsenide" in section.lead and "gallium_arsenide" in section.body
    path = render_report(cyclic, tmp_path / "r.html", as_of="2026-07-01")
    assert 'id="multitier"' in path.read_text(encoding="utf-8")
