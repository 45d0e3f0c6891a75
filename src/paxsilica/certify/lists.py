"""Restricted-party lists: detect a file's format, load it, keep versions in the store.

A :class:`RestrictedList` is the entities (and, for FtM files, ownership links) of
one version of one list. Versions live in three tables of their own in the
DuckDB store (``restricted_lists``, ``restricted_entities``,
``restricted_ownership``, declared in :mod:`paxsilica.store.schema`); importing the
same name and version again replaces it, in one transaction.

Example:
    >>> lst = load_list(bundled_list_path("fcc_covered"))
    >>> lst.name, lst.format, lst.version, len(lst.entities)
    ('fcc_covered', 'fcc_covered', '2026-03-23', 13)

A bundled sample's version is the ``as_of`` date its citation in
``data/lists/sources.yaml`` gives (the date it was last checked against the
publisher), not its latest listing date.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.io.csl import read_csl
from paxsilica.io.dod_1260h import read_dod_1260h
from paxsilica.io.fcc_covered import read_fcc_covered
from paxsilica.io.ftm import read_ftm
from paxsilica.io.opensanctions import read_opensanctions
from paxsilica.io.restricted import ENTITY_COLUMNS
from paxsilica.io.tables import not_a_file
from paxsilica.store.database import Store

__all__ = [
    "BUNDLED_LISTS",
    "RestrictedList",
    "bundled_list_as_of",
    "bundled_list_path",
    "bundled_list_sources",
    "bundled_sample_digests",
    "combined_entities",
    "detect_list_format",
    "entity_names",
    "import_list",
    "list_scope",
    "load_list",
    "load_stored_list",
    "resolve_lists",
    "stored_lists",
]

BUNDLED_LISTS = {"fcc_covered": "fcc_covered.csv", "dod_1260h": "dod_1260h.csv",
                 "csl_sample": "csl_sample.csv"}
OWNERSHIP_COLUMNS = ["owner", "owned", "percentage", "source"]


@dataclass(frozen=True)
class RestrictedList:
    """One version of one list: entities (``ENTITY_COLUMNS``) and ownership links."""

    name: str
    version: str
    format: str
    sha256: str
    entities: pd.DataFrame
    ownership: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=OWNERSHIP_COLUMNS))

    def summary(self) -> dict:
        """``{name, version, format, sha256, rows, bundled_sample}`` as recorded in
        certificates (:func:`list_scope` adds the list's date and age)."""
        return {"name": self.name, "version": self.version, "format": self.format,
                "sha256": self.sha256, "rows": len(self.entities),
                "bundled_sample": self.sha256 in bundled_sample_digests()}


@cache
def _bundled_digest_names() -> dict[str, str]:
    return {hashlib.sha256(bundled_list_path(name).read_bytes()).hexdigest(): name
            for name in BUNDLED_LISTS}


def bundled_sample_digests() -> frozenset[str]:
    """SHA-256 of the bundled sample list files: a list with one of these digests is a
    sample (however it was given: ``bundled:NAME``, the file, or imported into a store)."""
    return frozenset(_bundled_digest_names())


@cache
def bundled_list_sources() -> dict[str, dict]:
    """The citation of each bundled sample list (``data/lists/sources.yaml``), by list name:
    ``list``, ``publisher``, ``url``, ``year``, ``as_of`` (a ``date``, when given),
    ``confidence``, ``notes``.

    >>> bundled_list_sources()["fcc_covered"]["publisher"].startswith("Federal Communications")
    True
    """
    text = (resources.files("paxsilica.data").joinpath("lists").joinpath("sources.yaml")
            .read_text(encoding="utf-8"))
    by_file = {entry["file"]: entry for entry in yaml.safe_load(text)["lists"]}
    return {name: by_file.get(file, {}) for name, file in BUNDLED_LISTS.items()}


def bundled_list_as_of(name: str) -> date | None:
    """The date a bundled sample stands for (``as_of`` in ``sources.yaml``), or ``None``.

    >>> bundled_list_as_of("fcc_covered")
    datetime.date(2026, 3, 23)
    """
    value = bundled_list_sources().get(name, {}).get("as_of")
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def list_scope(lst: RestrictedList, issued: date, max_age_days: int | None) -> tuple[dict, list[str]]:
    """The list's certificate record (:meth:`RestrictedList.summary` plus ``as_of``, the
    date its version names, and ``age_days`` on ``issued``) and the warnings it calls
    for: a bundled sample, a list older than ``max_age_days``, a version that is no date.

    Example:
        >>> lst = load_list(bundled_list_path("fcc_covered"))
        >>> record, warnings = list_scope(lst, date(2027, 1, 1), 365)
        >>> record["as_of"], record["age_days"], record["bundled_sample"]
        ('2026-03-23', 284, True)
        >>> print(warnings[0][:60])
        list fcc_covered is a bundled SAMPLE of a few entries, not t
    """
    record = lst.summary()
    warnings = []
    if record["bundled_sample"]:
        warnings.append(f"list {lst.name} is a bundled SAMPLE of a few entries, not the "
                        "complete or current list: import the current list before relying "
                        "on this certificate")
    try:
        as_of: date | None = date.fromisoformat(str(lst.version)[:10])
    except ValueError:
        as_of = None
    record["as_of"] = as_of.isoformat() if as_of else None
    record["age_days"] = (issued - as_of).days if as_of else None
    if as_of is None:
        warnings.append(f"list {lst.name} version {lst.version!r} is not a date: its age is "
                        "unknown")
    elif max_age_days is not None and record["age_days"] > max_age_days:
        warnings.append(f"list {lst.name} is {record['age_days']} days old (version "
                        f"{as_of.isoformat()}; more than {max_age_days} days)")
    return record, warnings


def bundled_list_path(name: str) -> Path:
    """Path of a bundled sample list (``fcc_covered``, ``dod_1260h``, ``csl_sample``)."""
    return Path(str(resources.files("paxsilica.data").joinpath("lists").joinpath(BUNDLED_LISTS[name])))


def detect_list_format(path: str | Path) -> str:
    """``opensanctions``, ``ftm``, ``csl``, ``fcc_covered`` or ``dod_1260h`` from the header.

    Raises:
        ValidationError: the file is missing or its header matches no known format.
    """
    path = Path(path)
    if not path.is_file():
        raise not_a_file(path)
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace").strip()
    if first.startswith("{"):
        return "ftm"
    header = {part.strip().strip('"') for part in first.split(",")}
    if {"id", "schema", "name"} <= header:
        return "opensanctions"
    if {"_id", "source", "name"} <= header:
        return "csl"
    if {"entity", "date_of_inclusion"} <= header:
        return "fcc_covered"
    if {"name", "date_listed"} <= header:
        return "dod_1260h"
    raise ValidationError([RowError(str(path), 1, None,
                                    "unknown list format: expected an OpenSanctions "
                                    "targets.simple.csv, FtM JSON lines, a CSL CSV, an FCC "
                                    "Covered List CSV or a DoD 1260H CSV header")])


def _default_version(entities: pd.DataFrame, sha256: str) -> str:
    dates = entities["listed_on"].dropna().astype(str)
    dates = dates[dates.str.match(r"^\d{4}-\d{2}-\d{2}$")]
    return str(dates.max()) if not dates.empty else sha256[:12]


def load_list(path: str | Path, name: str | None = None,
              version: str | None = None) -> RestrictedList:
    """Read a list file of any supported format.

    ``name`` defaults to the file name without extension; ``version`` to the ``as_of``
    date of a bundled sample (recognised by its SHA-256, see :func:`bundled_list_as_of`),
    else the latest listing date in the file (or the first 12 hex digits of its SHA-256).

    Raises:
        ValidationError: a malformed file (see the readers), or one without any listed
            entity (a header-only file would screen nothing and let everything pass).
    """
    path = Path(path)
    fmt = detect_list_format(path)
    ownership = pd.DataFrame(columns=OWNERSHIP_COLUMNS)
    if fmt == "ftm":
        entities, ownership = read_ftm(path)
    else:
        reader = {"opensanctions": read_opensanctions, "csl": read_csl,
                  "fcc_covered": read_fcc_covered, "dod_1260h": read_dod_1260h}[fmt]
        entities = reader(path)
    if not entities["target"].astype(bool).any():
        raise ValidationError([RowError(
            str(path), None, None,
            "the list has no entities" if entities.empty else
            "the list has no listed entities (all are marked \"target\": false)")])
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    list_name = name or path.name.split(".")[0]
    if version is None and sha256 in _bundled_digest_names():
        as_of = bundled_list_as_of(_bundled_digest_names()[sha256])
        version = as_of.isoformat() if as_of else None
    return RestrictedList(name=list_name, version=version or _default_version(entities, sha256),
                          format=fmt, sha256=sha256, entities=entities, ownership=ownership)


def import_list(store: Store, lst: RestrictedList, file: str = "") -> None:
    """Store ``lst`` (replacing the same name and version) in one transaction."""
    entities = lst.entities.copy()
    for column in ("aliases", "countries", "identifiers"):
        entities[column] = entities[column].map(json.dumps)
    entities.insert(0, "version", lst.version)
    entities.insert(0, "list_name", lst.name)
    ownership = lst.ownership[OWNERSHIP_COLUMNS].copy()
    ownership.insert(0, "version", lst.version)
    ownership.insert(0, "list_name", lst.name)
    ownership["percentage"] = ownership["percentage"].astype(float)
    with store.transaction() as connection:
        for table in ("restricted_lists", "restricted_entities", "restricted_ownership"):
            connection.execute(f"DELETE FROM {table} WHERE list_name = ? AND version = ?",
                               [lst.name, lst.version])
        connection.execute("INSERT INTO restricted_lists VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [lst.name, lst.version, lst.format, lst.sha256, len(entities), file,
                            datetime.now(UTC).replace(tzinfo=None)])
        connection.register("incoming_entities", entities[["list_name", "version",
                                                           *ENTITY_COLUMNS]])
        connection.register("incoming_ownership", ownership)
        try:
            connection.execute("INSERT INTO restricted_entities SELECT * FROM incoming_entities")
            connection.execute("INSERT INTO restricted_ownership SELECT * FROM incoming_ownership")
        finally:
            connection.unregister("incoming_entities")
            connection.unregister("incoming_ownership")


