"""The ARIO kernel's products with ``H`` (see :mod:`paxsilica.simulate.ario`), in both
layouts, on the pool's threads when ``H`` is large.

Every pass over ``H`` is bound by memory bandwidth, of which each core has its own share, and
both NumPy's matrix product and SciPy's sparse matrix-vector products release Python's lock:
so the work is split in parts that run side by side on the threads
:func:`~paxsilica.linalg.threads.work_threads` allows (one in ensemble workers, whose BLAS is
limited to one thread). The grid layout is split by product (its ``m × n × R`` blocks); the
sparse layout by blocks of rows of ``H`` holding about the same number of entries each (views
of ``H``'s arrays, no copy). Each part writes its own rows of the result, so the answer is the
same on one thread or several; ``Hᵀ g`` adds the parts' partial sums (equal to rounding).

Example (a grid-layout model: the two products agree with the sparse ``H``):
    >>> import scipy.sparse as sp
    >>> from paxsilica.simulate.ario_params import build_params
    >>> params = build_params(sp.csr_matrix([[0.0, 73.0], [36.5, 0.0]]), np.array([292.0, 328.5]),
    ...                       np.array([0, 1]))
    >>> gap = np.ones(params.tech.size)
    >>> bool(np.allclose(ht_product(params, gap), params.h.T @ gap))
    True
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from paxsilica.linalg.threads import pool, work_threads
from paxsilica.simulate.ario_params import ARIOParams

__all__ = ["h_pair", "h_product", "ht_product", "remembered"]

THREADED_BLOCKS_BYTES = 1 << 22
"""Grid blocks from this size are multiplied on the pool's threads, a share of the products
each (1.6 → 0.9 ms a pass at n = 2 000 on two cores); below it a round trip to the pool
(~0.05 ms) costs more than it saves."""
THREADED_ENTRIES = 200_000
"""A sparse ``H`` with this many entries or more is multiplied in row blocks on the pool's
threads (6.1 → 3.3 ms for 5 million entries on two cores)."""
CACHED_BLOCKS_BYTES = 1 << 28
"""Blocks scaled by link factors are kept (the last few) up to this size each."""


def ht_product(params: ARIOParams, gap: np.ndarray, factor: np.ndarray | None = None) -> np.ndarray:
    """``(H ∘ factor)ᵀ @ gap`` (K → n); ``factor`` per entry of ``H`` (``None``: 1)."""
    if params.blocks is None:
        parts = _row_parts(params, factor)
        sums = np.empty((len(parts), params.n))
        _in_parallel(len(parts), lambda i: np.copyto(sums[i], parts[i][1].T @ gap[parts[i][0]]))
        return sums[0] if len(parts) == 1 else sums.sum(axis=0)
    m, n, regions = params.blocks.shape
    blocks, rows = _scaled_blocks(params, factor), gap.reshape(m, 1, n)
    by_product = np.empty((m, 1, regions))
    _by_products(params, lambda part: np.matmul(rows[part], blocks[part], out=by_product[part]))
    out = np.empty(params.n)
    out[params.block_rows] = by_product[:, 0, :]  # (m,1,n) @ (m,n,R)
    return out


def h_pair(params: ARIOParams, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``H @ first`` and ``H @ second`` (in :attr:`ARIOParams.shape`; one pass over the grid's
    blocks), each a contiguous array."""
    if params.blocks is None:
        parts = _row_parts(params, None)
        one, other = np.empty(params.tech.size), np.empty(params.tech.size)

        def rows(i: int) -> None:
            chosen, part = parts[i]
            one[chosen], other[chosen] = part @ first, part @ second

        _in_parallel(len(parts), rows)
        return one, other
    both = np.empty((params.n, 2))
    both[:, 0], both[:, 1] = first, second
    blocks, columns = params.blocks, both[params.block_rows]
    products, buyers, _ = blocks.shape
    out, split = np.empty((products, buyers, 2)), np.empty((2, products, buyers))

    def work(part: slice) -> None:
        np.matmul(blocks[part], columns[part], out=out[part])  # (m, n, R) @ (m, R, 2)
        # each result contiguous: the stock arithmetic on a strided (m, n) view is 2.7x slower
        split[:, part] = np.moveaxis(out[part], 2, 0)

    _by_products(params, work)
    return split[0], split[1]


def h_product(params: ARIOParams, vector: np.ndarray, factor: np.ndarray | None) -> np.ndarray:
    """``(H ∘ factor) @ vector`` (n → K, in :attr:`ARIOParams.shape`)."""
    if params.blocks is None:
        parts = _row_parts(params, factor)
        out = np.empty(params.tech.size)

        def rows(i: int) -> None:
            chosen, part = parts[i]
            out[chosen] = part @ vector

        _in_parallel(len(parts), rows)
        return out
    blocks, columns = _scaled_blocks(params, factor), vector[params.block_rows][..., None]
    out = np.empty((*blocks.shape[:2], 1))
    _by_products(params, lambda part: np.matmul(blocks[part], columns[part], out=out[part]))
    return out[..., 0]


