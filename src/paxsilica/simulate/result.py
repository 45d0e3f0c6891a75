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

__all__ = ["RECOVERED", "SimulationResult"]

RECOVERED = 1e-3
"""An industry counts as recovered once its output is within 0.1 % of the steady state."""


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Daily output of every industry (``production[step, industry]``, network units/day)."""

    scenario: str
    industries: pd.DataFrame
    baseline: np.ndarray
    production: np.ndarray
    unit: str = ""
    warnings: list[str] = field(default_factory=list)
    connectivity: pd.DataFrame | None = None
    """Cable cuts: ``step, country, cables, cables_connected, lost_share`` per day for each
    country losing a cable (:mod:`paxsilica.simulate.cables`); ``None`` without cuts."""
    cable_repairs: pd.DataFrame | None = None
    """Cable cuts: when each cut cable is repaired (:func:`~paxsilica.simulate.cables.queue_repairs`)."""

    @property
    def days(self) -> int:
        """Number of simulated steps (days)."""
        return int(self.production.shape[0])

    def frame(self) -> pd.DataFrame:
        """Wide table: one row per step, one column per (region, sector)."""
        columns = pd.MultiIndex.from_frame(self.industries[["region", "sector"]])
        return pd.DataFrame(self.production, columns=columns).rename_axis("step")

    def series(self) -> pd.DataFrame:
        """Long table ``step, region, sector, production`` (one row per step and industry)."""
        steps, n = self.production.shape
        return pd.DataFrame({
            "step": np.repeat(np.arange(steps), n),
            "region": np.tile(self.industries["region"].to_numpy(), steps),
            "sector": np.tile(self.industries["sector"].to_numpy(), steps),
            "production": self.production.ravel(),
        })

    def loss_share(self) -> np.ndarray:
        """``1 − x(t)/x0`` per step and industry (0 where the baseline is 0)."""
        ratio = np.divide(self.production, self.baseline, out=np.ones_like(self.production),
                          where=self.baseline > 0)
        return 1.0 - ratio

    def summary(self) -> pd.DataFrame:
        """Per industry: ``production_loss`` (network units, summed over the run),
        ``loss_share`` (of baseline output over the run), ``peak_loss_share`` and
        ``days_to_recover`` (steps from the first loss above 0.1 % to the step from which
        output stays within 0.1 %; 0 if never hit, ``None`` if not recovered by the end)."""
        loss = self.loss_share()
        loss[np.abs(loss) < 1e-12] = 0.0  # rounding of the steady state, not a loss
        total = self.baseline * self.days
        shortfall = (self.baseline[None, :] - self.production).sum(axis=0)
        shortfall[np.abs(shortfall) < 1e-12 * np.maximum(total, 1e-300)] = 0.0
        hit = loss > RECOVERED
        ever = hit.any(axis=0)
        first = np.where(ever, hit.argmax(axis=0), 0)
        last = np.where(ever, self.days - 1 - hit[::-1].argmax(axis=0), -1)
        recover: list[int | None] = []
        for was_hit, begin, end in zip(ever, first, last, strict=True):
            if not was_hit:
                recover.append(0)
            elif end == self.days - 1:
                recover.append(None)
            else:
                recover.append(int(end + 1 - begin))
        return pd.DataFrame({
            "region": self.industries["region"].to_numpy(),
            "sector": self.industries["sector"].to_numpy(),
            "production_loss": shortfall,
            "loss_share": np.divide(shortfall, total, out=np.zeros_like(shortfall), where=total > 0),
            "peak_loss_share": np.maximum(loss.max(axis=0), 0.0),
            "days_to_recover": pd.array(recover, dtype="Int64"),
        })

    def regional(self) -> pd.DataFrame:
        """Output per region and step (sum over sectors; meaningful in money units)."""
        frame = pd.DataFrame(self.production, columns=self.industries["region"].to_numpy())
        return frame.T.groupby(level=0, sort=False).sum().T.rename_axis("step")

    def to_json_dict(self) -> dict:
        """``{"scenario", "days", "warnings", "series": [...], "summary": [...],
        "connectivity": [...], "cable_repairs": [...]}`` (the CLI's JSON; the last two
        empty without cable cuts)."""
        summary = self.summary().astype(object)
        summary = summary.where(summary.notna(), None)
        return {"scenario": self.scenario, "days": self.days, "warnings": list(self.warnings),
                "series": self.series().to_dict(orient="records"),
                "summary": summary.to_dict(orient="records"), **self._cable_json()}

    def _cable_json(self) -> dict:
        """The cable tables as JSON records (issue 21)."""
        return {name: [] if frame is None else frame.to_dict(orient="records")
                for name, frame in (("connectivity", self.connectivity),
                                    ("cable_repairs", self.cable_repairs))}
