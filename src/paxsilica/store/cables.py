"""Import a submarine cable map folder into the store, all or nothing.

:func:`import_cable_release` reads the folder (:func:`paxsilica.io.cables.read_cable_release`),
then, in one transaction, validates and writes its landing points, cables and landings.
The release is authoritative for the cables it lists: their stored landings (e.g. the
bundled ones) are replaced by the release's, so a cable never keeps a landing the
release does not give it. A bad file anywhere writes nothing; the error names the file.

Example:
    >>> import json, tempfile, pathlib
    >>> from paxsilica.store.bundled import open_store
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "cable").mkdir()
    >>> _ = (root / "cable" / "x-1.json").write_text(json.dumps({"id": "x-1", "name": "X-1",
    ...     "landing_points": [{"id": "a-japan", "name": "A, Japan", "country": "Japan"},
    ...                        {"id": "b-taiwan", "name": "B, Taiwan", "country": "Taiwan"}],
    ...     "owners": "KDDI", "rfs_year": 2016, "is_planned": False}))
    >>> report = import_cable_release(open_store(":memory:"), root)
    >>> report.cables, report.landing_points, report.cable_landings
    (1, 2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.cables import Progress, read_cable_release
from paxsilica.store.database import Store
from paxsilica.store.importer import import_table

__all__ = ["CableImportReport", "import_cable_release"]


@dataclass(frozen=True)
class CableImportReport:
    """What one import of a cable map folder wrote."""

    directory: str
    cables: int
    landing_points: int
    cable_landings: int
    unlocated: int
    """Landing points without coordinates (absent from the GeoJSON file)."""
    unused: int
    """Points of the GeoJSON file that no cable lands at (not imported: no country)."""


def import_cable_release(store: Store, directory: str | Path, *,
                         progress: Progress | None = None) -> CableImportReport:
    """Read and import a cable map folder in one transaction (see the module docstring).

    Raises:
        ValidationError: any bad file or row (nothing is written); each problem names
            the file it comes from.
    """
    release = read_cable_release(directory, progress=progress)
    name = str(directory)
    problems: list[RowError] = []
    with store.transaction() as connection:
        for kind in ("landing_points", "cables"):  # independent: report both tables' problems
            try:
                import_table(store, kind, getattr(release, kind))
            except ValidationError as exc:
                problems.extend(release.located(error) for error in exc.errors)
        if problems:
            raise ValidationError(problems)
        ids = release.cables.frame[["cable_id"]]
        connection.register("released", ids)
        try:
            connection.execute('DELETE FROM "cable_landings" WHERE cable_id IN '
                               "(SELECT cable_id FROM released)")
        finally:
            connection.unregister("released")
        try:
            import_table(store, "cable_landings", release.cable_landings)
        except ValidationError as exc:
            raise ValidationError([release.located(error) for error in exc.errors]) from None
    points = release.landing_points.frame
    return CableImportReport(name, len(release.cables.frame), len(points),
                             len(release.cable_landings.frame), int(points["lat"].isna().sum()),
                             len(release.skipped))
