"""The ARIO kernel: steady state and BoARIO's equations on small hand-checked cases."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paxsilica.linalg.threads import pool, work_threads
from paxsilica.simulate.ario import RTOL, Shocks, _allclose, build_params, initial_state, step


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


@pytest.fixture(params=["one thread", "threads"])
def threaded(request, monkeypatch):
    """Runs a test with the products with H on one thread, then split over the pool's threads
    (every grid block and sparse H counts as large); yields the pool submissions made."""
    import paxsilica.simulate.ario_products as products

    submitted = []
    if request.param == "threads":
        if work_threads() < 2:
            pytest.skip("BLAS allows one thread here")
        monkeypatch.setattr(products, "THREADED_BLOCKS_BYTES", 0)
        monkeypatch.setattr(products, "THREADED_ENTRIES", 0)
        real = pool()

        class Counting:
            def submit(self, *args):
                submitted.append(args)
                return real.submit(*args)

        monkeypatch.setattr(products, "pool", lambda: Counting())
    yield request.param, submitted
    assert (len(submitted) > 0) == (request.param == "threads")


def test_dense_blocks_equal_the_sparse_products(monkeypatch, threaded):
    """An MRIO-shaped dense Z uses batched dense products; they must equal the sparse path
    (on one thread and with the products split over threads)."""
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


def test_layouts_agree_under_bans_licences_and_stockpiles(monkeypatch, threaded):
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


finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 5), st.integers(1, 40))
def test_allclose_with_a_hint_is_numpys_allclose(data, rows, columns):
    """The chunked comparison with a remembered position answers as numpy.allclose, whatever
    the hint (stale, out of range, pointing at a close entry) and across chunk borders."""
    import paxsilica.simulate.ario as ario_kernel

    a = data.draw(arrays(np.float64, (rows, columns), elements=finite))
    b = a.copy()
    nudges = data.draw(st.lists(st.tuples(st.integers(0, a.size - 1), st.sampled_from([0.1, RTOL / 2, 1e-9, 5.0]))))
    for position, relative in nudges:
        b.reshape(-1)[position] = a.reshape(-1)[position] * (1 + relative) + data.draw(st.sampled_from([0.0, 1e-7]))
    hint = [data.draw(st.integers(0, 2 * a.size))]
    chunk = data.draw(st.sampled_from([1, 7, ario_kernel.ALLCLOSE_CHUNK]))
    old = ario_kernel.ALLCLOSE_CHUNK
    ario_kernel.ALLCLOSE_CHUNK = chunk
    try:
        expected = bool(np.allclose(a, b, rtol=ario_kernel.RTOL, atol=ario_kernel.ATOL))
        assert _allclose(a, b, hint) is expected
        assert _allclose(a, b, None) is expected
        strided = [data.draw(st.integers(0, 2 * a.size))]  # transposed views: not contiguous
        assert _allclose(a.T, b.T, strided) is expected
        assert _allclose(a.T, b.T, strided) is expected
        if not expected:  # the hint now points at an entry that differs: found again at once
            position = hint[0]
            assert not np.isclose(a.reshape(-1)[position], b.reshape(-1)[position],
                                  rtol=ario_kernel.RTOL, atol=ario_kernel.ATOL)
            assert _allclose(a, b, hint) is False
    finally:
        ario_kernel.ALLCLOSE_CHUNK = old
