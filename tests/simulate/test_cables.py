"""cable_cut: the repair queue (hand-worked), the Matsu 2023 and Red Sea 2024 cases, the
effect on dependent industries in the same run as a fab outage, and clean errors."""

from __future__ import annotations

import numpy as np
import pytest

from paxsilica.errors import ValidationError
from paxsilica.model.network import StackNetwork
from paxsilica.simulate import simulate
from paxsilica.simulate.cables import cable_zone, connectivity_timeline, repair_data, repair_schedule
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.store import open_store

MATSU = ["taiwan-matsu-no-2-tpkm-2", "taiwan-matsu-no-3-tpkm-3"]
RED_SEA = ["asia-africa-europe-1-aae-1", "europe-india-gateway-eig", "seacomtata-tgn-eurasia"]


@pytest.fixture(scope="module")
def net() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


def test_the_queue_serves_ready_cuts_in_order_with_the_zone_ships(net):
    cuts = [("faster", 0), ("c-lion1", 0), ("ee-s1", 3)]
    one = repair_schedule(net, cuts, zone="other", ships=1, wait_days=2, repair_days=10)
    # ready on days 2, 2, 5; one ship: 2-12, 12-22, 22-32
    assert one["restored_day"].tolist() == [12, 22, 32]
    assert one["queued_days"].tolist() == [0, 10, 17]
    two = repair_schedule(net, cuts, zone="other", ships=2, wait_days=2, repair_days=10)
    assert two["restored_day"].tolist() == [12, 12, 22]
    many = repair_schedule(net, cuts, zone="other", ships=5, wait_days=2, repair_days=10)
    assert many["restored_day"].tolist() == [12, 12, 15]  # no queue when ships suffice


def test_zones_follow_most_landings_and_the_data_is_cited(net):
    assert cable_zone(net, "taiwan-matsu-no-2-tpkm-2") == "seaiocma"
    assert cable_zone(net, "c-lion1") == "baltic"
    assert cable_zone(net, "faster") == "yokohama"
    data = repair_data()
    assert data.repair_days_low <= data.repair_days <= data.repair_days_high
    for zone in data.zones:
        assert zone.source and zone.basis in {"reported", "assumption", "estimate"}
        assert zone.basis != "reported" or zone.source_url.startswith("https://")


def test_matsu_2023_both_cables_wait_for_one_seaiocma_ship(net):
    # cut on 2 and 8 February 2023 (Taipei Times); the zone has one ship (Cable Retriever)
    plan = repair_schedule(net, [(MATSU[0], 0), (MATSU[1], 6)])
    seaiocma = repair_data().zone("seaiocma")
    first = seaiocma.wait_days + repair_data().repair_days
    assert plan["restored_day"].tolist() == [first, first + repair_data().repair_days]
    assert plan["queued_days"].tolist()[1] > 0  # the second cut queues behind the first
    # Matsu is domestic: Taiwan's international connectivity is untouched
    lost = connectivity_timeline(net, ["TWN"], 2023, 60, plan)
    assert lost["TWN"].max() == 0


def test_red_sea_2024_one_ship_three_cables(net):
    plan = repair_schedule(net, [(cable, 0) for cable in RED_SEA], zone="red_sea")
    zone, days = repair_data().zone("red_sea"), repair_data().repair_days
    assert zone.ships == 1
    assert sorted(plan["restored_day"]) == [zone.wait_days + days * k for k in (1, 2, 3)]
    lost = connectivity_timeline(net, ["KEN", "EGY", "IND"], 2024, 120, plan)
    assert lost.loc[10, "KEN"] == 1.0             # Kenya's only bundled cable is SEACOM
    assert lost.loc[119, "KEN"] == 0.0            # all back by the end
    assert lost.loc[10, "IND"] == 1.0  # the bundled set holds only these three for India
    assert lost.loc[0, "EGY"] == 1.0 and (lost["EGY"] <= 1).all()


