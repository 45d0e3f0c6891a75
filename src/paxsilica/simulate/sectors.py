"""What the economy knows about each sector (item) of a simulation network.

A :class:`~paxsilica.simulate.network.SimNetwork` may carry a ``sectors`` table (index: sector
label) with the columns of :data:`SECTOR_COLUMNS`; the stack network fills it from the cited
item parameters (:mod:`paxsilica.simulate.items`), an MRIO folder has none. The functions here
read it per industry, falling back to the defaults below where a value is missing, and say
which values were defaults (so a run can warn that an assumption drove it).

Defaults (assumptions, not cited figures; they keep the behaviour of an MRIO run):

* rerouting: buyers of an item without a cited qualification time move their lost orders
  over :data:`ASSUMED_RAMP_DAYS` days (linear ramp, from the event's start);
* an item without a cited substitutable share can move all its use (share 1) to other
  suppliers: the loss then comes only from their limited spare capacity;
* every sector is tradable and none is capital.

Example:
    >>> import pandas as pd, scipy.sparse as sp
    >>> from paxsilica.simulate.network import SimNetwork
    >>> net = SimNetwork.from_arrays(["A", "B"], ["ore", "ore"], sp.csr_matrix((2, 2)),
    ...                              np.array([[1.0, 0], [0, 1.0]]))
    >>> rerouting(net, qualification_days=None, ramp_up=None, substitutable_share=None)[1].tolist()
    [30.0, 30.0]
    >>> net = replace(net, sectors=pd.DataFrame({"qualification_days": [120.0],
    ...                                          "substitutable_share": [0.5]}, index=["ore"]))
    >>> [a.tolist() for a in rerouting(net, qualification_days=None, ramp_up=None,
    ...                                substitutable_share=None)]
    [[120.0, 120.0], [0.0, 0.0], [0.5, 0.5]]
"""

from __future__ import annotations

from dataclasses import replace  # noqa: F401  (doctest)

import numpy as np
import pandas as pd

from paxsilica.simulate.network import SimNetwork

__all__ = ["ASSUMED_RAMP_DAYS", "ASSUMED_SUBSTITUTABLE_SHARE", "SECTOR_COLUMNS", "moved_share",
           "per_industry", "rerouting", "sector_flags"]

ASSUMED_RAMP_DAYS = 30
"""Assumption (not cited): days over which buyers move lost orders where no qualification
time is cited (the earlier global rerouting time)."""
ASSUMED_SUBSTITUTABLE_SHARE = 1.0
"""Assumption (not cited): share of an item's use that may move to other suppliers where no
substitutable share is cited."""

SECTOR_COLUMNS = {
    "sized": "bool: a cited world output sizes the sector (else results are shares only)",
    "world_output": "annual world output, sector units (NaN: unsized)",
    "unit": "sector unit (item unit on the stack network)",
    "qualification_days": "days before moved supply can arrive (NaN: not cited)",
    "substitutable_share": "share of use that can move to other suppliers (NaN: not cited)",
    "tradable": "bool: crosses borders (false: electricity, data-centre service)",
    "capital": "bool: a capital good of the industries that operate it",
    "service_life_years": "years a capital good stays in service (NaN: not cited)",
}
"""Columns of ``SimNetwork.sectors`` (all optional)."""


def per_industry(net: SimNetwork, column: str, default: float | bool) -> np.ndarray:
    """``column`` of the sectors table for each industry (``default`` where absent or NaN)."""
    sectors = net.industries["sector"].astype(str)
    if net.sectors is None or column not in net.sectors.columns:
        return np.full(net.n, default)
    values = sectors.map(net.sectors[column]).to_numpy()
    missing = pd.isna(values)
    if isinstance(default, bool):
        return np.where(missing, default, values).astype(bool)
    return np.where(missing, default, values).astype(float)


def sector_flags(net: SimNetwork, column: str, default: bool) -> set[str]:
    """Sector labels whose boolean ``column`` is true (``default`` for sectors not listed)."""
    labels = set(net.industries["sector"].astype(str))
    if net.sectors is None or column not in net.sectors.columns:
        return labels if default else set()
    flags = net.sectors[column].reindex(sorted(labels))
    return {label for label, flag in flags.items() if (default if pd.isna(flag) else bool(flag))}


def rerouting(net: SimNetwork, *, qualification_days: int | None, ramp_up: int | None,
              substitutable_share: float | None,
              scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per supplier industry: days before lost orders start to move (``qualify``), days
    over which they move (``ramp``, 0 = at once) and the share that can move (``movable``).

    An event's own values win over the item's cited ones; then the defaults of this module.
    A cited (or given) qualification time moves orders at once when it has passed; without
    one, orders move linearly over :data:`ASSUMED_RAMP_DAYS` from the start. ``scale``
    multiplies both times (the scenario's ``model.qualification_scale``).
    """
    cited = per_industry(net, "qualification_days", np.nan)
    if qualification_days is not None:
        cited = np.full(net.n, float(qualification_days))
    known = ~np.isnan(cited)
    qualify = np.where(known, cited, 0.0)
    ramp = (np.full(net.n, float(ramp_up)) if ramp_up is not None
            else np.where(known, 0.0, float(ASSUMED_RAMP_DAYS)))
    movable = (np.full(net.n, float(substitutable_share)) if substitutable_share is not None
               else per_industry(net, "substitutable_share", ASSUMED_SUBSTITUTABLE_SHARE))
    return qualify * scale, ramp * scale, movable


def moved_share(t: int, start: int, qualify: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """``ρ(t)``: share of the movable orders already moved, ``clip((t − start − q)/r, 0, 1)``
    (a step at ``q`` when ``r = 0``).

    >>> moved_share(10, 0, np.array([0.0, 20.0, 5.0]), np.array([20.0, 0.0, 0.0])).tolist()
    [0.5, 0.0, 1.0]
    """
    elapsed = t - start - qualify
    with np.errstate(divide="ignore", invalid="ignore"):
        ramped = np.where(ramp > 0, elapsed / np.where(ramp > 0, ramp, 1.0), np.where(elapsed >= 0, 1.0, 0.0))
    return np.clip(ramped, 0.0, 1.0)
