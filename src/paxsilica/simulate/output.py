"""Write a run's result as JSON, Parquet or CSV, column by column, streaming the series.

A :class:`ResultWriter` is the run's series sink (:func:`~paxsilica.simulate.run.run_prepared`
with ``sink=writer.rows``): each chunk of steps becomes an Arrow table (labels as
dictionary codes, no Python object per row) appended to the file at once, so a long run
on a large network never holds its series in memory; :meth:`ResultWriter.finish` adds the
summary. What goes where:

* ``json``: ``{"scenario", "days", "series": [...], "summary": [...], "warnings", "items",
  "flows_cut", "connectivity", "cable_repairs", "reaches_located"}`` (and ``economy`` when
  the scenario names one; the cable tables empty without a cable cut); series
  rows ``{"step", "region", "sector", "production"}`` per industry, or
  ``{"step", "region", "production"}`` per region, or none;
* ``parquet`` and ``csv``: the series table; with ``series="none"`` the summary table.

Text cells of CSV files are guarded against spreadsheet formulas
(:mod:`paxsilica.io.csv_safety`) unless ``raw``.

Example:
    >>> import io
    >>> from paxsilica.simulate.result import SimulationResult
    >>> industries = pd.DataFrame({"region": ["A", "A"], "sector": ["ore", "chip"]})
    >>> result = SimulationResult("demo", industries, np.array([10.0, 5.0]),
    ...                           np.array([[10.0, 5.0], [8.0, 5.0]]))
    >>> out = io.BytesIO()
    >>> write_result(result, out, "json", series="regions")
    >>> document = json.loads(out.getvalue())
    >>> document["series"], document["summary"][0]["production_loss"]
    ([{'step': 0, 'region': 'A', 'production': 15.0}, {'step': 1, 'region': 'A', 'production': 13.0}], 2.0)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from paxsilica.errors import ParameterError
from paxsilica.io.arrow_json import write_json_records
from paxsilica.io.csv_safety import neutralised
from paxsilica.io.records import rounded_document
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.recorder import SERIES, SeriesChoice, region_sums
from paxsilica.simulate.result import SimulationResult, priced
from paxsilica.simulate.sectors import per_industry

__all__ = ["FORMATS", "ResultWriter", "SeriesMoney", "summary_table", "write_result"]

FORMATS = ("json", "parquet", "csv")


@dataclass(frozen=True)
class SeriesMoney:
    """What an industry's daily loss is worth: ``baseline`` output (network units/day),
    ``price`` (USD per unit; ``NaN`` where unknown or the item is unsized) and ``va_ratio``
    (value added per USD of output), all per industry."""

    baseline: np.ndarray
    price: np.ndarray
    va_ratio: np.ndarray

    @classmethod
    def of(cls, result: SimulationResult) -> SeriesMoney:
        """The money of a result's industries (as its ``series()`` values them)."""
        return cls(result.baseline, result._price(), result._va())

    @classmethod
    def of_network(cls, net: SimNetwork, baseline: np.ndarray) -> SeriesMoney:
        """The money of a network's industries at ``baseline`` output (before any run)."""
        va = np.full(baseline.size, np.nan) if net.va_ratio is None else np.asarray(net.va_ratio, dtype=float)
        return cls(baseline, priced(net.price, per_industry(net, "sized", True), baseline.size), va)

    def columns(self, block: np.ndarray) -> dict[str, np.ndarray]:
        """``loss_usd`` and ``value_added_loss_usd`` of a block of daily output (one row per step)."""
        lost = (self.baseline[None, :] - block) * self.price[None, :]
        return {"loss_usd": lost.ravel(), "value_added_loss_usd": (lost * self.va_ratio[None, :]).ravel()}


def summary_table(result: SimulationResult) -> pa.Table:
    """The result's summary as an Arrow table (labels dictionary-encoded)."""
    table = pa.Table.from_pandas(result.summary(), preserve_index=False)
    for name in ("region", "sector"):
        position = table.column_names.index(name)
        table = table.set_column(position, name, pc.dictionary_encode(table.column(name).combine_chunks()))
    return table


