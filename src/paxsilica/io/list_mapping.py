"""One row-to-entity routine for every CSV restricted-party list, driven by a column mapping
declared as data (``io/lists.yaml``, validated by :class:`ListMapping`).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dod.csv"
    >>> _ = path.write_text("name,aliases,country,date_listed,notice\\n"
    ...     "Autel Robotics Co. Ltd.,Autel,,2025-01-07,FR 2025-01-07\\n")
    >>> read_mapped_list(path, list_mapping("dod_1260h"))[["entity_id", "countries"]].to_dict("records")
    [{'entity_id': 'dod1260h-autel-robotics-co-ltd', 'countries': ['CHN']}]
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.io.restricted import check_columns, entity_frame, list_countries, list_date, split_multi
from paxsilica.io.tables import read_table
from paxsilica.io.yamlfile import load_yaml

__all__ = ["ListMapping", "list_mapping", "read_mapped_list", "slug"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cell(_Spec):
    """Where one entity field comes from."""

    column: str | None = None
    columns: list[str] = Field(default_factory=list)
    value: str | None = None
    prefix: str = ""
    slug: bool = False
    multi: bool = False
    map: dict[str, str] = Field(default_factory=dict)
    default: str | None = None


class CountrySource(_Spec):
    """One column holding countries."""

    column: str
    address: bool = False
    lenient: bool = False
    ftm_codes: bool = False
    default: list[str] = Field(default_factory=list)


class DateCell(_Spec):
    column: str
    timestamp: bool = False
    required: bool = False


class ListMapping(_Spec):
    """How one list format's columns map onto the entity columns."""

    label: str
    required: list[str]
    entity_id: Cell
    schema_: Cell = Field(alias="schema")
    name: Cell
    aliases: Cell = Cell()
    countries: list[CountrySource] = Field(default_factory=list)
    identifiers: Cell = Cell()
    programs: Cell = Cell()
    dataset: Cell = Cell()
    listed_on: DateCell | None = None


def slug(text: str) -> str:
    """Lower-case ASCII id from a name: ``"ZTE Corp."`` → ``"zte-corp"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@cache
def _mappings() -> dict[str, ListMapping]:
    text = resources.files("paxsilica.io").joinpath("lists.yaml").read_text(encoding="utf-8")
    return {name: ListMapping.model_validate(spec)
            for name, spec in load_yaml(text, "lists.yaml").data.items()}


def list_mapping(name: str) -> ListMapping:
    """The declared mapping of a list format (``opensanctions``, ``csl``, ``fcc_covered``,
    ``dod_1260h``)."""
    try:
        return _mappings()[name]
    except KeyError:
        raise NotFoundError(f"no list format {name!r} (known: {', '.join(_mappings())})") from None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == ""


def _cell(row: dict, cell: Cell) -> object:
    if cell.value is not None:
        return cell.value
    raw = next((row.get(c) for c in ([cell.column] if cell.column else []) + cell.columns
                if not _blank(row.get(c))), None)
    if cell.multi:
        return split_multi(raw)
    if cell.map or cell.default is not None:
        key = str(raw).lower() if not _blank(raw) else None
        return cell.map.get(key, cell.default) if cell.map else (raw if key else cell.default)
    if _blank(raw):
        return None
    text = slug(str(raw)) if cell.slug else raw
    return f"{cell.prefix}{text}" if cell.prefix else text


def _address_countries(addresses: object) -> list[str]:
    return [address.rsplit(",", 1)[-1].strip() for address in split_multi(addresses)
            if "," in address]


def _countries(row: dict, sources: list[CountrySource], file: str, line: int,
               errors: list[RowError]) -> list[str]:
    found: list[str] = []
    for source in sources:
        values = (_address_countries(row.get(source.column)) if source.address
                  else split_multi(row.get(source.column))) or source.default
        for code in list_countries(values, file, line, source.column,
                                   [] if source.lenient else errors, ftm_codes=source.ftm_codes):
            if code not in found:
                found.append(code)
    return found


def _listed_on(row: dict, spec: DateCell | None, file: str, line: int,
               errors: list[RowError]) -> str | None:
    if spec is None:
        return None
    listed = list_date(row.get(spec.column), file, line, spec.column, errors,
                       timestamp=spec.timestamp)
    if spec.required and _blank(row.get(spec.column)):
        errors.append(RowError(file, line, spec.column,
                               "expected a date YYYY-MM-DD, got an empty cell"))
    return listed


def read_mapped_list(path: str | Path, mapping: ListMapping) -> pd.DataFrame:
    """Entities of a list CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`), each
    row mapped by ``mapping``.

    Raises:
        ValidationError: missing columns, empty ids or names, duplicate ids, unknown
            countries, a date that is not a real date (or missing where required).
    """
    table = read_table(path)
    check_columns(table, mapping.required, mapping.label)
    errors: list[RowError] = []
    records, rows = [], []
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        countries = _countries(row, mapping.countries, table.file, line, errors)
        records.append({
            "entity_id": _cell(row, mapping.entity_id),
            "schema": _cell(row, mapping.schema_),
            "name": _cell(row, mapping.name),
            "aliases": _cell(row, mapping.aliases) or [],
            "countries": countries,
            "identifiers": _cell(row, mapping.identifiers) or [],
            "programs": _cell(row, mapping.programs),
            "dataset": _cell(row, mapping.dataset),
            "listed_on": _listed_on(row, mapping.listed_on, table.file, line, errors),
        })
        rows.append(line)
    if errors:
        raise ValidationError(errors)
    return entity_frame(records, table.file, rows)
