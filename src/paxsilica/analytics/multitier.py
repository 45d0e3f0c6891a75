"""Multi-tier (embodied) exposure on the sourcing network.

The *at-risk share* ``r_n`` of node *n* to a set of origins *G* (a group of countries)
is the fraction of *n*'s output that would be lost if every producer in *G* stopped.
With ``d_n = 1`` for producers located in *G* (else 0) and, for each input group *g*
of *n*, ``R_g = sum_s share_gs * r_s`` (suppliers of one input pool linearly):

- ``mode="essential"`` (Leontief): ``r_n = max(d_n, max_{g essential} R_g)``; output
  needs every essential input in fixed proportion, so the scarcest input binds
  (``1 - min_g (1 - R_g)``, the complement of the Leontief minimum). Substitutable
  inputs can be replaced and add nothing. Solved by monotone fixed-point iteration
  (exact after ``depth + 1`` sweeps on an acyclic network).
- ``mode="weighted"``: ``r_n = d_n + (1 - d_n) * sum_g w_g R_g`` with weights ``w_g``
  (default: equal over the node's inputs). This is the sparse linear system
  ``(I - W) r = d`` with ``W = diag(1 - d) B_w L``; it is solved, never inverted
  (by the one linear solver, :func:`paxsilica.linalg.least_solution`: sparse LU for
  small networks, Jacobi sweeps with a convergence check for large ones).

Recipe cycles (an input made from its own output) are handled where the maths allows:
both rules take the least fixed point, so a closed loop that reaches no origin is 0,
and a loop whose weights or quantities multiply to less than 1 converges. A loop that
amplifies (product 1 or more, e.g. embodied content that never ends) raises
:class:`CycleError`, which names the items on the loop.

See ``docs/multitier.md`` for a worked three-tier example (it is also a test).

Example:
    >>> import pandas as pd
    >>> from paxsilica.analytics.network import sourcing_network_from_edges
    >>> nodes = pd.DataFrame({"node": ["ore_cn", "ore_au", "oxide_jp"], "country": ["CHN", "AUS", "JPN"]})
    >>> edges = pd.DataFrame({"buyer": [2, 2], "supplier": [0, 1], "input_item": ["ore", "ore"],
    ...                       "share": [0.7, 0.3]})
    >>> snet = sourcing_network_from_edges(nodes, edges)
    >>> at_risk(snet, snet.nodes["country"].eq("CHN").to_numpy()).round(2).tolist()
    [1.0, 0.0, 0.7]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.analytics.network import (
    UNATTRIBUTED,
    SourcingNetwork,
    cycles,
    sourcing_network,
)
from paxsilica.errors import CycleError, NotFoundError, PaxsilicaError, SolverError
from paxsilica.linalg.solvers import LEAST_DIRECT_LIMIT, least_solution
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["MODES", "CycleError", "at_risk", "country_dependence", "embodied_origins",
           "multitier_exposure", "solve_sparse", "weighted_matrix"]

MODES = ("essential", "weighted")
DIRECT_LIMIT = LEAST_DIRECT_LIMIT
"""Networks up to this many nodes are solved by sparse LU; larger ones by Jacobi sweeps
(LU of a large random supply DAG fills in badly: 100 000 nodes took minutes and GiBs)."""
SLOW_SWEEPS = 64
"""Essential-mode sweeps after which the network is checked for cycles (a DAG is exact
after depth + 1 sweeps; a cycle converges only geometrically and is solved per policy)."""


def _cycle_error(matrix: sp.spmatrix, names: Sequence[str] | np.ndarray | None,
                 reason: str) -> CycleError:
    found = cycles(matrix)
    labels = np.asarray(names) if names is not None else None
    items = sorted({str(labels[p]) if labels is not None else f"node {p}"
                    for cycle in found for p in cycle})
    return CycleError(reason, items)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise PaxsilicaError(f"unknown mode {mode!r} (use {' or '.join(MODES)})")


DIRECT_W_NNZ = 1_000_000
"""Above this many links, :func:`weighted_matrix` is assembled from the links' rows rather
than by a sparse product (which needs two passes and a second index array)."""


def weighted_matrix(snet: SourcingNetwork, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """``W = B_w L`` (nodes x nodes): weight of supplier *s* in buyer *n*'s output.

    Groups are sorted by buyer, so a buyer's row of ``W`` is its groups' rows of ``L``
    one after the other, each scaled by its weight; on large networks it is built so
    (a supplier in two groups of one buyer is then two entries, which every product sums).
    """
    w = snet.groups["weight"].to_numpy(dtype=float) if weights is None else weights
    links, buyers = snet.links, snet.groups["buyer"].to_numpy()
    if links.nnz <= DIRECT_W_NNZ or (buyers.size and (np.diff(buyers) < 0).any()):
        return (snet.buyer_matrix(w) @ links).tocsr()
    per_group = np.diff(links.indptr)
    indptr = np.zeros(len(snet.nodes) + 1, dtype=np.int64)
    np.cumsum(np.bincount(buyers, weights=per_group, minlength=len(snet.nodes)).astype(np.int64), out=indptr[1:])
    return sp.csr_matrix((links.data * np.repeat(np.asarray(w, dtype=float), per_group), links.indices.copy(),
                          indptr), shape=(len(snet.nodes), len(snet.nodes)))


def solve_sparse(matrix: sp.csr_matrix, rhs: np.ndarray, *, transpose: bool = False,
                 tol: float = 1e-12, max_iter: int = 10_000,
                 names: Sequence[str] | np.ndarray | None = None) -> np.ndarray:
    """The least non-negative solution of ``(I - M) x = b`` (or ``(I - M)^T x = b``),
    ``x = sum_k M^k b``, without forming an inverse (``M``, ``b`` non-negative).

    Solved by the one linear solver, :func:`paxsilica.linalg.least_solution`: sparse LU up
    to :data:`DIRECT_LIMIT` nodes, on the nodes that can reach ``b``'s support only (a
    closed loop that reaches no origin is 0, not a singular system); beyond, sweeps
    ``x <- b + M x``, exact after ``depth + 1`` sweeps on an acyclic network and convergent
    when every cycle has spectral radius below 1. ``names`` (one per node, e.g. item ids)
    label the cycle in an error.

    Raises:
        CycleError: a cycle that amplifies (spectral radius 1 or more): the sweeps do not
            converge, the system is singular, or the solution is not finite and >= 0.

    >>> m = sp.csr_matrix(np.array([[0.0, 0.5], [0.0, 0.0]]))
    >>> solve_sparse(m, np.array([0.0, 1.0])).tolist()
    [0.5, 1.0]
    >>> solve_sparse(sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]])), np.zeros(2)).tolist()
    [0.0, 0.0]
    """
    method = "lu" if matrix.shape[0] <= DIRECT_LIMIT else "sweep"
    try:
        return least_solution(matrix, rhs, transpose=transpose, method=method, tol=tol, max_sweeps=max_iter)
    except SolverError as error:
        operator = matrix.T.tocsr() if transpose else sp.csr_matrix(matrix)
        raise _cycle_error(operator, names, f"multi-tier exposure: {error}") from None


def _essential_fixed_point(snet: SourcingNetwork, seed: np.ndarray, max_iter: int) -> np.ndarray:
    """Least solution of ``r = max(d, max_{g essential} L_g r)``, one or more columns of ``d``.

    Monotone sweeps from ``r = d`` (exact after ``depth + 1`` sweeps on a DAG). On a cycle
    they only converge geometrically, so after :data:`SLOW_SWEEPS` sweeps each unsettled
    column also takes the exact value of its current choice of binding input (a linear
    solve, policy iteration); both stay below the least fixed point, so the result is it.
    """
    groups = snet.groups
    essential = groups["essential"].to_numpy(dtype=bool)
    links = snet.links[essential]
    buyers = groups["buyer"].to_numpy()[essential]
    starts = np.flatnonzero(np.r_[True, buyers[1:] != buyers[:-1]]) if buyers.size else buyers
    owners = buyers[starts] if buyers.size else buyers
    d = np.asarray(seed, dtype=float)
    r = d.copy()
    cyclic: bool | None = None
    for sweep in range(max_iter):
        new = r.copy()
        if buyers.size:
            best = np.maximum.reduceat(links @ r, starts, axis=0)
            new[owners] = np.maximum(new[owners], best)
        change = np.abs(new - r)
        if np.array_equal(new, r) or np.max(change, initial=0.0) <= 1e-14:
            return new
        r = new
        if sweep + 1 >= SLOW_SWEEPS and buyers.size:
            if cyclic is None:
                cyclic = bool(cycles(snet.dependency(essential_only=True)))
            if cyclic:
                r = _policy_step(snet, links, starts, owners, d, r, change)
    names = snet.item_names()
    raise _cycle_error(snet.dependency(essential_only=True), names,
                       f"essential-input propagation did not settle in {max_iter} sweeps")


def _policy_step(snet: SourcingNetwork, links: sp.csr_matrix, starts: np.ndarray,
                 owners: np.ndarray, d: np.ndarray, r: np.ndarray,
                 change: np.ndarray) -> np.ndarray:
    """Raise each unsettled column of ``r`` to the exact value of its binding inputs."""
    n = len(snet.nodes)
    columns = r.reshape(n, -1).copy()
    seeds = d.reshape(n, -1)
    unsettled = np.flatnonzero(change.reshape(n, -1).max(axis=0) > 1e-14)
    segment = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, links.shape[0]]))
    for column in unsettled:
        pooled = links @ columns[:, column]
        best = np.maximum.reduceat(pooled, starts)
        hits = np.flatnonzero(pooled >= best[segment])
        first = np.unique(segment[hits], return_index=True)[1]
        chosen, owner = hits[first], owners[segment[hits[first]]]
        binding = best[segment[chosen]] > seeds[owner, column]
        rows = sp.csr_matrix((np.ones(int(binding.sum())), (owner[binding], chosen[binding])),
                             shape=(n, links.shape[0])) @ links
        rhs = seeds[:, column].copy()
        rhs[owner[binding]] = 0.0
        exact = solve_sparse(rows.tocsr(), rhs, names=snet.item_names())
        columns[:, column] = np.maximum(columns[:, column], exact)
    return columns.reshape(r.shape)


def at_risk(snet: SourcingNetwork, origin: np.ndarray, *, mode: str = "essential",
            weights: np.ndarray | None = None, max_iter: int = 10_000) -> np.ndarray:
    """At-risk share of every node when the nodes flagged in ``origin`` stop (0-1).

    ``origin`` is a boolean (or 0-1) vector over nodes, or a nodes x k matrix for k
    scenarios at once (essential mode). ``weights`` (per input group) overrides the
    equal input weights of the weighted mode.
    """
    _check_mode(mode)
    d = np.asarray(origin, dtype=float)
    if mode == "essential":
        return _essential_fixed_point(snet, d, max_iter)
    w = weighted_matrix(snet, weights)
    w.data *= np.repeat(1.0 - d, np.diff(w.indptr))  # origins keep none of their inputs' risk
    return solve_sparse(w, d, max_iter=max_iter, names=snet.item_names())


def _origin_flags(snet: SourcingNetwork, countries: frozenset[str] | set[str],
                  invert: bool = False) -> np.ndarray:
    nodes = snet.nodes
    located = nodes["role"].isin(["producer", "facility", "unattributed"]).to_numpy()
    inside = nodes["country"].isin(countries).to_numpy()
    return located & (~inside if invert else inside)


def _direct_share(snet: SourcingNetwork, flags: np.ndarray) -> np.ndarray:
    """Tier-1 share: own location for producers, supplier shares for markets."""
    direct = flags.astype(float)
    markets = snet.nodes["role"].eq("market").to_numpy()
    pooled = snet.links @ flags.astype(float)
    buyers = snet.groups["buyer"].to_numpy()
    direct[buyers[markets[buyers]]] = pooled[markets[buyers]]
    return direct


def multitier_exposure(net: StackNetwork, *, group: str = "pax_silica",
                       concern: str = "countries_of_concern", as_of: date | str | None = None,
                       item: str | None = None, stage: str | None = None,
                       mode: str = "essential", trade: pd.DataFrame | None = None,
                       roles: tuple[str, ...] = ("market", "producer", "unattributed", "facility"),
                       snet: SourcingNetwork | None = None) -> pd.DataFrame:
    """Embodied exposure of every node, through all recipe tiers, as of a date.

    Columns: ``node, role, country, item, stage, concern_share`` (at-risk share if the
    countries of concern stop, all tiers), ``concern_share_low``/``concern_share_high``
    (bounds: producers of unknown location counted as not of concern, which is
    ``concern_share``, and as of concern; equal when everything upstream is located),
    ``direct_concern_share`` (first tier only),
    ``coalition_share`` (share that survives if every non-member, and every producer of
    unknown location, stops: the supply secured inside ``group``), ``coalition_share_max``
    (the same if producers of unknown location were all inside ``group``: only located
    non-members stop; the true share lies between the two), ``unattributed_share``
    (at-risk share to producers of unknown location), ``located_share`` (first tier: the
    share of the node's own output whose country is known; 0 when the data do not say
    where the item itself is made), ``mode, sourcing, as_of, group, concern``. Shares are
    fractions 0-1. ``market:WLD:<item>`` is the world supply of an item; under the
    global-pool assumption it is also every member's supply. ``snet`` reuses a network
    built by :func:`~paxsilica.analytics.network.sourcing_network` (``as_of``/``trade``
    are then its own).

    >>> from paxsilica.store import open_store
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> t = multitier_exposure(net, item="ndfeb_magnet", as_of="2026-07-01").set_index("node")
    >>> world = t.loc["market:WLD:ndfeb_magnet"]
    >>> bool(world["concern_share"] >= world["direct_concern_share"])
    True
    """
    _check_mode(mode)
    day = as_date(as_of)
    snet = sourcing_network(net, as_of=day, trade=trade) if snet is None else snet
    concern_flags = _origin_flags(snet, net.members(concern, day))
    outside = _origin_flags(snet, net.members(group, day), invert=True)
    unknown = _origin_flags(snet, {UNATTRIBUTED})
    scenarios = np.column_stack([concern_flags, outside, unknown, outside & ~unknown,
                                 concern_flags | unknown])
    if mode == "essential":
        risk = at_risk(snet, scenarios, mode=mode)
    else:
        risk = np.column_stack([at_risk(snet, scenarios[:, k], mode=mode)
                                for k in range(scenarios.shape[1])])
    table = snet.nodes.rename(columns={"item_id": "item"}).assign(
        concern_share=risk[:, 0], concern_share_low=risk[:, 0],
        concern_share_high=np.maximum(risk[:, 4], risk[:, 0]),
        direct_concern_share=_direct_share(snet, concern_flags),
        coalition_share=1.0 - risk[:, 1], coalition_share_max=1.0 - risk[:, 3],
        unattributed_share=risk[:, 2], located_share=1.0 - _direct_share(snet, unknown),
        mode=mode, as_of=day, group=group, concern=concern)
    table["sourcing"] = table["sourcing"].replace("", "recipe")
    if item is not None:
        table = table[table["item"].isin(net.resolve_items(item, stage))]
    elif stage is not None:
        if stage not in net.stage_order:
            raise NotFoundError(f"unknown stage {stage!r} (known: {', '.join(net.stage_order)})")
        table = table[table["stage"] == stage]
    table = table[table["role"].isin(roles)]
    columns = ["node", "role", "country", "item", "stage", "concern_share", "concern_share_low",
               "concern_share_high", "direct_concern_share", "coalition_share",
               "coalition_share_max", "unattributed_share", "located_share",
               "mode", "sourcing", "as_of", "group", "concern"]
    return table[columns].sort_values(["item", "role", "country"]).reset_index(drop=True)


def country_dependence(snet: SourcingNetwork, targets: list[str], *, mode: str = "essential",
                       countries: list[str] | None = None) -> pd.DataFrame:
    """At-risk share of each target node to each origin country alone (all tiers).

    Columns: ``node, country, dependence``; ``country`` ``""`` is "location unknown".
    Dependences are not a partition: a server can depend 100 % on two countries.
    """
    _check_mode(mode)
    located = snet.nodes["role"].isin(["producer", "facility", "unattributed"]).to_numpy()
    codes = countries or sorted(set(snet.nodes.loc[located, "country"]))
    positions = [snet.node_index(label) for label in targets]
    rows = []
    seeds = np.column_stack([located & snet.nodes["country"].eq(code).to_numpy() for code in codes])
    if mode == "essential":
        risk = at_risk(snet, seeds, mode=mode)
    else:
        risk = np.column_stack([at_risk(snet, seeds[:, k], mode=mode) for k in range(len(codes))])
    for position, label in zip(positions, targets, strict=True):
        rows.extend({"node": label, "country": code, "dependence": float(risk[position, k])}
                    for k, code in enumerate(codes))
    frame = pd.DataFrame(rows, columns=["node", "country", "dependence"])
    return frame.sort_values(["node", "dependence"], ascending=[True, False]).reset_index(drop=True)


def embodied_origins(snet: SourcingNetwork, target: str) -> pd.DataFrame:
    """Physical content of every upstream item in one unit of ``target``, by producing country.

    Solves ``(I - Q)^T y = e_target`` where ``Q[n, s] = quantity_g * share_gs``: ``y_s`` is
    the output of node *s* embodied in one unit of the target (recipe quantities multiply
    along paths and add over paths). Summing ``y`` over the producers of item *k* in
    country *c* gives the amount; ``share`` normalises it per item.

    Columns: ``item, country, amount, share`` (amount in the item's catalogue unit per
    target unit; ``country`` ``""`` = location unknown), largest share first per item.
    """
    quantity = snet.groups["quantity"].to_numpy(dtype=float)
    q = (snet.buyer_matrix(quantity) @ snet.links).tocsr()
    rhs = np.zeros(len(snet.nodes))
    rhs[snet.node_index(target)] = 1.0
    embodied = solve_sparse(q, rhs, transpose=True, names=snet.item_names())
    nodes = snet.nodes.assign(amount=embodied)
    nodes = nodes[nodes["role"].isin(["producer", "unattributed"]) & (nodes["amount"] > 0)]
    table = nodes.groupby(["item_id", "country"], as_index=False)["amount"].sum()
    table["share"] = table["amount"] / table.groupby("item_id")["amount"].transform("sum")
    table = table.rename(columns={"item_id": "item"})
    return table.sort_values(["item", "share"], ascending=[True, False]).reset_index(drop=True)
