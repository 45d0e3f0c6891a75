"""Environmentally extended (multi-regional) input–output analysis without a dense inverse.

Notation (as in pymrio, whose labels and results these functions reproduce): ``n``
region–sector pairs labelled by a ``(region, sector)`` MultiIndex, ``Z`` (n × n)
inter-industry flows, ``Y`` (n × final-demand columns, labelled ``(region,
category)``), ``F`` (stressors × n) and ``F_Y`` (stressors × final-demand columns).

* output                ``x = Z·1 + Y·1``
* technical coefficients ``A = Z · diag(x)⁻¹``  (columns with ``x_j = 0`` are 0)
* Leontief inverse      ``L = (I − A)⁻¹``  — never formed unless asked for
* Ghosh coefficients    ``B = diag(x)⁻¹ · Z``, Ghosh inverse ``G = (I − B)⁻¹ = diag(x)⁻¹ L diag(x)``
* stressor coefficients ``S = F · diag(x)⁻¹``, ``S_Y = F_Y · diag(y)⁻¹``
* multipliers           ``M = S L``, computed as ``Mᵀ = (I − A)⁻ᵀ Sᵀ`` (one solve per stressor)
* downstream multipliers ``M_down = S (Gᵀ − I) = [L (S diag x)ᵀ]ᵀ diag(x)⁻¹ − S``

Footprint accounts (pymrio's ``calc_accounts``) with ``Y_r`` the final demand of
region r summed over categories: ``D_cba[k, (r, s)] = Σ_{r'} M[k, (r', s)] · Y_r[(r', s)]``
(stressor k embodied in region r's final demand for products of sector s);
``X = L · [Y_1 … Y_R]`` (R direct solves) gives ``x_tot = X·1``, ``D_pba = S diag(x_tot)``
and ``D_exp = S diag(x_tot − X[i, region(i)])``; ``D_imp`` is ``D_cba`` minus the
domestic part ``Σ_{r'} (S_r L)[k, (r', s)] Y_r[(r', s)]`` with ``S_r`` = S restricted to
region r's columns (K·R transposed solves). Regional totals add ``F_Y`` summed per
region to ``D_cba_reg`` and ``D_pba_reg``.

Example (a two-sector economy):
    >>> labels = pd.MultiIndex.from_product([["r1"], ["a", "b"]], names=["region", "sector"])
    >>> Z = pd.DataFrame([[10.0, 20.0], [30.0, 5.0]], index=labels, columns=labels)
    >>> Y = pd.DataFrame([[70.0], [65.0]], index=labels,
    ...                  columns=pd.MultiIndex.from_tuples([("r1", "hh")], names=["region", "category"]))
    >>> F = pd.DataFrame([[5.0, 1.0]], index=pd.Index(["co2"], name="stressor"), columns=labels)
    >>> mrio = read_mrio(Z, Y, {"air": F})
    >>> output(mrio)["indout"].tolist()
    [100.0, 100.0]
    >>> # S = [0.05, 0.01]; L = [[0.95, 0.2], [0.3, 0.9]] / 0.795; S·L = [0.0505, 0.019] / 0.795
    >>> multipliers(mrio, "air").round(4).values.tolist()
    [[0.0635, 0.0239]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.errors import NotFoundError
from paxsilica.linalg import solvers
from paxsilica.linalg.blocks import domestic_blocks, sector_major
from paxsilica.linalg.mrio import (
    MRIO,
    Extension,
    MRIOInputError,
    _a,
    _by_region,
    _final_demand_by_region,
    _inverse,
    _x,
    read_mrio,
    read_pymrio,
)
from paxsilica.linalg.solvers import LinearSolver

__all__ = [
    "MRIO",
    "Accounts",
    "Extension",
    "MRIOInputError",
    "MRIOResults",
    "calc_all",
    "downstream_multipliers",
    "footprint_accounts",
    "ghosh_coefficients",
    "ghosh_inverse",
    "leontief_inverse",
    "leontief_solver",
    "multipliers",
    "output",
    "read_mrio",
    "read_pymrio",
    "regional_multipliers",
    "stressor_coefficients",
    "technical_coefficients",
]


def _grid(mrio: MRIO) -> tuple[np.ndarray, np.ndarray] | None:
    """``(regions, sectors)`` when the labels are a full region × sector grid in region-major order."""
    if "grid" not in mrio._cache:
        labels = mrio.labels
        grid = None
        if isinstance(labels, pd.MultiIndex) and labels.nlevels == 2:
            regions, sectors = pd.unique(labels.get_level_values(0)), pd.unique(labels.get_level_values(1))
            if len(regions) * len(sectors) == len(labels) and labels.equals(pd.MultiIndex.from_product(
                    [regions, sectors], names=labels.names)):
                grid = (np.asarray(regions), np.asarray(sectors))
        mrio._cache["grid"] = grid
    return mrio._cache["grid"]


def _blocks_cheaper(n: int, stressors: int, regions: int) -> bool:
    """Sector-resolved imports by :func:`~paxsilica.linalg.blocks.domestic_blocks` (``⅔ n³``
    flops, once for every extension) rather than ``K · R`` transposed solves (``2 n² K R``)."""
    return 2 * n**2 * stressors * regions > 2 / 3 * n**3


def _method(mrio: MRIO, method: str) -> str:
    """``"auto"``: dense LU or block GMRES by the cost of everything :func:`calc_all` solves
    (K + R right-hand sides, plus K·R or the domestic blocks for ``D_imp``); sparse LU when
    ``A`` is very sparse. Other methods are taken as given."""
    if method != "auto":
        return method
    A, n = _a(mrio), len(mrio.labels)  # noqa: N806
    stressors = sum(len(ext.F) for ext in mrio.extensions.values())
    regions = mrio.Y.columns.get_level_values(0).nunique()
    generic = solvers.choose_method(n, A.nnz, stressors + regions + stressors * regions)
    if generic != "gmres" or n > solvers.DENSE_MAX_N:
        return generic
    imports = min(2 * n**2 * stressors * regions, 2 / 3 * n**3 if _grid(mrio) is not None else np.inf)
    dense = solvers.DENSE_SECONDS_PER_FLOP * (2 / 3 * n**3 + 2 * n**2 * (stressors + regions) + imports)
    gmres = solvers.GMRES_FIXED_SECONDS + solvers.GMRES_SECONDS_PER_NONZERO * A.nnz * (
        stressors + regions + stressors * regions)
    return "dense" if dense < gmres else "gmres"


def leontief_solver(mrio: MRIO, method: str = "auto") -> LinearSolver:
    """The (cached) solver for ``(I − A)`` of ``mrio``; see :mod:`paxsilica.linalg.solvers`.

    ``method="auto"`` chooses by shape and fill (:func:`_method`); a dense factorisation is
    done in sector-major order so that :func:`~paxsilica.linalg.blocks.domestic_blocks` can use it.
    """
    key = f"solver-{method}"
    if key not in mrio._cache:
        chosen, grid = _method(mrio, method), _grid(mrio)
        ordering = sector_major(len(grid[0]), len(grid[1])) if chosen == "dense" and grid is not None else None
        mrio._cache[key] = LinearSolver(_a(mrio), method=chosen, ordering=ordering)
    return mrio._cache[key]


def _home_blocks(mrio: MRIO, method: str) -> np.ndarray | None:
    """Cached :func:`~paxsilica.linalg.blocks.domestic_blocks` of ``Y`` (origins × sectors × sectors),
    or ``None`` when the solver is not a sector-major dense LU."""
    solver, grid = leontief_solver(mrio, method), _grid(mrio)
    if solver.method != "dense" or solver.ordering is None or grid is None:
        return None
    key = f"blocks-{method}"
    if key not in mrio._cache:
        origins, sectors = grid
        demand, consumers = _final_demand_by_region(mrio)
        column = pd.Index(consumers).get_indexer(origins)  # origin region's own final demand column
        own = np.where(column[None, :] >= 0, demand[:, np.maximum(column, 0)], 0.0)
        mrio._cache[key] = domestic_blocks(solver, own, len(origins), len(sectors))
    return mrio._cache[key]


def output(mrio: MRIO) -> pd.DataFrame:
    """Industry output ``x = Z·1 + Y·1`` as pymrio's one-column frame ``indout``."""
    return pd.DataFrame({"indout": _x(mrio)}, index=mrio.labels)


