"""Load and validate a bill of materials (CSV or CycloneDX JSON) as one labelled table.

Checks (all rows, every problem reported at once, file/row/field named):
unique non-empty ``part_id``; ``parent_id`` names a part of the BOM; no cycles
through ``parent_id`` (the parts of each cycle are named); ``category`` in the
vocabulary (``categories.yaml``); ``manufacturer`` present; ``quantity`` a finite
number ≥ 0; ``country_of_origin`` a recognisable country.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD,,Drone,system,Acme,Taiwan,1\\n"
    ...     "FC,D,Flight controller,flight_controller,Acme,TW,1\\n")
    >>> bom = load_bom(path)
    >>> bom.parts[["part_id", "country_of_origin", "covered"]].values.tolist()
    [['D', 'TWN', False], ['FC', 'TWN', True]]
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.bom_csv import read_bom_csv
from paxsilica.io.cyclonedx import read_cyclonedx
from paxsilica.io.restricted import name_length_problem
from paxsilica.io.yamlfile import load_yaml
from paxsilica.model.country import resolve_country

__all__ = ["BillOfMaterials", "categories", "load_bom", "validate_bom"]


@cache
def categories() -> dict[str, dict]:
    """The category vocabulary: ``{name: {covered: bool, description: str}}``."""
    text = resources.files("paxsilica.certify").joinpath("categories.yaml").read_text("utf-8")
    return load_yaml(text, "categories.yaml").data["categories"]


@dataclass(frozen=True)
class BillOfMaterials:
    """A validated BOM: ``parts`` table, source file, format and SHA-256 of the file bytes."""

    parts: pd.DataFrame
    file: str
    format: str
    sha256: str

    def summary(self) -> dict:
        """``{file, format, sha256, parts}`` as recorded in certificates."""
        return {"file": Path(self.file).name, "format": self.format, "sha256": self.sha256,
                "parts": len(self.parts)}


def _cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Every cycle of the parent relation, each as the list of its parts."""
    state: dict[str, int] = {}
    cycles = []
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1 and node in path:
            cycles.append(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return cycles


def validate_bom(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed, checked copy of the reader's rows (see module docstring).

    Raises:
        ValidationError: with one :class:`RowError` per problem.
    """
    known = categories()
    errors: list[RowError] = []
    rows: dict[str, int] = {}
    countries, quantities = [], []
    for record in frame.to_dict("records"):
        file, line = record["file"], int(record["row"])
        part = record.get("part_id")
        if not part:
            errors.append(RowError(file, line, "part_id", "empty part_id"))
        elif part in rows:
            errors.append(RowError(file, line, "part_id",
                                   f"duplicate part_id {part!r} (first on row {rows[part]})"))
        else:
            rows[part] = line
        category = record.get("category")
        if not category:
            errors.append(RowError(file, line, "category", "category is empty (use one of: "
                                                           f"{', '.join(known)})"))
        elif category not in known:
            errors.append(RowError(file, line, "category",
                                   f"unknown category {category!r} (use one of: "
                                   f"{', '.join(known)})"))
        if not record.get("manufacturer"):
            errors.append(RowError(file, line, "manufacturer", "missing manufacturer"))
        elif (reason := name_length_problem(record["manufacturer"])) is not None:
            errors.append(RowError(file, line, "manufacturer", reason))
        try:
            quantity = float(record.get("quantity") or "nan")
        except ValueError:
            quantity = float("nan")
        if not math.isfinite(quantity) or quantity < 0:
            errors.append(RowError(file, line, "quantity",
                                   f"expected a finite number >= 0, got {record.get('quantity')!r}"))
        quantities.append(quantity)
        origin = record.get("country_of_origin")
        code = None
        if origin:
            try:
                code = resolve_country(origin)
            except KeyError as exc:
                errors.append(RowError(file, line, "country_of_origin", exc.args[0]))
        countries.append(code)
    parents = {}
    for record in frame.to_dict("records"):
        parent = record.get("parent_id")
        if parent and parent not in rows:
            errors.append(RowError(record["file"], int(record["row"]), "parent_id",
                                   f"unknown parent {parent!r}"))
        if record.get("part_id"):
            parents[record["part_id"]] = parent if parent in rows else None
    for cycle in _cycles(parents):
        first = min(cycle, key=lambda p: rows[p])
        errors.append(RowError(frame["file"].iloc[0], rows[first], "parent_id",
                               "cycle through parent_id: " + " -> ".join([*cycle, cycle[0]])))
    if errors:
        raise ValidationError(errors)
    parts = frame.copy()
    parts = parts.astype(object).where(parts.notna(), None)
    parts["country_of_origin"] = pd.Series(countries, dtype=object, index=parts.index)
    parts["quantity"] = quantities
    parts["covered"] = [bool(known[c]["covered"]) for c in parts["category"]]
    return parts


def load_bom(path: str | Path) -> BillOfMaterials:
    """Read (CSV, or CycloneDX JSON for ``.json``) and validate a BOM file."""
    path = Path(path)
    is_json = path.suffix.lower() == ".json"
    frame = read_cyclonedx(path) if is_json else read_bom_csv(path)
    if frame.empty:
        raise ValidationError([RowError(str(path), None, None, "the BOM has no parts")])
    parts = validate_bom(frame)
    return BillOfMaterials(parts=parts, file=str(path),
                           format="cyclonedx" if is_json else "csv",
                           sha256=hashlib.sha256(path.read_bytes()).hexdigest())
