"""The ARIO kernel: BoARIO's ``ARIOPsiModel`` equation for equation, as a pure step.

One step is one day. Notation (BoARIO's ``boario-math``; Hallegatte 2008, 2014; Guan et
al. 2020): ``n`` industries (region × sector, or country × item), each selling one
*product* ``p(i)`` (its sector or item). Inputs are stocked per *product*, not per
supplier: the stock entry ``k = (p, j)`` holds industry ``j``'s inventory of product
``p``, whatever region it came from. Only entries with a non-zero input exist (``K``).

Data (annual tables divided by 365, BoARIO's ``steply_factor``):

* ``Z`` daily inter-industry flows, ``X0 = Z·1 + Y·1`` daily output, ``Y`` final demand;
* ``T_k = Σ_{i∈p} Z_ij / X0_j`` — BoARIO's ``tech_mat`` (technical coefficients summed
  per product), ``H`` the ``K × n`` matrix with ``H[(p, j), i] = Z_ij`` for ``i ∈ p``
  (every entry of ``Z`` once), so every sum over suppliers is one product with ``H``
  (sparse; for a dense MRIO whose sectors each have one industry per region, batched
  dense products over per-product blocks of ``H``);
* ``s_p`` target inventory days (``main_inv_dur``; BoARIO sets values ≤ 1 to 2),
  ``1/τ_p`` inventory restoration rate (``inventory_restoration_tau``), ``ψ`` (``psi``),
  ``α_b, α_max, τ_α`` overproduction (``alpha_base, alpha_max, alpha_tau``).

State: production ``x``, overproduction ``α``, stocks ``S_k``, and the orders placed at
the previous step, stored as ``O_ij = g_k · Z_ij · π_i`` (``g`` per stock entry, ``π``
the order weights of the suppliers, see step 6).

Step ``t`` (BoARIO ``Simulation.next_step``; ``Δ`` = capacity lost by events):

1. demand  ``D_i = Σ_j O_ij + Y_i = π_i (Hᵀ g)_i + Y_i``;
2. overproduction (only when ``t > 1``): scarcity ``σ_i = (D_i − x_i)/D_i``;
   ``α += (α_max − α)·σ/τ_α + (α_b − α)·[σ = 0]/τ_α``, then ``α ≥ 1``;
3. capacity ``x^cap = α (1 − Δ) X0``; optimal production ``x^opt = min(D, x^cap)``;
4. inventory constraint ``C_k = ψ s_p T_k x^opt_j``; production
   ``x_j = x^opt_j · min(1, min_{k∈j, T_k > 10⁻⁵/365} S_k / C_k)``;
5. distribution, proportional to orders: ``r_i = x_i / D_i``; deliveries to stock
   ``add_k = g_k (H (π ∘ r))_k``, use ``use_k = T_k x_j``; ``S += add − use`` (BoARIO
   skips the update when ``add`` and ``use`` are ``allclose``);
6. orders for the next step: gap ``G_k = max(s_p T_k x^opt_j − S_k, 0)/τ_p + T_k x_j``;
   ``alt`` orders split ``G_k`` over the suppliers of ``p`` in proportion to
   ``Z_ij π_i`` with ``π = x^cap / X0``: ``g_k = G_k / (H π)_k``; ``noalt`` keeps
   ``π = 1`` (the shares of ``Z``).

Extensions (zero cost when unused) enter through :class:`Shocks`: link factors scale
``H``'s entries (``deliver`` = share of a flow that still crosses; ``weight`` = share
of the original weight a buyer still gives to the link when it renormalises its
orders, so ``weight = 1`` keeps ordering the lost share and ``weight = deliver``
reroutes it all to the other suppliers), a delayed share of deliveries (licences,
slow straits) arrives ``days`` later, ``final`` scales final demand, ``inject``
adds goods to stocks (stockpile releases), and ``output_cap`` bounds production after
step 4 without changing ``x^opt`` (so stock goals and orders still follow demand): the
hook of :mod:`paxsilica.simulate.capital`, where a shrunken fleet of servers limits
what a data centre can run while its orders still aim to rebuild the fleet.

Example (two industries, one product each; steady state is kept):
    >>> import scipy.sparse as sp
    >>> params = build_params(sp.csr_matrix([[0.0, 73.0], [36.5, 0.0]]), np.array([292.0, 328.5]),
    ...                       np.array([0, 1]))
    >>> state = step(initial_state(params), params)
    >>> np.allclose(state.production, params.x0)
    True
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

__all__ = ["ARIOParams", "ARIOState", "Shocks", "build_params", "initial_state", "step", "with_model"]

TECHNOLOGY_THRESHOLD = 1e-5
"""BoARIO: an input below this share of daily output (annual Z vs daily x) never constrains."""
YEAR = 365


@dataclass(frozen=True, eq=False)
class ARIOParams:
    """Constant arrays of one model (daily units); treat every array as read-only."""

    x0: np.ndarray            # (n,) daily output X0
    y0: np.ndarray            # (n,) daily final demand
    h: sp.csr_matrix          # (K, n) H[(p, j), i] = Z_ij daily
    stock_industry: np.ndarray  # (K,) j of entry k, sorted
    stock_product: np.ndarray   # (K,) p of entry k
    tech: np.ndarray          # (K,) T_k
    inv_days: np.ndarray      # (K,) s_p(k)
    restore_rate: np.ndarray  # (K,) 1/τ_p(k)
    constrains: np.ndarray    # (K,) bool: T_k above BoARIO's threshold
    starts: np.ndarray        # first k of each industry with stock entries
    has_stock: np.ndarray     # (n,) bool
    psi: float = 0.8
    alpha_base: float = 1.0
    alpha_max: float = 1.25
    alpha_tau: float = 365.0
    alt_orders: bool = True
    blocks: np.ndarray | None = None      # (m, n, R) dense H by product (buyer × supplier), when Z is dense
    block_rows: np.ndarray | None = None  # (m, R) industry of each block row

    @property
    def n(self) -> int:
        """Number of industries."""
        return int(self.x0.size)


@dataclass(frozen=True, eq=False)
class ARIOState:
    """Everything that changes from step to step (a new object each step)."""

    t: int
    production: np.ndarray    # (n,) x
    overprod: np.ndarray      # (n,) α
    stocks: np.ndarray        # (K,) S
    order_gap: np.ndarray     # (K,) g: O_ij = g_k Z_ij π_i
    order_weight: np.ndarray  # (n,) π used for the previous orders
    demand: np.ndarray        # (n,) D of the last step
    pipeline: np.ndarray | None = None  # (L, K) deliveries still on their way; row 0 arrives next


@dataclass(frozen=True, eq=False)
class Shocks:
    """Exogenous inputs of one step; ``None`` means "no change from the steady state"."""

    capacity_loss: np.ndarray | None = None   # (n,) Δ in [0, 1]
    deliver: np.ndarray | None = None         # (E,) share of each Z entry still delivered
    weight: np.ndarray | None = None          # (E,) order-normalisation weight per entry
    delayed: tuple[tuple[int, np.ndarray], ...] = ()  # (days, (E,) share delivered late)
    final: np.ndarray | None = None           # (n,) share of final demand still served
    inject: np.ndarray | None = None          # (K,) goods added to stocks this step
    output_cap: np.ndarray | None = None      # (n,) most each industry can make (hook: capital fleets)


NO_SHOCK = Shocks()


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
    coo = z_annual.tocoo()
    # stock entry of each Z entry: (product of the supplier row, buyer column)
    key = coo.col.astype(np.int64) * max(m, 1) + product[coo.row]
    keys, entry = np.unique(key, return_inverse=True)
    stock_industry, stock_product = keys // max(m, 1), keys % max(m, 1)
    daily = coo.data / YEAR
    h = sp.csr_matrix((daily, (entry, coo.row)), shape=(keys.size, n))
    zc_annual = np.bincount(entry, weights=coo.data, minlength=keys.size).astype(float)  # float when Z is empty
    x_col = x_annual[stock_industry]
    tech = np.divide(zc_annual, x_col, out=np.zeros_like(zc_annual), where=x_col != 0)
    constrains = zc_annual > x_col / YEAR * TECHNOLOGY_THRESHOLD
    if soft is not None:
        soft_entry = np.asarray(sp.csr_matrix(soft)[coo.row, coo.col]).ravel() != 0
        constrains &= np.bincount(entry, weights=soft_entry, minlength=keys.size) == 0
    blocks, block_rows = _dense_blocks(z_annual, product, m)
    counts = np.bincount(stock_industry, minlength=n)
    starts = np.r_[0, np.cumsum(counts)[:-1]][counts > 0]
    structure = ARIOParams(
        x0=x_annual / YEAR, y0=np.asarray(y_annual, dtype=float) / YEAR, h=h,
        stock_industry=stock_industry, stock_product=stock_product, tech=tech,
        inv_days=np.zeros(keys.size), restore_rate=np.zeros(keys.size), constrains=constrains,
        starts=starts, has_stock=counts > 0, blocks=blocks, block_rows=block_rows)
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
    return replace(params, inv_days=days[params.stock_product],
                   restore_rate=1.0 / taus[params.stock_product], psi=float(psi),
                   alpha_base=float(alpha_base), alpha_max=float(alpha_max),
                   alpha_tau=float(alpha_tau), alt_orders=order_type == "alt")


DENSE_SHARE = 0.3
DENSE_LIMIT = 8000


def _dense_blocks(z_annual: sp.csr_matrix, product: np.ndarray,
                  m: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``H`` as dense blocks when ``Z`` is dense and every product has as many industries
    (an MRIO: regions × sectors). The products over ``H`` are then batched dense products
    (memory-bound, several times faster than a sparse product on the same non-zeros)."""
    n = z_annual.shape[0]
    if n == 0 or n > DENSE_LIMIT or z_annual.nnz < DENSE_SHARE * n * n:
        return None, None
    counts = np.bincount(product, minlength=m)
    if counts.min() != counts.max():
        return None, None
    rows = np.argsort(product, kind="stable").reshape(m, counts[0])
    dense = z_annual.toarray() / YEAR
    # (product, buyer, supplier row): both products over H are then BLAS calls on
    # C-contiguous operands (the fastest layout measured for both directions)
    return np.ascontiguousarray(np.swapaxes(dense[rows], 1, 2)), rows