def test_a_taiwan_closure_and_a_fab_outage_in_one_run(net):
    scenario = scenario_from_dict({"name": "tw", "days": 60, "start_date": "2025-01-01", "events": [
        {"kind": "capacity_loss", "country": "TWN", "item": "foundry_services", "fraction": 0.5,
         "start": 3, "duration": 10, "recovery": 5},
        {"kind": "cable_cut", "cables": ["faster", "trans-pacific-express-tpe-cable-system"],
         "landing_points": ["toucheng-taiwan"], "start": 5, "end": 20}]})
    result = simulate(net, scenario)
    industries = result.industries.reset_index(drop=True)

    def level(region: str, item: str) -> np.ndarray:
        i = industries.index[(industries["region"] == region) & (industries["sector"] == item)][0]
        return result.production[:, i] / result.baseline[i]

    fab, dc = level("TWN", "foundry_services"), level("USA", "ai_data_centre")
    assert fab[4] == pytest.approx(0.5, abs=0.01)
    # the USA keeps 1 of its 3 bundled trans-Pacific cables (NCP) until the ships repair
    plan = repair_schedule(net, [("faster", 5), ("trans-pacific-express-tpe-cable-system", 5)])
    back = int(plan["restored_day"].max())
    assert dc[4] == pytest.approx(1.0, abs=1e-6)
    assert dc[6] == pytest.approx(1 / 3, abs=0.01)
    assert dc[back + 2] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(("event", "key", "reason"), [
    ({"cables": ["nope"]}, "events.0.cables", "unknown cable 'nope'"),
    ({"landing_points": ["nope"]}, "events.0.landing_points", "unknown landing point 'nope'"),
    ({"corridor": "atlantis"}, "events.0.corridor", "unknown corridor"),
    ({"cables": ["faster"], "zone": "moon"}, "events.0.zone", "unknown repair zone"),
    ({"cables": ["faster"], "items": ["unobtainium"]}, "events.0.items", "unknown item"),
    ({}, "events.0", "give cables, landing_points or a corridor"),
])
def test_bad_cable_cut_events_name_the_key(net, event, key, reason):
    with pytest.raises(ValidationError) as caught:
        scenario = scenario_from_dict({"name": "x", "days": 10,
                                       "events": [{"kind": "cable_cut", "start": 1, **event}]})
        simulate(net, scenario)
    assert any(e.field == key and reason in e.reason for e in caught.value.errors), caught.value.errors


# --- the run's cable_cut events act together, and their connectivity reaches the result ---

def _run(net, events, days=60):
    return simulate(net, scenario_from_dict({"name": "c", "days": days, "start_date": "2025-01-01",
                                             "events": events}))


def test_cuts_of_two_events_share_the_zone_ships(net):
    # one ship for the zone, both events' cuts ready on day 2: served one after the other
    result = _run(net, [
        {"kind": "cable_cut", "cables": ["c-lion1"], "zone": "other", "ships": 1, "wait_days": 2,
         "repair_days": 10, "start": 0},
        {"kind": "cable_cut", "cables": ["ee-s1"], "zone": "other", "ships": 1, "wait_days": 2,
         "repair_days": 10, "start": 0}])
    repairs = result.cable_repairs.sort_values("event")
    assert repairs["restored_day"].tolist() == [12, 22]
    assert repairs["queued_days"].tolist() == [0, 10]


def test_a_cable_cut_by_two_events_counts_once(net):
    # the USA's three bundled trans-Pacific cables; both events cut FASTER
    one = _run(net, [{"kind": "cable_cut", "cables": ["faster"], "start": 0, "wait_days": 30}])
    two = _run(net, [{"kind": "cable_cut", "cables": ["faster"], "start": 0, "wait_days": 30},
                     {"kind": "cable_cut", "cables": ["faster"], "start": 0, "wait_days": 30}])
    for result in (one, two):
        usa = result.connectivity[result.connectivity["country"] == "USA"].set_index("step")
        assert usa.loc[5, "lost_share"] == pytest.approx(1 / 3)
        assert usa.loc[5, ["cables", "cables_connected"]].tolist() == [3, 2]


def test_the_connectivity_table_agrees_with_the_connectivity_answer(net):
    from paxsilica.analytics.connectivity import connectivity

    closed = ["toucheng-taiwan", "tanshui-taiwan"]
    result = _run(net, [{"kind": "cable_cut", "landing_points": closed, "start": 5, "end": 20}], days=30)
    table = result.connectivity
    assert set(table["step"]) == set(range(30))  # one row per day for each country hit
    oracle = {country: connectivity(net, country, 2025, close=closed).lost_share
              for country in table["country"].unique()}
    assert oracle["TWN"] > 0
    for row in table.itertuples():
        expected = oracle[row.country] if 5 <= row.step < 20 else 0.0
        assert row.lost_share == pytest.approx(expected, abs=1e-9), row
        assert 0 <= row.cables_connected <= row.cables


def test_taiwan_losing_cables_without_a_dependent_industry_is_a_warning(net):
    result = _run(net, [{"kind": "cable_cut", "landing_points": ["tanshui-taiwan"], "start": 0}], days=10)
    silent = [w for w in result.warnings if "no output falls" in w]
    assert len(silent) == 1 and "TWN" in silent[0] and "ai_data_centre" in silent[0]
    assert result.connectivity.query("country == 'TWN'")["lost_share"].max() > 0
    # China loses 1 of its 5 bundled cables (TSE-1 lands at Tanshui and Fuzhou only): its
    # data centres lose that share; Taiwan's loss moves nothing, and the warning says so
    lost = result.connectivity.groupby("country")["lost_share"].max()
    assert lost.to_dict() == pytest.approx({"CHN": 0.2, "TWN": 0.5})
    summary = result.summary().set_index(["region", "sector"])
    assert summary.loc[("CHN", "ai_data_centre"), "peak_loss_share"] == pytest.approx(0.2, abs=1e-6)
    assert ("TWN", "ai_data_centre") not in summary.index
    assert "CHN" not in silent[0]
    document = result.to_json_dict()
    assert document["warnings"] == result.warnings
    assert {"step", "country", "lost_share"} <= set(document["connectivity"][0])


