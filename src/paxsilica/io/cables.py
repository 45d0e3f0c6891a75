"""Read a folder in the layout of TeleGeography's submarine cable map (the last openly
licensed release, late 2022, as republished by the open_undersea_cable_map repository).

The layout::

    DIR/cable/<id>.json                        one cable per file
    DIR/landing-point/landing-point-geo.json   GeoJSON points: id, name, coordinates

A cable file is a JSON object ``{"id", "name", "length": "10,500 km" | null,
"landing_points": [{"id", "name", "country": "Japan", "is_tbd"}], "owners": "A, B",
"suppliers": "NEC" | null, "rfs": "2023 Q3" | null, "rfs_year": 2023 | null,
"is_planned": bool, "url", "notes"}``; countries are English names, resolved to ISO3 by
validation. ``cable/all.json`` and ``cable/cable-geo.json`` are indexes of the same
cables and are skipped. The reader returns the three record kinds as text tables for
:func:`~paxsilica.validate.validate_table`; every problem of every file is collected and
raised as one :class:`~paxsilica.errors.ValidationError` naming the file and field.

The data are CC BY-NC-SA 3.0 and are not shipped with paxsilica: the user imports their
own copy (``paxsilica infra import-cables DIR``).

Example:
    >>> import json, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "cable").mkdir()
    >>> _ = (root / "cable" / "x-1.json").write_text(json.dumps({"id": "x-1", "name": "X-1",
    ...     "length": "1,200 km", "landing_points": [
    ...         {"id": "a-japan", "name": "A, Japan", "country": "Japan"},
    ...         {"id": "b-taiwan", "name": "B, Taiwan", "country": "Taiwan"}],
    ...     "owners": "KDDI, Chunghwa Telecom", "suppliers": "NEC", "rfs_year": 2016,
    ...     "is_planned": False}))
    >>> release = read_cable_release(root)
    >>> release.cables.frame[["cable_id", "length_km", "owners"]].values.tolist()
    [['x-1', '1200', 'KDDI;Chunghwa Telecom']]
    >>> len(release.cable_landings.frame)
    2
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import MAX_NESTING, Table, nesting_depth

__all__ = ["CABLE_SOURCE", "CableRelease", "read_cable_release"]

CABLE_SOURCE = ("TeleGeography Submarine Cable Map, last CC BY-NC-SA 3.0 release (late 2022), "
                "as republished by open_undersea_cable_map")
CABLE_SOURCE_URL = "https://github.com/stevesong/open_undersea_cable_map"
SKIPPED = {"all.json", "cable-geo.json"}
"""Files of ``cable/`` that index the cables rather than describe one."""
GEO_FILE = Path("landing-point") / "landing-point-geo.json"
MAX_FILE_BYTES = 20_000_000
"""A cable file is a few kilobytes and the landing-point file under a megabyte; a larger
file is refused before it is parsed."""

Progress = Callable[[int, int, str], None]
"""``progress(done, total, file)`` after each file."""


@dataclass(frozen=True)
class CableRelease:
    """The three record kinds read from a release folder, as text tables."""

    cables: Table
    landing_points: Table
    cable_landings: Table
    skipped: tuple[str, ...] = ()
    """Landing points of the GeoJSON file that no cable lands at (no country known)."""
    origins: dict[str, tuple[str, ...]] | None = None
    """Kind -> the file each row comes from (row ``n`` of a table is ``origins[kind][n - 1]``),
    so that a problem validation finds later names the cable file."""

    def located(self, error: RowError) -> RowError:
        """``error`` (from validating one of the tables) naming the file its row came from."""
        for kind in ("cables", "landing_points", "cable_landings"):
            table = getattr(self, kind)
            files = (self.origins or {}).get(kind, ())
            if error.file == table.file and error.row is not None and 0 < error.row <= len(files):
                return RowError(files[error.row - 1], None, error.field, error.reason)
        return error


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


_FAILED = object()
"""What :func:`_load` returns for a file it could not parse (JSON ``null`` is ``None``)."""


def _load(path: Path, errors: list[RowError]) -> object:
    """The parsed JSON of ``path``, or :data:`_FAILED` after adding the reason to ``errors``."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            errors.append(RowError(name, None, None, f"file larger than {MAX_FILE_BYTES:,} bytes"))
            return _FAILED
        data = path.read_bytes()
    except OSError as exc:
        errors.append(RowError(name, None, None, f"cannot read file: {exc.strerror or exc}"))
        return _FAILED
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(RowError(name, None, None, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} "
                                                 f"at offset {exc.start})"))
        return _FAILED
    try:
        parsed = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        errors.append(RowError(name, exc.lineno, None, f"not valid JSON: {exc.msg}"))
        return _FAILED
    except _DuplicateKeyError as exc:
        errors.append(RowError(name, None, None, f"{exc} in a JSON object"))
        return _FAILED
    except RecursionError:
        errors.append(RowError(name, None, None, f"nested more than {MAX_NESTING} levels deep"))
        return _FAILED
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        errors.append(RowError(name, None, None, f"not valid JSON: {str(exc).splitlines()[0]}"))
        return _FAILED
    if nesting_depth(parsed) > MAX_NESTING:
        errors.append(RowError(name, None, None, f"nested more than {MAX_NESTING} levels deep"))
        return _FAILED
    return parsed


