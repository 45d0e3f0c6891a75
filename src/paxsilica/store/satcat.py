"""Refresh the stored constellations' satellite counts from a user's copy of CelesTrak's
SATCAT (read by :mod:`paxsilica.io.satcat`), in one transaction.

Each constellation with ``name_patterns`` gets its payloads in orbit on ``as_of`` as its
new count (``count_basis`` ``in_orbit``, basis ``derived``), citing the copy (file name
and SHA-256). A constellation whose patterns match no payload keeps its row: a zero from a
catalogue that does not name the satellites that way would be a silent wrong answer, so
it is reported as a warning instead.

Example:
    >>> import tempfile, pathlib
    >>> from paxsilica.store import open_store
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "satcat.csv"
    >>> _ = path.write_text("OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,LAUNCH_DATE,DECAY_DATE\\n"
    ...                     "ONEWEB-0012,44057,PAY,2019-02-27,\\n")
    >>> result = import_satcat(open_store(":memory:"), path, as_of="2025-01-01")
    >>> result.counts[["constellation_id", "satellites", "updated"]].values.tolist()[:2]
    [['starlink', 0, False], ['oneweb', 1, True]]
    >>> result.warnings[0]
    'no payload in satcat.csv matches STARLINK (starlink): its stored count is kept'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from paxsilica.io.satcat import constellation_counts, read_satcat
from paxsilica.io.tables import Table
from paxsilica.model.kinds import KINDS
from paxsilica.model.network import as_date
from paxsilica.store.database import Store
from paxsilica.store.importer import import_table

__all__ = ["SatcatImport", "import_satcat"]

SATCAT_URL = "https://celestrak.org/satcat/"


@dataclass(frozen=True)
class SatcatImport:
    """What a SATCAT refresh did: ``counts`` per constellation (``updated`` says whether
    the stored row changed), the objects read, and warnings in words."""

    counts: pd.DataFrame
    objects: int
    warnings: list[str]


def _row_text(value: object) -> object:
    if isinstance(value, list):
        return ";".join(str(part) for part in value)
    return None if value is None or (isinstance(value, float) and value != value) else value


def import_satcat(store: Store, path: str | Path, *,
                  as_of: date | str | None = None) -> SatcatImport:
    """Count each stored constellation's satellites in orbit on ``as_of`` (today by
    default) in the SATCAT copy at ``path`` and store the counts; all or nothing.

    Raises:
        ValidationError: a malformed catalogue (every problem, with line and column).
    """
    day = as_date(as_of)
    path = Path(path)
    satcat = read_satcat(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stored = store.table("constellations")
    stored["name_patterns"] = stored["name_patterns"].map(
        lambda cell: [p for p in str(cell).split(";") if p] if isinstance(cell, str) else [])
    counts = constellation_counts(satcat, stored, day)
    counts["updated"] = counts["satellites"] > 0
    warnings = [f"no payload in {path.name} matches {', '.join(row.patterns)} "
                f"({row.constellation_id}): its stored count is kept"
                for row in counts.itertuples(index=False) if not row.updated]
    changed = counts[counts["updated"]].set_index("constellation_id")
    if not changed.empty:
        rows = stored[stored["constellation_id"].isin(changed.index)].copy()
        columns = [c for c in KINDS["constellations"].columns if c in rows.columns]
        records = []
        for row in rows[columns].to_dict("records"):
            count = changed.loc[row["constellation_id"]]
            previous = (f"{row['satellites']} {row['count_basis']} in {row['year']} "
                        f"({row['source']})" if row.get("satellites") is not None
                        and row["satellites"] == row["satellites"] else "none")
            row.update(satellites=int(count["satellites"]), count_basis="in_orbit",
                       year=day.year, basis="derived", confidence="medium",
                       source=f"CelesTrak SATCAT, user copy {path.name} "
                              f"(SHA-256 {digest[:12]})",
                       source_url=SATCAT_URL,
                       note=(f"Derived: payloads whose names start with "
                             f"{' or '.join(count['patterns'])}, launched on or before "
                             f"{day} and not decayed by then, counted per object in the "
                             f"copy. Previous count: {previous}."))
            records.append({key: _row_text(value) for key, value in row.items()})
        frame = pd.DataFrame(records, columns=columns).astype(object)
        frame = frame.where(frame.notna(), None)
        import_table(store, "constellations", Table(frame, f"satcat {path.name}", 2), digest)
    return SatcatImport(counts=counts.drop(columns=["as_of"]), objects=len(satcat),
                        warnings=warnings)
