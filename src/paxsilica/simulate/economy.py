"""Losses beyond the stack: a simulation's losses carried through an economy-wide IO table.

The stack network models the AI stack's own chain; the rest of an economy (the industries
that buy gallium arsenide wafers or servers, and those that supply the stack's makers)
sits in an input-output table: the bundled US table or any MRIO a user gives (a pymrio
text folder, :func:`read_economy`, or any system pymrio parses — EXIOBASE, OECD ICIO,
Eora — passed as an object, :func:`economy_from_pymrio`). An item → industry mapping
(``item_id, sector``, optional ``share``) says in which industry of the table each stack
item is made.

Two channels, each a standard IO propagation applied to the run's totals (static: the
losses summed over the run are treated as one period of the table):

* **downstream (Ghosh, supply-driven)**. What the stack's producers failed to deliver to
  uses outside the stack in region ``r`` (:attr:`SimulationResult.outside_lost`, valued at
  the item's price) is a supply cut of the item's industry ``s`` to ``r``'s buyers, shared
  among them in proportion to what they buy from ``s`` in the table (final users included,
  whose share is lost consumption, not output). Each buyer loses output of the same value,
  and the loss passes on to its own buyers through the Ghosh inverse:
  ``Δx' = δ' (I − B)⁻¹``, ``B = diag(x)⁻¹ Z`` (Ghosh 1958; Miller & Blair 2009, ch. 12).
  Assumptions: fixed allocation shares (a seller's customers keep their shares of what is
  left), value-for-value loss (no amplification by the item's small cost share, so this
  is a floor for an essential input), no substitution, prices fixed.
* **upstream (Leontief, demand-driven)**. The stack's producers located in ``r`` make less
  (:meth:`SimulationResult.summary`'s ``loss_usd``, mapped to their industries): they buy
  less from their suppliers, ``Δx = (I − A)⁻¹ A d``, ``A = Z diag(x)⁻¹`` (Leontief 1936).
  Assumptions: fixed technical coefficients, the lost output ``d`` is the only change, no
  inventory or price response. The direct loss ``d`` itself is the stack's.

Value added lost = output lost × the table's value-added ratio of each industry (its factor
inputs, else output less intermediate inputs). The stack's own value added lost (direct)
is reported beside, from the cited ratios. Double counting to keep in mind: the table's
intra-industry purchases (e.g. semiconductors bought by semiconductor makers) overlap with
stack flows the simulation already models.

Example (one region, two industries: gallium refiners sell 10 to chipmakers, which make
100, of which 60 is value added; a 1-unit cut of gallium to the region's other users):
    >>> import scipy.sparse as sp
    >>> table = EconomyTable(pd.DataFrame({"region": ["USA", "USA"], "sector": ["ga", "chips"]}),
    ...                      sp.csr_matrix([[0.0, 10.0], [0.0, 0.0]]), np.array([10.0, 100.0]),
    ...                      np.array([10.0, 60.0]), usd=1.0)
    >>> downstream_losses(table, pd.DataFrame({"region": ["USA"], "sector": ["ga"], "usd": [1.0]}))
    array([0., 1.])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.errors import RowError, ValidationError
from paxsilica.linalg.solvers import solve
from paxsilica.simulate.money import read_value_added, usd_per_unit
from paxsilica.simulate.mrio import read_mrio_folder
from paxsilica.simulate.result import SimulationResult

__all__ = ["EconomyTable", "bea_economy", "downstream_losses", "economy_from_pymrio", "economy_losses",
           "load_economy", "read_economy", "upstream_losses"]


@dataclass(frozen=True, eq=False)
class EconomyTable:
    """An economy-wide IO table: ``industries`` (region, sector), annual ``z`` and output
    ``x``, value added ``va`` (table units), the USD per table unit, and final use ``y``
    (``n × R``, by the regions ``final_regions``; optional)."""

    industries: pd.DataFrame
    z: sp.csr_matrix
    x: np.ndarray
    va: np.ndarray
    usd: float
    y: np.ndarray | None = None
    final_regions: tuple[str, ...] = ()
    name: str = ""

    def index(self) -> dict[tuple[str, str], int]:
        """Position of each (region, sector)."""
        return {(str(r), str(s)): i for i, (r, s) in enumerate(zip(self.industries["region"],
                                                                   self.industries["sector"], strict=True))}

    def va_ratio(self) -> np.ndarray:
        """Value added ÷ output per industry (0 where output is 0), clipped to 0–1."""
        return np.clip(np.divide(self.va, self.x, out=np.zeros_like(self.x), where=self.x > 0), 0.0, 1.0)


def read_economy(path: str | Path, *, usd_per_table_unit: float | None = None) -> EconomyTable:
    """An economy table from a pymrio text folder (its unit must be USD, or give the rate)."""
    net = read_mrio_folder(path)
    usd = usd_per_table_unit if usd_per_table_unit is not None else usd_per_unit(net.unit)
    if usd is None:
        raise ValidationError([RowError(str(path), None, "unit", f"table unit {net.unit!r} is not US dollars "
                                        "(give the USD per table unit)")])
    x = net.output()
    va = read_value_added(path, net)
    if va is None:
        va = x - np.asarray(net.z.sum(axis=0)).ravel()
    return EconomyTable(net.industries, net.z, x, va, float(usd), net.final, tuple(net.regions), Path(path).name)


def economy_from_pymrio(system: object, *, usd_per_table_unit: float | None = None) -> EconomyTable:
    """An economy table from a pymrio ``IOSystem`` (any format pymrio parses)."""
    z = getattr(system, "Z", None)
    y = getattr(system, "Y", None)
    if not isinstance(z, pd.DataFrame) or not isinstance(y, pd.DataFrame):
        raise ValidationError([RowError("<economy>", None, "Z", "not a pymrio system (needs Z and Y tables)")])
    unit = getattr(system, "unit", None)
    label = str(unit.iloc[0, 0]) if isinstance(unit, pd.DataFrame) and not unit.empty else ""
    usd = usd_per_table_unit if usd_per_table_unit is not None else usd_per_unit(label)
    if usd is None:
        raise ValidationError([RowError("<economy>", None, "unit", f"table unit {label!r} is not US dollars "
                                        "(give the USD per table unit)")])
    values = z.to_numpy(dtype=float)
    x = values.sum(axis=1) + y.to_numpy(dtype=float).sum(axis=1)
    factors = getattr(getattr(system, "factor_inputs", None), "F", None)
    va = (factors.to_numpy(dtype=float).sum(axis=0) if isinstance(factors, pd.DataFrame)
          else x - values.sum(axis=0))
    industries = pd.DataFrame({"region": z.index.get_level_values(0).astype(str),
                               "sector": z.index.get_level_values(1).astype(str)})
    by_region = y.T.groupby(level=0, sort=False).sum().T
    return EconomyTable(industries, sp.csr_matrix(values), x, va, float(usd), by_region.to_numpy(dtype=float),
                        tuple(str(r) for r in by_region.columns), str(getattr(system, "name", "") or ""))


def bea_economy() -> tuple[EconomyTable, pd.DataFrame]:
    """The bundled US table (BEA 2023 summary, industry by industry, millions of USD) and the
    bundled item → BEA industry mapping."""
    from paxsilica.io.bea import bea_io_table, item_industries

    bea = bea_io_table()
    industries = pd.DataFrame({"region": bea.Z.index.get_level_values(0).astype(str),
                               "sector": bea.Z.index.get_level_values(1).astype(str)})
    table = EconomyTable(industries, sp.csr_matrix(bea.Z.to_numpy()), bea.x.to_numpy(dtype=float),
                         bea.VA.to_numpy(dtype=float).sum(axis=0), 1e6,
                         bea.Y.to_numpy(dtype=float).sum(axis=1, keepdims=True), ("USA",),
                         f"BEA {bea.year} US summary table")
    mapping = item_industries().rename(columns={"bea_code": "sector"})[["item_id", "sector", "share"]]
    return table, mapping.assign(sector=mapping["sector"].astype(str))


_LOADED: dict[tuple, tuple[EconomyTable, pd.DataFrame]] = {}


def load_economy(ref: object, base_dir: str | Path = ".") -> tuple[EconomyTable, pd.DataFrame]:
    """The table and mapping a scenario's ``economy:`` names (loaded once per process)."""
    table_name = getattr(ref, "table", None)
    mrio, mapping, usd = getattr(ref, "mrio", None), getattr(ref, "mapping", None), getattr(ref, "usd_per_unit", None)
    base = Path(base_dir)
    key = (table_name, str((base / mrio).resolve()) if mrio else None,
           str((base / mapping).resolve()) if mapping else None, usd)
    if key not in _LOADED:
        if table_name == "bea-us":
            table, items = bea_economy()
        else:
            table, items = read_economy(base / str(mrio), usd_per_table_unit=usd), None
        if mapping is not None:
            items = _read_mapping(base / mapping)
        _LOADED[key] = (table, items)  # type: ignore[assignment]
    return _LOADED[key]


