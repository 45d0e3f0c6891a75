"""Bilateral trade flows in the store (table ``trade_flows``), imported all or nothing.

One row per year, exporter, importer, HS6 code and catalogue item (an HS code that
maps to two items appears twice). What an import replaces:

* BACI: a file is one whole year, so importing it replaces that dataset's year;
* UN Comtrade: files are usually one per reporter (and often one per HS chapter, to stay
  under download limits), so an import replaces only the (year, reporter, HS6) triples it
  contains — Japan's 2023 file does not remove the USA's, nor Japan's chapter 85 file
  its chapter 28 file.

Re-importing a file is therefore idempotent. Comtrade's mirror flows are resolved when
reading the stored rows (:func:`trade_flows`): an importer's report wins over the
exporter's report of the same flow, whichever file it came from. Several files are
imported together all or nothing (:func:`import_trade_files`); each is logged in
``imports`` (kind ``trade_flows``).

Example:
    >>> from paxsilica.store.database import Store
    >>> store = Store(":memory:")
    >>> frame = pd.DataFrame({"year": [2022], "exporter": ["CHN"], "importer": ["JPN"],
    ...                       "hs6": ["850511"], "item_id": ["ndfeb_magnet"],
    ...                       "value_kusd": [10.0], "quantity_t": [None]})
    >>> import_trade(store, frame, dataset="baci", file="x.csv").rows
    1
    >>> trade_flows(store)["value_kusd"].tolist()
    [10.0]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from paxsilica.errors import ParameterError
from paxsilica.io.hs_items import TRADE_COLUMNS
from paxsilica.store.database import Store
from paxsilica.store.schema import TABLES

__all__ = [
    "TradeImport",
    "import_trade",
    "import_trade_file",
    "import_trade_files",
    "read_trade_file",
    "trade_flows",
    "trade_summary",
]

COLUMNS = TRADE_COLUMNS
STORED = TABLES["trade_flows"].column_names
SOURCES = {"baci": "CEPII BACI (Gaulier & Zignago 2010), HS6 bilateral trade",
           "comtrade": "UN Comtrade database (UN Statistics Division)"}


@dataclass(frozen=True)
class TradeImport:
    """What one trade import wrote."""

    dataset: str
    file: str
    rows: int
    years: tuple[int, ...]
    import_id: int


def import_trade(store: Store, frame: pd.DataFrame, *, dataset: str, file: str,
                 sha256: str = "", source: str | None = None) -> TradeImport:
    """Store ``frame`` (columns of :func:`paxsilica.io.baci.read_baci`, plus ``reporter`` for
    Comtrade) in one transaction, replacing what it supersedes (see the module docstring)."""
    rows = frame[COLUMNS].copy()
    rows["dataset"] = dataset
    rows["source"] = source or SOURCES.get(dataset, dataset)
    rows["reporter"] = frame.get("reporter")
    years = tuple(sorted({int(y) for y in rows["year"]}))
    with store.transaction() as connection:
        import_id = store.next_import_id()
        rows["import_id"] = import_id
        connection.register("incoming_trade", rows[STORED])
        try:
            if "reporter" in frame:
                # rows stored before the reporter column existed (NULL) count as reported by
                # either side of the flow
                connection.execute("DELETE FROM trade_flows t WHERE dataset = ? AND EXISTS (SELECT 1 FROM "
                                   "incoming_trade i WHERE i.year = t.year AND i.hs6 = t.hs6 AND "
                                   "(i.reporter = t.reporter OR (t.reporter IS NULL AND "
                                   "i.reporter IN (t.exporter, t.importer))))", [dataset])
            elif years:
                marks = ", ".join("?" for _ in years)
                connection.execute(f"DELETE FROM trade_flows WHERE dataset = ? AND year IN ({marks})",
                                   [dataset, *years])
            connection.execute(f"INSERT INTO trade_flows ({', '.join(STORED)}) "
                               f"SELECT {', '.join(STORED)} FROM incoming_trade")
        finally:
            connection.unregister("incoming_trade")
        store.log_import(import_id, "trade_flows", file, sha256, len(rows))
    return TradeImport(dataset, file, len(rows), years, import_id)


def read_trade_file(path: str | Path, *, dataset: str, codes: str | Path | None = None,
                    progress: Callable[[float], None] | None = None) -> tuple[pd.DataFrame, str]:
    """Read and validate one file (``baci`` needs ``codes``, the country table); return its
    mapped rows and the file's SHA-256. Nothing is stored. ``progress``: fraction read."""
    path = Path(path)
    if dataset == "baci":
        if codes is None:
            raise ParameterError("BACI files need their country table: codes = country_codes_V….csv "
                                 "(the --codes option of trade import)")
        from paxsilica.io.baci import read_baci

        frame = read_baci(path, codes, progress=progress)
    elif dataset == "comtrade":
        from paxsilica.io.comtrade import read_comtrade

        frame = read_comtrade(path, progress=progress)
    else:
        raise ParameterError(f"unknown trade format {dataset!r} (use baci or comtrade)")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return frame, digest.hexdigest()


def import_trade_file(store: Store, path: str | Path, *, dataset: str,
                      codes: str | Path | None = None) -> TradeImport:
    """Read, validate and import one file (all or nothing)."""
    return import_trade_files(store, [path], dataset=dataset, codes=codes)[0]


TradeProgress = Callable[[int, float, int], None]
"""Called with (file number from 0, fraction of that file read 0-1, mapped rows of the files
read before it)."""


def _file_progress(progress: TradeProgress, number: int, rows: int, fraction: float) -> None:
    progress(number, fraction, rows)


def import_trade_files(store: Store, paths: list[str | Path], *, dataset: str,
                       codes: str | Path | None = None,
                       progress: TradeProgress | None = None) -> list[TradeImport]:
    """Validate every file first, then import them all in one transaction: a bad file
    anywhere in ``paths`` imports nothing."""
    read, rows = [], 0
    for number, path in enumerate(paths):
        told = None if progress is None else partial(_file_progress, progress, number, rows)
        read.append((Path(path), *read_trade_file(path, dataset=dataset, codes=codes,
                                                  progress=told)))
        rows += len(read[-1][1])
        if progress is not None:
            progress(number, 1.0, rows)
    with store.transaction():
        return [import_trade(store, frame, dataset=dataset, file=str(path), sha256=sha256)
                for path, frame, sha256 in read]


def trade_flows(store: Store, dataset: str | None = None) -> pd.DataFrame:
    """Stored flows (all datasets unless one is named); empty frame when none were imported
    (see :meth:`Store.trade_flows <paxsilica.store.database.Store.trade_flows>`, which reads
    them: the store does not import this module).

    Reads only (a database written before trade flows existed gives an empty frame)."""
    return store.trade_flows(dataset)


def trade_summary(flows: pd.DataFrame) -> pd.DataFrame:
    """Stored flows per dataset, year and item: ``rows, importers, value_kusd`` (thousand USD).

    >>> trade_summary(pd.DataFrame({"dataset": ["baci"] * 2, "year": [2022] * 2, "item_id": ["g"] * 2,
    ...     "hs6": ["1", "2"], "importer": ["JPN", "KOR"], "value_kusd": [1.0, 2.5]})).values.tolist()
    [['baci', 2022, 'g', 2, 2, 3.5]]
    """
    return (flows.groupby(["dataset", "year", "item_id"])
            .agg(rows=("hs6", "size"), importers=("importer", "nunique"),
                 value_kusd=("value_kusd", "sum")).reset_index())
