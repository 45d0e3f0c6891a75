"""Simulation results as labelled tables: the daily series, a per-industry summary in
network units and US dollars, per-item and per-region totals, and the run's warnings.

Money (:mod:`paxsilica.simulate.money`): ``loss_usd`` is the value of output lost
(lost quantity × price, USD), ``value_added_loss_usd`` its value added (× the producer's
value-added ratio). An industry without a price (or ratio) has ``NaN`` there and the
run's ``warnings`` name it; an *unsized* item (no cited world output) has shares only
(``production_loss`` and money ``NaN``).

Example:
    >>> import pandas as pd
    >>> industries = pd.DataFrame({"region": ["A"], "sector": ["ore"]})
    >>> result = SimulationResult("demo", industries, np.array([10.0]),
    ...                           np.array([[10.0], [5.0], [10.0]]), unit="t",
    ...                           price=np.array([2.0]), va_ratio=np.array([0.5]))
    >>> result.summary()[["production_loss", "loss_share", "peak_loss_share", "days_to_recover",
    ...                   "loss_usd", "value_added_loss_usd"]].values.tolist()
    [[5.0, 0.16666666666666666, 0.5, 1, 10.0, 5.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from paxsilica.simulate.recorder import RECOVERED, LossTally

__all__ = ["RECOVERED", "SimulationResult", "priced"]


def priced(price: np.ndarray | None, sized: np.ndarray | None, n: int) -> np.ndarray:
    """USD per unit of each of ``n`` industries, ``NaN`` where the price is unknown or the
    item is unsized (its loss in units is not worth a number of dollars).

    >>> priced(np.array([2.0, 3.0]), np.array([True, False]), 2).tolist()
    [2.0, nan]
    """
    price = _nan(n) if price is None else np.asarray(price, dtype=float)
    return price if sized is None else np.where(np.asarray(sized, dtype=bool), price, np.nan)


def _nan(n: int) -> np.ndarray:
    return np.full(n, np.nan)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Daily output of every industry (``production[step, industry]``, network units/day).

    ``price`` (USD per network unit), ``va_ratio`` and ``sized`` are per industry (``None``:
    unknown for all); ``outside_lost`` (``n × R``, network units over the run) is the final
    demand — uses outside the modelled network — each industry failed to deliver to each
    region (``final_regions``); ``warnings``, ``flows_cut`` and ``items`` are what
    :mod:`paxsilica.simulate.diagnostics` found about the run.

    A streamed run (:func:`~paxsilica.simulate.run.run_prepared` with a sink and
    ``keep=False``) has no ``production`` in memory: its summary comes from ``tally``,
    the loss statistics counted while it ran, and its series went to the sink.
    """

    scenario: str
    industries: pd.DataFrame
    baseline: np.ndarray
    production: np.ndarray | None
    unit: str = ""
    price: np.ndarray | None = None
    va_ratio: np.ndarray | None = None
    sized: np.ndarray | None = None
    outside_lost: np.ndarray | None = None
    final_regions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flows_cut: pd.DataFrame | None = None
    items: pd.DataFrame | None = None
    reaches_located: bool | None = None
    economy: pd.DataFrame | None = None
    economy_table: str = ""
    tally: LossTally | None = field(default=None, repr=False)
    steps: int | None = None
    connectivity: pd.DataFrame | None = None
    """Cable cuts: ``step, country, cables, cables_connected, lost_share`` per day for each
    country losing a cable (:mod:`paxsilica.simulate.cables`); ``None`` without cuts."""
    cable_repairs: pd.DataFrame | None = None
    """Cable cuts: when each cut cable is repaired (:func:`~paxsilica.simulate.cables.queue_repairs`)."""

    @property
    def days(self) -> int:
        """Number of simulated steps (days)."""
        return int(self.production.shape[0]) if self.production is not None else int(self.steps or 0)

    def _series(self) -> np.ndarray:
        if self.production is None:
            raise ValueError("this run was streamed: its series went to the sink, not to memory")
        return self.production

    def _tally(self) -> LossTally:
        return self.tally if self.tally is not None else LossTally.of_series(self.baseline, self._series())

    @property
    def n(self) -> int:
        """Number of industries."""
        return int(self.baseline.size)

    def _price(self) -> np.ndarray:
        return priced(self.price, self.sized, self.n)

    def _va(self) -> np.ndarray:
        return _nan(self.n) if self.va_ratio is None else self.va_ratio.astype(float)

    def _sized(self) -> np.ndarray:
        return np.ones(self.n, dtype=bool) if self.sized is None else self.sized.astype(bool)

    def frame(self) -> pd.DataFrame:
        """Wide table: one row per step, one column per (region, sector)."""
        columns = pd.MultiIndex.from_frame(self.industries[["region", "sector"]])
        return pd.DataFrame(self._series(), columns=columns).rename_axis("step")

    def series(self) -> pd.DataFrame:
        """Long table ``step, region, sector, production, loss_usd, value_added_loss_usd``
        (one row per step and industry; money of that day, USD)."""
        production = self._series()
        steps, n = production.shape
        lost_usd = (self.baseline[None, :] - production) * self._price()[None, :]
        return pd.DataFrame({
            "step": np.repeat(np.arange(steps), n),
            "region": np.tile(self.industries["region"].to_numpy(), steps),
            "sector": np.tile(self.industries["sector"].to_numpy(), steps),
            "production": production.ravel(),
            "loss_usd": lost_usd.ravel(),
            "value_added_loss_usd": (lost_usd * self._va()[None, :]).ravel(),
        })

    def loss_share(self) -> np.ndarray:
        """``1 − x(t)/x0`` per step and industry (0 where the baseline is 0)."""
        production = self._series()
        ratio = np.divide(production, self.baseline, out=np.ones_like(production),
                          where=self.baseline > 0)
        return 1.0 - ratio

    def shortfall(self) -> np.ndarray:
        """Output lost per industry over the run, network units (rounding noise removed)."""
        total = self.baseline * self.days
        shortfall = self._tally().shortfall.copy()
        shortfall[np.abs(shortfall) < 1e-12 * np.maximum(total, 1e-300)] = 0.0
        return shortfall

    def summary(self) -> pd.DataFrame:
        """Per industry: ``production_loss`` (network units, summed over the run; ``NaN`` for
        an unsized item), ``loss_share`` (of baseline output over the run),
        ``peak_loss_share``, ``days_to_recover`` (steps from the first loss above 0.1 % to
        the step from which output stays within 0.1 %; 0 if never hit, ``None`` if not
        recovered by the end), ``loss_usd`` and ``value_added_loss_usd`` (USD)."""
        tally = self._tally()
        total = self.baseline * self.days
        shortfall = self.shortfall()
        usd = shortfall * self._price()
        return pd.DataFrame({
            "region": self.industries["region"].to_numpy(),
            "sector": self.industries["sector"].to_numpy(),
            "production_loss": np.where(self._sized(), shortfall, np.nan),
            "loss_share": np.divide(shortfall, total, out=np.zeros_like(shortfall), where=total > 0),
            "peak_loss_share": np.maximum(tally.peak, 0.0),
            "days_to_recover": pd.array(tally.recovery_days(self.days), dtype="Int64"),
            "loss_usd": usd,
            "value_added_loss_usd": usd * self._va(),
        })

    def totals(self, by: str = "region") -> pd.DataFrame:
        """``loss_usd`` and ``value_added_loss_usd`` summed per ``region`` or ``sector``
        (priced industries only; ``unpriced`` counts the industries left out), and the
        value-weighted ``loss_share`` (lost value ÷ baseline value over the run)."""
        summary = self.summary()
        priced = summary["loss_usd"].notna().to_numpy()
        base_usd = np.where(priced, self.baseline * self.days * self._price(), 0.0)
        frame = summary.assign(base_usd=base_usd, unpriced=~priced)
        grouped = frame.groupby(by, sort=False).agg(
            loss_usd=("loss_usd", "sum"), value_added_loss_usd=("value_added_loss_usd", "sum"),
            base_usd=("base_usd", "sum"), unpriced=("unpriced", "sum"))
        grouped["loss_share"] = np.divide(grouped["loss_usd"], grouped["base_usd"],
                                          out=np.zeros(len(grouped)), where=grouped["base_usd"] > 0)
        return grouped.drop(columns="base_usd").reset_index()

    def regional(self) -> pd.DataFrame:
        """Output per region and step (sum over sectors; meaningful in money units)."""
        frame = pd.DataFrame(self._series(), columns=self.industries["region"].to_numpy())
        return frame.T.groupby(level=0, sort=False).sum().T.rename_axis("step")

    def economy_totals(self) -> pd.DataFrame:
        """Losses in the economy-wide table per region and channel (``direct``, ``upstream``,
        ``downstream``, and ``total``), USD; empty without an economy."""
        columns = ["region", "channel", "output_loss_usd", "value_added_loss_usd"]
        if self.economy is None or self.economy.empty:
            return pd.DataFrame(columns=columns)
        by_channel = self.economy.groupby(["region", "channel"], as_index=False, sort=True)[
            ["output_loss_usd", "value_added_loss_usd"]].sum(min_count=1)
        total = by_channel.groupby("region", as_index=False)[["output_loss_usd", "value_added_loss_usd"]].sum(
            min_count=1).assign(channel="total")
        return pd.concat([by_channel, total], ignore_index=True)[columns]

    def to_json_dict(self, series: str | bool = "industries") -> dict:
        """``{"scenario", "days", "warnings", "reaches_located", "series", "summary", "items",
        "flows_cut", "connectivity", "cable_repairs"}`` (the last two empty without cable
        cuts), and ``economy`` (``table``, ``totals``, ``industries``) when the
        scenario names an economy-wide table (the CLI's JSON; NaN becomes ``null``).

        ``series``: per industry (``"industries"`` or ``True``), per region
        (``"regions"``: ``step, region, production``) or none (``"none"`` or ``False``)."""
        document: dict = {"scenario": self.scenario, "days": self.days, "warnings": list(self.warnings),
                          "reaches_located": self.reaches_located}
        if series is False or series == "none":
            document["series"] = []
        elif series == "regions":
            document["series"] = _records(
                self.regional().melt(ignore_index=False, var_name="region", value_name="production")
                .reset_index().sort_values("step", kind="stable"))
        else:
            document["series"] = _records(self.series())
        document["summary"] = _records(self.summary())
        document["items"] = _records(self.items) if self.items is not None else []
        document["flows_cut"] = _records(self.flows_cut) if self.flows_cut is not None else []
        for name, frame in (("connectivity", self.connectivity), ("cable_repairs", self.cable_repairs)):
            document[name] = _records(frame) if frame is not None else []  # cable cuts (issue 21)
        if self.economy is not None:
            document["economy"] = {"table": self.economy_table, "totals": _records(self.economy_totals()),
                                   "industries": _records(self.economy)}
        return document


def _records(frame: pd.DataFrame) -> list[dict]:
    """Records with NaN and pandas NA as ``None`` (JSON ``null``)."""
    cleaned = frame.astype(object)
    return cleaned.where(cleaned.notna(), None).to_dict(orient="records")
