"""Money: the USD value of a network's units and its producers' value-added ratios.

* The stack network is in physical units; each item's price (USD per unit) and
  value-added ratio come from the cited item parameters (:mod:`paxsilica.simulate.items`).
* An MRIO is in money already: its unit (``unit.txt``, e.g. ``M USD``) gives the USD per
  network unit (:func:`usd_per_unit`); a table in another currency needs the scenario's
  ``network.usd_per_unit`` (no exchange rate is assumed). Value added of an industry is the
  sum of the table's factor inputs where it has them (pymrio's ``factor_inputs`` extension,
  e.g. EXIOBASE's taxes, wages and operating surplus), else its output less everything it
  buys from the table (``v_j = x_j − Σ_i Z_ij``: in an MRIO every intermediate input,
  imported or not, is in ``Z``); ``va_ratio = v/x``, clipped to 0–1.

Example:
    >>> usd_per_unit("M USD"), usd_per_unit("USD bn"), usd_per_unit("M.EUR")
    (1000000.0, 1000000000.0, None)
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.simulate.network import SimNetwork

__all__ = ["mrio_money", "read_value_added", "usd_per_unit"]

SCALES = [
    (r"\b(k|thousands?|thsd)\b", 1e3),
    (r"\b(m|mn|mio|mill|millions?)\b", 1e6),
    (r"\b(bn|b|billions?)\b", 1e9),
]


def usd_per_unit(unit: str) -> float | None:
    """USD per unit of ``unit`` (``None`` when it is not a USD amount).

    >>> usd_per_unit("USD"), usd_per_unit("thousand USD"), usd_per_unit("Mill USD"), usd_per_unit("t")
    (1.0, 1000.0, 1000000.0, None)
    """
    text = re.sub(r"[._/\-]+", " ", unit.strip().lower())
    if not re.search(r"\b(us)?usd\b|\bus\s?\$|\bus dollars?\b", text):
        return None
    for pattern, factor in SCALES:
        if re.search(pattern, text):
            return factor
    return 1.0


def read_value_added(folder: str | Path, net: SimNetwork) -> np.ndarray | None:
    """Value added per industry from a pymrio folder's ``factor_inputs/F.txt`` (all rows
    summed), ``None`` when the folder has no such extension; columns must be Z's industries."""
    path = Path(folder) / "factor_inputs" / "F.txt"
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path, sep="\t", header=[0, 1], index_col=0)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValidationError([RowError(str(path), None, None, f"not a pymrio extension table: {exc}")]) \
            from None
    labels = list(zip(net.industries["region"], net.industries["sector"], strict=True))
    columns = [(str(r), str(s)) for r, s in frame.columns]
    if columns != labels:
        raise ValidationError([RowError(str(path), None, None, "columns (region, sector) differ from Z's")])
    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy()
    if not np.isfinite(values).all():
        raise ValidationError([RowError(str(path), None, None, "value added: empty cell or not a number")])
    return values.sum(axis=0)


def mrio_money(net: SimNetwork, usd: float | None = None,
               value_added: np.ndarray | None = None) -> SimNetwork:
    """``net`` with ``price`` (USD per network unit: ``usd``, else from its unit) and
    ``va_ratio`` (``value_added / x``, else ``1 − Σ_i Z_ij / x_j``); a note when the unit
    is not USD."""
    output = net.output()
    if value_added is None:
        value_added = output - np.asarray(net.z.sum(axis=0)).ravel()
    va = np.divide(value_added, output, out=np.full(net.n, np.nan), where=output > 0)
    factor = usd if usd is not None else usd_per_unit(net.unit)
    notes = net.notes
    if factor is None:
        notes = (*notes, f"network unit {net.unit or '(none)'!r} is not US dollars: no loss_usd "
                         "(give the scenario's network.usd_per_unit)")
    price = np.full(net.n, np.nan if factor is None else float(factor))
    return replace(net, price=price, va_ratio=np.clip(va, 0.0, 1.0), notes=notes)
