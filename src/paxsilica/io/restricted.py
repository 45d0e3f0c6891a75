"""The common shape of restricted-party list entities, whatever file they came from.

Every list reader (:mod:`~paxsilica.io.opensanctions`, :mod:`~paxsilica.io.ftm`,
:mod:`~paxsilica.io.csl`, :mod:`~paxsilica.io.fcc_covered`, :mod:`~paxsilica.io.dod_1260h`)
returns a DataFrame with :data:`ENTITY_COLUMNS`; list-valued cells are Python lists.

Example:
    >>> split_multi("Huawei; HUAWEI TECHNOLOGIES ;")
    ['Huawei', 'HUAWEI TECHNOLOGIES']
    >>> country_codes(["cn", "China", "Atlantis"])
    ['CHN', 'ATLANTIS']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import Table
from paxsilica.model.country import resolve_country

__all__ = ["ENTITY_COLUMNS", "check_columns", "country_codes", "entity_frame", "read_text",
           "split_multi"]

ENTITY_COLUMNS = ["entity_id", "schema", "name", "aliases", "countries", "identifiers",
                  "programs", "dataset", "listed_on", "target"]
"""entity_id: id in the list; schema: Company, Organization, Person…; aliases, countries
(ISO3 where recognised), identifiers: lists; programs: sanctions programme or reason;
dataset: the source list; listed_on: ISO date of listing when the list gives one;
target: False for entities a list carries only as context (FtM ``"target": false``, e.g. an
unlisted subsidiary); they are not screened but name ownership-path nodes."""


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``; a clear :class:`ValidationError` when missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError([RowError(str(path), None, None, f"no such file: {path}")])
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError([RowError(str(path), line, None,
                                        f"not valid UTF-8 at byte offset {exc.start}")]) from None


def split_multi(value: object, separator: str = ";") -> list[str]:
    """Split a multi-valued cell, dropping blanks (``None`` → ``[]``)."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def country_codes(values: Iterable[str]) -> list[str]:
    """ISO3 codes for names or codes; unrecognised values are kept upper-cased."""
    codes: list[str] = []
    for value in values:
        try:
            code = resolve_country(value)
        except KeyError:
            code = value.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def check_columns(table: Table, required: Iterable[str], what: str) -> None:
    """Raise one :class:`ValidationError` naming every missing column."""
    missing = [column for column in required if column not in table.frame.columns]
    if missing:
        raise ValidationError([RowError(table.file, 1, column,
                                        f"missing column for a {what} file") for column in missing])


def entity_frame(records: list[dict], file: str, rows: list[int]) -> pd.DataFrame:
    """Build the entity DataFrame; every record needs an ``entity_id`` and a ``name``.

    ``rows`` gives each record's line in ``file`` so errors can name it.
    """
    errors = []
    seen: dict[str, int] = {}
    for record, row in zip(records, rows, strict=True):
        if not record.get("name"):
            errors.append(RowError(file, row, "name", "empty name"))
        if not record.get("entity_id"):
            errors.append(RowError(file, row, "id", "empty id"))
        elif record["entity_id"] in seen:
            errors.append(RowError(file, row, "id", f"duplicate id {record['entity_id']!r} "
                                                    f"(first on row {seen[record['entity_id']]})"))
        else:
            seen[record["entity_id"]] = row
    if errors:
        raise ValidationError(errors)
    frame = pd.DataFrame.from_records(records, columns=ENTITY_COLUMNS)
    frame["target"] = [record.get("target", True) is not False for record in records]
    for column in ("aliases", "countries", "identifiers"):
        frame[column] = frame[column].map(lambda v: v if isinstance(v, list) else [])
    return frame