def technical_coefficients(mrio: MRIO) -> pd.DataFrame:
    """``A = Z diag(x)⁻¹`` as a dense labelled frame (n²; for small systems and checks)."""
    return pd.DataFrame(_a(mrio).toarray(), index=mrio.labels, columns=mrio.labels)


def ghosh_coefficients(mrio: MRIO) -> pd.DataFrame:
    """``B = diag(x)⁻¹ Z`` (allocation coefficients) as a dense labelled frame."""
    return pd.DataFrame((sp.diags_array(_inverse(_x(mrio))) @ mrio.Z).toarray(), index=mrio.labels,
                        columns=mrio.labels)


def leontief_inverse(mrio: MRIO, method: str = "auto") -> pd.DataFrame:
    """``L = (I − A)⁻¹`` by solving ``(I − A) L = I`` column block by column block (dense n² result)."""
    solver = leontief_solver(mrio, method)
    return pd.DataFrame(solver.solve(np.eye(len(mrio.labels))), index=mrio.labels, columns=mrio.labels)


def ghosh_inverse(mrio: MRIO, method: str = "auto") -> pd.DataFrame:
    """``G = (I − B)⁻¹ = diag(x)⁻¹ L diag(x)`` (dense n² result)."""
    x = _x(mrio)
    values = _inverse(x)[:, None] * leontief_inverse(mrio, method).to_numpy() * x[None, :]
    return pd.DataFrame(values, index=mrio.labels, columns=mrio.labels)