_LENGTH = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(km)?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89][0-9]{2}|20[0-9]{2}|2100)\b")


def _text(value: object, file: str, field: str, errors: list[RowError]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.append(RowError(file, None, field, f"expected text, got {_kind(value)}"))
        return None
    text = str(value).strip()
    return text or None


def _kind(value: object) -> str:
    return "null" if value is None else {"dict": "an object", "list": "a list", "bool": "true/false"}.get(
        type(value).__name__, f"a {type(value).__name__}")


def _length_km(value: object, file: str, errors: list[RowError]) -> str | None:
    """``"10,500 km"`` → ``"10500"`` (validation makes it a number and checks its range)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "n.a.", "n/a"}):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    match = _LENGTH.match(value) if isinstance(value, str) else None
    if match is None:
        shown = value if isinstance(value, str) else _kind(value)
        errors.append(RowError(file, None, "length", f"not a length in km: {str(shown)[:80]!r}"))
        return None
    return match.group(1).replace(",", "")


def _names(value: object, file: str, field: str, errors: list[RowError]) -> str | None:
    """``"A, B"`` → ``"A;B"`` (a ``;`` inside a name becomes ``,``: ``;`` separates list cells)."""
    text = _text(value, file, field, errors)
    if text is None:
        return None
    parts = [part.strip().replace(";", ",") for part in text.split(", ")]
    return ";".join(part for part in parts if part) or None


def _rfs_year(data: dict, file: str, errors: list[RowError]) -> str | None:
    year = data.get("rfs_year")
    if year is None:
        rfs = data.get("rfs")
        found = _YEAR.search(rfs) if isinstance(rfs, str) else None
        return found.group(1) if found else None
    if isinstance(year, bool) or not isinstance(year, int | str):
        errors.append(RowError(file, None, "rfs_year", f"expected a year, got {_kind(year)}"))
        return None
    return str(year)


def _planned(value: object, file: str, errors: list[RowError]) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    errors.append(RowError(file, None, "is_planned", f"expected true or false, got {_kind(value)}"))
    return None


def _cable_rows(path: Path, data: object, errors: list[RowError], points: dict[str, dict],
                where: dict[str, str]) -> tuple[dict | None, list[dict]]:
    """The cable row and its landing rows; landing points go into ``points`` (first file
    that names a point wins; a different name or country elsewhere is an error)."""
    file = str(path)
    if not isinstance(data, dict):
        errors.append(RowError(file, None, None, f"expected a JSON object (one cable), got {_kind(data)}"))
        return None, []
    before = len(errors)
    cable_id = _text(data.get("id"), file, "id", errors)
    if cable_id is None:
        errors.append(RowError(file, None, "id", "the cable has no id"))
    elif cable_id != path.stem:
        errors.append(RowError(file, None, "id", f"id {cable_id[:80]!r} differs from the file "
                                                  f"name {path.stem!r}"))
    landings = data.get("landing_points")
    if not isinstance(landings, list) or not landings:
        errors.append(RowError(file, None, "landing_points",
                               "expected a non-empty list of landing points, got "
                               + (_kind(landings) if not isinstance(landings, list) else "an empty list")))
        landings = []
    row = {"cable_id": cable_id, "name": _text(data.get("name"), file, "name", errors),
           "length_km": _length_km(data.get("length"), file, errors),
           "rfs_year": _rfs_year(data, file, errors),
           "is_planned": _planned(data.get("is_planned"), file, errors),
           "owners": _names(data.get("owners"), file, "owners", errors),
           "suppliers": _names(data.get("suppliers"), file, "suppliers", errors),
           "url": _text(data.get("url"), file, "url", errors),
           "note": _text(data.get("notes"), file, "notes", errors)}
    links = []
    for index, landing in enumerate(landings):
        field = f"landing_points.{index}"
        if not isinstance(landing, dict):
            errors.append(RowError(file, None, field, f"expected an object, got {_kind(landing)}"))
            continue
        point_id = _text(landing.get("id"), file, f"{field}.id", errors)
        name = _text(landing.get("name"), file, f"{field}.name", errors)
        country = _text(landing.get("country"), file, f"{field}.country", errors)
        if point_id is None or name is None or country is None:
            missing = [k for k, v in (("id", point_id), ("name", name), ("country", country)) if v is None]
            errors.append(RowError(file, None, field, f"landing point without {', '.join(missing)}"))
            continue
        known = points.get(point_id)
        if known is None:
            points[point_id] = {"landing_point_id": point_id, "name": name, "country": country}
            where[point_id] = file
        elif (known["name"], known["country"]) != (name, country):
            errors.append(RowError(file, None, field, f"landing point {point_id!r} is "
                                   f"{name!r} in {country!r} here but {known['name']!r} in "
                                   f"{known['country']!r} in {where[point_id]}"))
        links.append({"cable_id": cable_id, "landing_point_id": point_id})
    if len(errors) > before:
        return None, []
    return row, list({link["landing_point_id"]: link for link in links}.values())


def _coordinates(root: Path, errors: list[RowError]) -> dict[str, tuple[str, str]]:
    """``id -> (lat, lon)`` from the landing-point GeoJSON (empty when the file is absent)."""
    path = root / GEO_FILE
    if not path.is_file():
        return {}
    data = _load(path, errors)
    if data is _FAILED:
        return {}
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        errors.append(RowError(str(path), None, "features", "expected a GeoJSON FeatureCollection"))
        return {}
    found: dict[str, tuple[str, str]] = {}
    for index, feature in enumerate(features):
        field = f"features.{index}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        point_id = properties.get("id") if isinstance(properties, dict) else None
        position = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (not isinstance(point_id, str) or not isinstance(position, list) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
            errors.append(RowError(str(path), None, field,
                                   "expected a Point feature with properties.id and [lon, lat]"))
            continue
        if point_id in found:
            errors.append(RowError(str(path), None, field, f"landing point {point_id!r} twice"))
            continue
        found[point_id] = (repr(position[1]), repr(position[0]))
    return found


def _table(rows: list[dict], columns: list[str], file: str, source: dict) -> Table:
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for key, value in source.items():
        frame[key] = value
    frame = frame.astype(object).where(frame.notna(), None)
    return Table(frame.reset_index(drop=True), file, 1)


def read_cable_release(directory: str | Path, *, progress: Progress | None = None,
                       year: int = 2022) -> CableRelease:
    """Read a cable map folder (see the module docstring) into text tables of the record
    kinds ``cables``, ``landing_points`` and ``cable_landings``, each row cited to the
    release (``year``: the year its facts are as of).

    Raises:
        ValidationError: the folder has no ``cable/`` folder or no cable file, or any file
            is unreadable, not UTF-8, not JSON, has a duplicate key, is nested too deeply,
            or has a field of the wrong type; every problem at once, each naming its file.
    """
    root = Path(directory)
    if not (root / "cable").is_dir():
        reason = (f"no such folder: {root}" if not root.exists() else
                  f"{root} is not a cable map folder (expected cable/<id>.json and "
                  f"{GEO_FILE.as_posix()})")
        raise ValidationError([RowError(str(root), None, None, reason)])
    files = sorted(path for path in (root / "cable").glob("*.json")
                   if path.name not in SKIPPED and path.is_file())
    if not files:
        raise ValidationError([RowError(str(root / "cable"), None, None, "no cable files (*.json)")])
    errors: list[RowError] = []
    points: dict[str, dict] = {}
    where: dict[str, str] = {}
    cables, links, cable_files, link_files = [], [], [], []
    for done, path in enumerate(files, start=1):
        data = _load(path, errors)
        if data is not _FAILED:
            row, landed = _cable_rows(path, data, errors, points, where)
            if row is not None:
                cables.append(row)
                links.extend(landed)
                cable_files.append(str(path))
                link_files.extend([str(path)] * len(landed))
        if progress is not None:
            progress(done, len(files), path.name)
    coordinates = _coordinates(root, errors)
    if errors:
        raise ValidationError(errors)
    for point_id, point in points.items():
        point["lat"], point["lon"] = coordinates.get(point_id, (None, None))
    source = {"source": CABLE_SOURCE, "source_url": CABLE_SOURCE_URL, "confidence": "medium",
              "basis": "reported", "year": str(year)}
    link_source = {key: value for key, value in source.items() if key != "year"}
    cable_columns = ["cable_id", "name", "length_km", "rfs_year", "is_planned", "owners",
                     "suppliers", "url", "note"]
    folder = str(root / "cable")
    return CableRelease(
        cables=_table(cables, cable_columns, f"{folder} (cables)", source),
        landing_points=_table(list(points.values()),
                              ["landing_point_id", "name", "country", "lat", "lon"],
                              f"{folder} (landing points)", source),
        cable_landings=_table(links, ["cable_id", "landing_point_id"],
                              f"{folder} (landings)", link_source),
        skipped=tuple(sorted(set(coordinates) - set(points))),
        origins={"cables": tuple(cable_files), "landing_points": tuple(where[p] for p in points),
                 "cable_landings": tuple(link_files)},
    )
