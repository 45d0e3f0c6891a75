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
