"""The report's plan section: build timeline and concern share before/after per member."""

from __future__ import annotations

from datetime import date

from paxsilica.report.data import report_data
from paxsilica.report.html import SECTIONS
from paxsilica.report.sections import plan as plan_section


def test_plan_section_shows_builds_and_concern_shares(net):
    section = plan_section.build(report_data(net, as_of=date(2026, 6, 1)))
    assert section is not None and section.section_id == "plan"
    assert "plan-builds" in section.body and "tw_itri_expansion" in section.body
    assert "Taiwan" in section.body and "Concern share 2026" in section.body
    assert "paxsilica.report.sections.plan" in SECTIONS
