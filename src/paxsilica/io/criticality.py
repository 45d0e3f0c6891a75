"""Readers of the criticality inputs (MATERIALS, USES, SECTORS, SHARES CSV files).

Every cell is checked before any computation; the problems of one file are raised
together as one :class:`~paxsilica.errors.ValidationError` naming file, row and field.
The computations are in :mod:`paxsilica.analytics.criticality`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import Table, read_table

__all__ = [
    "EU_COLUMNS",
    "USGS_COLUMNS",
    "attr_row",
    "check_supply_scopes",
    "read_eu_materials",
    "read_sectors",
    "read_shares",
    "read_uses",
    "read_usgs_materials",
]

EU_COLUMNS = ["material", "hhi_gs", "hhi_eu", "import_reliance", "eol_rir", "si_sr"]
USGS_COLUMNS = ["material", "disruption_potential", "trade_exposure", "economic_vulnerability"]
HHI_MAX = 1.2  # HHI_WGI,t / 10 can exceed 1 only through the trade factor t (≤ 1.2)
SHARE_TOLERANCE = 1e-6


def _check_columns(table: Table, required: list[str]) -> list[RowError]:
    return [RowError(table.file, None, column, "missing column")
            for column in required if column not in table.frame.columns]


def _numbers(table: Table, column: str, errors: list[RowError], low: float | None = 0.0,
             high: float | None = 1.0, required: bool = True, what: str = "a fraction 0-1") -> pd.Series:
    """Parse one column as floats; record a RowError for each bad cell (blank → NaN if allowed)."""
    values = []
    for row, cell in zip(table.rows(), table.frame[column].tolist(), strict=True):
        if cell is None:
            if required:
                errors.append(RowError(table.file, row, column, "empty; a number is required"))
            values.append(float("nan"))
            continue
        try:
            value = float(str(cell))
        except ValueError:
            errors.append(RowError(table.file, row, column, f"not a number: {cell!r}"))
            values.append(float("nan"))
            continue
        if value != value or (low is not None and value < low) or (high is not None and value > high):
            errors.append(RowError(table.file, row, column, f"{cell} is outside {what}"))
        values.append(value)
    return pd.Series(values, index=table.frame.index, dtype=float)


def _names(table: Table, column: str, errors: list[RowError], unique: bool) -> pd.Series:
    seen: dict[str, int] = {}
    for row, cell in zip(table.rows(), table.frame[column].tolist(), strict=True):
        if cell is None:
            errors.append(RowError(table.file, row, column, "empty; a name is required"))
        elif unique and cell in seen:
            errors.append(RowError(table.file, row, column, f"'{cell}' repeats row {seen[cell]}"))
        else:
            seen.setdefault(str(cell), row)
    return table.frame[column]


def attr_row(frame: pd.DataFrame, position: int) -> int:
    """The file line of a read frame's row (``attrs["rows"]``, set by the readers here)."""
    rows = frame.attrs.get("rows")
    return rows[position] if rows is not None else position + 2


def _raise(errors: list[RowError]) -> None:
    if errors:
        raise ValidationError(errors)


def read_eu_materials(path: Path) -> pd.DataFrame:
    """MATERIALS.csv for ``eu-crm``: one row per material, fractions 0-1 (hhi_* up to 1.2).

    A blank ``hhi_gs`` or ``hhi_eu`` means that supply scope is not used; ``import_reliance``
    may then be blank. Optional ``si_ei`` and ``ei``; other columns are passed through (as numbers when
    every cell is a plain number, else as text).
    """
    table = read_table(path)
    _raise(_check_columns(table, EU_COLUMNS))
    errors: list[RowError] = []
    frame = table.frame.copy()
    frame["material"] = _names(table, "material", errors, unique=True)
    for column in ("hhi_gs", "hhi_eu"):
        frame[column] = _numbers(table, column, errors, high=HHI_MAX, required=False,
                                 what=f"0-{HHI_MAX} (HHI_WGI,t / 10)")
    frame["import_reliance"] = _numbers(table, "import_reliance", errors, required=False)
    for column in ("eol_rir", "si_sr"):
        frame[column] = _numbers(table, column, errors)
    if "si_ei" in frame:
        frame["si_ei"] = _numbers(table, "si_ei", errors, required=False)
    if "ei" in frame:
        frame["ei"] = _numbers(table, "ei", errors, high=None, required=False, what="a value ≥ 0")
    _raise(errors)
    for column in frame.columns.difference([*EU_COLUMNS, "si_ei", "ei"]):
        frame[column] = _passed_through(frame[column])
    frame.attrs.update(file=table.file, rows=table.rows())
    return frame


NUMBER = r"[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|[+-]?0?\.\d+"


def _passed_through(column: pd.Series) -> pd.Series:
    """An extra column as numbers when every filled cell is a plain number (``2017``,
    ``0.25``), else unchanged text; codes with leading zeros (``0012``) stay text."""
    filled = column.dropna().astype(str).str.strip()
    filled = filled[filled != ""]
    if filled.empty or not filled.str.fullmatch(NUMBER).all():
        return column
    numbers = pd.to_numeric(column.where(column.astype(str).str.strip() != ""), errors="coerce")
    integral = numbers.dropna().mod(1).eq(0).all() and not filled.str.contains(r"[.eE]").any()
    return numbers.astype("Int64") if integral else numbers