def stored_lists(store: Store) -> pd.DataFrame:
    """Every stored list version: ``list_name, version, format, sha256, rows, file,
    imported_at``, newest import last."""
    return (store.read("restricted_lists").sort_values(["list_name", "imported_at"], kind="stable")
            .reset_index(drop=True))


def load_stored_list(store: Store, name: str, version: str | None = None) -> RestrictedList:
    """A stored list by name (latest import unless ``version`` is given).

    Raises:
        NotFoundError: no such list or version.
    """
    versions = stored_lists(store)
    versions = versions[versions["list_name"] == name]
    if version is not None:
        versions = versions[versions["version"] == version]
    if versions.empty:
        known = ", ".join(sorted(set(stored_lists(store)["list_name"]))) or "none"
        raise NotFoundError(f"no stored list {name!r}"
                            + (f" version {version!r}" if version else "")
                            + f" (stored lists: {known}); import it with "
                              "'paxsilica lists import FILE'")
    meta = versions.iloc[-1]
    entities = store.read("restricted_entities", "list_name = ? AND version = ?",
                          [name, meta["version"]])[ENTITY_COLUMNS]
    for column in ("aliases", "countries", "identifiers"):
        entities[column] = entities[column].map(json.loads)
    ownership = store.read("restricted_ownership", "list_name = ? AND version = ?",
                           [name, meta["version"]])[OWNERSHIP_COLUMNS]
    return RestrictedList(name=name, version=str(meta["version"]), format=str(meta["format"]),
                          sha256=str(meta["sha256"]), entities=entities, ownership=ownership)


