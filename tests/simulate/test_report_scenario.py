"""The report's stress-test section (report/sections/scenario.py) on the bundled data."""

import numpy as np
import scipy.sparse as sp

from paxsilica.model.network import StackNetwork
from paxsilica.report.data import report_data
from paxsilica.report.html import SECTIONS
from paxsilica.report.sections import scenario as section
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.options import compare_options, stockpile_events
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.store import open_store


def test_section_has_money_ranges_assumptions_and_the_option_that_matters_most():
    assert "paxsilica.report.sections.scenario" in SECTIONS
    context = report_data(StackNetwork.from_store(open_store(":memory:")), as_of=__import__(
        "datetime").date(2026, 7, 1))
    built = section.build(context)
    assert built is not None and built.section_id == "scenario"
    assert "scenario-bands" in built.body and "Response that matters most" in built.body
    assert "gallium" in built.body  # China's controlled items are banned
    assert "Value of output lost worldwide" in built.body and "p5–p95" in built.body and "$" in built.body
    assert "Assumptions that drive the result" in built.body
    assert "qualification_scale" in built.body and "Substitutable share" in built.body


def _hand_net():
    z = np.zeros((4, 4))
    z[0, 3], z[2, 3], z[0, 1] = 2190.0, 1460.0, 365.0
    final = np.array([[1000.0, 0], [365.0, 0], [0, 0], [0, 3650.0]])
    return SimNetwork.from_arrays(["A", "A", "B", "B"], ["ore", "chip", "ore", "chip"], sp.csr_matrix(z),
                                  final, final_regions=["A", "B"])


def test_stockpile_covers_the_lost_imports():
    scenario = scenario_from_dict({"name": "b", "days": 200, "model": {"inventory_days": 30},
                                   "events": [{"kind": "export_ban", "exporters": ["A"],
                                               "importers": ["B"], "start": 5}]})
    (event,) = stockpile_events(_hand_net(), scenario)
    # B imported 6 t/day from A: 90 days of it, released at 6 t/day from the ban's start
    assert event["holder"] == "B" and event["item"] == "ore" and event["start"] == 5
    assert np.isclose(event["rate"], 6.0) and np.isclose(event["quantity"], 540.0)
    table = compare_options(_hand_net(), scenario)
    assert table.iloc[0]["option"] == "stockpile" and table.iloc[0]["avoided"] > 0.3
    # no spare capacity abroad except B's own mine: overproduction helps too, stocks a little
    assert (table["avoided"] >= -1e-9).all()


def test_the_stress_test_runs_once_per_network_and_arguments(net, monkeypatch):
    """Reports of one network share one stress test; other arguments run anew."""
    import paxsilica.simulate.stress as stress

    runs = []
    real = stress._run_stress_test
    monkeypatch.setattr(stress, "_run_stress_test", lambda *a: runs.append(a[1:]) or real(*a))
    first = stress.stress_test(net, as_of="2026-07-01", members=3, days=40, options=False)
    again = stress.stress_test(net, as_of="2026-07-01", members=3, days=40, options=False)
    assert again is first and len(runs) == 1
    other = stress.stress_test(net, as_of="2026-07-01", members=3, days=30, options=False)
    assert other is not first and len(runs) == 2
    assert other.central.days == 30 and first.central.days == 40
