"""Report sections with user data: rows whose optional cells are all empty still render."""

from __future__ import annotations

import csv

import pytest

from paxsilica.model.kinds import KINDS
from paxsilica.model.network import StackNetwork
from paxsilica.report import render_report
from paxsilica.report.html import section_names
from paxsilica.store import import_file, open_store

# Only the required cells of one row per kind; every optional column is written, empty.
REQUIRED = {
    "stages": {"stage_id": "recycling", "name": "Recycling", "order": "8"},
    "items": {"item_id": "test_widget", "name": "Test widget", "kind": "component",
              "stage": "recycling", "unit": "t"},
    "groups": {"group_id": "test_group", "name": "Test group"},
    "memberships": {"group_id": "test_group", "country": "JPN", "status": "member",
                    "valid_from": "2025-01-01", "source": "T", "confidence": "high"},
    "companies": {"company_id": "test_co", "name": "Test Co", "country": "JPN", "source": "T",
                  "confidence": "high"},
    "facilities": {"facility_id": "test_plant", "name": "Test plant", "country": "JPN",
                   "source": "T", "confidence": "high"},
    "supplies": {"item_id": "test_widget", "country": "JPN", "year": "2024", "share": "0.5",
                 "source": "T", "confidence": "high"},
    "recipes": {"output_item": "test_widget", "input_item": "gallium", "quantity": "1",
                "unit": "kg Ga per t", "source": "T", "confidence": "low"},
    "ownership": {"owner_id": "someone", "owned_id": "test_co", "percentage": "10",
                  "source": "T", "confidence": "high"},
    "export_controls": {"measure_id": "X-TEST-1", "issuer": "CHN", "announced": "2025-01-01",
                        "effective": "2025-02-01", "items": "widgets", "kind": "ban",
                        "source": "Test measure", "confidence": "high"},
}


@pytest.fixture(scope="module")
def sparse_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sparse")
    store = open_store(":memory:")
    for kind_name, values in REQUIRED.items():
        columns = KINDS[kind_name].columns
        assert set(KINDS[kind_name].required) <= set(values), kind_name
        path = folder / f"{kind_name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerow([values.get(column, "") for column in columns])
        import_file(store, kind_name, path)
    net = StackNetwork.from_store(store)
    # every section that shows stored rows; the planner's example and the stress test run
    # their own bundled cases (rendered whole by tests/report/test_report.py)
    shown = [name for name in section_names() if name not in ("plan", "scenario")]
    out = render_report(net, folder / "report.html", as_of="2026-03-01", sections=shown)
    return net, out.read_text(encoding="utf-8")


def test_empty_optional_text_cells_are_none_not_nan(sparse_page):
    net, _ = sparse_page
    control = net.export_controls.set_index("measure_id").loc["X-TEST-1"]
    assert control["source_url"] is None and control["note"] is None
    assert control["targets"] == ["all"] and control["item_ids"] == []
    assert net.supplies.query("item_id == 'test_widget'")["company"].tolist() == [None]


def test_report_renders_rows_without_optional_cells(sparse_page):
    _, html = sparse_page
    assert "X-TEST-1" in html
    assert "<td>Test measure</td>" in html  # no link when the row has no source_url
    assert "href=''" not in html and 'href=""' not in html
    assert "Test widget" in html
    for section_id in ("overview", "concentration", "coverage", "controls", "recipes", "sources"):
        assert f'id="{section_id}"' in html


def test_coverage_section_before_the_first_membership_says_why_it_is_empty(net, tmp_path):
    html = render_report(net, tmp_path / "r.html", as_of="2025-12-01",
                         sections=["coverage"]).read_text(encoding="utf-8")
    assert 'id="coverage"' in html
    assert ("had no members on or before 2025-12-01; its first membership date is 2025-12-12"
            in html)


def test_coverage_section_with_one_membership_date(net, tmp_path):
    html = render_report(net, tmp_path / "r.html", as_of="2025-12-20",
                         sections=["coverage"]).read_text(encoding="utf-8")
    assert 'id="coverage-heatmap"' in html
    assert "Membership changed once on or before 2025-12-20 (2025-12-12)" in html


def test_coverage_table_lists_countries_that_left(tmp_path):
    """Hypothetical test scenario (not data): the USA's membership ends on 2026-04-30."""
    store = open_store(":memory:")
    path = tmp_path / "ended.csv"
    path.write_text("group_id,country,status,valid_from,valid_to,source,confidence\n"
                    "pax_silica,USA,signatory,2025-12-12,2026-04-30,test scenario,low\n",
                    encoding="utf-8")
    import_file(store, "memberships", path)
    html = render_report(StackNetwork.from_store(store), tmp_path / "r.html", as_of="2026-05-02",
                         sections=["coverage"]).read_text(encoding="utf-8")
    section = html.split('id="coverage"')[1].split("</section>")[0]
    assert "<th scope=\"col\">Left since</th>" in section
    assert "United States" in section
    # the day after valid_to is a column; 14 members (Greece listed from 2026-02-06)
    assert "2026-05-01 \\u00b7 14 members" in section  # (escaped in the figure JSON)


def test_only_the_sections_asked_are_rendered(net, tmp_path):
    from paxsilica.errors import ParameterError
    from paxsilica.report.html import section_names

    html = render_report(net, tmp_path / "r.html", as_of="2026-03-01",
                         sections=["controls", "overview"]).read_text(encoding="utf-8")
    shown = [name for name in section_names() if f'id="{name}"' in html]
    assert shown == ["overview", "controls"]
    for bad in (["overveiw"], [], "plan; drop table"):
        with pytest.raises(ParameterError) as caught:
            render_report(net, tmp_path / "s.html", sections=bad)
        assert caught.value.field == "sections"
    assert not (tmp_path / "s.html").exists()
