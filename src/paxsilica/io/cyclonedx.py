"""Read a CycloneDX JSON bill of materials (hardware, software and ML-model components).

Parsed with ``cyclonedx-python-lib``. Each component (nested components included)
becomes a BOM row: ``part_id`` = ``bom-ref`` (or the name), ``parent_id`` = the
enclosing component (or the BOM's ``metadata.component``), ``manufacturer`` = the
component's ``manufacturer`` (CycloneDX 1.6), else ``supplier``, else ``author``/
``publisher``; ``category``, ``country_of_origin`` and ``quantity`` come from the
properties ``paxsilica:category``, ``paxsilica:country_of_origin`` and
``paxsilica:quantity``; without a category, software types map to ``software``
(firmware and operating systems to ``operating_software``) and
``machine-learning-model`` to ``ml_model``.

Example:
    >>> import json, tempfile, pathlib
    >>> doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
    ...        "components": [{"type": "firmware", "bom-ref": "fw", "name": "Flight FW",
    ...                        "supplier": {"name": "Acme"}}]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.cdx.json"
    >>> _ = path.write_text(json.dumps(doc))
    >>> read_cyclonedx(path)[["part_id", "category", "manufacturer"]].to_dict("records")
    [{'part_id': 'fw', 'category': 'operating_software', 'manufacturer': 'Acme'}]
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
from cyclonedx.model.bom import Bom

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.bom_csv import BOM_COLUMNS
from paxsilica.io.restricted import read_text, strict_json

__all__ = ["read_cyclonedx"]

_TYPE_CATEGORY = {"firmware": "operating_software", "operating-system": "operating_software",
                  "machine-learning-model": "ml_model", "application": "software",
                  "library": "software", "framework": "software", "container": "software",
                  "platform": "software", "file": "software", "data": "software"}
PROPERTIES = ("paxsilica:category", "paxsilica:country_of_origin", "paxsilica:quantity")
"""The component properties paxsilica reads; each at most once per component."""
_SOFTWARE_TYPES = {"firmware", "operating-system", "application", "library", "framework",
                   "container", "platform", "file", "data"}


def _name(entity: object) -> str | None:
    name = getattr(entity, "name", None)
    return str(name) if name else None


def _row(component: object, parent: str | None) -> dict:
    props = {p.name: p.value for p in getattr(component, "properties", []) or []}
    kind = component.type.value if component.type is not None else "library"
    manufacturer = (_name(getattr(component, "manufacturer", None))
                    or _name(component.supplier) or (component.publisher or None)
                    or (getattr(component, "author", None) or None))
    category = props.get("paxsilica:category") or _TYPE_CATEGORY.get(kind)
    ref = component.bom_ref.value if component.bom_ref and component.bom_ref.value else None
    description = component.description or component.name
    if component.version:
        description = f"{description} {component.version}"
    return {"part_id": ref or component.name, "parent_id": parent, "description": description,
            "category": category, "manufacturer": manufacturer,
            "country_of_origin": props.get("paxsilica:country_of_origin"),
            "quantity": props.get("paxsilica:quantity", "1"),
            "component_type": ("ml-model" if kind == "machine-learning-model" else
                               "software" if kind in _SOFTWARE_TYPES else "hardware")}


def _property_problems(properties: object, file: str, position: int, where: str,
                       name: object) -> list[RowError]:
    """A ``paxsilica:`` property given twice with different values (which one would
    count?), or one paxsilica does not know (a typo would silently drop a category)."""
    if not isinstance(properties, list):
        return []
    values: dict[str, list[str]] = {}
    problems = []
    for prop in properties:
        if not isinstance(prop, dict) or not str(prop.get("name", "")).startswith("paxsilica:"):
            continue
        key = str(prop["name"])
        if key not in PROPERTIES:
            problems.append(RowError(file, position, where,
                                     f"component {name!r}: unknown property {key!r} (use "
                                     f"{', '.join(PROPERTIES)})"))
            continue
        values.setdefault(key, [])
        if str(prop.get("value")) not in values[key]:
            values[key].append(str(prop.get("value")))
    for key, found in values.items():
        if len(found) > 1:
            problems.append(RowError(file, position, where,
                                     f"component {name!r} has conflicting {key!r} values: "
                                     + ", ".join(repr(v) for v in found)))
    return problems


def _untyped(data: dict, file: str) -> list[RowError]:
    """An error for every component without its required ``type`` or with conflicting
    or unknown ``paxsilica:`` properties, by position (depth first,
    ``metadata.component`` first: the same order as the rows)."""
    errors: list[RowError] = []
    position = 0

    def visit(component: object, where: str) -> None:
        nonlocal position
        position += 1
        if not isinstance(component, dict):
            return
        name = component.get("bom-ref") or component.get("name")
        if not component.get("type"):
            errors.append(RowError(file, position, f"{where}.type",
                                   f"component {name!r} has no 'type' (required by "
                                   "CycloneDX: hardware, firmware, library, ...)"))
        errors.extend(_property_problems(component.get("properties"), file, position,
                                         f"{where}.properties", name))
        for index, child in enumerate(component.get("components") or []):
            visit(child, f"{where}.components[{index}]")

    metadata = data.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("component"), dict):
        visit(metadata["component"], "metadata.component")
    for index, component in enumerate(data.get("components") or []):
        visit(component, f"components[{index}]")
    return errors


def _document(text: str, file: str) -> object:
    try:
        return strict_json(text, file)
    except ValidationError as exc:
        raise ValidationError([RowError(e.file, e.row, e.field, "not a readable CycloneDX "
                                                                f"JSON BOM: {e.reason}")
                               for e in exc.errors]) from None


def read_cyclonedx(path: str | Path) -> pd.DataFrame:
    """BOM rows (``BOM_COLUMNS`` + ``component_type, row, file``); ``row`` is the
    component's position (1-based, depth first) since JSON has no lines per part.

    Raises:
        ValidationError: not JSON (or a duplicate key, or nesting deeper than
            :data:`~paxsilica.io.restricted.MAX_JSON_DEPTH`), not a CycloneDX document the
            library can read, a component without ``type``, or with a ``paxsilica:``
            property given twice with different values or unknown.
    """
    file = str(path)
    try:
        data = _document(read_text(path), file)
        if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
            raise ValueError("bomFormat is not 'CycloneDX'")
        missing = _untyped(data, file)
        if missing:
            raise ValidationError(missing)
        with warnings.catch_warnings():  # incomplete dependency graphs are fine here
            warnings.simplefilter("ignore", UserWarning)
            bom = Bom.from_json(data)  # type: ignore[attr-defined]
    except ValidationError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValidationError([RowError(file, None, None,
                                        f"not a readable CycloneDX JSON BOM: {reason}")]) from None
    rows: list[dict] = []
    root = bom.metadata.component if bom.metadata else None
    root_id = None
    if root is not None:
        rows.append(_row(root, None))
        root_id = rows[-1]["part_id"]

    def walk(components: object, parent: str | None) -> None:
        for component in components:
            rows.append(_row(component, parent))
            walk(component.components or [], rows[-1]["part_id"])

    walk(bom.components, root_id)
    frame = pd.DataFrame(rows, columns=[*BOM_COLUMNS, "component_type"], dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    frame["row"] = range(1, len(frame) + 1)
    frame["file"] = file
    return frame
