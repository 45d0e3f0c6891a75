"""Run a scenario: load the network, compile events, loop :func:`~paxsilica.simulate.ario.step`.

Example:
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> net = SimNetwork.from_arrays(["A", "A"], ["ore", "chip"], sp.csr_matrix([[0, 5.0], [0, 0]]),
    ...                              np.array([[1.0], [10.0]]))
    >>> scenario = scenario_from_dict({"name": "cut", "days": 20, "events": [{"kind": "capacity_loss",
    ...     "region": "A", "sector": "ore", "fraction": 0.5, "start": 2, "recovery": 5}]})
    >>> result = simulate(net, scenario)
    >>> round(float(result.production[3, 0] / result.baseline[0]), 3)
    0.5
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np

from paxsilica.errors import ParameterError, RowError, SolverError, ValidationError
from paxsilica.limits import MAX_DAYS
from paxsilica.simulate.ario import ARIOParams, build_params, initial_state, step, with_model
from paxsilica.simulate.capital import ASSUMED_SERVICE_LIFE_YEARS, capital_fleets
from paxsilica.simulate.diagnostics import diagnosed
from paxsilica.simulate.economy import economy_losses, load_economy
from paxsilica.simulate.events import EventSchedule, Resolver, compile_events
from paxsilica.simulate.money import mrio_money, read_value_added
from paxsilica.simulate.mrio import read_mrio_folder
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.recorder import SERIES, LossTally, SeriesChoice, SeriesRecorder, SeriesSink, region_sums
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.scenario import ModelParams, Scenario, load_scenario
from paxsilica.simulate.sectors import per_industry

__all__ = ["check_days", "model_params", "network_and_resolver", "prepare", "run_prepared",
           "simulate"]

Progress = Callable[[int], None]
OUTSIDE_LIMIT = 2_000_000
"""Record undelivered final demand by region only up to this many (industry, region) cells."""


_STRUCTURES: WeakKeyDictionary[SimNetwork, ARIOParams] = WeakKeyDictionary()
"""Kernel arrays per network object, so that runs on one network (ensemble members on a
worker) build ``H`` once."""


def model_params(net: SimNetwork, model: ModelParams) -> ARIOParams:
    """Kernel arrays for ``net`` with the scenario's model parameters."""
    structure = _STRUCTURES.get(net)
    if structure is None:
        product, _ = net.products()
        structure = build_params(net.z, net.final.sum(axis=1), product, soft=net.soft)
        _STRUCTURES[net] = structure
    return with_model(structure, inventory_days=model.inventory_days,
                      inventory_tau=model.inventory_tau, psi=model.psi,
                      alpha_base=model.alpha_base, alpha_max=model.alpha_max,
                      alpha_tau=model.alpha_tau, order_type=model.order_type)


def network_and_resolver(source: object, scenario: Scenario,
                         file: str = "<scenario>") -> tuple[SimNetwork, Resolver | None]:
    """The simulation network from an argument or the scenario's ``network`` key (a
    :class:`~paxsilica.model.network.StackNetwork` brings its own stored trade flows)."""
    usd = scenario.network.usd_per_unit
    if isinstance(source, SimNetwork):
        return (mrio_money(source, usd) if usd is not None else source), None
    if isinstance(source, str | Path):
        return _folder(source, usd), None
    if source is None and scenario.mrio_path() is not None:
        path = scenario.mrio_path()
        if not path.is_dir():
            raise ValidationError([RowError(file, None, "network.mrio", f"folder not found: {path}")])
        return _folder(path, usd), None
    from paxsilica.simulate.stack import stack_network

    if source is None:
        from paxsilica.model.network import StackNetwork
        from paxsilica.store import open_store

        source = StackNetwork.from_store(open_store(":memory:"))
    # the latest data (shares, quantities) build the network; groups resolve per event date
    return stack_network(source)  # type: ignore[arg-type]


def _folder(path: str | Path, usd: float | None) -> SimNetwork:
    """An MRIO folder with its money: USD per unit and value added (factor inputs if any)."""
    net = read_mrio_folder(path)
    return mrio_money(net, usd, read_value_added(path, net))


def prepare(source: object, scenario: Scenario | str | Path, *, file: str | None = None,
            resolver: Resolver | None = None) -> tuple[Scenario, SimNetwork, ARIOParams, EventSchedule]:
    """Validate everything before the first step (nothing runs on bad input)."""
    if not isinstance(scenario, Scenario):
        file = file or str(scenario)
        scenario = load_scenario(scenario)
    file = file or "<scenario>"
    net, found = network_and_resolver(source, scenario, file)
    resolver = resolver or found
    params, fleet, assumed = capital_fleets(net, model_params(net, scenario.model))
    schedule = compile_events(scenario, net, params, resolver=resolver, file=file)
    schedule.fleet = fleet
    if assumed:
        schedule.notes.append(f"service life of {', '.join(assumed)} not cited: assumed "
                              f"{ASSUMED_SERVICE_LIFE_YEARS:g} years (assumption)")
    return scenario, net, params, schedule