def stressor_coefficients(mrio: MRIO, extension: str) -> pd.DataFrame:
    """``S = F diag(x)⁻¹``: stressor per unit of output (stressors × n)."""
    if extension not in mrio.extensions:
        raise NotFoundError(f"unknown extension {extension!r} (known: {', '.join(mrio.extensions) or 'none'})")
    key = f"S-{extension}"
    if key not in mrio._cache:
        stressors = mrio.extensions[extension].F
        mrio._cache[key] = stressors * _inverse(_x(mrio))[None, :]
    return mrio._cache[key]


def multipliers(mrio: MRIO, extension: str, method: str = "auto") -> pd.DataFrame:
    """``M = S L`` from ``Mᵀ = (I − A)⁻ᵀ Sᵀ``: stressor per unit of final demand (stressors × n)."""
    coefficients = stressor_coefficients(mrio, extension)
    values = leontief_solver(mrio, method).solve_transposed(coefficients.to_numpy().T).T
    return pd.DataFrame(values, index=coefficients.index, columns=mrio.labels)


def downstream_multipliers(mrio: MRIO, extension: str, method: str = "auto") -> pd.DataFrame:
    """``M_down = S (Gᵀ − I) = [L (S diag x)ᵀ]ᵀ diag(x)⁻¹ − S`` (pymrio's ``M_down``)."""
    coefficients = stressor_coefficients(mrio, extension)
    x = _x(mrio)
    weighted = leontief_solver(mrio, method).solve((coefficients.to_numpy() * x[None, :]).T).T
    return pd.DataFrame(weighted * _inverse(x)[None, :] - coefficients.to_numpy(), index=coefficients.index,
                        columns=mrio.labels)


@dataclass(frozen=True)
class Accounts:
    """Footprint accounts of one extension, as pymrio names them (stressors in rows)."""

    D_cba: pd.DataFrame
    D_pba: pd.DataFrame
    D_imp: pd.DataFrame | None
    D_exp: pd.DataFrame
    D_cba_reg: pd.DataFrame
    D_pba_reg: pd.DataFrame
    D_imp_reg: pd.DataFrame
    D_exp_reg: pd.DataFrame


def regional_multipliers(mrio: MRIO, extension: str, method: str = "auto",
                         regions: Sequence[str] | None = None,
                         stressors: Sequence[int] | None = None) -> np.ndarray:
    """``M⁽ʳ⁾ = S_r L`` for every region r (``S_r``: S with columns outside region r set to 0).

    Returns an array of shape (regions, stressors, n) in the order regions first appear in
    ``Y``'s columns (or of ``regions`` when given: only those, in one multi-right-hand-side
    solve of ``K`` columns per region; ``stressors``: positions of the stressors to keep);
    ``Σ_r M⁽ʳ⁾ = M`` when every producing region also has final demand.
    """
    s = stressor_coefficients(mrio, extension).to_numpy()
    if stressors is not None:
        s = s[np.asarray(stressors, dtype=np.int64)]
    chosen = pd.unique(mrio.Y.columns.get_level_values(0)) if regions is None else list(regions)
    row_region = pd.Index(mrio.labels.get_level_values(0))
    masked = np.concatenate([(s * (row_region == r)[None, :]).T for r in chosen], axis=1)
    solved = leontief_solver(mrio, method).solve_transposed(masked)  # n × (R·K)
    return solved.T.reshape(len(chosen), s.shape[0], -1)


def _import_regions(mrio: MRIO, sector_imports: bool | str | Sequence[str]) -> list | None:
    """The consumer regions whose sector-resolved ``D_imp`` is asked, in ``Y``'s order (``None``: none)."""
    if sector_imports is False:
        return None
    regions = list(pd.unique(mrio.Y.columns.get_level_values(0)))
    if sector_imports is True:
        return regions
    asked = [sector_imports] if isinstance(sector_imports, str) else list(sector_imports)
    unknown = sorted(set(map(str, asked)) - set(map(str, regions)))
    if unknown:
        raise NotFoundError(f"sector_imports: unknown region(s) {', '.join(unknown[:10])} "
                            f"(final-demand regions: {', '.join(map(str, regions[:10]))}…)")
    wanted = set(map(str, asked))
    return [region for region in regions if str(region) in wanted] or None


