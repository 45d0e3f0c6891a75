"""The scenario library built from the bundled export controls."""

import pytest

from paxsilica.model.network import StackNetwork
from paxsilica.simulate.library import ASSUMED_DELAY_DAYS, coalition_ban, scenario_library
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.store import open_store


@pytest.fixture(scope="module")
def library():
    net = StackNetwork.from_store(open_store(":memory:"))
    return net, scenario_library(net)


def test_every_measure_is_a_valid_scenario(library):
    net, scenarios = library
    assert {m.lower() for m in net.export_controls["measure_id"]} <= set(scenarios)
    for document in scenarios.values():
        scenario_from_dict(document)  # raises on any invalid one


def test_measures_map_to_events(library):
    _, scenarios = library
    ban = scenarios["cn-mofcom-2024-46-2"]["events"][0]
    assert ban["kind"] == "export_ban" and ban["importers"] == ["USA"] and "gallium" in ban["items"]
    # suspended on 2025-11-09: the ban ends then
    assert ban["end"] == "2025-11-09"
    licence = scenarios["cn-mofcom-gac-2025-18"]
    assert licence["events"][0]["kind"] == "licence_regime"
    assert licence["events"][0]["delay_days"] == ASSUMED_DELAY_DAYS
    assert "assumptions (not cited)" in licence["description"]
    assert "events.0.deny_rate" in licence["uncertain"]
    assert scenarios["cn-mofcom-most-2023-techcat"]["events"] == []


def test_coalition_ban_as_of_a_date():
    document = coalition_ban("2026-02-01", items=["gallium"])
    scenario = scenario_from_dict(document)
    assert scenario.start_date.isoformat() == "2026-02-01"
    assert scenario.events[0].items == ["gallium"]