def _read_mapping(path: Path) -> pd.DataFrame:
    """An ``item_id, sector[, share]`` CSV, checked (file, row and column in every error)."""
    from paxsilica.io.tables import read_table

    table = read_table(path)
    frame = table.frame
    problems = [RowError(table.file, None, c, f"missing column '{c}'") for c in ("item_id", "sector")
                if c not in frame.columns]
    if problems:
        raise ValidationError(problems)
    share = (pd.to_numeric(frame["share"], errors="coerce").astype(float).to_numpy() if "share" in frame
             else np.ones(len(frame)))
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(share) | (share < 0) | (share > 1)
    if bad.any():
        raise ValidationError([RowError(table.file, table.row(int(p)), "share", "not a share between 0 and 1")
                               for p in np.flatnonzero(bad)][:50])
    return pd.DataFrame({"item_id": frame["item_id"].astype(str), "sector": frame["sector"].astype(str),
                         "share": share})


def _vector(table: EconomyTable, shocks: pd.DataFrame) -> np.ndarray:
    """``region, sector, usd`` rows → a vector in table units (rows outside the table ignored)."""
    where = table.index()
    vector = np.zeros(len(table.industries))
    for region, sector, usd in zip(shocks["region"], shocks["sector"], shocks["usd"], strict=True):
        position = where.get((str(region), str(sector)))
        if position is not None and np.isfinite(usd):
            vector[position] += usd / table.usd
    return vector


