"""Simulation results as labelled tables: the daily series and a per-industry summary.

Example:
    >>> import pandas as pd
    >>> industries = pd.DataFrame({"region": ["A"], "sector": ["ore"]})
    >>> result = SimulationResult("demo", industries, np.array([10.0]),
    ...                           np.array([[10.0], [5.0], [10.0]]), unit="t")
    >>> result.summary()[["production_loss", "loss_share", "peak_loss_share", "days_to_recover"]].values.tolist()
    [[5.0, 0.16666666666666666, 0.5, 1]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from paxsilica.simulate.recorder import RECOVERED, LossTally

__all__ = ["RECOVERED", "SimulationResult"]


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Daily output of every industry (``production[step, industry]``, network units/day).

    A streamed run (:func:`~paxsilica.simulate.run.run_prepared` with a sink and
    ``keep=False``) has no ``production`` in memory: its summary comes from ``tally``,
    the loss statistics counted while it ran, and its series went to the sink.
    """

    scenario: str
    industries: pd.DataFrame
    baseline: np.ndarray
    production: np.ndarray | None
    unit: str = ""
    tally: LossTally | None = field(default=None, repr=False)
    steps: int | None = None

    @property
    def days(self) -> int:
        """Number of simulated steps (days)."""
        return int(self.production.shape[0]) if self.production is not None else int(self.steps or 0)

    def _series(self) -> np.ndarray:
        if self.production is None:
            raise ValueError("this run was streamed: its series went to the sink, not to memory")
        return self.production

    def frame(self) -> pd.DataFrame:
        """Wide table: one row per step, one column per (region, sector)."""
        columns = pd.MultiIndex.from_frame(self.industries[["region", "sector"]])
        return pd.DataFrame(self._series(), columns=columns).rename_axis("step")

    def series(self) -> pd.DataFrame:
        """Long table ``step, region, sector, production`` (one row per step and industry)."""
        production = self._series()
        steps, n = production.shape
        return pd.DataFrame({
            "step": np.repeat(np.arange(steps), n),
            "region": np.tile(self.industries["region"].to_numpy(), steps),
            "sector": np.tile(self.industries["sector"].to_numpy(), steps),
            "production": production.ravel(),
        })

    def loss_share(self) -> np.ndarray:
        """``1 − x(t)/x0`` per step and industry (0 where the baseline is 0)."""
        production = self._series()
        ratio = np.divide(production, self.baseline, out=np.ones_like(production),
                          where=self.baseline > 0)
        return 1.0 - ratio

    def summary(self) -> pd.DataFrame:
        """Per industry: ``production_loss`` (network units, summed over the run),
        ``loss_share`` (of baseline output over the run), ``peak_loss_share`` and
        ``days_to_recover`` (steps from the first loss above 0.1 % to the step from which
        output stays within 0.1 %; 0 if never hit, ``None`` if not recovered by the end)."""
        tally = self.tally if self.tally is not None else LossTally.of_series(self.baseline, self._series())
        total = self.baseline * self.days
        shortfall = tally.shortfall.copy()
        shortfall[np.abs(shortfall) < 1e-12 * np.maximum(total, 1e-300)] = 0.0
        return pd.DataFrame({
            "region": self.industries["region"].to_numpy(),
            "sector": self.industries["sector"].to_numpy(),
            "production_loss": shortfall,
            "loss_share": np.divide(shortfall, total, out=np.zeros_like(shortfall), where=total > 0),
            "peak_loss_share": tally.peak.copy(),
            "days_to_recover": pd.array(tally.recovery_days(self.days), dtype="Int64"),
        })

    def regional(self) -> pd.DataFrame:
        """Output per region and step (sum over sectors; meaningful in money units)."""
        frame = pd.DataFrame(self._series(), columns=self.industries["region"].to_numpy())
        return frame.T.groupby(level=0, sort=False).sum().T.rename_axis("step")

    def to_json_dict(self, series: str = "industries") -> dict:
        """``{"scenario", "days", "series": [...], "summary": [...]}`` (the CLI's JSON), with
        the series per industry, per region (``step, region, production``) or none."""
        summary = self.summary().astype(object)
        summary = summary.where(summary.notna(), None)
        if series == "none":
            rows: list = []
        elif series == "regions":
            rows = (self.regional().melt(ignore_index=False, var_name="region", value_name="production")
                    .reset_index().sort_values("step", kind="stable").to_dict(orient="records"))
        else:
            rows = self.series().to_dict(orient="records")
        return {"scenario": self.scenario, "days": self.days, "series": rows,
                "summary": summary.to_dict(orient="records")}