class ResultWriter:
    """Streams one run's series to ``handle`` (binary) in ``fmt``; :meth:`finish` adds the summary.

    ``industries``: the network's ``region, sector`` table; ``regions``: the region labels
    a ``series="regions"`` row sums into (``SimNetwork.regions``); ``money``: when given,
    rows per industry also carry ``loss_usd`` and ``value_added_loss_usd`` (USD that day);
    ``rounded`` (JSON): the summary and what follows it rounded as the CLI rounds tables,
    float-noise losses written 0 (:func:`~paxsilica.io.records.rounded_document`; the
    streamed series is written as computed).
    """

    def __init__(self, fmt: str, handle: BinaryIO, *, scenario: str, days: int, industries: pd.DataFrame,
                 regions: list[str], series: SeriesChoice = "industries", raw: bool = False,
                 money: SeriesMoney | None = None, rounded: bool = False) -> None:
        if fmt not in FORMATS:
            raise ParameterError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if series not in SERIES:
            raise ParameterError(f"series must be one of {', '.join(SERIES)}, not {series!r}")
        self.fmt, self.handle, self.series, self.raw, self.money = fmt, handle, series, raw, money
        self.rounded = rounded
        self._first = True
        self._writer: pq.ParquetWriter | pa_csv.CSVWriter | None = None
        region_codes, region_labels = pd.factorize(industries["region"].astype(str))
        sector_codes, sector_labels = pd.factorize(industries["sector"].astype(str))
        if series == "regions":
            region_codes, region_labels = np.arange(len(regions)), pd.Index([str(r) for r in regions])
        self._codes = {"region": region_codes.astype(np.int32), "sector": sector_codes.astype(np.int32)}
        self._labels = {"region": self._dictionary(region_labels), "sector": self._dictionary(sector_labels)}
        if fmt == "json":
            handle.write((f'{{"scenario": {json.dumps(scenario, ensure_ascii=False)}, "days": {int(days)}, '
                          f'"series": [').encode())

    def _dictionary(self, labels: pd.Index) -> pa.Array:
        words = [str(label) for label in labels]
        if self.fmt == "csv" and not self.raw:
            words = [str(neutralised(word)) for word in words]
        return pa.array(words, pa.string())

    def _column(self, name: str, repeat: int) -> pa.Array:
        indices = pa.array(np.tile(self._codes[name], repeat))
        if self.fmt == "csv":  # plain text for the CSV writer
            return self._labels[name].take(indices)
        return pa.DictionaryArray.from_arrays(indices, self._labels[name])

    def table(self, first_step: int, block: np.ndarray) -> pa.Table:
        """The series rows of steps ``first_step, …`` (``block``: one row per step)."""
        steps, width = block.shape
        columns = {"step": np.repeat(np.arange(first_step, first_step + steps, dtype=np.int64), width),
                   "region": self._column("region", steps)}
        if self.series == "industries":
            columns["sector"] = self._column("sector", steps)
        columns["production"] = np.ascontiguousarray(block).ravel()
        if self.series == "industries" and self.money is not None:
            columns.update(self.money.columns(block))
        return pa.table(columns)

    def rows(self, first_step: int, block: np.ndarray) -> None:
        """Append a chunk of the series (the run's sink)."""
        self._append(self.table(first_step, block))

    def _append(self, table: pa.Table) -> None:
        if self.fmt == "json":
            self._first = write_json_records(table, self.handle, first=self._first)
            return
        if self._writer is None and self.fmt == "parquet":
            self._writer = pq.ParquetWriter(self.handle, table.schema)
        elif self._writer is None:  # Arrow quotes header cells: write the header as pandas does
            self.handle.write((",".join(table.column_names) + "\n").encode())
            self._writer = pa_csv.CSVWriter(self.handle, table.schema, write_options=pa_csv.WriteOptions(
                include_header=False, quoting_style="needed"))
        self._writer.write_table(table)

    def finish(self, result: SimulationResult, warnings: list[str] | None = None) -> None:
        """Write the summary (JSON; Parquet and CSV when there is no series) and close the format."""
        if self.fmt == "json":
            # what the run found beside the numbers: the same keys as SimulationResult.to_json_dict
            document = result.to_json_dict("none")
            extra = {key: value for key, value in document.items()
                     if key not in {"scenario", "days", "series", "summary"}}
            extra["warnings"] = list(dict.fromkeys([*extra.get("warnings", []), *(warnings or [])]))
            if self.rounded:
                extra = rounded_document({"summary": document["summary"], **extra})
                summary_text = json.dumps(extra.pop("summary"), ensure_ascii=False, default=float)
                self.handle.write(f'], "summary": {summary_text}'.encode())
            else:
                self.handle.write(b'], "summary": [')
                write_json_records(summary_table(result), self.handle)
                self.handle.write(b"]")
            for key, value in extra.items():
                self.handle.write(f', "{key}": {json.dumps(value, ensure_ascii=False, default=float)}'.encode())
            self.handle.write(b"}\n")
            return
        summary = summary_table(result)
        if self.series == "none":
            self._append(_plain_text(summary, guard=not self.raw) if self.fmt == "csv" else summary)
        if self._writer is None:  # a run of no rows still writes the columns
            self._append(self.table(0, np.zeros((0, 1 if self.series == "regions" else len(self._codes["region"])))))
        self._writer.close()  # type: ignore[union-attr]


def _plain_text(table: pa.Table, guard: bool) -> pa.Table:
    """``table`` with its dictionary columns decoded (guarded against formulas if ``guard``)."""
    for position, name in enumerate(table.column_names):
        column = table.column(name).combine_chunks()
        if pa.types.is_dictionary(column.type):
            words = column.dictionary.to_pylist()
            words = pa.array([neutralised(word) if guard else word for word in words], pa.string())
            table = table.set_column(position, name, words.take(column.indices))
    return table


def write_result(result: SimulationResult, handle: BinaryIO, fmt: str, *, series: SeriesChoice = "industries",
                 regions: list[str] | None = None, raw: bool = False, warnings: list[str] | None = None) -> None:
    """Write an in-memory result (its series as recorded in ``result.production``) to ``handle``."""
    labels = regions if regions is not None else list(dict.fromkeys(result.industries["region"].astype(str)))
    writer = ResultWriter(fmt, handle, scenario=result.scenario, days=result.days,
                          industries=result.industries, regions=labels, series=series, raw=raw,
                          money=SeriesMoney.of(result))
    if series == "industries":
        writer.rows(0, result._series())
    elif series == "regions":
        codes = pd.Index(labels).get_indexer(result.industries["region"].astype(str))
        sums = region_sums(codes, len(labels))
        writer.rows(0, np.array([sums(row) for row in result._series()]).reshape(-1, len(labels)))
    writer.finish(result, warnings)
