"""The HTML report: self-contained, one section per topic, figures with sources."""

import re

import pytest

from paxsilica.report import render_report


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
    for section_id in ("overview", "concentration", "coverage", "controls", "recipes", "sources"):
        assert f'id="{section_id}"' in html
    assert seen[:2] == ["overview", "concentration"]


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
