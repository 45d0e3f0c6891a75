"""Read FollowTheMoney (FtM) entity streams: one JSON object per line.

Each line is ``{"id": ..., "schema": ..., "properties": {"name": [...], ...}}``
(values are lists of strings; a plain string is read as a one-value list). Legal
entities become list entities;
``Ownership`` entities (``owner``, ``asset``, ``percentage``) become ownership
links: a link whose ``endDate`` is past is dropped (a former owner), and the same owner and
asset given by several links (OpenSanctions merges datasets) is one link, with the largest
percentage; so the owners of one entity may add up to more than 100% here, unlike in an
ownership CSV. Other schemata (addresses, sanctions, identifications) are ignored. An entity
marked ``"target": false`` (OpenSanctions' flag for context entities such as unlisted
subsidiaries) is kept with ``target`` False: not screened, but used to name ownership nodes.

Example:
    >>> import tempfile, pathlib, json
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "e.ftm.json"
    >>> lines = [{"id": "a", "schema": "Company", "properties": {"name": ["Acme"],
    ...           "country": ["cn"]}},
    ...          {"id": "o1", "schema": "Ownership", "properties": {"owner": ["a"],
    ...           "asset": ["b"], "percentage": ["60%"]}}]
    >>> _ = path.write_text("\\n".join(json.dumps(line) for line in lines))
    >>> entities, ownership = read_ftm(path)
    >>> entities["name"].tolist(), ownership.to_dict("records")
    (['Acme'], [{'owner': 'a', 'owned': 'b', 'percentage': 60.0, 'source': 'o1'}])
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.restricted import (
    check_ownership,
    entity_frame,
    list_countries,
    list_date,
    read_text,
)
from paxsilica.io.tables import json_objects

__all__ = ["ALIAS_PROPERTIES", "ENTITY_SCHEMATA", "read_ftm"]

ENTITY_SCHEMATA = frozenset({"LegalEntity", "Company", "Organization", "PublicBody", "Person"})
IDENTIFIER_PROPERTIES = ("registrationNumber", "leiCode", "innCode", "ogrnCode", "taxNumber",
                         "idNumber", "uscCode", "swiftBic", "imoNumber", "dunsCode")
ALIAS_PROPERTIES = ("alias", "previousName", "weakAlias")
"""FtM name properties screened as aliases: other names, former names, weak aliases
(short or common names the designating authority lists as such)."""
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_FTM_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?")
"""FtM dates are ISO prefixes: ``2021``, ``2021-05``, ``2021-05-04``, ``2021-05-04T10:00``."""


def _last_day(value: str) -> date | None:
    """The last day an FtM date can mean (``2021`` → 2021-12-31); ``None`` if not a date."""
    match = _FTM_DATE.fullmatch(value)
    if not match:
        return None
    year_text, month_text, day_text = match.groups()
    year, month = int(year_text), int(month_text or 12)
    try:
        if day_text is None:
            return date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, int(day_text))
    except (ValueError, calendar.IllegalMonthError):
        return None


def _ended(values: list[str], file: str, line: int, errors: list[RowError]) -> bool:
    """Whether an ``Ownership`` link's ``endDate`` is before today (a bad date is an error)."""
    ends = [_last_day(value) for value in values]
    for value, end in zip(values, ends, strict=True):
        if end is None:
            errors.append(RowError(file, line, "properties.endDate",
                                   f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}"))
    known = [end for end in ends if end is not None]
    return bool(known) and max(known) < date.today()


def _percentage(values: list[str]) -> float | str | None:
    """The first number in the values (``"60%"`` → 60.0); the raw text when there is
    none (``check_ownership`` reports it), ``None`` when there is no value."""
    for value in values:
        match = _NUMBER.search(value)
        if match:
            return float(match.group().replace(",", "."))
    return values[0] if values else None


def _properties(data: dict, file: str, line: int,
                errors: list[RowError]) -> dict[str, list[str]] | None:
    """``properties`` as ``{name: [text, ...]}``; a plain string or number is a one-value
    list. Anything else adds a :class:`RowError` and gives ``None``."""
    props = data.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        errors.append(RowError(file, line, "properties", "expected an object of property "
                                                         f"lists, got a {type(props).__name__}"))
        return None
    out: dict[str, list[str]] = {}
    for key, value in props.items():
        values = value if isinstance(value, list) else [] if value is None else [value]
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                   for v in values):
            errors.append(RowError(file, line, f"properties.{key}",
                                   "expected a string or a list of strings"))
            return None
        out[key] = [str(v).strip() for v in values if str(v).strip()]
    return out