def _h_products(params: ARIOParams, vectors: np.ndarray) -> np.ndarray:
    """``H @ vectors`` (``vectors``: n × c) → K × c, by dense blocks when available."""
    if params.blocks is None:
        return params.h @ vectors
    out = np.matmul(params.blocks, vectors[params.block_rows])  # (m, n, R) @ (m, R, c)
    return out[params.stock_product, params.stock_industry]     # (K, c)


def _ht_product(params: ARIOParams, gap: np.ndarray) -> np.ndarray:
    """``Hᵀ @ gap`` (K → n), by dense blocks when available."""
    if params.blocks is None:
        return params.h.T @ gap
    m, n, _ = params.blocks.shape
    grid = np.zeros((m, 1, n))
    grid[params.stock_product, 0, params.stock_industry] = gap
    out = np.empty(params.n)
    out[params.block_rows] = np.matmul(grid, params.blocks)[:, 0, :]  # (m, 1, n) @ (m, n, R)
    return out


def initial_state(params: ARIOParams, *, delay_days: int = 0) -> ARIOState:
    """The steady state: output ``X0``, ``s_p`` days of every input, orders equal to ``Z``."""
    stocks = params.x0[params.stock_industry] * params.tech * params.inv_days
    pipeline = np.zeros((delay_days, stocks.size)) if delay_days else None
    return ARIOState(t=0, production=params.x0.copy(), overprod=np.full(params.n, params.alpha_base),
                     stocks=stocks, order_gap=np.ones(stocks.size), order_weight=np.ones(params.n),
                     demand=params.x0.copy(), pipeline=pipeline)


