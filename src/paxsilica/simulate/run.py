"""Run a scenario: load the network, compile events, loop :func:`~paxsilica.simulate.ario.step`.

Example:
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
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np

from paxsilica.errors import ParameterError, RowError, ValidationError
from paxsilica.simulate.ario import ARIOParams, build_params, initial_state, step, with_model
from paxsilica.simulate.events import EventSchedule, Resolver, compile_events
from paxsilica.simulate.mrio import read_mrio_folder
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.scenario import ModelParams, Scenario, load_scenario

__all__ = ["model_params", "network_and_resolver", "prepare", "run_prepared", "simulate"]

Progress = Callable[[int], None]


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
    if isinstance(source, SimNetwork):
        return source, None
    if isinstance(source, str | Path):
        return read_mrio_folder(source), None
    if source is None and scenario.mrio_path() is not None:
        path = scenario.mrio_path()
        if not path.is_dir():
            raise ValidationError([RowError(file, None, "network.mrio", f"folder not found: {path}")])
        return read_mrio_folder(path), None
    from paxsilica.simulate.stack import stack_network

    if source is None:
        from paxsilica.model.network import StackNetwork
        from paxsilica.store import open_store

        source = StackNetwork.from_store(open_store(":memory:"))
    # the latest data (shares, quantities) build the network; groups resolve per event date
    return stack_network(source)  # type: ignore[arg-type]


def prepare(source: object, scenario: Scenario | str | Path, *, file: str | None = None,
            resolver: Resolver | None = None) -> tuple[Scenario, SimNetwork, ARIOParams, EventSchedule]:
    """Validate everything before the first step (nothing runs on bad input)."""
    if not isinstance(scenario, Scenario):
        file = file or str(scenario)
        scenario = load_scenario(scenario)
    file = file or "<scenario>"
    net, found = network_and_resolver(source, scenario, file)
    resolver = resolver or found
    params = model_params(net, scenario.model)
    schedule = compile_events(scenario, net, params, resolver=resolver, file=file)
    return scenario, net, params, schedule


def run_prepared(scenario: Scenario, net: SimNetwork, params: ARIOParams, schedule: EventSchedule,
                 *, days: int | None = None, progress: Progress | None = None) -> SimulationResult:
    """Loop the kernel ``days`` steps (default the scenario's), recording production."""
    days = scenario.days if days is None else days
    if days < 1:
        raise ParameterError(f"days must be at least 1, not {days}", field="days")
    state = initial_state(params, delay_days=schedule.max_delay)
    production = np.empty((days, params.n))
    for t in range(days):
        state = step(state, params, schedule.shocks(t))
        production[t] = state.production
        if progress is not None:
            progress(1)
    return SimulationResult(scenario.name, net.industries, params.x0, production, net.unit)


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
    scenario, net, params, schedule = prepare(source, scenario)
    return run_prepared(scenario, net, params, schedule, days=days, progress=progress)
