"""Bilateral trade flows in the store (table ``trade_flows``), imported all or nothing.

One row per year, exporter, importer, HS6 code and catalogue item (an HS code that
maps to two items appears twice). Re-importing a dataset for the same years replaces
its rows, so imports are idempotent; each import is logged in ``imports`` (kind
``trade_flows``).

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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paxsilica.store.database import Store

__all__ = ["TradeImport", "import_trade", "import_trade_file", "trade_flows"]

DDL = ("CREATE TABLE IF NOT EXISTS trade_flows (year INTEGER, exporter VARCHAR, importer VARCHAR, "
       "hs6 VARCHAR, item_id VARCHAR, value_kusd DOUBLE, quantity_t DOUBLE, dataset VARCHAR, "
       "source VARCHAR, import_id BIGINT)")
COLUMNS = ["year", "exporter", "importer", "hs6", "item_id", "value_kusd", "quantity_t"]
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


def _ensure(store: Store) -> None:
    with store.transaction() as connection:
        connection.execute(DDL)


def import_trade(store: Store, frame: pd.DataFrame, *, dataset: str, file: str,
                 sha256: str = "", source: str | None = None) -> TradeImport:
    """Replace ``dataset``'s rows for the years in ``frame`` with ``frame``; one transaction."""
    rows = frame[COLUMNS].copy()
    rows["dataset"] = dataset
    rows["source"] = source or SOURCES.get(dataset, dataset)
    years = tuple(sorted({int(y) for y in rows["year"]}))
    _ensure(store)
    with store.transaction() as connection:
        import_id = int(connection.execute(
            "SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0])
        rows["import_id"] = import_id
        if years:
            marks = ", ".join("?" for _ in years)
            connection.execute(f"DELETE FROM trade_flows WHERE dataset = ? AND year IN ({marks})",
                               [dataset, *years])
        connection.register("incoming_trade", rows)
        try:
            connection.execute("INSERT INTO trade_flows SELECT year, exporter, importer, hs6, item_id, "
                               "value_kusd, quantity_t, dataset, source, import_id FROM incoming_trade")
        finally:
            connection.unregister("incoming_trade")
        connection.execute("INSERT INTO imports VALUES (?, 'trade_flows', ?, ?, ?, now())",
                           [import_id, file, sha256, len(rows)])
    return TradeImport(dataset, file, len(rows), years, import_id)


def import_trade_file(store: Store, path: str | Path, *, dataset: str,
                      codes: str | Path | None = None) -> TradeImport:
    """Read (``baci`` needs ``codes``, the country table; ``comtrade``), validate, import."""
    from paxsilica.errors import PaxsilicaError

    path = Path(path)
    if dataset == "baci":
        if codes is None:
            raise PaxsilicaError("BACI files need their country table (--codes country_codes_V….csv)")
        from paxsilica.io.baci import read_baci

        frame = read_baci(path, codes)
    elif dataset == "comtrade":
        from paxsilica.io.comtrade import read_comtrade

        frame = read_comtrade(path)
    else:
        raise PaxsilicaError(f"unknown trade format {dataset!r} (use baci or comtrade)")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return import_trade(store, frame, dataset=dataset, file=str(path), sha256=digest.hexdigest())


def trade_flows(store: Store, dataset: str | None = None) -> pd.DataFrame:
    """Stored flows (all datasets unless one is named); empty frame when none were imported."""
    _ensure(store)
    query = "SELECT * FROM trade_flows" + (" WHERE dataset = ?" if dataset else "")
    return store.connection.execute(query, [dataset] if dataset else []).df()
