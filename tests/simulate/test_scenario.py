"""Scenario files: every mistake names the file and the key; disguised but valid inputs work."""

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.errors import ValidationError
from paxsilica.simulate import load_scenario, simulate
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict


@pytest.mark.parametrize(("text", "key", "reason"), [
    ("name: x\ndays: 10\nmodel: {psi: 1.5}\n", "model.psi", "less than or equal to 1"),
    ("name: x\ndays: 10\nmodel: {alpha_base: 1.3, alpha_max: 1.2}\n", "model", "alpha_max"),
    ("name: x\ndays: 10\nspeed: 3\n", "speed", "Extra inputs"),
    ("name: x\ndays: 10\nevents:\n  - {kind: export_ban, exporters: [], importers: [USA], start: 1}\n",
     "events.0.exporters", "at least 1"),
    ("name: x\ndays: 10\nevents:\n  - {kind: export_ban, exporters: [CHN], importers: [USA], start: 2026-01-05}\n",
     "events.0.start", "start_date"),
    ("name: x\ndays: 10\nevents:\n  - {kind: export_ban, exporters: [CHN], importers: [USA], start: 5, end: 3}\n",
     "events.0.end", "not after start"),
    ("name: x\ndays: 10\nevents:\n  - {kind: licence_regime, exporters: [CHN], importers: [USA], start: 1, "
     "deny_rate: -0.1}\n", "events.0.deny_rate", "greater than or equal to 0"),
    ("name: x\ndays: 10\nuncertain: {psi: {uniform: [0.9, 0.5]}}\n", "uncertain.psi", "low above high"),
    ("name: x\ndays: 10\nuncertain: {colour: {uniform: [0, 1]}}\n", "uncertain.colour", "unknown parameter"),
])
def test_bad_scenarios_name_file_and_key(tmp_path, text, key, reason):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ValidationError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message and f"'{key}'" in message and reason in message


def test_unreadable_files(tmp_path):
    with pytest.raises(ValidationError, match="not found"):
        load_scenario(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nevents: [\n")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_scenario(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(ValidationError, match="not a mapping"):
        load_scenario(listing)


def test_dates_become_steps(tmp_path):
    scenario = scenario_from_dict({"name": "d", "days": 40, "start_date": "2026-01-01", "events": [
        {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5,
         "start": "2026-01-11"}]})
    assert scenario.step_of(scenario.events[0].start) == 10


def test_industry_order_and_label_disguise_do_not_change_results():
    """The same economy with industries listed in another order and odd but valid labels."""
    z = np.array([[0.0, 2190.0, 10.0], [0.0, 0.0, 30.0], [5.0, 0.0, 0.0]])
    final = np.array([[100.0, 0.0], [0.0, 3000.0], [0.0, 500.0]])
    events = [{"kind": "export_ban", "exporters": ["Région 1"], "importers": ["B b"], "start": 3},
              {"kind": "capacity_loss", "region": "B b", "sector": "chip / 2", "fraction": 0.4,
               "start": 8, "recovery": 20}]
    scenario = scenario_from_dict({"name": "o", "days": 80, "model": {"inventory_days": 10},
                                   "events": events})
    regions, sectors = ["Région 1", "B b", "B b"], ["ore", "chip / 2", "wafer"]
    straight = simulate(SimNetwork.from_arrays(regions, sectors, sp.csr_matrix(z), final,
                                               final_regions=["Région 1", "B b"]), scenario)
    order = [2, 0, 1]
    shuffled = simulate(SimNetwork.from_arrays([regions[i] for i in order], [sectors[i] for i in order],
                                               sp.csr_matrix(z[np.ix_(order, order)]), final[order],
                                               final_regions=["Région 1", "B b"]), scenario)
    assert np.allclose(straight.production[:, order], shuffled.production, rtol=1e-12)
    assert straight.production[:, 1].min() < 0.99 * straight.baseline[1]
