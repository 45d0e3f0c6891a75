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
  (every entry of ``Z`` once), so every sum over suppliers is one product with ``H``;
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

Two layouts of the same arrays (same answers, chosen by :func:`build_params`):

* *sparse*: only the stock entries with an input exist, sorted by buyer; ``H`` is CSR.
  Any network, any fill (the stack network, 10⁶ industries);
* *grid*, for a dense MRIO whose sectors each have one industry per region (``m``
  products × ``R`` regions): every entry ``(p, j)`` exists, product-major
  (``k = p·n + j``), so a stock array is an ``m × n`` matrix seen flat, an industry
  vector broadcasts over it without a gather, and the products with ``H`` are batched
  dense products over its per-product blocks (``m × n × R``, BLAS). Entries without an
  input have ``T_k = 0`` and never move, as in BoARIO's dense arrays.

The products with ``H`` (:mod:`.ario_products`) run on two threads when ``H`` is large, in
either layout (each pass is bound by memory bandwidth, which each core has a share of).

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

from paxsilica.simulate.ario_params import ARIOParams, build_params, with_model
from paxsilica.simulate.ario_products import h_pair, h_product, ht_product, remembered

__all__ = ["ARIOParams", "ARIOState", "Shocks", "build_params", "initial_state", "step", "with_model"]

RTOL, ATOL = 1e-5, 1e-8
"""``numpy.allclose``'s tolerances, with which BoARIO decides that stocks did not move."""


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


def _factor(params: ARIOParams, name: str, parts: tuple[np.ndarray, ...], make: object) -> np.ndarray:
    """A link factor combined from the arrays ``parts`` (remembered while they are the same)."""
    return remembered(params, name, parts, make, keep=4, size=1 << 62)


def _at_buyers(params: ARIOParams, values: np.ndarray) -> np.ndarray:
    """An industry vector at each stock entry's buyer (a broadcast row in the grid layout)."""
    return values[None, :] if params.blocks is not None else values[params.stock_industry]


def initial_state(params: ARIOParams, *, delay_days: int = 0) -> ARIOState:
    """The steady state: output ``X0``, ``s_p`` days of every input, orders equal to ``Z``."""
    stocks = params.x0[params.stock_industry] * params.tech * params.inv_days
    pipeline = np.zeros((delay_days, stocks.size)) if delay_days else None
    return ARIOState(t=0, production=params.x0.copy(), overprod=np.full(params.n, params.alpha_base),
                     stocks=stocks, order_gap=np.ones(stocks.size), order_weight=np.ones(params.n),
                     demand=params.x0.copy(), pipeline=pipeline)


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros(np.broadcast_shapes(a.shape, b.shape)), where=b != 0)


ALLCLOSE_CHUNK = 1 << 16
"""Values compared at a time by :func:`_allclose` (temporaries stay in cache)."""


