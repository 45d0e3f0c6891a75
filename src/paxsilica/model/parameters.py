"""Item parameters: the economy's data about each catalogue item (issue 18, contract B).

A row says, for one item, country (``WLD`` by default) and year, the value of one declared
parameter: world output, price, value-added ratio, qualification time, substitutable share,
service life or consumption share. The parameters themselves are data
(``catalog/parameters.yaml``, :func:`parameter_specs`); the record is
:class:`ItemParameter` (:mod:`paxsilica.model.parameter_record`); this module reads the
network's rows (:func:`item_parameter`).

Example:
    >>> row = ItemParameter(item_id="gallium", parameter="price", year=2024, value=520,
    ...                     unit="USD/kg Ga", source="USGS MCS 2025", confidence="high")
    >>> row.country, row.basis
    ('WLD', 'reported')
    >>> parameter_specs()["value_added_ratio"].unit
    'share'
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.model.parameter_record import (
    ItemParameter,
    ParameterBasis,
    ParameterSpec,
    output_unit_problem,
    parameter_specs,
    price_unit,
)

__all__ = ["PARAMETER_COLUMNS", "ItemParameter", "ParameterBasis", "ParameterSpec",
           "item_parameter", "output_unit_problem", "parameter_specs", "price_unit"]

PARAMETER_COLUMNS = ["item_id", "country", "year", "value", "low", "high", "unit", "basis",
                     "confidence", "source", "source_url", "note"]


def _year_limit(as_of: date | str | int | None) -> int:
    if isinstance(as_of, int) and not isinstance(as_of, bool):
        return as_of
    return as_date(as_of).year  # type: ignore[arg-type]


def item_parameter(net: StackNetwork, name: str, *,
                   as_of: date | str | int | None = None) -> pd.DataFrame:
    """The latest figures of parameter ``name``: one row per item (and country, for
    parameters given by country), from each item's latest year on or before ``as_of``
    whose rows are not projections.

    ``as_of``: a date, ISO date or year (``None``: today). The year is chosen per item, so
    the countries of one item all come from one year. ``low``/``high`` equal ``value``
    where the row gives no range (``ranged`` says which rows gave one). Columns
    :data:`PARAMETER_COLUMNS` + ``ranged``, sorted by item and country; items without a
    row are absent (unsized, unpriced…), never zero.

    Raises:
        NotFoundError: ``name`` is not a declared parameter (the message lists them).

    >>> from paxsilica.model.network import StackNetwork
    >>> from paxsilica.store import open_store
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> prices = item_parameter(net, "price", as_of=2025)
    >>> prices.set_index("item_id").loc["gallium", "unit"]
    'USD/kg Ga'
    """
    if name not in parameter_specs():
        raise NotFoundError(f"unknown parameter {name!r} (known: {', '.join(parameter_specs())})")
    limit = _year_limit(as_of)
    if limit < 1900:
        raise ParameterError(f"as_of year {limit} is before 1900")
    rows = net.item_parameters
    if rows.empty:
        return pd.DataFrame(columns=[*PARAMETER_COLUMNS, "ranged"])
    rows = rows[(rows["parameter"] == name) & (rows["basis"] != "projection")
                & (rows["year"].astype(int) <= limit)]
    latest = rows.groupby("item_id")["year"].transform("max")
    rows = rows[rows["year"] == latest]
    out = rows.reindex(columns=PARAMETER_COLUMNS).astype({"value": float, "low": float,
                                                          "high": float})
    out["ranged"] = out["low"].notna() | out["high"].notna()
    out["low"] = out["low"].fillna(out["value"])
    out["high"] = out["high"].fillna(out["value"])
    return out.sort_values(["item_id", "country"]).reset_index(drop=True)
