"""The products with H on the pool's threads equal SciPy's products on one thread, in the
sparse layout (row blocks of H) and the grid layout (blocks by product)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import paxsilica.simulate.ario_params as ario_params
import paxsilica.simulate.ario_products as products
from paxsilica.linalg.threads import work_threads
from paxsilica.simulate.ario_params import build_params

pytestmark = pytest.mark.skipif(work_threads() < 2, reason="BLAS allows one thread here")


def _model(seed: int, n: int, fill: float, sectors: int, grid: bool):
    rng = np.random.default_rng(seed)
    z = sp.random_array((n, n), density=fill, rng=rng, format="csr") * 100.0
    z = sp.csr_matrix(z)
    z.data += 1.0
    final = np.asarray(z.sum(axis=0)).ravel() + rng.uniform(1.0, 5.0, n)
    product = np.arange(n) % sectors
    share = ario_params.DENSE_SHARE
    try:
        ario_params.DENSE_SHARE = 0.0 if grid else 2.0
        return build_params(z, final, product), rng
    finally:
        ario_params.DENSE_SHARE = share


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 60), st.sampled_from([0.02, 0.3, 1.0]),
       st.integers(1, 6), st.booleans(), st.booleans())
def test_threaded_products_equal_one_thread(seed, n, fill, sectors, grid, scaled):
    params, rng = _model(seed, n, fill, min(sectors, n), grid)
    if grid and params.blocks is None:  # sectors that do not tile the regions: sparse anyway
        grid = False
    entries = params.h.nnz
    factor = rng.uniform(0.0, 1.0, entries) if scaled else None
    gap, first, second = rng.uniform(size=params.tech.size), rng.uniform(size=params.n), rng.uniform(size=params.n)
    scaled_h = params.h if factor is None else params.h._with_data(params.h.data * factor, copy=True)
    old = products.THREADED_BLOCKS_BYTES, products.THREADED_ENTRIES
    try:
        products.THREADED_BLOCKS_BYTES, products.THREADED_ENTRIES = 0, 0
        params.cache.clear()
        together = (products.ht_product(params, gap, factor), *products.h_pair(params, first, second),
                    products.h_product(params, first, factor))
    finally:
        products.THREADED_BLOCKS_BYTES, products.THREADED_ENTRIES = old
    expected = (scaled_h.T @ gap, params.h @ first, params.h @ second, scaled_h @ first)
    for found, wanted in zip(together, expected, strict=True):
        np.testing.assert_allclose(np.ravel(found), wanted, rtol=1e-12, atol=1e-12)


def test_row_blocks_share_h_and_split_the_entries_evenly(monkeypatch):
    params, _ = _model(3, 400, 0.2, 4, grid=False)
    monkeypatch.setattr(products, "THREADED_ENTRIES", 0)
    parts = products._row_parts(params, None)
    assert len(parts) == 2
    assert [rows.start for rows, _ in parts] == [0, parts[0][0].stop]
    assert parts[-1][0].stop == params.h.shape[0]
    sizes = [block.nnz for _, block in parts]
    assert sum(sizes) == params.h.nnz and abs(sizes[0] - sizes[1]) <= np.diff(params.h.indptr).max()
    assert all(np.shares_memory(block.data, params.h.data) for _, block in parts)
