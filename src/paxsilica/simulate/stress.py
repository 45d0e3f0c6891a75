"""The report's stress test: one illustrative coercion scenario, run as an ensemble, in USD,
with the ranges and the assumptions that drive them.

:func:`stress_test` bans every item an issuer (China by default) controls in the bundled
export controls, to every other country, from a date, on the stack network; it runs

* a central run (:func:`~paxsilica.simulate.run.simulate`): warnings, flows cut, items;
* an ensemble (:func:`~paxsilica.simulate.ensemble.run_ensemble`, in this process) drawing
  the assumed model parameters — input stocks 30–120 days, qualification times ×0.5–×2 —
  and every cited data range (prices, sizes, qualification, substitution);
* the responses of :func:`~paxsilica.simulate.options.compare_options`.

It returns the world totals (value of output lost and value added lost, p5/p50/p95 over
members), per-item bands, regional bands and an ``assumptions`` table naming each value
that drives the result, its range, basis and source.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> test = stress_test(StackNetwork.from_store(open_store(":memory:")), as_of="2026-07-01",
    ...                    members=2, days=20, options=False)
    >>> list(test.totals.columns)
    ['measure', 'p5', 'p50', 'p95']
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from weakref import WeakKeyDictionary

import pandas as pd

from paxsilica.model.network import StackNetwork, as_date
from paxsilica.simulate.ensemble import EnsembleResult, run_ensemble
from paxsilica.simulate.options import compare_options
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.run import prepare, run_prepared
from paxsilica.simulate.scenario import Scenario, scenario_from_dict
from paxsilica.simulate.stack import stack_network

__all__ = ["MODEL_ASSUMPTIONS", "StressTest", "stress_test"]

MODEL_ASSUMPTIONS = {
    "inventory_days": ("uniform", (30.0, 120.0), "days of input stocks firms hold (BoARIO default 90)"),
    "qualification_scale": ("triangular", (0.5, 1.0, 2.0),
                            "qualification times could be half or twice the cited or assumed ones"),
}
"""Assumptions (not cited) the stress test draws, with why."""


@dataclass(frozen=True)
class StressTest:
    """A stress test's scenario, central run, ensemble and tables (see the module docstring)."""

    scenario: Scenario
    central: SimulationResult
    ensemble: EnsembleResult
    totals: pd.DataFrame
    assumptions: pd.DataFrame
    options: pd.DataFrame | None


def _scenario(net: StackNetwork, items: set[str], issuer: str, day: date, days: int) -> Scenario | None:
    controls = net.export_controls
    controlled = sorted({i for row in controls[controls["issuer"] == issuer]["item_ids"]
                         for i in (row or []) if i in items})
    if not controlled:
        return None
    return scenario_from_dict({
        "name": f"{issuer.lower()}-export-ban", "days": days, "start_date": day.isoformat(),
        "description": f"Export ban from {issuer} to every other country on the items of its export controls",
        "events": [{"kind": "export_ban", "exporters": [issuer], "importers": ["all"], "items": controlled,
                    "start": 0}],
        "uncertain": {key: {kind: list(values)} for key, (kind, values, _) in MODEL_ASSUMPTIONS.items()}})


def _totals(ensemble: EnsembleResult) -> pd.DataFrame:
    items = ensemble.items if ensemble.items is not None else pd.DataFrame(
        columns=["member", "loss_usd", "value_added_loss_usd"])
    per_member = items.groupby("member")[["loss_usd", "value_added_loss_usd"]].sum(min_count=1)
    rows = []
    for measure in ("loss_usd", "value_added_loss_usd"):
        values = per_member[measure].dropna()
        quantiles = values.quantile([0.05, 0.5, 0.95]).tolist() if len(values) else [None] * 3
        rows.append({"measure": measure, "p5": quantiles[0], "p50": quantiles[1], "p95": quantiles[2]})
    return pd.DataFrame(rows)


def _assumptions(sim: object, items: list[str]) -> pd.DataFrame:
    """The values behind the result: the drawn model assumptions, and for the banned items
    their cited parameters (value, range, basis, confidence, source)."""
    rows = [{"item": "(model)", "parameter": key, "value": values[1] if kind == "triangular" else None,
             "low": values[0], "high": values[-1], "basis": "assumption", "confidence": "low",
             "source": why} for key, (kind, values, why) in MODEL_ASSUMPTIONS.items()]
    cited = sim.parameters  # type: ignore[attr-defined]
    if cited is not None and not cited.empty:
        part = cited[cited["item_id"].isin(items) & (cited["country"] == "WLD")
                     & cited["parameter"].isin(["world_output", "price", "qualification_days",
                                                "substitutable_share"])]
        rows += [{"item": r.item_id, "parameter": r.parameter, "value": r.value, "low": r.low, "high": r.high,
                  "basis": r.basis, "confidence": r.confidence, "source": r.source} for r in part.itertuples()]
    return pd.DataFrame(rows, columns=["item", "parameter", "value", "low", "high", "basis", "confidence",
                                       "source"])


_DONE: WeakKeyDictionary[StackNetwork, dict[tuple, StressTest | None]] = WeakKeyDictionary()


def stress_test(net: StackNetwork, *, as_of: date | str | None = None, issuer: str = "CHN",
                members: int = 12, days: int = 180, options: bool = True) -> StressTest | None:
    """Run the stress test (``None`` when ``issuer`` controls no item of the network).

    Run once per network object and arguments, and kept while the network lives (a process
    rendering several reports of one network, as the service and the tests do, runs it
    once) and on disk for networks with the same rows (:mod:`paxsilica.io.result_cache`);
    treat the answer as read-only."""
    from paxsilica.io.result_cache import cached

    key = (as_date(as_of), issuer, members, days, options)
    done = _DONE.setdefault(net, {})
    if key not in done:
        done[key] = cached("stress-test", f"{net.digest} {key}", lambda: _run_stress_test(net, *key))
    return done[key]


def _run_stress_test(net: StackNetwork, as_of: date, issuer: str, members: int, days: int,
                     options: bool) -> StressTest | None:
    sim, resolver = stack_network(net, as_of=as_of)
    scenario = _scenario(net, set(sim.industries["sector"]), issuer, as_of, days)
    if scenario is None:
        return None
    central = run_prepared(*prepare(sim, scenario, resolver=resolver))
    with tempfile.TemporaryDirectory() as folder:
        ensemble = run_ensemble(sim, scenario, members=members, folder=folder, scheduler="synchronous")
    return StressTest(scenario, central, ensemble, _totals(ensemble),
                      _assumptions(sim, scenario.events[0].items or []),
                      compare_options(sim, scenario) if options else None)