def _json_kind(value: object) -> str:
    """``value``'s JSON type, for messages: ``an array``, ``an object``, ``a number``…"""
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "a string",
             list: "an array", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


def _text_problem(value: object) -> str | None:
    """Why ``value`` is not a usable ``id`` or ``schema`` (a non-blank string), or ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "an FtM entity needs 'id' and 'schema'"
    if not isinstance(value, str):
        return f"expected a string, got {_json_kind(value)}"
    return None


def _current(links: pd.DataFrame, ended: list[bool]) -> pd.DataFrame:
    """Links without the ended ones, one per (owner, asset): the largest percentage (a
    link without one only when no other gives one), in file order."""
    links = links[~pd.Series(ended, index=links.index, dtype=bool)]
    largest = links.sort_values("percentage", ascending=False, kind="stable", na_position="last")
    return largest.drop_duplicates(["owner", "owned"]).sort_index().reset_index(drop=True)


def read_ftm(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(entities, ownership)``; ownership columns ``owner, owned, percentage, source``.

    Raises:
        ValidationError: a line is not a JSON object with string ``id`` and ``schema`` and
            an object of ``properties``; an entity has no name, a bad country or date; an
            ownership lacks owner/asset, has a percentage that is not a number in (0, 100]
            or an ``endDate`` that is not a date, or owns itself.
    """
    file = str(path)
    text = read_text(path)
    errors: list[RowError] = []
    records, rows, links, link_rows, ended = [], [], [], [], []
    for number, data in json_objects(text, file, errors, describe=_json_kind):
        problems = [RowError(file, number, field, reason) for field in ("id", "schema")
                    if (reason := _text_problem(data.get(field)))]
        if problems:
            errors += problems
            continue
        props = _properties(data, file, number, errors)
        if props is None:
            continue
        schema = data["schema"]
        if schema == "Ownership":
            owner, asset = props.get("owner") or [], props.get("asset") or []
            if not owner or not asset:
                errors.append(RowError(file, number, "owner" if not owner else "asset",
                                       "Ownership needs an owner and an asset"))
                continue
            links.append({"owner": owner[0], "owned": asset[0],
                          "percentage": _percentage(props.get("percentage") or []),
                          "source": data["id"]})
            link_rows.append(number)
            ended.append(_ended(props.get("endDate") or [], file, number, errors))
            continue
        if schema not in ENTITY_SCHEMATA:
            continue
        names = props.get("name") or []
        identifiers = [f"{key}:{value}" for key in IDENTIFIER_PROPERTIES
                       for value in props.get(key) or []]
        first_seen = data.get("first_seen")
        records.append({
            "entity_id": data["id"], "schema": schema, "name": names[0] if names else None,
            "aliases": list(dict.fromkeys(names[1:] + [a for key in ALIAS_PROPERTIES
                                                       for a in props.get(key) or []])),
            "countries": list_countries((props.get("country") or [])
                                        + (props.get("jurisdiction") or []),
                                        file, number, "properties.country", errors, ftm_codes=True),
            "identifiers": identifiers,
            "programs": "; ".join(props.get("program") or props.get("topics") or []) or None,
            "dataset": "; ".join(str(d) for d in data.get("datasets") or []) or None,
            "listed_on": list_date(first_seen, file, number, "first_seen", errors,
                                   timestamp=True),
            "target": data.get("target", True) is not False,
        })
        rows.append(number)
    ownership = pd.DataFrame(links, columns=["owner", "owned", "percentage", "source"])
    try:
        ownership = _current(check_ownership(ownership, file, rows=link_rows,
                                             allow_missing=True, limit_totals=False), ended)
    except ValidationError as exc:
        errors += exc.errors
    if errors:
        raise ValidationError(sorted(errors, key=lambda e: e.row or 0))
    entities = entity_frame(records, file, rows)
    return entities, ownership
