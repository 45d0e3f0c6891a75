"""What a run keeps while it steps: the summary tallied online, and the series in chunks.

A long run on a large network does not fit in memory as a ``days × n`` array (one million
industries over a year: 2.9 GB), and a user often wants only the summary or the regional
totals. :class:`LossTally` keeps the summary's statistics per industry (``O(n)``, updated
each step), so the summary never needs the whole series; :class:`SeriesRecorder` hands
the series to a sink in chunks of steps — per industry, per region, or not at all (see
:data:`SERIES`) — and optionally keeps it in memory.

Example:
    >>> tally = LossTally(np.array([10.0, 4.0]))
    >>> for t, row in enumerate([[10.0, 4.0], [5.0, 4.0], [10.0, 4.0]]):
    ...     tally.add(t, np.array(row))
    >>> tally.shortfall.tolist(), tally.peak.tolist(), tally.recovery_days(3)
    ([5.0, 0.0], [0.5, 0.0], [1, 0])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

__all__ = ["RECOVERED", "SERIES", "LossTally", "SeriesRecorder", "SeriesSink", "region_sums"]

RECOVERED = 1e-3
"""An industry counts as recovered once its output is within 0.1 % of the steady state."""
SERIES = ("industries", "regions", "none")
"""Which series a run records: output per industry, per region (summed over sectors;
meaningful in money units), or none (the summary only)."""
SeriesChoice = Literal["industries", "regions", "none"]
SeriesSink = Callable[[int, np.ndarray], None]
"""Receives ``(first_step, block)``: the recorded series of consecutive steps, one row per step."""
CHUNK_VALUES = 1 << 22
"""A chunk of the series holds about this many values (32 MB) before it goes to the sink."""


class LossTally:
    """Per-industry loss statistics of a run, updated one step at a time.

    ``shortfall`` sums ``x0 − x`` (network units); ``peak`` is the largest loss share
    ``1 − x/x0`` (shares below 1e-12 are rounding of the steady state and count as 0);
    ``first`` and ``last`` are the first and last steps with a loss share above
    :data:`RECOVERED` (``-1`` if none).
    """

    def __init__(self, baseline: np.ndarray) -> None:
        self.baseline = np.asarray(baseline, dtype=float)
        n = self.baseline.size
        self.shortfall = np.zeros(n)
        self.peak = np.zeros(n)
        self.first = np.full(n, -1, dtype=np.int64)
        self.last = np.full(n, -1, dtype=np.int64)
        self._positive = self.baseline > 0

    def add(self, t: int, production: np.ndarray) -> None:
        """Tally step ``t``'s output (steps must come in order)."""
        self.shortfall += self.baseline - production
        loss = 1.0 - np.divide(production, self.baseline, out=np.ones_like(self.baseline),
                               where=self._positive)
        loss[np.abs(loss) < 1e-12] = 0.0
        np.maximum(self.peak, loss, out=self.peak)
        hit = loss > RECOVERED
        self.first[hit & (self.first < 0)] = t
        self.last[hit] = t

    @classmethod
    def of_series(cls, baseline: np.ndarray, production: np.ndarray) -> LossTally:
        """The tally of a whole ``days × n`` series at once."""
        tally = cls(baseline)
        for t, row in enumerate(production):
            tally.add(t, row)
        return tally

    def recovery_days(self, days: int) -> list[int | None]:
        """Steps from the first loss above 0.1 % to the step from which output stays within
        0.1 % (0 if never hit, ``None`` if still hit at the last of ``days`` steps)."""
        ever = self.first >= 0
        span = np.where(ever, self.last + 1 - self.first, 0)
        return [None if was_hit and end == days - 1 else int(length)
                for was_hit, end, length in zip(ever, self.last, span, strict=True)]


def region_sums(codes: np.ndarray, regions: int) -> Callable[[np.ndarray], np.ndarray]:
    """A function summing an industry vector into ``regions`` totals (``codes``: region of each industry)."""
    return lambda values: np.bincount(codes, weights=values, minlength=regions)


class SeriesRecorder:
    """Collects one row per step — output per industry or per region — and passes chunks
    of rows to ``sink``; ``keep`` also keeps every industry row in :attr:`production`."""

    def __init__(self, days: int, width: int, *, row: Callable[[np.ndarray], np.ndarray] | None = None,
                 sink: SeriesSink | None = None, keep: bool = False, n: int | None = None) -> None:
        self.row = row
        self.sink = sink
        self.production = np.empty((days, n if n is not None else width)) if keep else None
        chunk = max(1, min(days, CHUNK_VALUES // max(width, 1)))
        self._buffer = np.empty((chunk, width)) if sink is not None else None
        self._first = 0
        self._filled = 0

    def add(self, t: int, production: np.ndarray) -> None:
        """Record step ``t`` (steps in order from 0)."""
        if self.production is not None:
            self.production[t] = production
        if self._buffer is None:
            return
        self._buffer[self._filled] = production if self.row is None else self.row(production)
        self._filled += 1
        if self._filled == len(self._buffer):
            self.flush()

    def flush(self) -> None:
        """Pass the rows not yet sent to the sink."""
        if self._buffer is not None and self._filled:
            self.sink(self._first, self._buffer[:self._filled])  # type: ignore[misc]
            self._first += self._filled
            self._filled = 0
