"""Export bans, licences, chokepoints and stockpiles on a two-country, two-item economy
worked by hand.

Countries A and B; items ore and chip. B makes 10 chips a day from 1 t ore each,
buying 60 % of its ore from A (6 t/day) and 40 % from B's ore mine (4 t/day, its only
customer, no spare capacity because alpha_max = 1). A's ore also goes to A's chips
(1 t/day) and to final demand (1000 t/yr). B holds s = 30 days of ore (300 t) and output
falls once stocks drop below psi * s = 24 days (240 t).

Ban A -> B (ore) from step 5: B receives 4 t/day and uses 10, so its stock falls 6 t/day:
after k ban steps it is 300 - 6k. It is 240 after 10 steps (steps 5..14), so output is
full through step 15 and falls at step 16 to 10 * 234/240 = 9.75. Then x = S/24 and
dS = 4 - S/24, so output tends to 4 chips/day: the substitutable share 0.4.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.errors import ValidationError
from paxsilica.simulate import simulate
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict

REGIONS = ["A", "A", "B", "B"]
SECTORS = ["ore", "chip", "ore", "chip"]
A_ORE, A_CHIP, B_ORE, B_CHIP = range(4)
MODEL = {"alpha_max": 1.0, "psi": 0.8, "inventory_days": 30, "inventory_tau": 60}


def _net():
    z = np.zeros((4, 4))
    z[A_ORE, B_CHIP] = 0.6 * 3650
    z[B_ORE, B_CHIP] = 0.4 * 3650
    z[A_ORE, A_CHIP] = 365.0
    final = np.zeros((4, 2))
    final[A_ORE, 0] = 1000.0
    final[A_CHIP, 0] = 365.0
    final[B_CHIP, 1] = 3650.0
    return SimNetwork.from_arrays(REGIONS, SECTORS, sp.csr_matrix(z), final, unit="t",
                                  final_regions=["A", "B"])


def _run(events, days=400, **model):
    return simulate(_net(), scenario_from_dict({"name": "hand", "days": days,
                                                "model": {**MODEL, **model}, "events": events}))


BAN = {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["ore"], "start": 5}


def test_ban_runs_out_after_stated_days_then_falls_to_substitutable_share():
    result = _run([BAN])
    chips = result.production[:, B_CHIP]
    assert np.allclose(chips[:16], 10.0, rtol=1e-12)
    assert chips[16] == pytest.approx(9.75, rel=1e-9)
    assert chips[-1] == pytest.approx(4.0, rel=1e-4)
    # A's ore mine loses the banned sales: (365 + 1000) / 3555 of its output is left
    assert result.production[-1, A_ORE] / result.baseline[A_ORE] == pytest.approx(1365 / 3555, rel=1e-6)


def test_stockpile_release_delays_the_run_out_by_quantity_over_deficit():
    release = {"kind": "stockpile_release", "holder": "B", "item": "ore", "quantity": 60.0,
               "rate": 6.0, "start": 5}
    chips = _run([BAN, release]).production[:, B_CHIP]
    # 60 t at 6 t/day fills the 6 t/day gap for 10 more days: first loss at step 26
    assert np.allclose(chips[:26], 10.0, rtol=1e-12)
    assert chips[26] < 10.0


def test_substitution_with_spare_capacity_keeps_more_output():
    short = _run([BAN], days=200).production[:, B_CHIP]
    spare = _run([BAN], days=200, alpha_max=1.5, alpha_tau=30).production[:, B_CHIP]
    assert spare[-1] > short[-1] + 0.5


def test_licence_delay_shorter_than_the_buffer_costs_nothing():
    licence = {**BAN, "kind": "licence_regime", "share": 1.0, "delay_days": 8, "end": 60}
    chips = _run([licence], days=120).production[:, B_CHIP]
    assert np.allclose(chips, 10.0, rtol=1e-9)
    long_delay = {**licence, "delay_days": 20}
    chips = _run([long_delay], days=300).production[:, B_CHIP]
    assert chips.min() < 9.9
    assert chips[-1] == pytest.approx(10.0, rel=1e-3)


def test_licence_denial_stops_that_share():
    denied = {**BAN, "kind": "licence_regime", "share": 0.5, "deny_rate": 1.0}
    chips = _run([denied], days=150).production[:, B_CHIP]
    banned = _run([BAN], days=150).production[:, B_CHIP]
    # half of each shipment is refused: A still delivers at least 3 t/day, so the deficit
    # is at most 3 t/day and the 60 t buffer lasts at least 20 steps (vs 10 under the ban)
    assert np.allclose(chips[:26], 10.0, rtol=1e-12)
    assert (chips[16:] >= banned[16:] - 1e-9).all()
    assert banned[16] < 10.0


def test_chokepoint_closure_between_a_and_b_is_a_ban_both_ways():
    closure = {"kind": "chokepoint_closure", "between": ["A"], "and": ["B"], "start": 5}
    closed = _run([closure], days=100).production[:, B_CHIP]
    banned = _run([BAN], days=100).production[:, B_CHIP]
    assert np.allclose(closed, banned)


@pytest.mark.parametrize(("event", "key"), [
    ({**BAN, "exporters": ["ATLANTIS"]}, "events.0.exporters"),
    ({**BAN, "items": ["unobtainium"]}, "events.0.items"),
    ({"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5, "start": 400},
     "events.0.start"),
    ({"kind": "stockpile_release", "holder": "A", "item": "ore", "quantity": 0, "rate": 1, "start": 1},
     "events.0.quantity"),
])
def test_bad_events_name_the_key(event, key):
    with pytest.raises(ValidationError) as caught:
        _run([event], days=50)
    assert f"'{key}'" in str(caught.value)


def test_contradictory_overlapping_events_are_refused():
    licence = {**BAN, "kind": "licence_regime", "delay_days": 5}
    with pytest.raises(ValidationError, match=r"contradicts events\.0"):
        _run([BAN, licence], days=50)
    loss = {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.7, "start": 2,
            "recovery": 10}
    with pytest.raises(ValidationError, match="add up to 140%"):
        _run([loss, {**loss, "start": 4}], days=50)
