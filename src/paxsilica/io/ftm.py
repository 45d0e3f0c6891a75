"""Read FollowTheMoney (FtM) entity streams: one JSON object per line.

Each line is ``{"id": ..., "schema": ..., "properties": {"name": [...], ...}}``
(values are lists of strings; a plain string is read as a one-value list). Legal
entities become list entities;
``Ownership`` entities (``owner``, ``asset``, ``percentage``) become ownership
links. Other schemata (addresses, sanctions, identifications) are ignored. An entity
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

import json
import re
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

__all__ = ["ENTITY_SCHEMATA", "read_ftm"]

ENTITY_SCHEMATA = frozenset({"LegalEntity", "Company", "Organization", "PublicBody", "Person"})
IDENTIFIER_PROPERTIES = ("registrationNumber", "leiCode", "innCode", "ogrnCode", "taxNumber",
                         "idNumber", "uscCode", "swiftBic", "imoNumber", "dunsCode")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


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


def read_ftm(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(entities, ownership)``; ownership columns ``owner, owned, percentage, source``.

    Raises:
        ValidationError: a line is not a JSON object with ``id``, ``schema`` and an object
            of ``properties``; an entity has no name, a bad country or date; an ownership
            lacks owner/asset, has a percentage that is not a number in (0, 100], owns
            itself, or the owners of one entity hold more than 100% in total.
    """
    file = str(path)
    text = read_text(path)
    errors: list[RowError] = []
    records, rows, links, link_rows = [], [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(file, number, None, f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            errors.append(RowError(file, number, "id", "an FtM entity needs 'id' and 'schema'"))
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
            continue
        if schema not in ENTITY_SCHEMATA:
            continue
        names = props.get("name") or []
        identifiers = [f"{key}:{value}" for key in IDENTIFIER_PROPERTIES
                       for value in props.get(key) or []]
        first_seen = data.get("first_seen")
        records.append({
            "entity_id": data["id"], "schema": schema, "name": names[0] if names else None,
            "aliases": names[1:] + (props.get("alias") or []) + (props.get("previousName") or []),
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
        ownership = check_ownership(ownership, file, rows=link_rows, allow_missing=True)
    except ValidationError as exc:
        errors += exc.errors
    if errors:
        raise ValidationError(sorted(errors, key=lambda e: e.row or 0))
    entities = entity_frame(records, file, rows)
    return entities, ownership