def downstream_losses(table: EconomyTable, cuts: pd.DataFrame) -> np.ndarray:
    """Output lost (USD) per industry when industry ``sector`` delivers ``usd`` less to the
    users of ``region`` (Ghosh; see the module docstring). Rows whose region or sector the
    table lacks are ignored."""
    n = len(table.industries)
    regions = table.industries["region"].astype(str).to_numpy()
    z = table.z.tocsr()
    lost_input = np.zeros(n)
    sectors = table.industries["sector"].astype(str).to_numpy()
    columns = {r: i for i, r in enumerate(table.final_regions)}
    for region, sector, usd in zip(cuts["region"], cuts["sector"], cuts["usd"], strict=True):
        suppliers = np.flatnonzero(sectors == str(sector))
        if suppliers.size == 0 or not np.isfinite(usd) or usd == 0:
            continue
        sold = np.asarray(z[suppliers].sum(axis=0)).ravel() * (regions == str(region))
        final = (float(table.y[suppliers, columns[str(region)]].sum())
                 if table.y is not None and str(region) in columns else 0.0)
        total = sold.sum() + final
        if total > 0:  # final users' share is lost consumption, not output
            lost_input += usd / table.usd * sold / total
    x_inverse = np.divide(1.0, table.x, out=np.zeros_like(table.x), where=table.x > 0)
    b = sp.diags(x_inverse) @ z  # Ghosh allocation coefficients
    return solve(b, lost_input, transpose=True) * table.usd


def upstream_losses(table: EconomyTable, lost_output: pd.DataFrame) -> np.ndarray:
    """Output lost (USD) per industry by the suppliers of industries that make ``usd`` less
    (Leontief, the direct loss itself excluded; see the module docstring)."""
    d = _vector(table, lost_output)
    x_inverse = np.divide(1.0, table.x, out=np.zeros_like(table.x), where=table.x > 0)
    a = table.z.tocsr() @ sp.diags(x_inverse)
    return solve(a, a @ d) * table.usd


def economy_losses(result: SimulationResult, table: EconomyTable, mapping: pd.DataFrame) -> pd.DataFrame:
    """The run's losses in the table's economy: ``region, sector, channel, output_loss_usd,
    value_added_loss_usd`` with channel ``direct`` (the stack's own producers located in the
    table's regions, valued with the cited ratios), ``upstream`` and ``downstream``.

    ``mapping``: ``item_id, sector`` (+ ``share`` of the item's value in that industry,
    default 1) — the industry of the table each stack item is made in.
    """
    mapping = mapping.assign(share=mapping.get("share", 1.0))
    regions = set(table.industries["region"].astype(str))
    summary = result.summary()
    located = summary[summary["region"].isin(regions)]
    direct = located.merge(mapping, left_on="sector", right_on="item_id")
    lost_output = pd.DataFrame({"region": direct["region"], "sector": direct["sector_y"],
                                "usd": direct["loss_usd"].fillna(0.0) * direct["share"]})
    cuts = _outside_cuts(result, regions, mapping)
    va = table.va_ratio()
    rows = [pd.DataFrame({"region": direct["region"], "sector": direct["sector_y"], "channel": "direct",
                          "output_loss_usd": lost_output["usd"],
                          "value_added_loss_usd": direct["value_added_loss_usd"] * direct["share"]})]
    for channel, values in (("upstream", upstream_losses(table, lost_output)),
                            ("downstream", downstream_losses(table, cuts))):
        rows.append(pd.DataFrame({"region": table.industries["region"].astype(str),
                                  "sector": table.industries["sector"].astype(str), "channel": channel,
                                  "output_loss_usd": values, "value_added_loss_usd": values * va}))
    frame = pd.concat(rows, ignore_index=True)
    frame = frame[frame["output_loss_usd"].abs() > 0]
    return (frame.groupby(["region", "sector", "channel"], as_index=False, sort=True)
            [["output_loss_usd", "value_added_loss_usd"]].sum(min_count=1))


def _outside_cuts(result: SimulationResult, regions: set[str], mapping: pd.DataFrame) -> pd.DataFrame:
    """Outside deliveries the stack failed to make into the table's regions, USD by (region,
    industry of the item)."""
    if result.outside_lost is None or result.price is None:
        return pd.DataFrame(columns=["region", "sector", "usd"])
    columns = [i for i, r in enumerate(result.final_regions) if str(r) in regions]
    lost = result.outside_lost[:, columns] * result.price[:, None]
    frame = pd.DataFrame(lost, columns=[result.final_regions[i] for i in columns])
    frame["item_id"] = result.industries["sector"].to_numpy()
    long = frame.melt(id_vars="item_id", var_name="region", value_name="usd")
    long = long.merge(mapping, on="item_id")
    long["usd"] = long["usd"] * long["share"]
    return long.groupby(["region", "sector"], as_index=False)["usd"].sum()