def _import_stressors(coefficients: pd.DataFrame, asked: Sequence[str] | None) -> np.ndarray:
    """Positions of the stressors whose ``D_imp`` is asked (all when ``None``)."""
    if asked is None:
        return np.arange(len(coefficients))
    asked = [asked] if isinstance(asked, str) else list(asked)
    found = pd.Index(coefficients.index).get_indexer(asked)
    if (found < 0).any():
        unknown = [str(name) for name, position in zip(asked, found, strict=True) if position < 0]
        raise NotFoundError(f"import_stressors: unknown stressor(s) {', '.join(unknown[:10])}")
    return np.unique(found)


def footprint_accounts(mrio: MRIO, extension: str, method: str = "auto",
                       sector_imports: bool | str | Sequence[str] = True,
                       multiplier: pd.DataFrame | None = None, regional: np.ndarray | None = None,
                       import_stressors: Sequence[str] | None = None) -> Accounts:
    """Consumption-, production-, import- and export-based accounts (pymrio ``calc_accounts``).

    ``sector_imports`` says for which consuming regions the sector-resolved ``D_imp`` is
    computed: all (``True``), none (``False``: ``D_imp`` is ``None``) or the regions listed
    (``D_imp`` then has only their columns). It costs K·R transposed solves
    (:func:`regional_multipliers`, with R the regions asked) or, with a dense LU and many
    stressors, the domestic blocks of :func:`~paxsilica.linalg.blocks.domestic_blocks` (all
    regions, ``⅔ n³`` flops); the cheaper is used. ``D_imp_reg`` is always computed, from
    ``X = L·[Y_1 … Y_R]``. ``import_stressors`` limits ``D_imp`` to the stressors named
    (its rows; the K of the cost above). ``multiplier`` and ``regional`` may pass results
    computed before (``regional`` for the regions and stressors asked).
    """
    solver = leontief_solver(mrio, method)
    coefficients = stressor_coefficients(mrio, extension)
    s = coefficients.to_numpy()
    asked = _import_regions(mrio, sector_imports)
    kept = _import_stressors(coefficients, import_stressors)
    blocks = None
    if asked is not None and regional is None:
        if _blocks_cheaper(len(mrio.labels), len(kept), len(asked)):
            blocks = _home_blocks(mrio, method)
        if blocks is None:
            regional = regional_multipliers(mrio, extension, method, asked, kept)
    if multiplier is None:
        multiplier = multipliers(mrio, extension, method)
    m = multiplier.to_numpy()
    demand, regions = _final_demand_by_region(mrio)                 # n × R
    row_regions = pd.Index(mrio.labels.get_level_values(0))
    sectors = pd.unique(mrio.labels.get_level_values(1))
    origins = pd.unique(row_regions)
    if len(origins) * len(sectors) != len(mrio.labels):
        raise MRIOInputError("labels must be a full region × sector grid in region-major order")
    columns = pd.MultiIndex.from_product([regions, sectors], names=[mrio.Y.columns.names[0] or "region",
                                                                    mrio.labels.names[1] or "sector"])
    shape = (len(origins), len(sectors))
    y_cube = demand.reshape(*shape, len(regions))              # r' × s × r
    # cba[k, r, s] = Σ_a m[k, a, s] y[a, s, r]: one BLAS product per sector (einsum's own loops
    # were 4x slower at the ICIO shape)
    per_sector = np.matmul(m.reshape(m.shape[0], *shape).transpose(2, 0, 1), y_cube.transpose(1, 0, 2))
    cba = np.ascontiguousarray(per_sector.transpose(1, 2, 0)).reshape(m.shape[0], -1)   # k × (r, s)
    induced = solver.solve(demand)                             # X = L·Y_agg, n × R
    x_total = induced.sum(axis=1)
    region_of_row = pd.Index(regions).get_indexer(row_regions)
    domestic = np.where(region_of_row >= 0, induced[np.arange(len(x_total)), np.maximum(region_of_row, 0)], 0.0)
    x_export = x_total - domestic
    index = coefficients.index
    d_cba = pd.DataFrame(cba, index=index, columns=columns)
    d_pba = pd.DataFrame(s * x_total[None, :], index=index, columns=mrio.labels)
    d_exp = pd.DataFrame(s * x_export[None, :], index=index, columns=mrio.labels)
    # Σ_i s[k, i] X[i, r] over rows i outside region r: one product with X's home entries
    # zeroed (a masked sum per region was 0.13 s at the ICIO shape)
    foreign = induced.copy()
    home_rows = np.flatnonzero(region_of_row >= 0)
    foreign[home_rows, region_of_row[home_rows]] = 0.0
    imports_reg = s @ foreign
    d_imp = None
    if asked is not None:
        chosen = pd.Index(regions).get_indexer(asked)
        if blocks is not None:  # Σ_j S[k, (r, j)] T[r, j, s] for each origin r
            per_origin = np.matmul(s[kept].reshape(len(kept), *shape).transpose(1, 0, 2), blocks).transpose(1, 0, 2)
            consumer = pd.Index(regions).get_indexer(origins)
            home = np.zeros((len(kept), len(regions), shape[1]))
            home[:, consumer[consumer >= 0]] = per_origin[:, consumer >= 0]
            home = home[:, chosen]
        else:
            home = np.einsum("rkas,asr->krs", regional.reshape(len(asked), len(kept), *shape), y_cube[:, :, chosen])
        imports = cba.reshape(m.shape[0], len(regions), shape[1])[kept][:, chosen] - home
        d_imp = pd.DataFrame(imports.reshape(len(kept), -1), index=index[kept],
                             columns=pd.MultiIndex.from_product([asked, sectors], names=columns.names))
    final = mrio.extensions[extension].F_Y
    f_y = 0 if final is None else _by_region(final, final.columns.names[0] or 0).reindex(columns=regions)
    return Accounts(
        D_cba=d_cba, D_pba=d_pba, D_imp=d_imp, D_exp=d_exp,
        D_cba_reg=_by_region(d_cba, columns.names[0]) + f_y,
        D_pba_reg=_by_region(d_pba, mrio.labels.names[0]).reindex(columns=regions) + f_y,
        D_imp_reg=pd.DataFrame(imports_reg, index=index, columns=pd.Index(regions, name=columns.names[0])),
        D_exp_reg=_by_region(d_exp, mrio.labels.names[0]).reindex(columns=regions),
    )


