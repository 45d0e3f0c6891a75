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
