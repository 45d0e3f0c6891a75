"""Linear expressions assembled from label and coefficient arrays (no Python loop per term).

linopy stores an expression as ``vars`` (variable labels, -1 for none) and ``coeffs``
along a ``_term`` dimension; building these arrays with numpy fancy indexing keeps the
model build vectorised when a row sums a ragged set of arcs.
"""

from __future__ import annotations

import linopy
import numpy as np
import xarray as xr
from linopy.constants import TERM_DIM

__all__ = ["expression", "gather"]


def expression(m: linopy.Model, labels: np.ndarray, coeffs: np.ndarray, dims: list[str],
               coords: dict[str, object]) -> linopy.LinearExpression:
    """An expression with terms along the last axis of ``labels``/``coeffs`` (-1: no term)."""
    coeffs = np.where(labels >= 0, np.broadcast_to(coeffs, labels.shape), 0.0)
    data = xr.Dataset({"coeffs": ([*dims, TERM_DIM], coeffs),
                       "vars": ([*dims, TERM_DIM], labels)},
                      coords={d: coords[d] for d in dims})
    return linopy.LinearExpression(data, m)


def gather(labels: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``labels[..., index]`` with -1 wherever ``index`` is -1 (padding).

    >>> gather(np.array([[10, 11, 12]]), np.array([[2, -1], [0, 1]])).tolist()
    [[[12, -1], [10, 11]]]
    """
    picked = labels[..., np.clip(index, 0, None)]
    return np.where(index >= 0, picked, -1)


def keep_empty_rows(m: linopy.Model, labels: np.ndarray) -> np.ndarray:
    """``labels`` with a term on a variable fixed at 0 in every row that has no term.

    linopy drops rows without variables, so ``0 ≥ 5`` would vanish instead of making
    the problem infeasible; the placeholder (``Empty-row``, bounds 0-0) keeps them.
    """
    empty = (labels < 0).all(axis=-1)
    if not empty.any():
        return labels
    if "Empty-row" not in m.variables:
        m.add_variables(lower=0, upper=0, name="Empty-row")
    placeholder = int(m.variables["Empty-row"].labels.item())
    return np.concatenate([labels, np.where(empty, placeholder, -1)[..., None]], axis=-1)
