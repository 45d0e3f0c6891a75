"""Plan scenarios from the simulator: events to outages (checked against the simulator's
own schedule and by hand), file and library scenarios, ensembles as weighted scenarios."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from paxsilica.errors import ValidationError
from paxsilica.plan.load import check_problem, load_problem, parse_problem
from paxsilica.plan.simulated import plan_outages
from paxsilica.simulate.ensemble import draw_parameters, member_scenario
from paxsilica.simulate.scenario import scenario_from_dict

YEARS = [2026, 2027, 2028]
DEMAND = {"gallium": {"USA": 60.0, "JPN": 40.0}}


def document(*events: dict, **extra: object):
    return scenario_from_dict({"name": "s", "days": 3 * 365, "start_date": "2026-01-01",
                               "events": list(events), **extra})


def outages(net, *events: dict):
    found, notes = plan_outages(net, document(*events), YEARS, ["gallium"], DEMAND)
    return {(o.country, o.item, o.from_): o.fraction for o in found}, notes


def test_a_ban_on_some_members_removes_their_share(net):
    # China bans exports to the USA (60 of the members' 100) from 2027, to the end
    got, _ = outages(net, {"kind": "export_ban", "exporters": ["CHN"], "importers": ["USA"],
                           "items": ["gallium"], "start": "2027-01-01"})
    assert got == pytest.approx({("CHN", "gallium", 2027): 0.6, ("CHN", "gallium", 2028): 0.6})


def test_licence_denials_count_delays_are_noted(net):
    got, notes = outages(net, {"kind": "licence_regime", "exporters": ["CHN"],
                               "importers": ["pax_silica"], "deny_rate": 0.5, "delay_days": 45,
                               "start": 0, "end": 200})
    # members of pax_silica on 2026-01-01 include USA and JPN: all the demand
    assert got == pytest.approx({("CHN", "gallium", 2026): 0.5 * 200 / 365})
    assert any("licence delays" in n for n in notes)


def test_capacity_loss_profile_matches_the_simulator(net):
    from paxsilica.simulate.run import prepare

    event = {"kind": "capacity_loss", "country": "CHN", "item": "gallium", "fraction": 0.5,
             "start": 100, "duration": 9, "recovery": 10}
    got, _ = outages(net, event)
    # the simulator's own schedule, day by day, for China's gallium industry
    scenario = document(event)
    _, simnet, _, schedule = prepare(net, scenario)
    row = np.flatnonzero((simnet.industries["region"] == "CHN")
                         & (simnet.industries["sector"] == "gallium"))[0]
    daily = [schedule.capacity_loss(t) for t in range(365)]  # the plan's first year
    lost = np.array([0.0 if d is None else d[row] for d in daily])
    assert got[("CHN", "gallium", 2026)] == pytest.approx(lost.mean(), rel=1e-9)
    # by hand: 11 days at 0.5, then 0.45, 0.40 … 0.05: 7.75 day-equivalents
    assert got[("CHN", "gallium", 2026)] == pytest.approx(7.75 / 365)


def plan(tmp_path, scenarios: list[dict]) -> dict:
    return {"name": "sim", "years": YEARS, "concern": ["CHN"], "unmet_penalty": 100,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 60},
                       {"member": "JPN", "item": "gallium", "quantity": 40}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1},
                        {"id": "au", "item": "gallium", "country": "AUS", "capacity": 50,
                         "cost": 3}],
            "projects": [{"id": "us", "item": "gallium", "country": "USA", "capacity": 50,
                          "capex": 500, "cost": 2, "lead_time": 1}],
            "scenarios": scenarios}


def write(tmp_path, name: str, data: dict) -> str:
    (tmp_path / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    return name


def test_file_scenario_equals_the_hand_typed_outages(tmp_path, net, run):
    write(tmp_path, "ban.yaml", {"name": "ban", "days": 365, "start_date": "2027-01-01",
                                 "events": [{"kind": "export_ban", "exporters": ["CHN"],
                                             "importers": ["all"], "items": ["gallium"],
                                             "start": 0}]})
    data = plan(tmp_path, [{"name": "base", "probability": 0.5},
                           {"name": "ban", "probability": 0.5, "simulate": {"file": "ban.yaml"}}])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    problem = load_problem(path, net)
    ban = problem.scenarios[1]
    assert ban.origin == "simulator: file ban.yaml"
    assert [(o.country, o.item, o.fraction, o.from_) for o in ban.outages] == [
        ("CHN", "gallium", 1.0, 2027), ("CHN", "gallium", 1.0, 2028)]
    from paxsilica.plan import build, solve

    simulated = solve(build(problem))
    typed = run(plan(tmp_path, [{"name": "base", "probability": 0.5},
                                {"name": "ban", "probability": 0.5, "from": 2027,
                                 "outages": [{"country": "CHN", "item": "gallium",
                                              "fraction": 1.0}]}]))
    assert simulated.objective == pytest.approx(typed.objective)
    # the simulator reports dollars, but no member's industry uses gallium in its network
    # (no located users): the problem's penalty prices unmet demand, and a warning says so
    assert any("no industry of the members using gallium" in w
               and "costs the problem's unmet_penalty" in w for w in simulated.warnings)
    assert simulated.scenarios["origin"].tolist() == ["problem file", "simulator: file ban.yaml"]


def test_ensemble_becomes_weighted_scenarios(tmp_path, net):
    doc = {"name": "licences", "days": 365, "start_date": "2026-01-01",
           "events": [{"kind": "licence_regime", "exporters": ["CHN"], "importers": ["all"],
                       "items": ["gallium"], "deny_rate": 0.5, "start": 0}],
           "uncertain": {"events.0.deny_rate": {"uniform": [0.0, 1.0]}}}
    write(tmp_path, "licences.yaml", doc)
    data = plan(tmp_path, [{"name": "base", "probability": 0.4},
                           {"name": "lic", "probability": 0.6,
                            "simulate": {"file": "licences.yaml", "ensemble": 6, "bins": 3,
                                         "seed": 7}}])
    problem = check_problem(parse_problem(data), net, base_dir=tmp_path)
    names = [s.name for s in problem.scenarios]
    assert names == ["base", "lic:1of3", "lic:2of3", "lic:3of3"]
    assert sum(s.probability for s in problem.scenarios) == pytest.approx(1.0)
    assert [s.probability for s in problem.scenarios[1:]] == pytest.approx([0.2, 0.2, 0.2])
    # oracle: the same member draws the simulator's ensemble uses, sorted, in pairs (the
    # members lose nothing in dollars here: Japan's gallium producers gain a little, which
    # is not a negative loss, so the supply cut ranks them)
    scenario = scenario_from_dict(doc)
    denied = sorted(member_scenario(scenario, draw_parameters(scenario, i, 7)).events[0].deny_rate
                    for i in range(6))
    expected = [np.mean(denied[0:2]), np.mean(denied[2:4]), np.mean(denied[4:6])]
    got = [s.outages[0].fraction for s in problem.scenarios[1:]]
    assert got == pytest.approx(expected)
    assert got == sorted(got)
    assert "members 2 of 6" in problem.scenarios[1].origin


def test_library_scenario_and_unknown_names(tmp_path, net):
    data = plan(tmp_path, [{"name": "base", "probability": 0.5},
                           {"name": "lib", "probability": 0.5,
                            "simulate": {"library": "cn-mofcom-gac-2023-23"}}])
    problem = check_problem(parse_problem(data), net, base_dir=tmp_path)
    # licence requirement on gallium and germanium since 2023-08-01: denial 50 % (assumed)
    fractions = {o.from_: o.fraction for o in problem.scenarios[1].outages}
    assert fractions == pytest.approx({2026: 0.5, 2027: 0.5, 2028: 0.5})
    data["scenarios"][1]["simulate"] = {"library": "no-such-measure"}
    with pytest.raises(ValidationError, match=r"scenarios\[1\]\.simulate\.library.*unknown"):
        check_problem(parse_problem(data), net, base_dir=tmp_path)
    data["scenarios"][1]["simulate"] = {"file": "missing.yaml"}
    with pytest.raises(ValidationError, match=r"scenarios\[1\]\.simulate\.file.*not found"):
        check_problem(parse_problem(data), net, base_dir=tmp_path)


def test_mrio_scenario_is_refused(tmp_path, net):
    write(tmp_path, "mrio.yaml", {"name": "m", "network": {"mrio": "folder"}, "events": []})
    data = plan(tmp_path, [{"name": "m", "simulate": {"file": "mrio.yaml"}}])
    with pytest.raises(ValidationError, match="needs the stack network"):
        check_problem(parse_problem(data), net, base_dir=tmp_path)


def test_scenario_files_can_be_refused(tmp_path, net):
    # the service must not read files from its own disk named in a request
    data = plan(tmp_path, [{"name": "f", "simulate": {"file": "/etc/hostname"}}])
    with pytest.raises(ValidationError, match="not read here"):
        check_problem(parse_problem(data), net, scenario_files=False)


def test_remote_plan_requests_never_read_scenario_files(tmp_path, net):
    # the service builds requests with local_files=False: a problem naming a file on the
    # server is refused before anything is read
    from paxsilica.requests.plan import PlanRequest, answer_plan

    data = plan(tmp_path, [{"name": "f", "simulate": {"file": "/etc/hostname"}}])
    request = PlanRequest.parse(problem=data, local_files=False)
    with pytest.raises(ValidationError, match="not read here"):
        answer_plan(net, request)
    text = PlanRequest.parse(problem=yaml.safe_dump(data), local_files=False)
    with pytest.raises(ValidationError, match="not read here"):
        answer_plan(net, text)


def test_a_members_gain_is_not_a_negative_loss():
    import pandas as pd

    from paxsilica.plan.simulated import _loss

    summary = pd.DataFrame({"region": ["JPN", "USA", "CHN"], "loss_usd": [-3.0, 5.0, 7.0]})
    assert _loss(summary, {"JPN", "USA"}) == 5.0  # Japan's extra sales do not offset
    assert _loss(summary.drop(columns="loss_usd"), {"JPN"}) is None
