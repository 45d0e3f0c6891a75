"""Recipes linking a plan's items: which inputs a unit of each item needs.

A chained plan reads ``A[input, output]`` (input units per output unit) among its items.
From the catalogue (``chain: {recipes: catalogue}``) only essential lines count (a
non-essential input can be designed out), and items the problem leaves out are passed
through: with plan items P and the others Q,

    A_eff = A_PP + A_PQ (I − A_QQ)^−1 A_QP

so a plan with magnets and NdPr oxide but no NdPr metal reads 0.3 × 1.1664 t of oxide
per t of magnet (Leontief: every path through left-out items, multiplied along it).

The total requirement of a demand vector D is r = (I − A)^−1 D: D plus the inputs its
production needs, and theirs (capacity targets compare capacity with r).

Example:
    >>> from paxsilica.plan.load import bundled_network
    >>> lines = catalogue_recipes(bundled_network(), ["rare_earth_ore", "ndpr_oxide",
    ...                                               "ndfeb_magnet"])
    >>> [(o, i, round(q, 4)) for o, i, q in lines]
    [('ndfeb_magnet', 'ndpr_oxide', 0.3499), ('ndpr_oxide', 'rare_earth_ore', 5.5)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paxsilica.errors import CycleError
from paxsilica.model.network import StackNetwork

__all__ = ["catalogue_recipes", "cycle_positions", "recipe_matrix", "total_requirement"]


def _latest_lines(recipes: pd.DataFrame) -> pd.DataFrame:
    """One row per (output, input): the latest year's (lines without a year count as
    older than any dated line)."""
    lines = recipes[recipes["essential"].astype(bool)].copy()
    lines["order"] = pd.to_numeric(lines["year"], errors="coerce").fillna(-1)
    lines = lines.sort_values("order").groupby(["output_item", "input_item"]).tail(1)
    return lines[["output_item", "input_item", "quantity"]]


def catalogue_recipes(net: StackNetwork, items: list[str]) -> list[tuple[str, str, float]]:
    """(output, input, quantity) among ``items`` from the catalogue, through left-out items.

    Raises:
        CycleError: the catalogue's recipes among the left-out items form a cycle.
    """
    lines = _latest_lines(net.recipes)
    everything = sorted(set(lines["output_item"]) | set(lines["input_item"]) | set(items))
    position = {item: n for n, item in enumerate(everything)}
    full = np.zeros((len(everything), len(everything)))
    for output, input_, quantity in lines.itertuples(index=False):
        full[position[input_], position[output]] += float(quantity)
    plan = np.array([position[i] for i in items], dtype=int)
    rest = np.array([n for n in range(len(everything)) if everything[n] not in set(items)],
                    dtype=int)
    effective = full[np.ix_(plan, plan)]
    if rest.size:
        inner = np.eye(rest.size) - full[np.ix_(rest, rest)]
        try:
            through = np.linalg.solve(inner, full[np.ix_(rest, plan)])
        except np.linalg.LinAlgError:
            raise CycleError("the catalogue's recipes form a cycle among items the problem "
                             "leaves out", [everything[i] for i in rest]) from None
        effective = effective + full[np.ix_(plan, rest)] @ through
    out = []
    for i, j in zip(*np.nonzero(effective > 0), strict=True):
        out.append((items[j], items[i], float(effective[i, j])))
    return sorted(out)


def recipe_matrix(lines: list[tuple[str, str, float]], items: list[str]) -> np.ndarray:
    """``A[input, output]`` over ``items`` (input units per output unit); lines naming an
    item outside ``items`` are left out (a coalition's part of a problem may lack some).

    >>> recipe_matrix([("b", "a", 2.0), ("c", "b", 1.0)], ["a", "b"]).tolist()
    [[0.0, 2.0], [0.0, 0.0]]
    """
    position = {item: n for n, item in enumerate(items)}
    matrix = np.zeros((len(items), len(items)))
    for output, input_, quantity in lines:
        if output in position and input_ in position:
            matrix[position[input_], position[output]] += quantity
    return matrix


def cycle_positions(matrix: np.ndarray) -> list[int]:
    """Positions of the items on a recipe cycle (an item that is, through some path, an
    input of itself).

    >>> cycle_positions(np.array([[0, 2.0, 0], [0.5, 0, 0], [1.0, 0, 0]]))
    [0, 1]
    """
    n = matrix.shape[0]
    reach = matrix > 0
    closure = reach.copy()
    for _ in range(n):
        step = closure | ((closure.astype(int) @ reach.astype(int)) > 0)
        if (step == closure).all():
            break
        closure = step
    return [int(i) for i in np.flatnonzero(np.diag(closure))]


def total_requirement(matrix: np.ndarray, demand: np.ndarray,
                      names: list[str] | None = None) -> np.ndarray:
    """r = (I − A)^−1 D for each row of ``demand`` (year, item): demand plus inputs.

    Raises:
        CycleError: the recipes need more of an item than they make (no finite r ≥ 0);
            its ``items`` are the items on the cycle (``names``, else positions).

    >>> total_requirement(np.array([[0.0, 2.0], [0.0, 0.0]]), np.array([[1.0, 3.0]])).tolist()
    [[7.0, 3.0]]
    """
    n = matrix.shape[0]
    if not matrix.any():
        return np.asarray(demand, dtype=float)
    labels = names or [str(i) for i in range(n)]
    try:
        inverse = np.linalg.inv(np.eye(n) - matrix)
    except np.linalg.LinAlgError:
        inverse = np.full((n, n), np.nan)
    if not np.isfinite(inverse).all() or (inverse < -1e-9).any():
        raise CycleError("the recipes need more of an item than they make",
                         [labels[i] for i in cycle_positions(matrix)])
    return np.asarray(demand, dtype=float) @ inverse.T
