"""The ARIO kernel: steady state and BoARIO's equations on small hand-checked cases."""

import numpy as np
import scipy.sparse as sp

from paxsilica.simulate.ario import Shocks, build_params, initial_state, step


def _two_sector():
    z = sp.csr_matrix(np.array([[10.0, 40.0], [30.0, 5.0]]))
    return build_params(z, np.array([50.0, 65.0]), np.array([0, 1]))


def test_no_event_keeps_steady_state():
    params = _two_sector()
    state = initial_state(params)
    for _ in range(400):
        state = step(state, params)
        assert np.max(np.abs(state.production / params.x0 - 1)) < 1e-6
    assert np.allclose(state.overprod, 1.0)


def test_capacity_loss_cuts_output_then_overproduction_rises():
    params = _two_sector()
    state = initial_state(params)
    loss = np.array([0.5, 0.0])
    for _ in range(3):
        state = step(state, params, Shocks(capacity_loss=loss))
    # output of the damaged industry is capped at half its capacity ...
    assert state.production[0] <= 0.5 * params.x0[0] * state.overprod[0] + 1e-12
    # ... and scarcity raises its overproduction factor above alpha_base
    assert state.overprod[0] > 1.0


def test_inventory_threshold_matches_boario():
    params = _two_sector()
    # stocks start at s_p days of use (no psi), constraint is psi * s_p days
    state = initial_state(params)
    use = params.tech * params.x0[params.stock_industry]
    assert np.allclose(state.stocks, 90 * use)


def test_dense_blocks_equal_the_sparse_products(monkeypatch):
    """An MRIO-shaped dense Z uses batched dense products; they must equal the sparse path."""
    import paxsilica.simulate.ario_params as ario

    rng = np.random.default_rng(3)
    regions, sectors = 6, 5
    n = regions * sectors
    z = sp.csr_matrix(rng.lognormal(size=(n, n)))
    final = z.sum(axis=0).A1 / 0.6 - z.sum(axis=1).A1 + 5.0
    product = np.tile(np.arange(sectors), regions)
    dense = build_params(z, final, product)
    monkeypatch.setattr(ario, "DENSE_SHARE", 2.0)  # never dense
    sparse = build_params(z, final, product)
    assert dense.blocks is not None and sparse.blocks is None
    loss = np.zeros(n)
    loss[[3, 17]] = [0.5, 0.2]
    a, b = initial_state(dense), initial_state(sparse)
    for _ in range(60):
        a = step(a, dense, Shocks(capacity_loss=loss))
        b = step(b, sparse, Shocks(capacity_loss=loss))
    assert np.allclose(a.production, b.production, rtol=1e-12)
    # the layouts order stock entries differently (grid: product-major, every pair)
    assert dense.shape == (sectors, n) and sparse.shape == (sparse.tech.size,)
    by_pair = dict(zip(zip(dense.stock_product, dense.stock_industry, strict=True), a.stocks, strict=True))
    sparse_pairs = list(zip(sparse.stock_product, sparse.stock_industry, strict=True))
    assert np.allclose([by_pair[pair] for pair in sparse_pairs], b.stocks, rtol=1e-12)
    assert len(by_pair) == sectors * n >= len(sparse_pairs)
    assert a.production[3] < 0.9 * dense.x0[3]


def test_layouts_agree_under_bans_licences_and_stockpiles(monkeypatch):
    """Link shocks (a ban with rerouting, a licence delay through the pipeline, a stockpile
    release) on a dense MRIO: the grid layout equals the sparse one."""
    import pandas as pd

    import paxsilica.simulate.ario_params as ario_params
    from paxsilica.simulate.network import SimNetwork
    from paxsilica.simulate.run import prepare, run_prepared
    from paxsilica.simulate.scenario import scenario_from_dict

    rng = np.random.default_rng(8)
    regions, sectors = ["A", "B", "C", "D"], ["ore", "metal", "chip"]
    labels = pd.MultiIndex.from_product([regions, sectors])
    z = rng.lognormal(size=(12, 12))
    final = np.eye(4)[np.repeat(np.arange(4), 3)] * (z.sum(axis=0) / 0.6)[:, None]
    scenario = {"name": "mix", "days": 90, "model": {"inventory_days": 20}, "events": [
        {"kind": "export_ban", "exporters": ["A"], "importers": ["B", "C"], "items": ["ore"], "start": 5,
         "end": 60, "ramp_up": 10},
        {"kind": "licence_regime", "exporters": ["D"], "importers": ["all"], "items": ["metal"],
         "delay_days": 7, "deny_rate": 0.3, "start": 10, "end": 50},
        {"kind": "stockpile_release", "holder": "B", "item": "ore", "quantity": 50.0, "rate": 5.0, "start": 20}]}

    def run(share: float) -> object:
        monkeypatch.setattr(ario_params, "DENSE_SHARE", share)
        net = SimNetwork.from_arrays(list(labels.get_level_values(0)), list(labels.get_level_values(1)),
                                     sp.csr_matrix(z), final)
        prepared = prepare(net, scenario_from_dict(scenario))
        assert (prepared[2].blocks is None) == (share > 1)
        return run_prepared(*prepared)

    grid, sparse = run(0.3), run(2.0)
    assert np.allclose(grid.production, sparse.production, rtol=1e-12)
    assert grid.production.min() < 0.95 * grid.baseline.max()  # the events bite
    assert np.abs(grid.production / grid.baseline - 1).max() > 0.01
