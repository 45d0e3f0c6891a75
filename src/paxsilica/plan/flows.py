"""Flows supplier → member (and → chained producer or stock) rebuilt from a solved plan.

The model decides what each supplier delivers (``Supply``), what tracked members get from
their own country (``Domestic``), unmet demand and, with a chain or inventory, what is
consumed as inputs and carried. Per scenario, year and item, :func:`allocate` splits the
supply: each tracked demand first takes its domestic deliveries from its own country's
suppliers (its stockpiles first), then every other supplier's remaining output is shared
in proportion to the needs still open — members' demand, each chained producer's inputs
and stock added — so that all get the same mix. Any split is optimal: costs depend on the
supplier only (see ``docs/plan.md``).

Example (one supplier of 10 shared by demands of 6 and 4):
    >>> allocate(np.array([10.0]), np.array([6.0, 4.0]), [[], []], [0.0, 0.0], set())
    [(0, 0, 6.0), (0, 1, 4.0)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paxsilica.plan.sets import PlanSets

__all__ = ["TOLERANCE", "allocate", "split_flows"]

TOLERANCE = 1e-7
STOCK = "stock"
"""Source or user label of the pooled inventory (carried stock) in the answers."""


def allocate(supply: np.ndarray, need: np.ndarray, home: list[list[int]],
             domestic: list[float], piles: set[int]) -> list[tuple[int, int, float]]:
    """(supplier, need, quantity) for one scenario, year and item: each tracked need takes
    its domestic deliveries first (stockpiles first; a stockpile serves only its holder),
    then every other supplier's output is shared in proportion to the needs still open."""
    left, want, out = supply.astype(float).copy(), need.astype(float).copy(), []
    for d, suppliers in enumerate(home):
        quota = domestic[d]
        for s in suppliers:
            q = min(left[s], quota, want[d]) if s not in piles else min(left[s], want[d])
            if q > TOLERANCE:
                out.append((s, d, q))
                left[s] -= q
                want[d] -= q
                quota = max(quota - q, 0.0)
    order = np.array([i for i in range(len(left)) if i not in piles], dtype=int)
    rest, needs = np.clip(left[order], 0, None), np.clip(want, 0, None)
    if rest.sum() > TOLERANCE and needs.sum() > TOLERANCE:
        shares = np.outer(rest, needs) / max(needs.sum(), rest.sum())
        for s, d in zip(*np.nonzero(shares > TOLERANCE), strict=True):
            out.append((int(order[s]), int(d), float(shares[s, d])))
    return out


