"""Which response to a ban matters most: stockpiles, stocks, rerouting or spare capacity.

:func:`compare_options` reruns a scenario with one change at a time and ranks the changes
by how much output loss they avoid. The options (all on top of the scenario's events):

* ``stockpile``: every importer cut off from a banned flow releases ``days`` of that
  flow (its steady-state daily imports, network units) at the daily import rate, from
  the event's start — a strategic stockpile sized in days of imports;
* ``stocks``: firms hold twice the target input stocks (``inventory_days`` × 2);
* ``rerouting``: buyers qualify other suppliers three times faster (``qualification_scale`` / 3);
* ``capacity``: other suppliers can overproduce up to 50 % (``alpha_max`` 1.5).

The measure is the *loss share*: output lost over the run as a share of baseline output,
averaged over the industries the scenario hits outside the regions whose exports are cut
(the exporters' lost sales are not what these options protect; units differ on the stack
network, hence an average of shares).

Example:
    >>> import scipy.sparse as sp
    >>> from paxsilica.simulate.network import SimNetwork
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> z = np.array([[0, 0, 0, 2190.0], [0, 0, 0, 0], [0, 0, 0, 1460.0], [0, 0, 0, 0]])
    >>> net = SimNetwork.from_arrays(["A", "A", "B", "B"], ["ore", "chip", "ore", "chip"],
    ...     sp.csr_matrix(z), np.array([[100.0, 0], [1, 0], [0, 0], [0, 3650.0]]))
    >>> s = scenario_from_dict({"name": "b", "days": 200, "model": {"inventory_days": 30},
    ...     "events": [{"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "start": 5}]})
    >>> compare_options(net, s).iloc[0]["option"]
    'stockpile'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paxsilica.simulate.run import model_params, network_and_resolver, prepare, run_prepared
from paxsilica.simulate.scenario import Scenario, scenario_from_dict

__all__ = ["OPTIONS", "compare_options", "stockpile_events"]

OPTIONS = {
    "stockpile": "release 90 days of lost imports from the ban's start",
    "stocks": "firms hold twice the input stocks",
    "rerouting": "buyers qualify other suppliers 3x faster",
    "capacity": "other suppliers can overproduce up to 50 %",
}
STOCKPILE_DAYS = 90


def stockpile_events(net: object, scenario: Scenario, days: int = STOCKPILE_DAYS,
                     resolver: object = None) -> list[dict]:
    """Stockpile releases covering ``days`` of each banned or stopped flow per importer."""
    _, sim, params, schedule = prepare(net, scenario, resolver=resolver)  # type: ignore[arg-type]
    regions = sim.industries["region"].to_numpy()
    sectors = sim.industries["sector"].to_numpy()
    rows = np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))
    events = []
    for flow in schedule.flows:
        if flow.stop <= 0 or flow.links.size == 0:
            continue
        daily = params.h.data[flow.links] * flow.stop  # H holds daily flows
        frame = pd.DataFrame({"region": regions[params.stock_industry[rows[flow.links]]],
                              "item": sectors[params.h.indices[flow.links]], "daily": daily})
        for (region, item), part in frame.groupby(["region", "item"]):
            rate = float(part["daily"].sum())
            if rate > 0:
                events.append({"kind": "stockpile_release", "holder": str(region), "item": str(item),
                               "quantity": rate * days, "rate": rate, "start": flow.start})
    return events


def _exporters(net: object, scenario: Scenario, resolver: object) -> set[str]:
    _, sim, params, schedule = prepare(net, scenario, resolver=resolver)  # type: ignore[arg-type]
    regions = sim.industries["region"].to_numpy()
    return {str(r) for flow in schedule.flows for r in regions[params.h.indices[flow.links]]}


def _loss(result: object, hit: np.ndarray | None, exporters: set[str] = frozenset()) -> tuple[float, np.ndarray]:
    summary = result.summary()  # type: ignore[attr-defined]
    shares = summary["loss_share"].to_numpy()
    if hit is None:
        hit = (summary["peak_loss_share"].to_numpy() > 1e-6) & ~summary["region"].isin(exporters).to_numpy()
    return (float(shares[hit].mean()) if hit.any() else 0.0), hit


def compare_options(source: object, scenario: Scenario) -> pd.DataFrame:
    """``option, description, loss_share, avoided`` (share of the scenario's loss avoided),
    best first; the first row after sorting is the option that matters most."""
    net, resolver = network_and_resolver(source, scenario)
    model_params(net, scenario.model)  # fail early on bad parameters
    base_loss, hit = _loss(_run(net, scenario, resolver), None, _exporters(net, scenario, resolver))
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    variants = {
        "stockpile": {**data, "events": data["events"] + stockpile_events(net, scenario, resolver=resolver)},
        "stocks": {**data, "model": {**data["model"], "inventory_days": 2 * scenario.model.inventory_days}},
        "rerouting": {**data, "model": {**data["model"],
                                        "qualification_scale": scenario.model.qualification_scale / 3}},
        "capacity": {**data, "model": {**data["model"], "alpha_max": max(1.5, scenario.model.alpha_max)}},
    }
    rows = []
    for option, document in variants.items():
        variant = scenario_from_dict(document, base_dir=scenario.base_dir)
        loss, _ = _loss(_run(net, variant, resolver), hit)
        avoided = 0.0 if base_loss <= 0 else (base_loss - loss) / base_loss
        rows.append({"option": option, "description": OPTIONS[option], "loss_share": loss,
                     "avoided": avoided})
    table = pd.DataFrame(rows).sort_values("avoided", ascending=False, kind="stable")
    return table.assign(baseline_loss_share=base_loss).reset_index(drop=True)


def _run(net: object, scenario: Scenario, resolver: object) -> object:
    prepared = prepare(net, scenario, resolver=resolver)  # type: ignore[arg-type]
    return run_prepared(*prepared)
