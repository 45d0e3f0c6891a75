"""The report's telecom and recycling section: cited rows, a chart, and nothing at all
without data; in Chromium at a phone's and a desktop's width."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.report.test_browser import SHOTS, browser, report_path, report_url  # noqa: F401 (fixtures)

from paxsilica.report.data import TelecomData, report_data, telecom_data
from paxsilica.report.sections import telecom


def test_section_rows_come_from_the_api(net):
    tables = telecom_data(net, as_of=pd.Timestamp("2026-07-01").date(), group="pax_silica",
                          concern="countries_of_concern")
    data = report_data(net, as_of="2026-07-01")
    section = telecom.build(data)
    assert section is not None and section.section_id == "telecom"
    germany = tables.vendors.set_index("market").loc["DEU"]
    assert germany["concern_share"] == 0.59
    assert "Germany · installed equipment 2022" in section.body
    assert "59%" in section.body and "Guowang (SatNet)" in section.body
    assert "voonze.com" in section.body  # the row's source is a link
    assert section.body.count("<caption>") == 3 and "scope='col'" in section.body


def test_no_data_no_section(net):
    data = report_data(net, as_of="2026-07-01")
    empty = TelecomData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    from dataclasses import replace

    assert telecom.build(replace(data, telecom=empty)) is None
    assert telecom.build(replace(data, telecom=None)) is None


@pytest.mark.parametrize("width", [420, 1400])
def test_vendor_chart_renders_and_fits(browser, report_url, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(report_url, wait_until="load")
    page.wait_for_selector("#vendor-concern-bars .main-svg")
    section = page.locator("#telecom")
    section.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / f"report-telecom-{width}.png"))
    bars = page.evaluate("document.querySelectorAll('#vendor-concern-bars .bars .point').length")
    right = page.evaluate("document.querySelector('#telecom').getBoundingClientRect().right")
    client = page.evaluate("document.documentElement.clientWidth")
    page.close()
    assert bars >= 8  # eight markets, concern bars at least
    assert right <= client + 1
