"""The constant arrays of an ARIO model and how they are built from annual flows.

See :mod:`paxsilica.simulate.ario` for the notation and the two layouts (sparse and grid)
of the stock entries; :func:`build_params` chooses the layout, :func:`with_model` sets the
model parameters on a built structure (cheap: ensemble members reuse ``H``).

Example:
    >>> import scipy.sparse as sp
    >>> params = build_params(sp.csr_matrix([[0.0, 73.0], [36.5, 0.0]]), np.array([292.0, 328.5]),
    ...                       np.array([0, 1]))
    >>> params.n, params.x0.tolist()   # daily output
    (2, [1.0, 1.0])
    >>> params.shape                   # half of Z non-zero, one industry per product: the grid layout
    (2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

__all__ = ["DENSE_LIMIT", "DENSE_SHARE", "TECHNOLOGY_THRESHOLD", "YEAR", "ARIOParams", "build_params",
           "with_model", "with_stocks"]

TECHNOLOGY_THRESHOLD = 1e-5
"""BoARIO: an input below this share of daily output (annual Z vs daily x) never constrains."""
YEAR = 365
DENSE_SHARE = 0.3
"""The grid layout needs at least this share of ``Z``'s entries to be non-zero ..."""
DENSE_LIMIT = 8000
"""... and at most this many industries (its dense blocks take ``8 n²`` bytes)."""