def _in_parallel(count: int, work: Callable[[int], object]) -> None:
    """``work(0) … work(count − 1)``, all but the first on the pool's threads."""
    waiting = [pool().submit(work, i) for i in range(1, count)]
    work(0)
    for future in waiting:
        future.result()


def _by_products(params: ARIOParams, work: Callable[[slice], object]) -> None:
    """``work(part)`` for consecutive slices of the grid's products, in parallel when the
    blocks are large."""
    products = params.blocks.shape[0]  # type: ignore[union-attr]
    threads = work_threads() if params.blocks.nbytes >= THREADED_BLOCKS_BYTES else 1  # type: ignore[union-attr]
    bounds = np.linspace(0, products, min(threads, products) + 1).astype(int)
    parts = [slice(start, stop) for start, stop in itertools.pairwise(bounds)]
    _in_parallel(len(parts), lambda i: work(parts[i]))


def _row_parts(params: ARIOParams, factor: np.ndarray | None) -> list[tuple[slice, sp.csr_matrix]]:
    """``H ∘ factor`` as blocks of rows (``(rows, block)`` pairs) for the threads allowed now:
    one block below :data:`THREADED_ENTRIES`. The blocks share ``H``'s index arrays."""
    h = params.h
    threads = work_threads() if h.nnz >= THREADED_ENTRIES else 1
    found = params.cache.get("row parts")
    if found is None or len(found) != threads:
        # rows cut where the entries are split evenly (a row is never cut)
        cuts = np.searchsorted(h.indptr, np.linspace(0, h.nnz, threads + 1)[1:-1])
        bounds = [0, *sorted({int(c) for c in cuts}), h.shape[0]]
        found = []
        for start, stop in itertools.pairwise(bounds):
            first, last = h.indptr[start], h.indptr[stop]
            # the arrays set on an empty matrix: SciPy's constructor copies a view of a larger
            # array ("pruning"), which would double H's memory (120 MB for 10 million entries)
            block = sp.csr_matrix((stop - start, h.shape[1]), dtype=h.dtype)
            block.data, block.indices = h.data[first:last], h.indices[first:last]
            block.indptr = h.indptr[start:stop + 1] - first
            found.append((slice(start, stop), block, slice(first, last)))
        params.cache["row parts"] = found
    if factor is None:
        return [(rows, block) for rows, block, _ in found]
    # same index arrays, new values: no copy or re-validation of the structure
    return [(rows, block._with_data(block.data * factor[entries], copy=False)) for rows, block, entries in found]


def remembered(params: ARIOParams, name: str, keys: tuple[np.ndarray, ...], make: object,
               keep: int, size: int) -> np.ndarray:
    """``make()`` for the arrays ``keys``, remembered while they are the same objects (an
    event schedule reuses its link arrays while they do not change)."""
    found = params.cache.setdefault(name, [])
    for refs, value in found:
        if len(refs) == len(keys) and all(ref() is key for ref, key in zip(refs, keys, strict=True)):
            return value
    value = make()  # type: ignore[operator]
    if value.nbytes <= size:
        found.append((tuple(weakref.ref(key) for key in keys), value))
        del found[:-keep]
    return value


def _scaled_blocks(params: ARIOParams, factor: np.ndarray | None) -> np.ndarray:
    """The grid blocks with each entry of ``H`` multiplied by ``factor`` (``None``: the blocks)."""
    if factor is None:
        return params.blocks  # type: ignore[return-value]

    def make() -> np.ndarray:
        scaled = params.blocks.copy()  # type: ignore[union-attr]
        flat = scaled.reshape(-1)
        if params.h.nnz == flat.size:  # every entry present: H's data are the blocks in order
            flat *= factor
        else:
            flat[_block_positions(params)] *= factor
        return scaled

    return remembered(params, "scaled blocks", (factor,), make, keep=3, size=CACHED_BLOCKS_BYTES)


def _block_positions(params: ARIOParams) -> np.ndarray:
    """Position in the flattened blocks of each stored entry of ``H`` (grid layout)."""
    if "block positions" not in params.cache:
        m, _, regions = params.blocks.shape  # type: ignore[union-attr]
        within = np.empty(params.n, dtype=np.int64)
        within[params.block_rows.ravel()] = np.tile(np.arange(regions), m)  # type: ignore[union-attr]
        rows = np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))
        params.cache["block positions"] = rows * regions + within[params.h.indices]
    return params.cache["block positions"]
