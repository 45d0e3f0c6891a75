"""An input–output system as paxsilica holds it: sparse ``Z`` in label order, labelled ``Y`` and extensions.

:func:`read_mrio` builds an :class:`MRIO` from pymrio-style DataFrames (or a sparse ``Z`` with
labels), :func:`read_pymrio` from a ``pymrio.IOSystem``; output ``x`` and the sparse technical
coefficients ``A = Z diag(x)⁻¹`` are computed once and cached on the system.

Example:
    >>> labels = pd.MultiIndex.from_product([["r1"], ["a", "b"]], names=["region", "sector"])
    >>> Z = pd.DataFrame([[10.0, 20.0], [30.0, 5.0]], index=labels, columns=labels)
    >>> Y = pd.DataFrame([[70.0], [65.0]], index=labels, columns=["hh"])
    >>> _a(read_mrio(Z, Y)).toarray().tolist()
    [[0.1, 0.2], [0.3, 0.05]]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.errors import PaxsilicaError

__all__ = ["MRIO", "Extension", "MRIOInputError", "read_mrio", "read_pymrio"]


class MRIOInputError(PaxsilicaError, ValueError):
    """Tables that do not form an input–output system (labels, shapes, non-numeric cells)."""


@dataclass(frozen=True)
class Extension:
    """Stressors of one satellite account: ``F`` (stressors × n), optional ``F_Y`` and units."""

    F: pd.DataFrame
    F_Y: pd.DataFrame | None = None
    unit: pd.DataFrame | None = None


@dataclass(frozen=True)
class MRIO:
    """An input–output system: sparse ``Z`` in label order, labelled ``Y`` and extensions."""

    labels: pd.MultiIndex
    Z: sp.csr_array
    Y: pd.DataFrame
    extensions: Mapping[str, Extension] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)


def _frame(values: object, name: str) -> pd.DataFrame:
    if not isinstance(values, pd.DataFrame):
        raise MRIOInputError(f"{name} must be a pandas DataFrame, got {type(values).__name__}")
    numeric = values.apply(pd.to_numeric, errors="coerce")
    if numeric.isna().to_numpy().any():
        raise MRIOInputError(f"{name} has missing or non-numeric cells")
    return numeric.astype(float)


def read_mrio(Z: pd.DataFrame | sp.sparray, Y: pd.DataFrame,  # noqa: N803 (IO notation)
              extensions: Mapping[str, pd.DataFrame | Mapping[str, pd.DataFrame] | Extension] | None = None,
              labels: pd.MultiIndex | None = None) -> MRIO:
    """Build an :class:`MRIO` from pymrio-style DataFrames (or a sparse ``Z`` plus ``labels``).

    ``Y``'s rows and every ``F``'s columns are aligned to ``Z``'s labels; an extension is
    a DataFrame ``F`` or a mapping with keys ``F`` and optionally ``F_Y`` and ``unit``.

    Raises:
        MRIOInputError: labels do not match, a table is not square, or a cell is not a number.
    """
    if isinstance(Z, pd.DataFrame):
        if not Z.index.equals(Z.columns):
            Z = Z.reindex(columns=Z.index)  # noqa: N806
            if Z.isna().to_numpy().any():
                raise MRIOInputError("Z's columns are not the same labels as its rows")
        labels = Z.index if labels is None else labels
        matrix = sp.csr_array(_frame(Z, "Z").to_numpy())
    else:
        if labels is None:
            raise MRIOInputError("a sparse Z needs labels")
        matrix = sp.csr_array(Z, dtype=float)
    if matrix.shape != (len(labels), len(labels)):
        raise MRIOInputError(f"Z has shape {matrix.shape} but there are {len(labels)} labels")
    final = _frame(Y, "Y").reindex(labels)
    if final.isna().to_numpy().any():
        raise MRIOInputError("Y has no row for some labels of Z")
    parsed = {}
    for name, value in (extensions or {}).items():
        parts = {"F": value} if isinstance(value, pd.DataFrame) else (
            {"F": value.F, "F_Y": value.F_Y, "unit": value.unit} if isinstance(value, Extension) else dict(value))
        stressors = _frame(parts["F"], f"{name}.F").reindex(columns=labels)
        if stressors.isna().to_numpy().any():
            raise MRIOInputError(f"{name}.F has no column for some labels of Z")
        demand = parts.get("F_Y")
        demand = None if demand is None else _frame(demand, f"{name}.F_Y").reindex(columns=final.columns, fill_value=0)
        parsed[name] = Extension(stressors, demand, parts.get("unit"))
    return MRIO(pd.MultiIndex.from_tuples(labels, names=labels.names) if isinstance(labels, pd.MultiIndex)
                else labels, matrix, final, parsed)


def read_pymrio(io_system: object) -> MRIO:
    """An :class:`MRIO` from a ``pymrio.IOSystem`` (its ``Z``, ``Y`` and extensions' ``F``, ``F_Y``, ``unit``)."""
    extensions = {ext.name: {"F": ext.F, "F_Y": getattr(ext, "F_Y", None), "unit": getattr(ext, "unit", None)}
                  for ext in io_system.get_extensions(data=True)}
    return read_mrio(io_system.Z, io_system.Y, extensions)


def _x(mrio: MRIO) -> np.ndarray:
    if "x" not in mrio._cache:
        mrio._cache["x"] = np.asarray(mrio.Z.sum(axis=1)).ravel() + mrio.Y.to_numpy().sum(axis=1)
    return mrio._cache["x"]


def _inverse(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        inverse = 1.0 / values
    inverse[~np.isfinite(inverse)] = 0.0
    return inverse


def _a(mrio: MRIO) -> sp.csr_array:
    if "A" not in mrio._cache:
        # A = Z diag(x)⁻¹ has Z's pattern: scale the values and share Z's index arrays. Only
        # a canonical Z is shared (sorted, no duplicates), so nothing re-sorts them in place.
        Z = mrio.Z  # noqa: N806 (IO notation)
        if not Z.has_canonical_format:
            Z = Z.copy()  # noqa: N806
            Z.sum_duplicates()
        A = sp.csr_array((Z.data * _inverse(_x(mrio))[Z.indices], Z.indices, Z.indptr),  # noqa: N806
                         shape=Z.shape)
        A.has_canonical_format = True
        mrio._cache["A"] = A
    return mrio._cache["A"]


def _by_region(frame: pd.DataFrame, level: str | int = "region") -> pd.DataFrame:
    """Columns summed by one level of their index, groups in order of first appearance (as
    ``frame.T.groupby(level=level, sort=False).sum().T``, missing values counted as 0), by
    one product with a 0/1 matrix: pandas' transposed group-by cost more than the whole
    computation of a 200-industry table."""
    keys = frame.columns.get_level_values(level)
    codes, groups = pd.factorize(keys, use_na_sentinel=False)
    indicator = np.zeros((len(keys), len(groups)))
    indicator[np.arange(len(keys)), codes] = 1.0
    values = frame.to_numpy(dtype=float)
    if np.isnan(values).any():
        values = np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=-np.inf)
    name = frame.columns.names[level] if isinstance(level, int) else level
    return pd.DataFrame(values @ indicator, index=frame.index, columns=pd.Index(groups, name=name))


def _final_demand_by_region(mrio: MRIO) -> tuple[np.ndarray, np.ndarray]:
    """``(Y summed per consuming region (n × R), the regions in Y's column order)``, cached."""
    if "demand-by-region" not in mrio._cache:
        regions = pd.unique(mrio.Y.columns.get_level_values(0))
        by_region = _by_region(mrio.Y, 0).reindex(columns=regions)
        mrio._cache["demand-by-region"] = (by_region.to_numpy(), regions)
    return mrio._cache["demand-by-region"]
