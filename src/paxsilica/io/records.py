"""Tables as JSON records: the one writer the CLI (``--format json``) and the service share.

Numbers are first rounded by :func:`rounded` (rules: :mod:`paxsilica.cli.output`).

Cells become JSON values: NaN and NaT become null, dates ISO text (a midnight timestamp,
as pandas reads a DATE column, the date alone), numpy scalars plain numbers.

Example:
    >>> import pandas as pd
    >>> json_records(pd.DataFrame({"day": pd.to_datetime(["2026-01-02"]), "x": [float("nan")]}))
    [{'day': '2026-01-02', 'x': None}]
    >>> ordered_columns(pd.DataFrame(columns=["z", "share", "item"]), ["item", "share"])
    ['item', 'share', 'z']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

__all__ = ["EXPOSURE_JSON_KEYS", "NOISE", "RULES", "NumberRule", "json_records", "jsonable",
           "ordered_columns", "rounded", "rounded_document"]

EXPOSURE_JSON_KEYS = ["item", "stage", "year", "country", "share", "hhi", "concern_share",
                      "coalition_share", "as_of", "sources"]
"""The first keys of each direct-exposure JSON record (the other columns follow)."""


def jsonable(value: object) -> object:
    """One cell as a JSON value (also a ``json.dumps`` ``default=``)."""
    if value is pd.NaT or (isinstance(value, float) and value != value):  # NaT, NaN
        return None
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()  # a DATE column read by pandas: no 00:00:00
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of JSON values (see :func:`jsonable`)."""
    return [{key: jsonable(value) for key, value in row.items()} for row in frame.to_dict("records")]


def ordered_columns(frame: pd.DataFrame, first: list[str]) -> list[str]:
    """``first`` (those present), then the frame's other columns in their order."""
    return [c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first]


@dataclass(frozen=True)
class NumberRule:
    """How to print the floats of the columns ``applies`` accepts (by name)."""

    applies: Callable[[str], bool]
    decimals: int | None
    """Decimal places; ``None`` keeps :data:`SIGNIFICANT` significant digits."""
    low: float = -math.inf
    high: float = math.inf
    whole: bool = False
    """Print as a whole number (an int in JSON)."""


def _is_share(name: str) -> bool:
    return (name == "share" or name.endswith("_share") or "_share_" in name
            or name in {"output_lost", "dependence"})


SIGNIFICANT = 10
RULES: list[NumberRule] = [
    NumberRule(lambda name: name == "hhi", 0, 0, 10_000, whole=True),
    NumberRule(_is_share, 4, 0, 1),
    NumberRule(lambda name: name == "change", 4, -1, 1),
]
"""First rule that applies wins; floats of other columns keep :data:`SIGNIFICANT` digits."""


def _rule(name: str) -> NumberRule | None:
    return next((rule for rule in RULES if rule.applies(name)), None)


def _round(value: float, rule: NumberRule | None) -> float | int:
    if not math.isfinite(value):
        return value
    if rule is None:
        return float(f"{value:.{SIGNIFICANT}g}") + 0.0  # + 0.0 turns -0.0 into 0.0
    value = min(max(round(value, rule.decimals or 0), rule.low), rule.high) + 0.0
    return int(value) if rule.whole else value


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every float column rounded and clamped by :data:`RULES`."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not pd.api.types.is_float_dtype(series) and not (
                series.dtype == object and series.map(lambda v: isinstance(v, float)).any()):
            continue
        rule = _rule(str(column))
        values = [_round(v, rule) if isinstance(v, float) and v == v else v
                  for v in series.tolist()]
        if rule is not None and rule.whole:
            out[column] = pd.Series([None if isinstance(v, float) and v != v else v for v in values],
                                    index=out.index, dtype=object)
        else:
            out[column] = pd.Series(values, index=out.index, dtype=series.dtype)
    return out


NOISE = 1e-9
"""A loss whose share of the industry's own output is below this is float noise: written 0."""


def _is_loss(name: str) -> bool:
    return name.endswith("_loss") or (name.startswith("loss_") and not _is_share(name)) \
        or name.endswith("_loss_usd")


def rounded_document(document: dict) -> dict:
    """A result document (a simulation's ``{"scenario", "days", "series", "summary", …}``)
    with every list of records rounded as :func:`rounded` rounds a table, and losses that
    are float noise (a row whose ``loss_share`` is under :data:`NOISE` in size) written 0.

    >>> rounded_document({"days": 2, "summary": [
    ...     {"sector": "a", "production_loss": -1.5e-08, "loss_share": -7.1e-10, "days": None},
    ...     {"sector": "b", "production_loss": 12.000000000004, "loss_share": 0.123456, "days": 3}]})
    {'days': 2, 'summary': [{'sector': 'a', 'production_loss': 0.0, 'loss_share': 0.0, 'days': None}, \
{'sector': 'b', 'production_loss': 12.0, 'loss_share': 0.1235, 'days': 3}]}
    """
    out = {}
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            rows = [dict(row) for row in value]
            for row in rows:
                share = row.get("loss_share")
                if isinstance(share, float) and abs(share) < NOISE:
                    row.update({name: 0.0 for name, cell in row.items()
                                if _is_loss(name) and isinstance(cell, float)})
            frame = pd.DataFrame(rows)
            for column in frame.columns:  # whole numbers (a count of days) stay whole
                cells = [row.get(column) for row in rows]
                if all(cell is None or (isinstance(cell, int) and not isinstance(cell, bool))
                       for cell in cells):
                    frame[column] = pd.Series(cells, index=frame.index, dtype=object)
            out[key] = json_records(rounded(frame))
        elif isinstance(value, dict):  # a nested part (the economy's totals and industries)
            out[key] = rounded_document(value)
        else:
            out[key] = value
    return out