def _stock_moves(sets: PlanSets, levels: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(scenario, year, item) stock drawn and stock added (h[t−1] − h[t], split by sign)."""
    shape = (len(sets.scenarios), len(sets.years), len(sets.items))
    drawn, added = np.zeros(shape), np.zeros(shape)
    if levels is None or sets.inventory.empty:
        return drawn, added
    codes = sets.items.get_indexer(sets.inventory["item"])
    initial = np.broadcast_to(sets.inventory["initial"].to_numpy(), (shape[0], 1, len(codes)))
    previous = np.concatenate([initial, levels[:, :-1]], axis=1)
    change = previous - levels
    drawn[:, :, codes] = np.clip(change, 0, None)
    added[:, :, codes] = np.clip(-change, 0, None)
    return drawn, added


def split_flows(sets: PlanSets, supply: np.ndarray, unmet: np.ndarray | None,
                domestic: np.ndarray | None,
                levels: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deliveries to members (``flows``: scenario, year, source, country, member, item,
    quantity, cost) and to chained producers or stock (``uses``: scenario, year, source,
    country, user, item, quantity, cost); ``source``/``user`` ``stock`` is carried stock."""
    suppliers, demands = sets.suppliers, sets.demands
    need = np.broadcast_to(sets.demand[None], supply.shape[:2] + sets.demand.shape[1:])
    need = need - (unmet if unmet is not None else 0.0)
    tracked = dict(zip(sets.domestic["position"], range(len(sets.domestic)), strict=True))
    use = sets.input_use()
    drawn, added = _stock_moves(sets, levels)
    kinds = suppliers["kind"].to_numpy()
    countries = suppliers["country"].to_numpy()
    flows, uses = [], []
    for i, item in enumerate(sets.items):
        s_pos = np.flatnonzero((suppliers["item"] == item).to_numpy())
        d_pos = np.flatnonzero((demands["item"] == item).to_numpy())
        u_pos = np.flatnonzero(use[i] > 0)
        piles = {n for n, s in enumerate(s_pos) if kinds[s] == "stockpile"}
        home = [sorted((n for n, s in enumerate(s_pos) if countries[s] == demands["member"].iat[d]
                        and d in tracked), key=lambda n: n not in piles) for d in d_pos]
        home += [[] for _ in range(len(u_pos) + 1)]
        for k in range(supply.shape[0]):
            for t in range(supply.shape[1]):
                quota = [domestic[k, t, tracked[d]] if d in tracked and domestic is not None
                         else 0.0 for d in d_pos] + [0.0] * (len(u_pos) + 1)
                vector = np.append(supply[k, t, s_pos], drawn[k, t, i])
                wanted = np.concatenate([need[k, t, d_pos], use[i, u_pos] * supply[k, t, u_pos],
                                         [added[k, t, i]]])
                for s, d, q in allocate(vector, wanted, home, quota, piles):
                    source = s_pos[s] if s < len(s_pos) else -1
                    if d < len(d_pos):
                        flows.append((k, t, source, d_pos[d], q))
                    else:
                        user = u_pos[d - len(d_pos)] if d < len(d_pos) + len(u_pos) else -1
                        uses.append((k, t, source, user, i, q))
    return _flows_frame(sets, flows), _uses_frame(sets, uses)


def _source_columns(sets: PlanSets, s: np.ndarray) -> dict[str, np.ndarray]:
    suppliers = sets.suppliers
    known = s >= 0
    safe = np.clip(s, 0, None)
    return {"source": np.where(known, suppliers["supplier"].to_numpy()[safe], STOCK),
            "country": np.where(known, suppliers["country"].to_numpy()[safe], None),
            "cost": np.where(known, suppliers["cost"].to_numpy()[safe], 0.0)}


def _flows_frame(sets: PlanSets, rows: list[tuple]) -> pd.DataFrame:
    columns = ["scenario", "year", "source", "country", "member", "item", "quantity", "cost"]
    if not rows:
        return pd.DataFrame(columns=columns)
    k, t, s, d, q = (np.array(c) for c in zip(*rows, strict=True))
    frame = pd.DataFrame({"scenario": sets.scenarios.to_numpy()[k],
                          "year": sets.years.to_numpy()[t], **_source_columns(sets, s),
                          "member": sets.demands["member"].to_numpy()[d],
                          "item": sets.demands["item"].to_numpy()[d], "quantity": q})
    frame["cost"] = frame["cost"].astype(float)
    return frame[columns]


def _uses_frame(sets: PlanSets, rows: list[tuple]) -> pd.DataFrame:
    columns = ["scenario", "year", "source", "country", "user", "item", "quantity", "cost"]
    if not rows:
        return pd.DataFrame(columns=columns)
    k, t, s, u, i, q = (np.array(c) for c in zip(*rows, strict=True))
    users = np.where(u >= 0, sets.suppliers["supplier"].to_numpy()[np.clip(u, 0, None)], STOCK)
    frame = pd.DataFrame({"scenario": sets.scenarios.to_numpy()[k],
                          "year": sets.years.to_numpy()[t], **_source_columns(sets, s),
                          "user": users, "item": sets.items.to_numpy()[i], "quantity": q})
    frame["cost"] = frame["cost"].astype(float)
    return frame[columns]
