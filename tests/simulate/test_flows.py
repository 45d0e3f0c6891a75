"""Flow events on hand-built networks: licence regimes (delay, then denial), per-item
qualification and substitution, outside demand that competes for moved supply, and items
that never cross borders.

The two-country economy of test_events: B makes 10 chips a day from 1 t ore each, 60 %
bought from A, 40 % from B's own mine; B holds 30 days of ore.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.simulate import simulate
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict

A_ORE, A_CHIP, B_ORE, B_CHIP = range(4)
MODEL = {"alpha_max": 1.25, "alpha_tau": 30, "psi": 0.8, "inventory_days": 30, "inventory_tau": 60}
PRICE = np.array([1.0, 50.0, 1.0, 50.0])


def _net(b_mine_final=3650.0, sectors=None):
    """As test_events' economy, B's mine also selling ``b_mine_final`` t/yr outside the network
    (so it has customers to ration and room to grow into)."""
    z = np.zeros((4, 4))
    z[A_ORE, B_CHIP] = 0.6 * 3650
    z[B_ORE, B_CHIP] = 0.4 * 3650
    z[A_ORE, A_CHIP] = 365.0
    final = np.zeros((4, 2))
    final[A_ORE, 0] = 1000.0
    final[A_CHIP, 0] = 365.0
    final[B_ORE, 1] = b_mine_final
    final[B_CHIP, 1] = 3650.0
    net = SimNetwork.from_arrays(["A", "A", "B", "B"], ["ore", "chip", "ore", "chip"], sp.csr_matrix(z),
                                 final, unit="t", final_regions=["A", "B"])
    from dataclasses import replace

    return replace(net, price=PRICE, va_ratio=np.full(4, 0.5), sectors=sectors)


def _run(events, days=200, net=None, **model):
    scenario = scenario_from_dict({"name": "hand", "days": days, "model": {**MODEL, **model},
                                   "events": events})
    return simulate(net if net is not None else _net(), scenario)


def _licence(**fields):
    return {"kind": "licence_regime", "exporters": ["A"], "importers": ["B"], "items": ["ore"], "start": 5,
            "share": 1.0, **fields}


def _total_loss(result):
    return float(result.summary()["loss_usd"].sum())


def _buyers_loss(result):
    """Value lost by the industries that buy the cut flows. (World totals are not monotone:
    a supplier that takes over the cut sales gains, so a region's total can fall with more
    denial -- import substitution -- while its buyers are never better supplied.)"""
    cut = result.flows_cut
    buyers = set(zip(cut["importer"], cut["buyer"], strict=True))
    summary = result.summary()
    hit = [(r, s) in buyers for r, s in zip(summary["region"], summary["sector"], strict=True)]
    return float(summary.loc[hit, "loss_usd"].sum())


def test_licence_is_a_ban_while_licences_wait_then_a_partial_ban():
    licence = _run([_licence(delay_days=20, deny_rate=0.5, ramp_up=0)])
    phases = _run([{"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["ore"],
                    "start": 5, "end": 25, "ramp_up": 0},
                   _licence(start=25, deny_rate=0.5, ramp_up=0)])
    assert np.allclose(licence.production, phases.production, rtol=1e-12)
    full = _run([_licence(delay_days=20, deny_rate=1.0, ramp_up=0)])
    ban = _run([{"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["ore"], "start": 5,
                 "ramp_up": 0}])
    assert np.allclose(full.production, ban.production, rtol=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(low=st.floats(0, 1), high=st.floats(0, 1), delay=st.integers(0, 60), movable=st.floats(0, 1),
       qualify=st.integers(0, 90), stock=st.floats(5, 40))
def test_more_denial_never_costs_less(low, high, delay, movable, qualify, stock):
    low, high = sorted((low, high))
    common = {"delay_days": delay, "substitutable_share": movable, "qualification_days": qualify}
    less = _run([_licence(deny_rate=low, **common)], days=150, inventory_days=stock)
    more = _run([_licence(deny_rate=high, **common)], days=150, inventory_days=stock)
    assert _buyers_loss(more) >= _buyers_loss(less) - 1e-6 * max(1.0, abs(_buyers_loss(less)))
    # the exporter loses the denied sales
    assert more.summary()["loss_usd"][A_ORE] >= less.summary()["loss_usd"][A_ORE] - 1e-6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(short=st.integers(1, 120), extra=st.integers(0, 120), delay=st.integers(0, 60),
       deny=st.floats(0, 1), movable=st.floats(0, 1), stock=st.floats(5, 40))
def test_a_longer_ban_or_delay_never_costs_less(short, extra, delay, deny, movable, stock):
    ban = {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["ore"], "start": 5,
           "substitutable_share": movable, "qualification_days": 10}
    shorter = _run([{**ban, "end": 5 + short}], days=300, inventory_days=stock)
    longer = _run([{**ban, "end": 5 + short + extra}], days=300, inventory_days=stock)
    assert _buyers_loss(longer) >= _buyers_loss(shorter) - 1e-6 * max(1.0, abs(_buyers_loss(shorter)))
    slow = _run([_licence(deny_rate=deny, delay_days=delay + extra, substitutable_share=movable)], days=300,
                inventory_days=stock)
    fast = _run([_licence(deny_rate=deny, delay_days=delay, substitutable_share=movable)], days=300,
                inventory_days=stock)
    assert _buyers_loss(slow) >= _buyers_loss(fast) - 1e-6 * max(1.0, abs(_buyers_loss(fast)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(low=st.floats(5, 120), high=st.floats(5, 120), deny=st.floats(0, 1))
def test_more_inventory_never_costs_more(low, high, deny):
    low, high = sorted((low, high))
    events = [_licence(deny_rate=deny, delay_days=30, substitutable_share=0.5, qualification_days=20)]
    small = _run(events, days=200, inventory_days=low)
    large = _run(events, days=200, inventory_days=high)
    assert large.summary()["loss_usd"][B_CHIP] <= small.summary()["loss_usd"][B_CHIP] + 1e-6


def test_qualification_time_and_substitutable_share_per_item():
    ban = {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["ore"], "start": 5}
    stuck = _run([{**ban, "substitutable_share": 0.0}]).production[:, B_CHIP]
    sectors = pd.DataFrame({"qualification_days": [40.0], "substitutable_share": [1.0]}, index=["ore"])
    cited = _run([ban], net=_net(sectors=sectors)).production[:, B_CHIP]
    # nothing moves before the 40 days of qualification: the run equals one without moving
    assert np.allclose(cited[:46], stuck[:46], rtol=1e-12)
    # then B's mine (spare capacity, rationed with its outside customers) makes up part of it
    assert cited[-1] > stuck[-1] + 1.0
    quick = _run([ban], net=_net(sectors=sectors.assign(qualification_days=10.0))).production[:, B_CHIP]
    assert quick.sum() > cited.sum()
    # an event's own value wins over the cited one
    override = _run([{**ban, "qualification_days": 10}], net=_net(sectors=sectors)).production[:, B_CHIP]
    assert np.allclose(override, quick, rtol=1e-12)


def test_outside_buyers_move_to_the_remaining_producers():
    # A and C mine ore; region B's outside users buy 100 t/yr from each; C also sells 100 at home
    final = np.array([[0.0, 100.0, 0.0], [0.0, 100.0, 100.0]])
    net = SimNetwork.from_arrays(["A", "C"], ["ore", "ore"], sp.csr_matrix((2, 2)), final,
                                 final_regions=["A", "B", "C"])
    ban = {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "start": 0, "ramp_up": 0}
    scenario = {"name": "outside", "days": 60, "model": {"alpha_max": 2.0, "alpha_tau": 5}}
    moved = simulate(net, scenario_from_dict({**scenario, "events": [ban]}))
    kept = simulate(net, scenario_from_dict({**scenario, "events": [{**ban, "substitutable_share": 0.0}]}))
    # A loses its sales to B either way; C gains only when B's outside buyers may move
    assert moved.production[-1, 0] == pytest.approx(0.0, abs=1e-9)
    assert kept.production[-1, 1] == pytest.approx(200 / 365, rel=1e-9)
    assert moved.production[-1, 1] > 1.4 * 200 / 365
    # B's outside users went short of A's ore: recorded as undelivered final demand
    assert kept.outside_lost[0, 1] == pytest.approx(100 / 365 * 60, rel=1e-9)
    assert moved.outside_lost.sum() < kept.outside_lost.sum()


def test_items_not_traded_across_borders_are_refused_and_never_cut():
    z = np.zeros((4, 4))
    z[0, 3] = 100.0  # a cross-border flow of power a careless table might hold: never cut
    net = SimNetwork.from_arrays(["A", "B", "A", "B"], ["power", "power", "ore", "ore"], sp.csr_matrix(z),
                                 np.array([[50.0, 0], [0, 50.0], [10.0, 0], [0, 10.0]]))
    from dataclasses import replace

    net = replace(net, sectors=pd.DataFrame({"tradable": [False, True]}, index=["power", "ore"]))
    named = scenario_from_dict({"name": "p", "days": 10, "events": [
        {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "items": ["power"], "start": 0}]})
    with pytest.raises(ValidationError, match="'power' is not traded across borders"):
        simulate(net, named)
    everything = scenario_from_dict({"name": "all", "days": 30, "events": [
        {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "start": 0}]})
    result = simulate(net, everything)
    assert np.allclose(result.production[:, 0], result.baseline[0], rtol=1e-12)
    assert result.flows_cut.empty or "power" not in set(result.flows_cut["item"])
