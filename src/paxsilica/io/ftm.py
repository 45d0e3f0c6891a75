"""Read FollowTheMoney (FtM) entity streams: one JSON object per line.

Each line is ``{"id": ..., "schema": ..., "properties": {"name": [...], ...}}``
(values are lists of strings). Legal entities become list entities;
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
from paxsilica.io.restricted import country_codes, entity_frame, read_text

__all__ = ["ENTITY_SCHEMATA", "read_ftm"]

ENTITY_SCHEMATA = frozenset({"LegalEntity", "Company", "Organization", "PublicBody", "Person"})
IDENTIFIER_PROPERTIES = ("registrationNumber", "leiCode", "innCode", "ogrnCode", "taxNumber",
                         "idNumber", "uscCode", "swiftBic", "imoNumber", "dunsCode")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def _percentage(values: list[str]) -> float | None:
    for value in values:
        match = _NUMBER.search(str(value))
        if match:
            return float(match.group().replace(",", "."))
    return None


def read_ftm(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(entities, ownership)``; ownership columns ``owner, owned, percentage, source``.

    Raises:
        ValidationError: a line is not JSON or lacks ``id``/``schema``, an entity has no name,
            an ownership lacks owner/asset or has a percentage outside 0–100.
    """
    file = str(path)
    text = read_text(path)
    errors: list[RowError] = []
    records, rows, links = [], [], []
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
        props = data.get("properties") or {}
        schema = data["schema"]
        if schema == "Ownership":
            owner, asset = props.get("owner") or [], props.get("asset") or []
            share = _percentage(props.get("percentage") or [])
            if not owner or not asset:
                errors.append(RowError(file, number, "owner" if not owner else "asset",
                                       "Ownership needs an owner and an asset"))
            elif share is not None and not 0 < share <= 100:
                errors.append(RowError(file, number, "percentage",
                                       f"percentage {share} outside 0-100"))
            else:
                links.append({"owner": owner[0], "owned": asset[0], "percentage": share,
                              "source": data["id"]})
            continue
        if schema not in ENTITY_SCHEMATA:
            continue
        names = props.get("name") or []
        identifiers = [f"{key}:{value}" for key in IDENTIFIER_PROPERTIES
                       for value in props.get(key) or []]
        records.append({
            "entity_id": data["id"], "schema": schema, "name": names[0] if names else None,
            "aliases": names[1:] + (props.get("alias") or []) + (props.get("previousName") or []),
            "countries": country_codes((props.get("country") or [])
                                       + (props.get("jurisdiction") or [])),
            "identifiers": identifiers,
            "programs": "; ".join(props.get("program") or props.get("topics") or []) or None,
            "dataset": "; ".join(data.get("datasets") or []) or None,
            "listed_on": (data.get("first_seen") or "")[:10] or None,
            "target": data.get("target", True) is not False,
        })
        rows.append(number)
    if errors:
        raise ValidationError(errors)
    entities = entity_frame(records, file, rows)
    ownership = pd.DataFrame(links, columns=["owner", "owned", "percentage", "source"])
    return entities, ownership