def _allclose(a: np.ndarray, b: np.ndarray, hint: list[int] | None = None) -> bool:
    """``numpy.allclose(a, b)`` for finite arrays of one shape, chunk by chunk along the
    first axis (small temporaries; stops at the first chunk that differs).

    ``hint`` (a one-item list, or ``None``) remembers where the last call found a difference
    and is tried first: from step to step the arrays differ at the same entries, so most
    "not close" answers take one comparison instead of a pass over the arrays. The answer
    does not depend on the hint."""
    if hint and hint[0] < a.size:  # .flat: C order, and no copy of a strided array
        first, other = float(a.flat[hint[0]]), float(b.flat[hint[0]])
        if not abs(first - other) <= ATOL + RTOL * abs(other):
            return False
    rows = max(1, ALLCLOSE_CHUNK * a.shape[0] // max(a.size, 1))
    for start in range(0, a.shape[0], rows):
        part, other = a[start:start + rows], b[start:start + rows]
        diff = np.subtract(part, other)
        np.abs(diff, out=diff)
        bound = np.abs(other)
        bound *= RTOL
        bound += ATOL
        close = diff <= bound
        if not close.all():
            if hint is not None:
                hint[:] = [start * (a.size // max(a.shape[0], 1)) + int(np.argmin(close.reshape(-1)))]
            return False
    return True


def _input_limit(params: ARIOParams, stocks: np.ndarray, x_opt: np.ndarray) -> np.ndarray:
    """Step 4: per industry ``min(1, min_k S_k / C_k)`` over its constraining inputs,
    as ``min_k (S_k / (ψ s_p T_k)) / x^opt_j`` (NaN, which ``fmin`` skips, elsewhere)."""
    ratio = stocks * params.limit_coef.reshape(stocks.shape)
    if params.blocks is not None:
        lowest = np.fmin.reduce(ratio, axis=0)
    else:
        lowest = np.full(params.n, np.nan)
        if params.starts.size:
            lowest[params.has_stock] = np.fmin.reduceat(ratio, params.starts)
    limit = np.divide(lowest, x_opt, out=np.full(params.n, np.nan), where=x_opt != 0)
    return np.fmin(limit, 1.0)


def step(state: ARIOState, params: ARIOParams, shocks: Shocks = NO_SHOCK) -> ARIOState:
    """Advance one day (equations 1–6 of the module docstring); returns a new state."""
    shape = params.shape
    y = params.y0 if shocks.final is None else params.y0 * shocks.final
    # 1. demand = orders placed at the previous step (minus what can no longer cross) + Y
    ordered = ht_product(params, state.order_gap, shocks.deliver)
    demand = state.order_weight * ordered + y
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
    stocks = state.stocks.reshape(shape)
    production = x_opt * _input_limit(params, stocks, x_opt)
    if shocks.output_cap is not None:  # after x_opt, so stock goals still follow demand
        production = np.minimum(production, shocks.output_cap)
    # 5. distribution proportional to demand; deliveries restock the buyers
    served = state.order_weight * _divide(production, demand)
    weight = _divide(capacity, params.x0) if params.alt_orders else np.ones(params.n)
    if shocks.deliver is None and shocks.weight is None and not shocks.delayed:
        delivered, normaliser = h_pair(params, served, weight)
    else:
        base = shocks.deliver if shocks.deliver is not None else 1.0
        now = None
        if shocks.deliver is not None or shocks.delayed:  # the share delivered now
            parts = tuple(a for a in (shocks.deliver, *(share for _, share in shocks.delayed)) if a is not None)
            now = _factor(params, "now", parts, lambda: base * (1.0 - (np.sum(
                [share for _, share in shocks.delayed], axis=0) if shocks.delayed else 0.0)))
        delivered = h_product(params, served, now)
        normaliser = h_product(params, weight, shocks.weight)
    # stock arrays below are fresh buffers reused in place: a network of 10⁶ industries has
    # 10⁷ stock entries, and every temporary of that size is 80 MB of page faults
    add = delivered.reshape(shape)
    add *= state.order_gap.reshape(shape)
    use = params.tech.reshape(shape) * _at_buyers(params, production)
    # whether `stocks` is this step's own buffer
    fresh = not _allclose(add, use, params.cache.setdefault("hint: deliveries", [0]))
    if fresh:
        stocks = np.subtract(stocks, use)
        stocks += add
    pipeline = state.pipeline
    if pipeline is not None:
        stocks = stocks + pipeline[0].reshape(shape)
        pipeline = np.roll(pipeline, -1, axis=0)
        pipeline[-1] = 0.0
        base = shocks.deliver if shocks.deliver is not None else 1.0
        for days, share in shocks.delayed:
            parts = (share,) if shocks.deliver is None else (shocks.deliver, share)
            late = _factor(params, "late", parts, lambda base=base, share=share: base * share)
            arriving = state.order_gap * h_product(params, served, late).ravel()
            pipeline[min(days, pipeline.shape[0]) - 1] += arriving
        fresh = True
    if shocks.inject is not None:
        stocks = stocks + shocks.inject.reshape(shape)
        fresh = True
    # rounding only: use never exceeds what the limit allows
    stocks = np.maximum(stocks, 0.0, out=stocks if fresh else None)
    # 6. orders for the next step
    goal = params.goal_coef.reshape(shape) * _at_buyers(params, x_opt)
    # BoARIO: no restoration gap at all when stocks are allclose to their goal
    if _allclose(stocks, goal, params.cache.setdefault("hint: stock goals", [0])):
        gap = use
    else:
        gap = np.subtract(goal, stocks, out=goal)
        np.maximum(gap, 0.0, out=gap)
        gap *= params.restore_rate.reshape(shape)
        gap += use
    normaliser = normaliser.reshape(shape)
    order_gap = np.divide(gap, normaliser, out=normaliser, where=normaliser != 0)  # 0 where it is 0
    return replace(state, t=state.t + 1, production=production, overprod=alpha, stocks=stocks.ravel(),
                   order_gap=order_gap.ravel(), order_weight=weight, demand=demand, pipeline=pipeline)
