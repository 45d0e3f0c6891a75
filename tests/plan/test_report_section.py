"""The report's plan section: builds, unmet demand per scenario and who bears it, the
reserves' release rule, cost shares (words and charts with legends, item names)."""

from __future__ import annotations

from datetime import date

from paxsilica.report.data import report_data
from paxsilica.report.html import SECTIONS
from paxsilica.report.sections import plan as plan_section


def test_plan_section_states_unmet_demand_shares_and_reserves(net):
    section = plan_section.build(report_data(net, as_of=date(2026, 6, 1)))
    assert section is not None and section.section_id == "plan"
    body = section.body
    for chart in ("plan-builds", "plan-unmet", "plan-shares"):
        assert f'id="{chart}"' in body
    # unmet magnets in the full ban, in words, with who bears them (names, not ids)
    assert "full_ban</strong>: 20,000 t of NdFeB permanent magnets" in body
    assert "Borne by United States 8,333 t, Japan 6,667 t, South Korea 5,000 t" in body
    assert "ndfeb_magnet" not in body.split("Warnings")[0].replace("us_magnet_reserve", "")
    # the reserve's rule and its value; cost shares with the core check
    assert "release up to 10,000 a year while its supply is cut" in body
    assert "USD per USD it costs" in body
    assert "saves" in body and "Shapley" in body and "core" in body
    assert '"showlegend":true' in body.replace(" ", "")  # charts carry legends
    assert "Taiwan" in body and "Concern share 2026" in body
    assert "paxsilica.report.sections.plan" in SECTIONS
