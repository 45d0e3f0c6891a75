"""Simulate entered once: the scenario and its network resolved once, limits that no scenario
object bypasses, no file named by a remote request, ensembles reusing the prepared run."""

from __future__ import annotations

import pytest

import paxsilica.simulate.stack as stack_module
from paxsilica.errors import NotFoundError, ParameterError, ValidationError
from paxsilica.model.network import StackNetwork
from paxsilica.requests.limits import SERVICE_MAX_DAYS
from paxsilica.requests.simulate import SimulateRequest, answer_simulate, prepare_simulation
from paxsilica.simulate.run import simulate
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.store import open_store


@pytest.fixture(scope="module")
def net() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


BAN = {"name": "ban", "days": 6, "start_date": "2026-01-01",
       "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["JPN"],
                   "items": ["gallium"], "start": 1}]}


@pytest.mark.parametrize("scenario", [BAN, "name: ban\ndays: 6\nstart_date: 2026-01-01\n"
                                             "events: [{kind: export_ban, exporters: [CHN], "
                                             "importers: [JPN], items: [gallium], start: 1}]\n"])
def test_a_mapping_or_yaml_text_equals_the_library_function(net, scenario):
    """Oracle: paxsilica.simulate.simulate on the same scenario, without the request layer."""
    result = answer_simulate(net, SimulateRequest(scenario=scenario))
    expected = simulate(net, scenario_from_dict(BAN))
    assert result.to_json_dict() == expected.to_json_dict()


def test_a_scenario_file_is_read_for_local_requests_only(net, tmp_path):
    path = tmp_path / "ban.yaml"
    path.write_text("name: ban\ndays: 4\nevents: []\n", encoding="utf-8")
    assert answer_simulate(net, SimulateRequest(scenario=str(path))).days == 4
    with pytest.raises(NotFoundError) as info:  # remote: a name, never a server path
        prepare_simulation(SimulateRequest.parse(scenario=str(path), local_files=False), net)
    assert info.value.field == "scenario"


def test_the_service_cap_holds_for_the_scenario_s_own_days(net):
    big = {**BAN, "days": SERVICE_MAX_DAYS + 1}
    with pytest.raises(ParameterError) as info:  # refused when the request is built
        SimulateRequest.parse(scenario=big, local_files=False)
    assert info.value.field == "scenario.days" and "remote" in str(info.value)
    # a library name is resolved when prepared: the same cap holds there
    request = SimulateRequest.parse(scenario=big, days=10, local_files=False)
    object.__setattr__(request, "days", None)  # as if built without the door check
    with pytest.raises(ValidationError) as prepared:
        prepare_simulation(request, net)
    assert prepared.value.errors[0].field == "days" and "remote" in str(prepared.value)
    # a shorter run of the same scenario is within the cap; locally the scenario may be longer
    assert prepare_simulation(SimulateRequest.parse(scenario=big, days=10, local_files=False),
                              net).days == 10
    assert prepare_simulation(SimulateRequest(scenario=big), net).days == SERVICE_MAX_DAYS + 1


def test_remote_requests_run_no_mrio_folder(net, tmp_path):
    with pytest.raises(ValidationError, match=r"network\.mrio"):
        prepare_simulation(SimulateRequest.parse(
            scenario={"name": "m", "network": {"mrio": str(tmp_path)}}, local_files=False), net)


def test_too_many_events_are_refused(net):
    events = [{"kind": "capacity_loss", "country": "CHN", "item": "gallium", "fraction": 0.1,
               "start": 0}] * 1001
    with pytest.raises(ParameterError, match=r"scenario\.events: 1001 events; at most 1000"):
        SimulateRequest(scenario={"name": "e", "days": 5, "events": events})  # at the door
    # and the scenario model itself holds the bound (a library caller is bounded too)
    with pytest.raises(ValidationError, match=r"events.*at most 1000 items.*not 1001"):
        scenario_from_dict({"name": "e", "days": 5, "events": events})


def test_unknown_library_name(net):
    with pytest.raises(NotFoundError) as info:
        prepare_simulation(SimulateRequest.parse(scenario="no-such-ban", local_files=False), net)
    assert info.value.field == "scenario" and "scenarios list" in str(info.value)


def test_the_stack_network_is_built_once_for_an_ensemble(net, tmp_path, monkeypatch):
    calls = []
    original = stack_module.stack_network

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(stack_module, "stack_network", counted)
    request = SimulateRequest(scenario="coalition-ban", days=3, ensemble=2,
                              scheduler="synchronous", folder=tmp_path / "members")
    result = answer_simulate(lambda: net, request)
    assert len(calls) == 1
    assert sorted(result.members["member"].unique()) == [0, 1]


def test_scheduler_needs_an_ensemble():
    with pytest.raises(ParameterError) as info:
        SimulateRequest(scenario="x", scheduler="synchronous")
    assert info.value.field == "scheduler"


@pytest.mark.parametrize("scenario", [BAN, "name: ban\ndays: 6\nevents: []\n"])
def test_a_document_is_parsed_once(net, scenario, monkeypatch):
    """The scenario checked at the door is the one prepared: no second parse."""
    import paxsilica.requests.simulate as requests_simulate

    request = SimulateRequest(scenario=scenario)
    calls = []
    monkeypatch.setattr(requests_simulate, "scenario_from_dict",
                        lambda *a, **k: calls.append(a) or scenario_from_dict(*a, **k))
    prepared = prepare_simulation(request, net)
    assert calls == [] and prepared.scenario.name == "ban"
