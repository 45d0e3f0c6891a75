"""The US economy as one input-output table: BEA's summary Make and Use tables (issue 18).

The package bundles BEA's 2023 summary tables (Input-Output Accounts, before redefinitions,
producer prices, millions of current US dollars; public domain, US government work) as
``data/io/bea_summary_2023_{use,make}.csv`` (built by ``scripts/bundled_io.py``). This module
reads them, or any year's tables in the same layout, and turns the commodity-by-industry
accounts into a pymrio-like single-region industry-by-industry system under the *industry
technology* assumption (each industry makes its commodities with one input structure):

- ``D = V diag(q)⁻¹`` (market shares: industry *i*'s share of commodity *c*'s output *q*),
- ``Z = D U`` (industry *i*'s output used by industry *j*), ``Y = D F`` (final demand),
- value added ``VA`` (compensation, taxes less subsidies, gross operating surplus) per industry,

so that ``Z.sum(1) + Y.sum(1) = x = Z.sum(0) + VA.sum(0)`` (industry output, BEA's T008), up to
BEA's rounding. Labels are ``(region, sector) = ("USA", BEA code)``; :func:`us_io_system` returns
an :class:`~paxsilica.linalg.mrio.MRIO` with a ``value_added`` extension, ready for the
simulator. :func:`item_industries` maps catalogue items to BEA summary industries.

Example:
    >>> table = bea_io_table()
    >>> round(float(table.x.loc[("USA", "334")] / 1e3))  # computer and electronic products, bn USD
    414
    >>> bool(table.balance().abs().max() < 1e-3)  # BEA rounds to millions
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.io.tables import read_table
from paxsilica.limits import MAX_QUANTITY

__all__ = ["BEA_YEAR", "BEATable", "bea_io_table", "item_industries", "read_bea_table",
           "us_io_system"]

BEA_YEAR = 2023
"""Year of the bundled tables (the latest BEA publishes at the summary level, 1997-2023)."""
REGION = "USA"
VALUE_ADDED_ROWS = ("V001", "V002", "V003")
TOTAL_CODES = {"T001", "T004", "T005", "T006", "T007", "T008"}


def _bundled(name: str) -> Path:
    return Path(str(resources.files("paxsilica.data").joinpath("io").joinpath(name)))


def read_bea_table(path: str | Path) -> pd.DataFrame:
    """A BEA table in the bundled layout (``code, name``, one column per code; the second row
    holds column names): values as floats in millions of USD, empty cells 0, indexed by row
    code; ``attrs["names"]`` maps every code to its name.

    Raises:
        ValidationError: a missing file, a repeated row or column code, or a cell that is not
            a finite number (file, row and column named).
    """
    table = read_table(path)
    frame = table.frame
    for column in ("code", "name"):
        if column not in frame.columns:
            raise ValidationError([RowError(table.file, None, column, f"missing column '{column}'")])
    if frame.empty:
        raise ValidationError([RowError(table.file, None, None, "the file has no data rows")])
    names = dict(zip(frame.columns[2:], frame.iloc[0, 2:].fillna(""), strict=True))
    body = frame.iloc[1:]
    counts = body["code"].value_counts()  # one pass: a list.count per row was quadratic
    errors = [RowError(table.file, table.row(int(p)), "code", f"duplicate row code {code!r}")
              for p, code in enumerate(body["code"], start=1)
              if pd.notna(code) and counts.get(code, 0) > 1]
    errors += [RowError(table.file, table.row(int(p)), "code", "a data row without a code")
               for p, code in enumerate(body["code"], start=1) if pd.isna(code)]
    values = body.iloc[:, 2:]
    numbers = values.apply(lambda c: pd.to_numeric(c.fillna("0").str.replace(",", ""),
                                                   errors="coerce"))
    array = numbers.to_numpy(dtype=float)
    bad = ~np.isfinite(array)
    for row, column in zip(*np.nonzero(bad), strict=True):
        errors.append(RowError(table.file, table.row(int(row) + 1), str(values.columns[column]),
                               f"not a finite number: {values.iat[row, column]!r}"))
    with np.errstate(invalid="ignore"):
        huge = np.abs(np.where(bad, 0.0, array)) > MAX_QUANTITY  # sums would overflow
    for row, column in zip(*np.nonzero(huge), strict=True):
        errors.append(RowError(table.file, table.row(int(row) + 1), str(values.columns[column]),
                               f"{array[row, column]:g} is beyond the largest accepted magnitude "
                               f"({MAX_QUANTITY:g})"))
    if errors:
        raise ValidationError(errors[:50])
    out = numbers.astype(float)
    out.index = pd.Index(body["code"].astype(str), name="code")
    out.attrs["names"] = {**dict(zip(out.index, body["name"], strict=True)), **names}
    return out


@dataclass(frozen=True)
class BEATable:
    """An industry-by-industry table in millions of USD: ``Z`` (n × n), ``Y`` (n × final demand
    categories), ``VA`` (value-added components × n), ``x`` (industry output), ``names``."""

    Z: pd.DataFrame
    Y: pd.DataFrame
    VA: pd.DataFrame
    x: pd.Series
    names: dict[str, str]
    year: int

    def balance(self) -> pd.Series:
        """Relative gap between output by rows (``Z`` + ``Y``) and by columns (``Z`` + ``VA``)
        per industry: 0 for a balanced table."""
        rows = self.Z.sum(axis=1) + self.Y.sum(axis=1)
        columns = self.Z.sum(axis=0) + self.VA.sum(axis=0)
        return (rows - columns) / self.x.where(self.x != 0, 1.0)

    def value_added_ratio(self) -> pd.Series:
        """Value added ÷ output per industry (0-1 for a normal industry)."""
        return self.VA.sum(axis=0) / self.x.where(self.x != 0, np.nan)


def bea_io_table(use: str | Path | None = None, make: str | Path | None = None,
                 year: int = BEA_YEAR) -> BEATable:
    """The industry-by-industry table of a BEA Use and Make pair (the bundled 2023 tables by
    default), by the industry technology assumption (see the module docstring).

    Raises:
        ValidationError: a file cannot be read, or the tables disagree (an industry of Use is
            not an industry of Make, a commodity of Use is not a commodity of Make).
    """
    use_table = read_bea_table(use or _bundled(f"bea_summary_{BEA_YEAR}_use.csv"))
    make_table = read_bea_table(make or _bundled(f"bea_summary_{BEA_YEAR}_make.csv"))
    industries = [c for c in make_table.index if c not in TOTAL_CODES]
    commodities = [c for c in make_table.columns if c not in TOTAL_CODES]
    final = [c for c in use_table.columns if c.startswith("F")]
    problems = [f"industry {c!r} of the Use table is not a row of the Make table"
                for c in use_table.columns if c not in TOTAL_CODES and c not in final
                and c not in industries]
    problems += [f"commodity {c!r} of the Use table is not a column of the Make table"
                 for c in use_table.index if c not in TOTAL_CODES and not c.startswith("V")
                 and c not in commodities]
    if problems:
        raise ValidationError([RowError(str(use or "bundled Use table"), None, None, p)
                               for p in problems])
    V = make_table.loc[industries, commodities]  # noqa: N806 (IO notation)
    q = V.sum(axis=0)
    D = V / q.where(q != 0, np.inf)  # noqa: N806
    U = use_table.reindex(index=commodities, columns=industries, fill_value=0.0)  # noqa: N806
    F = use_table.reindex(index=commodities, columns=final, fill_value=0.0)  # noqa: N806
    labels = pd.MultiIndex.from_product([[REGION], industries], names=["region", "sector"])
    Z = pd.DataFrame(D.to_numpy() @ U.to_numpy(), index=labels, columns=labels)  # noqa: N806
    Y = pd.DataFrame(D.to_numpy() @ F.to_numpy(), index=labels,  # noqa: N806
                     columns=pd.MultiIndex.from_product([[REGION], final],
                                                        names=["region", "category"]))
    VA = use_table.reindex(index=list(VALUE_ADDED_ROWS), columns=industries, fill_value=0.0)  # noqa: N806
    VA.columns = labels
    x = pd.Series(V.sum(axis=1).to_numpy(), index=labels, name="x")
    return BEATable(Z, Y, VA, x, {**use_table.attrs["names"], **make_table.attrs["names"]}, year)


def us_io_system(table: BEATable | None = None) -> object:
    """The table as an :class:`~paxsilica.linalg.mrio.MRIO` (millions of USD) with a
    ``value_added`` extension (``F``: compensation, taxes less subsidies, operating surplus)."""
    from paxsilica.linalg.mrio import read_mrio

    table = table or bea_io_table()
    return read_mrio(table.Z, table.Y, {"value_added": table.VA})


def item_industries(path: str | Path | None = None) -> pd.DataFrame:
    """The mapping of catalogue items to BEA summary industries (``item_id, bea_code,
    bea_name, share, basis, confidence, note``); an item may map to several industries whose
    ``share`` adds up to 1.

    Raises:
        NotFoundError: the mapping file does not exist.
    """
    file = Path(path) if path else _bundled("item_bea_industries.csv")
    if not file.is_file():
        raise NotFoundError(f"no item-to-industry mapping at {file}")
    frame = read_table(file).frame
    return frame.assign(share=pd.to_numeric(frame["share"]))
