"""Firm-level sourcing networks from edge lists, streamed from Parquet (10⁷ nodes, 10⁸ edges).

An edge list has one row per (buyer, supplier, input item) with the share of the buyer's
purchases of that input that goes to the supplier (``buyer, supplier, input_item, share``,
optional ``essential`` and ``quantity``; buyer and supplier are node positions). A Parquet
file is read batch by batch into compact typed arrays (32-bit positions and item codes,
no pandas table of the whole list), then grouped per (buyer, input item) with one sort:
at 10⁸ edges the arrays take about 2 GB and the build peaks near three times that.

Every problem is one :class:`~paxsilica.errors.ValidationError` naming the file, the row
(1-based, as a reader counts them) and the column: a missing column, a node position
outside the node table, a share that is negative, missing or not finite.

Example:
    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = tempfile.mkdtemp() + "/edges.parquet"
    >>> pq.write_table(pa.table({"buyer": [1, 1], "supplier": [0, 2], "input_item": ["ore", "ore"],
    ...                          "share": [3.0, 1.0]}), path)
    >>> nodes = pd.DataFrame({"node": ["mine", "plant", "mine2"], "country": ["CHN", "JPN", "AUS"]})
    >>> sourcing_network_from_parquet(nodes, path).links.toarray().tolist()
    [[0.75, 0.0, 0.25]]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from paxsilica.analytics.network import SourcingNetwork, network_from_arrays
from paxsilica.errors import RowError, ValidationError

__all__ = ["BATCH_ROWS", "sourcing_network_from_parquet"]

BATCH_ROWS = 1 << 22
"""Edges read from the Parquet file at a time."""
REQUIRED = ("buyer", "supplier", "input_item", "share")


def _fail(path: Path, row: int | None, field: str, reason: str) -> ValidationError:
    return ValidationError([RowError(str(path), row, field, reason)])


def _numbers(batch: pa.RecordBatch, name: str, path: Path, offset: int, kind: str) -> np.ndarray:
    """A numeric column of ``batch`` as numpy, or an error naming the first bad row."""
    column = batch.column(name)
    if column.null_count:
        row = int(pc.index(pc.is_null(column), True).as_py())
        raise _fail(path, offset + row + 1, name, "missing value")
    try:
        values = column.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise _fail(path, None, name, f"not {kind}: {error}") from None
    if kind == "integers" and not np.issubdtype(values.dtype, np.integer):
        raise _fail(path, None, name, f"must hold integers (node positions), not {column.type}")
    if kind == "numbers" and not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise _fail(path, None, name, f"must hold numbers, not {column.type}")
    return values


def sourcing_network_from_parquet(nodes: pd.DataFrame, path: str | Path, *,
                                  batch_rows: int | None = None) -> SourcingNetwork:
    """The network of the edge list in Parquet file ``path`` (see the module docstring) over
    ``nodes`` (one row per node: ``node``, ``country``; edge endpoints are row positions).

    ``batch_rows``: edges read at a time; default the file's row-group size (up to
    :data:`BATCH_ROWS`): batches that cut across row groups are copied together first
    (six times the CPU time at 10⁷ edges)."""
    path = Path(path)
    try:
        source = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise _fail(path, None, "file", f"not a readable Parquet file ({error})") from None
    names = set(source.schema_arrow.names)
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise _fail(path, None, missing[0], "missing column (an edge list needs buyer, supplier, input_item, share)")
    optional = [name for name in ("essential", "quantity") if name in names]
    total, count = source.metadata.num_rows, len(nodes)
    if batch_rows is None:
        groups = [source.metadata.row_group(i).num_rows for i in range(source.metadata.num_row_groups)]
        batch_rows = min(max(groups, default=1), BATCH_ROWS)
    position = np.int32 if count < 2**31 else np.int64
    buyer, supplier = np.empty(total, dtype=position), np.empty(total, dtype=position)
    item, share = np.empty(total, dtype=np.int32), np.empty(total, dtype=float)
    essential = np.empty(total, dtype=bool) if "essential" in optional else None
    quantity = np.empty(total, dtype=float) if "quantity" in optional else None
    labels: dict[object, int] = {}
    offset = 0
    for batch in source.iter_batches(batch_size=batch_rows, columns=[*REQUIRED, *optional]):
        size = batch.num_rows
        for name, target in (("buyer", buyer), ("supplier", supplier)):
            values = _numbers(batch, name, path, offset, "integers")
            if size and (values.min() < 0 or values.max() >= count):  # two passes, no temporaries
                bad = np.flatnonzero((values < 0) | (values >= count))
                raise _fail(path, offset + int(bad[0]) + 1, name,
                            f"node position {values[bad[0]]} outside the {count} nodes")
            target[offset:offset + size] = values
        values = _numbers(batch, "share", path, offset, "numbers").astype(float, copy=False)
        if size and not (np.isfinite(values.sum()) and values.min() >= 0):  # NaN and ±inf poison the sum
            bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
            if bad.size:  # (none when finite shares only overflow their sum)
                raise _fail(path, offset + int(bad[0]) + 1, "share", f"{values[bad[0]]} is not a share (0 or more)")
        share[offset:offset + size] = values
        column = batch.column("input_item")
        if column.null_count:
            row = int(pc.index(pc.is_null(column), True).as_py())
            raise _fail(path, offset + row + 1, "input_item", "missing value")
        encoded = pc.dictionary_encode(column)
        codes = np.array([labels.setdefault(label, len(labels)) for label in encoded.dictionary.to_pylist()],
                         dtype=np.int32)
        item[offset:offset + size] = codes[encoded.indices.to_numpy(zero_copy_only=False)]
        if essential is not None:
            essential[offset:offset + size] = _numbers(batch, "essential", path, offset, "numbers") != 0
        if quantity is not None:
            quantity[offset:offset + size] = _numbers(batch, "quantity", path, offset, "numbers")
        offset += size
    return network_from_arrays(nodes, buyer, supplier, item, pd.Index(list(labels), dtype=object), share,
                               essential, quantity)