def test_the_assumptions_are_warnings_and_go_when_the_event_sets_them(net):
    event = {"kind": "cable_cut", "cables": ["faster"], "start": 0}
    assumed = _run(net, [event], days=5).warnings
    assert any("assumption" in w and "dependence" in w for w in assumed)
    assert any("yokohama" in w for w in assumed)  # the Yokohama Zone's wait is assumed
    given = _run(net, [{**event, "dependence": 0.4, "ships": 2, "wait_days": 3}], days=5).warnings
    assert not any("dependence" in w or "yokohama" in w for w in given)


def test_runs_without_cable_cuts_keep_their_shape(net):
    result = _run(net, [{"kind": "capacity_loss", "country": "TWN", "item": "foundry_services",
                         "fraction": 0.2, "start": 1, "duration": 2, "recovery": 2}], days=5)
    # the run's own diagnostics (issue 18) may warn; nothing about cables does
    assert result.connectivity is None and not any("cable" in w for w in result.warnings)
    document = result.to_json_dict()
    assert document["connectivity"] == [] and document["cable_repairs"] == []


@pytest.mark.parametrize(("events", "key", "reason"), [
    ([{"cables": ["faster"], "zone": "other", "ships": 1}, {"cables": ["ee-s1"], "zone": "other", "ships": 2}],
     "events.1.ships", "one fleet per zone"),
    ([{"cables": ["faster"], "year": 2024}, {"cables": ["ee-s1"], "year": 2020}],
     "events.1.year", "share one year"),
])
def test_cable_cut_events_that_disagree_are_errors(net, events, key, reason):
    with pytest.raises(ValidationError) as caught:
        _run(net, [{"kind": "cable_cut", "start": 0, **event} for event in events], days=5)
    assert any(e.field == key and reason in e.reason for e in caught.value.errors), caught.value.errors


def test_simulate_json_carries_connectivity_and_warnings(net, tmp_path):
    import json

    from typer.testing import CliRunner

    from paxsilica.cli.app import app

    path = tmp_path / "tw.yaml"
    path.write_text("name: tw\ndays: 8\nstart_date: 2025-01-01\nevents:\n"
                    "  - {kind: cable_cut, landing_points: [tanshui-taiwan], start: 2, end: 6}\n",
                    encoding="utf-8")
    run = CliRunner().invoke(app, ["--db", ":memory:", "simulate", str(path), "--format", "json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    taiwan = [row for row in document["connectivity"] if row["country"] == "TWN"]
    assert [row["step"] for row in taiwan if row["lost_share"] > 0] == [2, 3, 4, 5]
    assert any("TWN" in line for line in document["warnings"])
    assert "warning: cable_cut" in run.stderr


_CABLES = ["faster", "c-lion1", "ee-s1", "seacomtata-tgn-eurasia", "nope", "FASTER"]
_SITES = ["tanshui-taiwan", "mombasa-kenya", "sventoji-lithuania", "toucheng-taiwan", "?"]


def _cable_events():
    from hypothesis import strategies as st

    event = st.fixed_dictionaries({
        "kind": st.just("cable_cut"),
        "cables": st.lists(st.sampled_from(_CABLES), max_size=3),
        "landing_points": st.lists(st.sampled_from(_SITES), max_size=2),
        "start": st.integers(0, 25),
    }, optional={
        "end": st.integers(0, 40), "corridor": st.sampled_from(["red_sea", "baltic_sea", "mars"]),
        "ships": st.integers(1, 3), "wait_days": st.integers(0, 60), "repair_days": st.integers(1, 30),
        "zone": st.sampled_from(["other", "baltic", "moon"]),
        "dependence": st.floats(0, 1), "year": st.sampled_from([1990, 2016, 2025]),
        "items": st.sampled_from([["ai_data_centre"], ["foundry_services", "ai_data_centre"], ["x"]]),
    })
    return st.lists(event, min_size=1, max_size=3)


def test_cable_cut_fuzz_clean_error_or_valid_answer(net):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(events=_cable_events())
    def check(events):
        try:
            result = _run(net, events, days=30)
        except ValidationError as exc:
            assert exc.errors and all(e.field and e.field.startswith("events.") for e in exc.errors)
            return
        assert np.isfinite(result.production).all()
        if result.connectivity is not None and not result.connectivity.empty:
            shares = result.connectivity["lost_share"]
            assert shares.between(0, 1).all()
        assert all(isinstance(line, str) and "\n" not in line for line in result.warnings)

    check()