def _scaled(matrix: sp.csr_matrix, factor: np.ndarray | None) -> sp.csr_matrix:
    """``matrix`` with its stored entries multiplied by ``factor`` (same pattern)."""
    if factor is None:
        return matrix
    # same index arrays, new values: no copy or re-validation of the structure
    return matrix._with_data(matrix.data * factor, copy=False)


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


def _input_limit(params: ARIOParams, stocks: np.ndarray, x_opt: np.ndarray) -> np.ndarray:
    """Step 4: per industry ``min(1, min_k S_k / C_k)`` over its constraining inputs."""
    need = params.psi * params.inv_days * params.tech * x_opt[params.stock_industry]
    ratio = np.ones_like(stocks)
    np.divide(stocks, need, out=ratio, where=params.constrains & (need != 0))
    limit = np.ones(params.n)
    if params.starts.size:
        limit[params.has_stock] = np.minimum.reduceat(ratio, params.starts)
    return np.minimum(limit, 1.0)


def step(state: ARIOState, params: ARIOParams, shocks: Shocks = NO_SHOCK) -> ARIOState:
    """Advance one day (equations 1–6 of the module docstring); returns a new state."""
    h_deliver = _scaled(params.h, shocks.deliver)
    y = params.y0 if shocks.final is None else params.y0 * shocks.final
    # 1. demand = orders placed at the previous step (minus what can no longer cross) + Y
    plain = shocks.deliver is None
    ordered = state.order_weight * (_ht_product(params, state.order_gap) if plain
                                     else h_deliver.T @ state.order_gap)
    demand = ordered + y
    # 2. overproduction
    alpha = state.overprod
    if state.t > 1:
        scarcity = _divide(demand - state.production, demand)
        rate = 1.0 / params.alpha_tau
        alpha = alpha + ((params.alpha_max - alpha) * scarcity * rate
                         + (params.alpha_base - alpha) * (scarcity == 0) * rate)
        alpha = np.maximum(alpha, 1.0)
    # 3. capacity and optimal production
    capacity = params.x0 * alpha
    if shocks.capacity_loss is not None:
        capacity = capacity * (1.0 - shocks.capacity_loss)
    x_opt = np.fmin(demand, capacity)
    # 4. inventory constraint
    production = x_opt * _input_limit(params, state.stocks, x_opt)
    if shocks.output_cap is not None:  # after x_opt, so stock goals still follow demand
        production = np.minimum(production, shocks.output_cap)
    # 5. distribution proportional to demand; deliveries restock the buyers
    served = state.order_weight * _divide(production, demand)
    late_share = None
    if shocks.delayed:
        late_share = np.sum([share for _, share in shocks.delayed], axis=0)
        base = shocks.deliver if shocks.deliver is not None else 1.0
        h_now = _scaled(params.h, base * (1.0 - late_share))
    else:
        h_now = h_deliver
    weight = _divide(capacity, params.x0) if params.alt_orders else np.ones(params.n)
    shared = h_now is params.h and shocks.weight is None
    if shared:  # one pass over H for both products (deliveries now, order normaliser below)
        both = _h_products(params, np.column_stack([served, weight]))
        delivered, normaliser = both[:, 0], both[:, 1]
    else:
        delivered = h_now @ served
        normaliser = _scaled(params.h, shocks.weight) @ weight
    add = state.order_gap * delivered
    use = params.tech * production[params.stock_industry]
    stocks = state.stocks
    if not np.allclose(add, use):
        stocks = stocks - use + add
    pipeline = state.pipeline
    if pipeline is not None:
        stocks = stocks + pipeline[0]
        pipeline = np.roll(pipeline, -1, axis=0)
        pipeline[-1] = 0.0
        base = shocks.deliver if shocks.deliver is not None else 1.0
        for days, share in shocks.delayed:
            late = state.order_gap * (_scaled(params.h, base * share) @ served)
            pipeline[min(days, pipeline.shape[0]) - 1] += late
    if shocks.inject is not None:
        stocks = stocks + shocks.inject
    stocks = np.maximum(stocks, 0.0)  # rounding only: use never exceeds what the limit allows
    # 6. orders for the next step
    goal = params.inv_days * params.tech * x_opt[params.stock_industry]
    # BoARIO: no restoration gap at all when stocks are allclose to their goal
    close = np.allclose(stocks, goal)
    gap = use + (0.0 if close else np.maximum(goal - stocks, 0.0) * params.restore_rate)
    order_gap = _divide(gap, normaliser)
    return replace(state, t=state.t + 1, production=production, overprod=alpha, stocks=stocks,
                   order_gap=order_gap, order_weight=weight, demand=demand, pipeline=pipeline)