def resolve_lists(specs: list[str], store: Store | None = None) -> list[RestrictedList]:
    """Each spec is a file path, ``bundled:NAME``, or the name of a list in ``store``."""
    lists = []
    for spec in specs:
        if spec.startswith("bundled:"):
            name = spec.split(":", 1)[1]
            if name not in BUNDLED_LISTS:
                raise NotFoundError(f"no bundled list {name!r} "
                                    f"(bundled: {', '.join(BUNDLED_LISTS)})")
            lists.append(load_list(bundled_list_path(name), name=name))
        elif Path(spec).is_file():
            lists.append(load_list(spec))
        elif store is not None:
            lists.append(load_stored_list(store, spec))
        else:
            raise NotFoundError(f"--list {spec!r} is neither a file nor a stored list")
    return lists


def entity_names(lists: list[RestrictedList]) -> dict[str, str]:
    """``{entity_id: name}`` over every entity of ``lists``, context entities included."""
    return {eid: name for lst in lists
            for eid, name in zip(lst.entities["entity_id"], lst.entities["name"], strict=True)}


def combined_entities(lists: list[RestrictedList]) -> pd.DataFrame:
    """The listed (target) entities of ``lists`` with a ``list_name`` column; ids made
    unique across lists by prefixing the list name where they collide."""
    frames = []
    for lst in lists:
        frame = lst.entities[lst.entities["target"].astype(bool)].copy()
        frame["list_name"] = lst.name
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*ENTITY_COLUMNS, "list_name"])
    combined = pd.concat(frames, ignore_index=True)
    duplicated = combined["entity_id"].duplicated(keep=False)
    combined.loc[duplicated, "entity_id"] = (combined.loc[duplicated, "list_name"] + ":"
                                             + combined.loc[duplicated, "entity_id"])
    return combined