def run_prepared(scenario: Scenario, net: SimNetwork, params: ARIOParams, schedule: EventSchedule,
                 *, days: int | None = None, progress: Progress | None = None,
                 series: SeriesChoice = "industries", sink: SeriesSink | None = None,
                 keep: bool = True) -> SimulationResult:
    """Loop the kernel ``days`` steps (default the scenario's), tallying the summary and
    recording the series.

    ``series`` (:data:`~paxsilica.simulate.recorder.SERIES`) says what ``sink`` receives in
    chunks of steps — output per industry, per region (``net.regions`` order), or nothing;
    ``keep`` keeps every industry's output in memory (``result.production``). With
    ``keep=False`` and a sink, memory stays ``O(n)`` whatever the number of days (plus the
    undelivered outside demand, ``n × regions``, up to :data:`OUTSIDE_LIMIT` cells).

    Raises:
        ParameterError: ``days`` is not a whole number 1–:data:`~paxsilica.limits.MAX_DAYS`,
            or ``series`` is not one of :data:`~paxsilica.simulate.recorder.SERIES`
            (checked before anything is allocated).
        SolverError: a step produced a non-finite output (an input far out of range):
            the run stops there instead of answering NaN.
    """
    days = scenario.days if days is None else check_days(days)
    if series not in SERIES:
        raise ParameterError(f"series must be one of {', '.join(SERIES)}, not {series!r}", field="series")
    state = initial_state(params, delay_days=schedule.max_delay)
    tally = LossTally(params.x0)
    row, width = None, params.n
    if series == "regions":
        row, width = region_sums(net.region_codes(), len(net.regions)), len(net.regions)
    recorder = SeriesRecorder(days, width, row=row, sink=None if series == "none" else sink, keep=keep,
                              n=params.n)
    outside = np.zeros_like(net.final) if net.final.size <= OUTSIDE_LIMIT else None
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, once
        for t in range(days):
            state = step(state, params, schedule.shocks(t, state))
            if not np.isfinite(state.production).all():
                where = net.industries.iloc[int(np.flatnonzero(~np.isfinite(state.production))[0])]
                raise SolverError(f"step {t}: output of {where['region']}/{where['sector']} is not "
                                  "a finite number; an input (model parameter, event or network "
                                  "value) is far out of range")
            tally.add(t, state.production)
            recorder.add(t, state.production)
            if outside is not None:  # final demand each industry failed to deliver, by region
                served = np.divide(state.production, state.demand, out=np.zeros(params.n),
                                   where=state.demand > 0)
                outside += schedule.final_daily - schedule.final_by_region(t) * served[:, None]
            if progress is not None:
                progress(1)
    recorder.flush()
    result = SimulationResult(scenario.name, net.industries, params.x0, recorder.production, net.unit,
                              price=net.price, va_ratio=net.va_ratio,
                              sized=per_industry(net, "sized", True), outside_lost=outside,
                              final_regions=list(net.regions), tally=tally, steps=days)
    result = diagnosed(result, net, scenario, schedule)
    if scenario.economy is None:
        return result
    table, mapping = load_economy(scenario.economy, scenario.base_dir)
    losses = economy_losses(result, table, mapping)
    warnings = result.warnings
    if losses.empty:
        regions = ", ".join(sorted(set(table.industries["region"].astype(str))))
        warnings = [*warnings, f"the economy-wide table ({table.name}) receives no loss: no stack producer "
                               f"located in {regions} lost output and no delivery to its uses outside "
                               "the stack was cut"]
    return replace(result, economy=losses, economy_table=table.name, warnings=warnings)


def check_days(days: object, field: str = "days") -> int:
    """``days`` when it is a whole number of days 1–:data:`~paxsilica.limits.MAX_DAYS`.

    >>> check_days(30)
    30
    >>> check_days(10**9)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: days must be a whole number of days 1-36,500, not 1000000000
    """
    if isinstance(days, bool) or not isinstance(days, int | np.integer) or not 1 <= days <= MAX_DAYS:
        raise ParameterError(f"{field} must be a whole number of days 1-{MAX_DAYS:,}, not {days!r}",
                             field=field)
    return int(days)


def simulate(source: object, scenario: Scenario | str | Path, *, days: int | None = None,
             progress: Progress | None = None) -> SimulationResult:
    """Simulate a scenario on a network.

    Parameters
    ----------
    source: a :class:`SimNetwork`, an MRIO folder path, a
        :class:`~paxsilica.model.network.StackNetwork`, or ``None`` (the scenario's
        ``network.mrio`` when set, else the bundled stack network).
    scenario: a :class:`Scenario` or the path of its YAML file.
    days: override the scenario's number of days (steps).
    progress: called with 1 after each step (e.g. a progress bar's ``advance``).

    The front ends enter through :func:`paxsilica.requests.simulate.prepare_simulation`,
    which applies the request limits and builds the network once.
    """
    if days is not None:
        check_days(days)
    scenario, net, params, schedule = prepare(source, scenario)
    return run_prepared(scenario, net, params, schedule, days=days, progress=progress)
