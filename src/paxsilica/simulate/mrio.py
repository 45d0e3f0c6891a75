"""Read an MRIO folder in pymrio's text format (what ``IOSystem.save`` writes).

The folder holds ``file_parameters.json`` naming the files, ``Z.txt`` (tab separated,
two header rows ``region``/``sector``, two index columns) and ``Y.txt`` (two header rows
``region``/``category``); other files (``unit.txt``, extensions) are optional. Every
problem is a :class:`~paxsilica.errors.ValidationError` naming the file and key.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "file_parameters.json").write_text('{"files": {"Z": {"name": "Z.txt"}, '
    ...      '"Y": {"name": "Y.txt"}}}')
    >>> _ = (folder / "Z.txt").write_text("region\\t\\tr1\\tr1\\nsector\\t\\ta\\tb\\nregion\\tsector\\n"
    ...      "r1\\ta\\t1\\t2\\nr1\\tb\\t3\\t4\\n")
    >>> _ = (folder / "Y.txt").write_text("region\\t\\tr1\\ncategory\\t\\thh\\nregion\\tsector\\n"
    ...      "r1\\ta\\t7\\nr1\\tb\\t3\\n")
    >>> read_mrio_folder(folder).output().tolist()
    [10.0, 10.0]
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.errors import RowError, ValidationError
from paxsilica.limits import MAX_QUANTITY
from paxsilica.simulate.network import SimNetwork

__all__ = ["read_mrio_folder"]


def _fail(file: Path | str, field: str | None, reason: str) -> ValidationError:
    return ValidationError([RowError(str(file), None, field, reason)])


def _parameters(folder: Path) -> dict:
    path = folder / "file_parameters.json"
    if not folder.is_dir():
        raise _fail(folder, None, "MRIO folder not found (a folder written by pymrio IOSystem.save)")
    if not path.is_file():
        raise _fail(path, None, "missing (the folder is not a pymrio text MRIO)")
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, None, f"not valid JSON ({exc})") from None
    files = params.get("files") if isinstance(params, dict) else None
    if not isinstance(files, dict):
        raise _fail(path, "files", "missing or not an object")
    for key in ("Z", "Y"):
        entry = files.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _fail(path, f"files.{key}.name", "missing (Z and Y are required)")
    return files


def _table(folder: Path, files: dict, key: str) -> pd.DataFrame:
    path = folder / files[key]["name"]
    if not path.is_file():
        raise _fail(path, f"files.{key}.name", "file not found")
    try:
        frame = pd.read_csv(path, sep="\t", header=[0, 1], index_col=[0, 1])
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, IndexError) as exc:
        raise _fail(path, None, f"not a pymrio table (two header rows, two index columns): {exc}") \
            from None
    if frame.empty:
        raise _fail(path, None, "no rows")
    values = frame.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & frame.notna()
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise _fail(path, f"{frame.index[row]}/{frame.columns[col]}",
                    f"not a number: {frame.iat[row, col]!r}")
    if values.isna().to_numpy().any():
        row, col = np.argwhere(values.isna().to_numpy())[0]
        raise _fail(path, f"{frame.index[row]}/{frame.columns[col]}", "empty cell")
    if not np.isfinite(values.to_numpy()).all():
        raise _fail(path, None, "infinite value")
    huge = np.abs(values.to_numpy()) > MAX_QUANTITY
    if huge.any():  # finite, but sums and the model's products would overflow
        row, col = np.argwhere(huge)[0]
        raise _fail(path, f"{frame.index[row]}/{frame.columns[col]}",
                    f"{values.iat[row, col]:g} is beyond the largest accepted magnitude ({MAX_QUANTITY:g})")
    return values


def read_mrio_folder(path: str | Path) -> SimNetwork:
    """A :class:`SimNetwork` from a pymrio text folder (annual flows in the table's unit)."""
    folder = Path(path)
    files = _parameters(folder)
    z = _table(folder, files, "Z")
    y = _table(folder, files, "Y")
    zfile, yfile = folder / files["Z"]["name"], folder / files["Y"]["name"]
    if list(z.index) != list(z.columns):
        raise _fail(zfile, None, "row labels (region, sector) differ from column labels")
    if z.index.duplicated().any():
        raise _fail(zfile, str(z.index[z.index.duplicated()][0]), "repeated industry")
    if list(y.index) != list(z.index):
        raise _fail(yfile, None, "row labels differ from Z's (region, sector) rows")
    if (z.to_numpy() < 0).any():
        row, col = np.argwhere(z.to_numpy() < 0)[0]
        raise _fail(zfile, f"{z.index[row]}/{z.columns[col]}", "negative flow")
    regions = [str(r) for r in z.index.get_level_values(0)]
    final_regions = list(dict.fromkeys(regions))
    y_regions = [str(r) for r in y.columns.get_level_values(0)]
    unknown = sorted(set(y_regions) - set(final_regions))
    if unknown:
        raise _fail(yfile, "region", f"final-demand region(s) {unknown} not among Z's regions")
    final = y.T.groupby(np.array(y_regions)).sum().T.reindex(columns=final_regions, fill_value=0.0)
    net = SimNetwork.from_arrays(regions, [str(s) for s in z.index.get_level_values(1)],
                                 sp.csr_matrix(z.to_numpy()), final.to_numpy(),
                                 unit=_unit(folder, files), final_regions=final_regions)
    if (net.output() <= 0).any():
        position = int(np.flatnonzero(net.output() <= 0)[0])
        raise _fail(zfile, f"{z.index[position]}", "industry with no output (Z and Y rows sum to 0)")
    return net


def _unit(folder: Path, files: dict) -> str:
    entry = files.get("unit")
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return ""
    path = folder / entry["name"]
    if not path.is_file():
        return ""  # the unit table is optional
    try:
        units = pd.read_csv(path, sep="\t", index_col=[0, 1])
    except (OSError, ValueError, IndexError, pd.errors.ParserError) as exc:
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise _fail(path, "files.unit.name", f"not a pymrio unit table: {reason}") from None
    values = units.iloc[:, 0].dropna().unique() if units.shape[1] else []
    unit = str(values[0]) if len(values) == 1 else ""
    if len(unit) > 40 or not unit.isprintable():
        raise _fail(path, "unit", f"{unit[:40]!r} is not a unit (expected e.g. M EUR)")
    return unit