@dataclass(frozen=True, eq=False)
class ARIOParams:
    """Constant arrays of one model (daily units); treat every array as read-only."""

    x0: np.ndarray            # (n,) daily output X0
    y0: np.ndarray            # (n,) daily final demand
    h: sp.csr_matrix          # (K, n) H[(p, j), i] = Z_ij daily
    stock_industry: np.ndarray  # (K,) j of entry k (sorted in the sparse layout)
    stock_product: np.ndarray   # (K,) p of entry k
    tech: np.ndarray          # (K,) T_k
    inv_days: np.ndarray      # (K,) s_p(k)
    restore_rate: np.ndarray  # (K,) 1/τ_p(k)
    constrains: np.ndarray    # (K,) bool: T_k above BoARIO's threshold
    starts: np.ndarray        # sparse layout: first k of each industry with stock entries
    has_stock: np.ndarray     # (n,) bool
    psi: float = 0.8
    alpha_base: float = 1.0
    alpha_max: float = 1.25
    alpha_tau: float = 365.0
    alt_orders: bool = True
    blocks: np.ndarray | None = None      # grid layout: (m, n, R) H by product (buyer × supplier)
    block_rows: np.ndarray | None = None  # grid layout: (m, R) industry of each block column
    goal_coef: np.ndarray | None = None   # (K,) s_p T_k: stock goal per unit of the buyer's x^opt
    limit_coef: np.ndarray | None = None  # (K,) 1/(ψ s_p T_k) where the input constrains, else NaN
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    """Arrays derived from the structure on first use (e.g. blocks scaled by link factors);
    shared by the copies :func:`with_model` makes."""

    @property
    def n(self) -> int:
        """Number of industries."""
        return int(self.x0.size)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape in which stock arrays are computed: ``(m, n)`` in the grid layout, else ``(K,)``."""
        if self.blocks is None:
            return (int(self.tech.size),)
        return (int(self.blocks.shape[0]), int(self.blocks.shape[1]))


def build_params(z_annual: sp.spmatrix, y_annual: np.ndarray, product: np.ndarray, *,
                 inventory_days: float | np.ndarray = 90.0, inventory_tau: float | np.ndarray = 60.0,
                 psi: float = 0.8, alpha_base: float = 1.0, alpha_max: float = 1.25,
                 alpha_tau: float = 365.0, order_type: str = "alt",
                 soft: sp.spmatrix | None = None) -> ARIOParams:
    """Daily model arrays from annual flows.

    Parameters
    ----------
    z_annual: ``n × n`` inter-industry flows per year (network units, e.g. M USD/yr).
    y_annual: ``(n,)`` final demand per year, all categories and regions summed.
    product: ``(n,)`` integer product code ``0..m-1`` of each industry.
    inventory_days, inventory_tau: scalar or ``(m,)`` per product (days).
    soft: optional ``n × n`` mask (same pattern as ``Z``): inputs that are substitutable
        and never constrain output (BoARIO's ``infinite_inventories_sect``, per link).
    """
    z_annual = sp.csr_matrix(z_annual, dtype=float)
    z_annual.eliminate_zeros()
    product = np.asarray(product, dtype=np.int64)
    n = z_annual.shape[0]
    m = int(product.max()) + 1 if n else 0
    x_annual = np.asarray(z_annual.sum(axis=1)).ravel() + np.asarray(y_annual, dtype=float)
    rows = _grid_rows(z_annual, product, m)
    blocks = None
    if rows is not None:  # every (product, buyer) pair, product-major: H's rows are the blocks' rows
        blocks, h, zc_annual = _grid_arrays(z_annual, rows)
        stock_industry, stock_product = np.tile(np.arange(n), m), np.repeat(np.arange(m), n)
        starts = np.zeros(0, dtype=np.int64)
    else:  # only the pairs with an input, buyer-major
        coo = z_annual.tocoo()
        keys, entry = np.unique(coo.col.astype(np.int64) * max(m, 1) + product[coo.row], return_inverse=True)
        stock_industry, stock_product = keys // max(m, 1), keys % max(m, 1)
        h = sp.csr_matrix((coo.data / YEAR, (entry, coo.row)), shape=(keys.size, n))
        zc_annual = np.bincount(entry, weights=coo.data, minlength=keys.size).astype(float)  # float when Z is empty
    size = stock_industry.size
    x_col = x_annual[stock_industry]
    tech = np.divide(zc_annual, x_col, out=np.zeros_like(zc_annual), where=x_col != 0)
    constrains = zc_annual > x_col / YEAR * TECHNOLOGY_THRESHOLD
    if soft is not None:  # an entry with a soft (substitutable) input link never constrains
        buyers = stock_industry[_row_of_entries(h)]
        is_soft = np.asarray(sp.csr_matrix(soft)[h.indices, buyers]).ravel() != 0
        soft_links = sp.csr_matrix((is_soft.astype(float), h.indices, h.indptr), shape=h.shape)
        constrains &= np.asarray(soft_links.sum(axis=1)).ravel() == 0
    counts = np.bincount(stock_industry, minlength=n)
    if rows is None:
        starts = np.r_[0, np.cumsum(counts)[:-1]][counts > 0]
    structure = ARIOParams(
        x0=x_annual / YEAR, y0=np.asarray(y_annual, dtype=float) / YEAR, h=h,
        stock_industry=stock_industry, stock_product=stock_product, tech=tech,
        inv_days=np.zeros(size), restore_rate=np.zeros(size), constrains=constrains,
        starts=starts, has_stock=counts > 0, blocks=blocks, block_rows=rows)
    return with_model(structure, inventory_days=inventory_days, inventory_tau=inventory_tau, psi=psi,
                      alpha_base=alpha_base, alpha_max=alpha_max, alpha_tau=alpha_tau,
                      order_type=order_type)


def with_model(params: ARIOParams, *, inventory_days: float | np.ndarray = 90.0,
               inventory_tau: float | np.ndarray = 60.0, psi: float = 0.8, alpha_base: float = 1.0,
               alpha_max: float = 1.25, alpha_tau: float = 365.0, order_type: str = "alt") -> ARIOParams:
    """The same network with other model parameters (cheap: ensemble members reuse ``H``)."""
    m = int(params.stock_product.max()) + 1 if params.stock_product.size else 0
    days = np.broadcast_to(np.asarray(inventory_days, dtype=float), (m,)).copy()
    days[days <= 1] = 2  # BoARIO: inventories of one step or less become 2 steps
    taus = np.broadcast_to(np.asarray(inventory_tau, dtype=float), (m,))
    modelled = replace(params, restore_rate=1.0 / taus[params.stock_product], psi=float(psi),
                       alpha_base=float(alpha_base), alpha_max=float(alpha_max),
                       alpha_tau=float(alpha_tau), alt_orders=order_type == "alt")
    return with_stocks(modelled, days[params.stock_product], params.constrains)


def with_stocks(params: ARIOParams, inv_days: np.ndarray, constrains: np.ndarray) -> ARIOParams:
    """The same model with other target inventories (``(K,)`` days) and constraining
    entries, and the step's coefficients derived from them (every change of ``inv_days``
    or ``constrains`` goes through here, e.g. :mod:`paxsilica.simulate.capital`'s fleets)."""
    goal = inv_days * params.tech
    need = params.psi * goal
    limit = np.full(goal.size, np.nan)
    np.divide(1.0, need, out=limit, where=constrains & (need > 0))
    return replace(params, inv_days=inv_days, constrains=constrains, goal_coef=goal, limit_coef=limit)


def _grid_rows(z_annual: sp.csr_matrix, product: np.ndarray, m: int) -> np.ndarray | None:
    """Industries of each product ``(m, R)`` when the grid layout applies: ``Z`` is dense
    and every product has as many industries (an MRIO: regions × sectors)."""
    n = z_annual.shape[0]
    if n == 0 or n > DENSE_LIMIT or z_annual.nnz < DENSE_SHARE * n * n:
        return None
    counts = np.bincount(product, minlength=m)
    if counts.min() != counts.max():
        return None
    return np.argsort(product, kind="stable").reshape(m, counts[0])


def _grid_arrays(z_annual: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray]:
    """Daily blocks ``(m, n, R)``, ``H`` (rows ``p·n + j``) and the annual input of each entry."""
    m, regions = rows.shape
    n = z_annual.shape[0]
    # (product, buyer, supplier region): both products over H are then BLAS calls on
    # C-contiguous operands (the fastest layout measured for both directions)
    annual = np.ascontiguousarray(np.swapaxes(z_annual[rows.ravel()].toarray().reshape(m, regions, n), 1, 2))
    flat = annual.reshape(m * n, regions)
    present = flat != 0
    indptr = np.zeros(m * n + 1, dtype=np.int64)
    np.cumsum(np.count_nonzero(present, axis=1), out=indptr[1:])
    suppliers = np.broadcast_to(rows[:, None, :], (m, n, regions)).reshape(m * n, regions)
    if indptr[-1] == flat.size:  # a full table: no masking needed
        h = sp.csr_matrix((flat.ravel() / YEAR, suppliers.ravel(), indptr), shape=(m * n, n))
    else:
        h = sp.csr_matrix((flat[present] / YEAR, suppliers[present], indptr), shape=(m * n, n))
    return annual / YEAR, h, annual.sum(axis=2).ravel()


def _row_of_entries(matrix: sp.csr_matrix) -> np.ndarray:
    """Row of each stored entry of a CSR matrix."""
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