def check_supply_scopes(materials: pd.DataFrame) -> None:
    """Each material needs hhi_gs or hhi_eu, and import_reliance when it has both."""
    errors = []
    file = materials.attrs.get("file", "materials")
    for position, (gs, eu, ir) in enumerate(zip(materials["hhi_gs"], materials["hhi_eu"],
                                                materials["import_reliance"], strict=True)):
        row = attr_row(materials, position)
        if pd.isna(gs) and pd.isna(eu):
            errors.append(RowError(file, row, "hhi_gs", "hhi_gs and hhi_eu are both empty; give at least one"))
        elif pd.notna(gs) and pd.notna(eu) and pd.isna(ir):
            errors.append(RowError(file, row, "import_reliance",
                                   "empty; required when both hhi_gs and hhi_eu are given"))
    _raise(errors)


def read_usgs_materials(path: Path) -> pd.DataFrame:
    """MATERIALS.csv for ``usgs-2021``: ``material`` and three indicators, fractions 0-1."""
    table = read_table(path)
    _raise(_check_columns(table, USGS_COLUMNS))
    errors: list[RowError] = []
    frame = table.frame.copy()
    frame["material"] = _names(table, "material", errors, unique=True)
    for column in USGS_COLUMNS[1:]:
        frame[column] = _numbers(table, column, errors)
    _raise(errors)
    return frame


def read_uses(path: Path, materials: pd.Series) -> pd.DataFrame:
    """USES.csv ``material,sector,share``: shares 0-1, materials known, ≤ 1 per material."""
    table = read_table(path)
    _raise(_check_columns(table, ["material", "sector", "share"]))
    errors: list[RowError] = []
    frame = table.frame.copy()
    _names(table, "material", errors, unique=False)
    _names(table, "sector", errors, unique=False)
    frame["share"] = _numbers(table, "share", errors)
    known = set(materials)
    totals: dict[str, float] = {}
    for row, material, share in zip(table.rows(), frame["material"], frame["share"], strict=True):
        if material is None:
            continue
        if material not in known:
            errors.append(RowError(table.file, row, "material", f"'{material}' is not in the materials file"))
            continue
        before = totals.get(material, 0.0)
        totals[material] = before + (0.0 if pd.isna(share) else share)
        if before <= 1.0 + SHARE_TOLERANCE < totals[material]:
            errors.append(RowError(table.file, row, "share",
                                   f"shares of '{material}' add up to more than 1 ({totals[material]:.4g}) "
                                   "by this row"))
    _raise(errors)
    frame.attrs.update(file=table.file, rows=table.rows())
    return frame


def read_sectors(path: Path, uses: pd.DataFrame) -> pd.DataFrame:
    """SECTORS.csv ``sector,value_added`` (≥ 0, unique); every sector of USES.csv must appear."""
    table = read_table(path)
    _raise(_check_columns(table, ["sector", "value_added"]))
    errors: list[RowError] = []
    frame = table.frame.copy()
    _names(table, "sector", errors, unique=True)
    frame["value_added"] = _numbers(table, "value_added", errors, high=None, what="a value ≥ 0")
    if not errors and not (frame["value_added"] > 0).any():
        errors.append(RowError(table.file, None, "value_added", "every value_added is 0; EI is relative "
                                                                "to the largest sector, so one must be > 0"))
    known = set(frame["sector"].dropna())
    for position, sector in enumerate(uses["sector"].tolist()):
        if sector is not None and sector not in known:
            errors.append(RowError(uses.attrs.get("file", "uses"), attr_row(uses, position),
                                   "sector", f"'{sector}' is not in {table.file}"))
    _raise(errors)
    return frame


def read_shares(path: Path, materials: pd.Series) -> pd.DataFrame:
    """SHARES.csv ``material,scope,country,share,wgi[,t]``: to compute HHI_WGI,t per scope.

    ``scope`` is ``gs`` or ``eu``; ``share`` a fraction 0-1; ``wgi`` the governance score
    rescaled to 0-10 (10 = worst); ``t`` the trade factor, > 0 (default 1).
    """
    table = read_table(path)
    _raise(_check_columns(table, ["material", "scope", "country", "share", "wgi"]))
    errors: list[RowError] = []
    frame = table.frame.copy()
    _names(table, "country", errors, unique=False)
    frame["share"] = _numbers(table, "share", errors)
    frame["wgi"] = _numbers(table, "wgi", errors, high=10.0, what="0-10 (scaled WGI)")
    frame["t"] = (_numbers(table, "t", errors, low=1e-9, high=None, required=False, what="a factor > 0")
                  .fillna(1.0) if "t" in frame else 1.0)
    known = set(materials)
    seen: dict[tuple, int] = {}
    totals: dict[tuple, float] = {}
    for row, material, scope, country, share in zip(
            table.rows(), frame["material"], frame["scope"], frame["country"], frame["share"], strict=True):
        if material not in known:
            errors.append(RowError(table.file, row, "material", f"'{material}' is not in the materials file"))
        if scope not in ("gs", "eu"):
            errors.append(RowError(table.file, row, "scope", f"{scope!r} is not 'gs' or 'eu'"))
        key = (material, scope, country)
        if country is not None and key in seen:
            errors.append(RowError(table.file, row, "country", f"'{country}' repeats row {seen[key]} "
                                                               f"for {material} ({scope})"))
        seen.setdefault(key, row)
        before = totals.get(key[:2], 0.0)
        totals[key[:2]] = before + (0.0 if pd.isna(share) else share)
        if before <= 1.0 + SHARE_TOLERANCE < totals[key[:2]]:
            errors.append(RowError(table.file, row, "share", f"shares of '{material}' ({scope}) add up to "
                                                             f"more than 1 ({totals[key[:2]]:.4g}) by this row"))
    _raise(errors)
    return frame