@dataclass(frozen=True)
class MRIOResults:
    """What :func:`calc_all` computes: output, and per extension S, M (and M_down) and accounts."""

    x: pd.DataFrame
    S: dict[str, pd.DataFrame]
    M: dict[str, pd.DataFrame]
    accounts: dict[str, Accounts]
    M_down: dict[str, pd.DataFrame] = field(default_factory=dict)


def calc_all(mrio: MRIO, extensions: list[str] | None = None, method: str = "auto", ghosh: bool = False,
             sector_imports: bool | str | Sequence[str] = True,
             import_stressors: Sequence[str] | None = None) -> MRIOResults:
    """Output, stressor coefficients, multipliers and footprint accounts — pymrio's ``calc_all``
    results without forming ``A``, ``L`` (or ``G``) densely. ``ghosh=True`` adds ``M_down``;
    ``sector_imports`` and ``import_stressors`` as in :func:`footprint_accounts` (the
    sector-resolved ``D_imp`` for all, none, or the consuming regions and stressors named)."""
    names = list(mrio.extensions) if extensions is None else extensions
    result = MRIOResults(output(mrio), {}, {}, {})
    asked = _import_regions(mrio, sector_imports)
    regions = list(pd.unique(mrio.Y.columns.get_level_values(0)))
    for name in names:
        result.S[name] = stressor_coefficients(mrio, name)
        n = len(mrio.labels)
        kept = _import_stressors(result.S[name], import_stressors)
        by_blocks = asked is not None and _blocks_cheaper(n, len(kept), len(asked)) and (
            _home_blocks(mrio, method) is not None)
        regional = (regional_multipliers(mrio, name, method, asked, kept) if asked is not None and not by_blocks
                    else None)
        covered = (asked == regions and len(kept) == len(result.S[name])
                   and set(regions) >= set(mrio.labels.get_level_values(0)))
        if regional is not None and covered:  # M = Σ_r S_r L: no separate solve needed
            result.M[name] = pd.DataFrame(regional.sum(axis=0), index=result.S[name].index, columns=mrio.labels)
        else:
            result.M[name] = multipliers(mrio, name, method)
        result.accounts[name] = footprint_accounts(mrio, name, method, asked if asked is not None else False,
                                                   result.M[name], regional, import_stressors)
        if ghosh:
            result.M_down[name] = downstream_multipliers(mrio, name, method)
    return result
