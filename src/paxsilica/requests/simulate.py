"""Simulate: one scenario, or an ensemble of it, entered once.

:func:`prepare_simulation` decides everything a run needs, once: which scenario (a
mapping, YAML text, a library name or, for local requests, a YAML file), which network
(the scenario's MRIO folder, local requests only, else the stack network, built once),
the limits of :mod:`~paxsilica.requests.limits` (a scenario's own ``days`` and events
included, so no scenario object bypasses them), the kernel arrays and the event schedule.
The :class:`PreparedSimulation` then runs once or as an ensemble without building
anything again.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> request = SimulateRequest(scenario="coalition-ban", days=5)
    >>> result = answer_simulate(net, request)
    >>> result.days, result.scenario
    (5, 'coalition-ban')
    >>> SimulateRequest(scenario="coalition-ban", days=100_000)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: days: Input should be less than or equal to 36500
    >>> SimulateRequest.parse(scenario="coalition-ban", days=5000, local_files=False)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: days: at most 3650 for a remote request, not 5000
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, PrivateAttr, StrictInt, ValidationInfo, model_validator

from paxsilica.errors import NotFoundError, ParameterError, RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import Document, Request, is_document_text
from paxsilica.requests.limits import (
    MAX_DAYS,
    MAX_ENSEMBLE_MEMBERS,
    MAX_EVENTS,
    MAX_NAME_CHARS,
    MAX_WORKERS,
    SERVICE_MAX_DAYS,
)
from paxsilica.simulate.ario import ARIOParams
from paxsilica.simulate.ensemble import EnsembleResult, run_ensemble
from paxsilica.simulate.events import EventSchedule, Resolver
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.recorder import SeriesSink
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.run import network_and_resolver, prepare, run_prepared
from paxsilica.simulate.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = ["PreparedSimulation", "SimulateRequest", "answer_simulate", "prepare_simulation"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: steps of one run, or members of an ensemble."""
NetworkSource = StackNetwork | Callable[[], StackNetwork]
"""The stack network, or a function building it when first needed (an MRIO scenario
never needs it)."""


class SimulateRequest(Request):
    """``paxsilica simulate`` / ``POST /api/v1/simulate``."""

    scenario: str | Document
    """A library scenario's name, scenario YAML text, the scenario as a mapping (the keys
    of a scenario file) or, for local requests, a scenario YAML file."""
    days: Annotated[StrictInt, Field(ge=1, le=MAX_DAYS)] | None = None
    """Days to simulate (default: the scenario's)."""
    ensemble: Annotated[StrictInt, Field(ge=1, le=MAX_ENSEMBLE_MEMBERS)] | None = None
    """Run this many Monte Carlo members (the scenario's ``uncertain`` draws) on Dask."""
    seed: Annotated[StrictInt, Field(ge=0)] = 0
    """Seed of the ensemble draws."""
    scheduler: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)] | None = None
    """Dask scheduler ``tcp://host:port``, or ``synchronous`` (default: a local cluster)."""
    workers: Annotated[StrictInt, Field(ge=1, le=MAX_WORKERS)] = 2
    """Workers of the local cluster."""
    folder: Path | None = None
    """Where ensemble members are stored (default ``<scenario name>.members``)."""
    series: Literal["industries", "regions", "none"] = "industries"
    """The daily series a run reports: output per industry, per region (summed over
    sectors), or none (the summary only)."""
    _parsed: Scenario | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        remote = info.context is not None and not info.context.get("local_files", True)
        if remote and (self.ensemble is not None or self.scheduler is not None
                       or self.folder is not None):
            raise ParameterError("ensembles run locally (they write member files); a remote "
                                 "request runs one scenario", field="ensemble")
        if self.ensemble is None and (self.scheduler is not None or self.folder is not None):
            raise ParameterError("scheduler and folder need ensemble",
                                 field="scheduler" if self.scheduler is not None else "folder")
        if isinstance(self.scenario, str) and not self.scenario.strip():
            raise ParameterError("scenario: empty", field="scenario")
        if remote and self.days is not None and self.days > SERVICE_MAX_DAYS:
            raise ParameterError(f"days: at most {SERVICE_MAX_DAYS} for a remote request, "
                                 f"not {self.days}", field="days")
        # the scenario object a document parses to, kept so that preparing the run does not
        # parse it again (None: a library name or a file, resolved when prepared)
        self._parsed = _check_document(self.scenario, self.days, remote)
        return self

    @property
    def max_days(self) -> int:
        """The longest run this request may ask for (the scenario's own days included)."""
        return MAX_DAYS if self.local_files else SERVICE_MAX_DAYS


def _check_document(spec: str | dict, days: int | None, remote: bool) -> Scenario | None:
    """A scenario sent as an object or YAML text is held to the day and event limits when
    the request is built, and its fields checked (a job is refused at the door, not failed
    later); returns the scenario it parses to (``None`` for a name, a file, or YAML that
    does not parse). What needs the network (unknown countries or items) is reported, at
    its line, when the simulation is prepared."""
    document: object = spec
    if isinstance(spec, str):
        if not is_document_text(spec):
            return None
        try:
            document = load_yaml(spec, "scenario").data
        except ValidationError:
            return None  # named with its line by prepare_simulation
    if not isinstance(document, dict):
        return None
    cap = SERVICE_MAX_DAYS if remote else MAX_DAYS
    own = document.get("days")
    if days is None and isinstance(own, int) and not isinstance(own, bool) and own > cap:
        raise ParameterError(f"scenario.days: {own} days; at most {cap}"
                             + (" for a remote request" if remote else ""), field="scenario.days")
    events = document.get("events")
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        raise ParameterError(f"scenario.events: {len(events)} events; at most {MAX_EVENTS}",
                             field="scenario.events")
    # the scenario's own fields (kinds, numbers finite and in range; every problem named),
    # before any network is built: a job with a bad scenario is refused at the door
    try:
        return scenario_from_dict(document, file="scenario")
    except ValidationError as exc:
        found = _with_document_lines(exc, spec, "scenario").errors
        problems = [(f"scenario.{error.field}" if error.field else "scenario", str(error)) for error in found]
        raise ParameterError(str(found[0]) + (f" (and {len(found) - 1} more problem(s))" if len(found) > 1 else ""),
                             field=problems[0][0], problems=problems) from None


@dataclass(frozen=True)
class PreparedSimulation:
    """Everything a run needs, validated and built once."""

    request: SimulateRequest
    scenario: Scenario
    file: str
    """How errors name the scenario (its file, library name or ``scenario``)."""
    network: SimNetwork
    resolver: Resolver | None
    params: ARIOParams
    schedule: EventSchedule

    @property
    def days(self) -> int:
        return self.request.days or self.scenario.days

    @property
    def members_folder(self) -> Path:
        return self.request.folder or Path(f"{self.scenario.name}.members")

    def run(self, progress: Progress | None = None, *, sink: SeriesSink | None = None,
            keep: bool = True) -> SimulationResult:
        """One run of :attr:`days` steps; the series the request asks for goes to ``sink``
        in chunks of steps as the run goes (:func:`~paxsilica.simulate.run.run_prepared`),
        and ``keep=False`` keeps no series in memory."""
        total, done = self.days, [0]

        def advance(steps: int) -> None:
            done[0] += steps
            if progress is not None:
                progress(done[0], total)

        return run_prepared(self.scenario, self.network, self.params, self.schedule,
                            days=self.days, progress=advance, series=self.request.series, sink=sink,
                            keep=keep)

    def run_ensemble(self, progress: Progress | None = None) -> EnsembleResult:
        """``request.ensemble`` members on Dask, stored in :attr:`members_folder` (members
        already there are not run again)."""
        members, done = self.request.ensemble or 1, [0]

        def advance(count: int) -> None:
            done[0] += count
            if progress is not None:
                progress(done[0], members)

        return run_ensemble(self.network, self.scenario, resolver=self.resolver,
                            members=members, folder=self.members_folder, seed=self.request.seed,
                            days=self.request.days, scheduler=self.request.scheduler,
                            workers=self.request.workers, progress=advance)


def _looks_like_file(spec: str) -> bool:
    path = Path(spec)
    try:
        return path.suffix.lower() in {".yaml", ".yml"} or path.exists()
    except OSError:  # a name too long for the file system is not a file
        return False


def _from_text(text: str) -> Scenario:
    document = load_yaml(text, "scenario")  # duplicate keys, alias bombs, deep nesting refused
    try:
        return scenario_from_dict(document.data, file="scenario")
    except ValidationError as exc:
        raise with_lines(exc, document) from None


class _Stack:
    """The stack network's simulation network and resolver, built on first use only."""

    def __init__(self, net: NetworkSource) -> None:
        self._source = net
        self._built: tuple[StackNetwork, SimNetwork, Resolver | None] | None = None

    def get(self) -> tuple[StackNetwork, SimNetwork, Resolver | None]:
        if self._built is None:
            net = self._source() if callable(self._source) else self._source
            from paxsilica.simulate.stack import stack_network

            sim, resolver = stack_network(net)  # latest data; groups resolve per event date
            self._built = (net, sim, resolver)
        return self._built


def _scenario(request: SimulateRequest, stack: _Stack) -> tuple[Scenario, str]:
    spec = request.scenario
    if request._parsed is not None:  # a mapping (always) or YAML text, parsed when the request was built
        return request._parsed, "scenario"
    if request.local_files and _looks_like_file(spec):
        return load_scenario(spec), spec
    if is_document_text(spec):
        return _from_text(spec), "scenario"
    from paxsilica.simulate.library import refused_measures, scenario_library

    net, sim, _ = stack.get()
    library = scenario_library(net, sim=sim)
    if spec not in library:
        reason = refused_measures(net, sim=sim).get(spec)
        if reason:  # a goods measure without an item mapping is never simulated
            raise ValidationError([RowError(spec, None, None, f"refused: {reason}")])
        where = "a scenario file nor a library scenario" if request.local_files else "a library scenario"
        raise NotFoundError(f"{spec!r} is neither {where} (see paxsilica scenarios list)",
                            field="scenario")
    return scenario_from_dict(library[spec], file=spec), spec


def _check_limits(scenario: Scenario, file: str, request: SimulateRequest) -> None:
    problems, local_files = [], request.local_files
    if request.days is None and scenario.days > request.max_days:
        problems.append(RowError(file, None, "days", f"{scenario.days} days; at most "
                                 f"{request.max_days}" + ("" if local_files else
                                                          " for a remote request")))
    if len(scenario.events) > MAX_EVENTS:
        problems.append(RowError(file, None, "events",
                                 f"{len(scenario.events)} events; at most {MAX_EVENTS}"))
    if not local_files and scenario.network.mrio is not None:
        problems.append(RowError(file, None, "network.mrio", "a remote request runs on the stored "
                                 "stack network; it does not read MRIO folders"))
    if problems:
        raise ValidationError(problems)


def prepare_simulation(request: SimulateRequest, net: NetworkSource) -> PreparedSimulation:
    """Resolve the scenario and its network once and validate everything (nothing runs on
    bad input).

    Raises:
        ValidationError: a bad scenario (file or ``scenario`` and key named), over a limit.
        NotFoundError: an unknown library scenario (``field`` ``scenario``).
    """
    stack = _Stack(net)
    scenario, file = _scenario(request, stack)
    _check_limits(scenario, file, request)
    if scenario.mrio_path() is not None:
        sim, resolver = network_and_resolver(None, scenario, file)
    else:
        _, sim, resolver = stack.get()
    try:
        scenario, sim, params, schedule = prepare(sim, scenario, file=file, resolver=resolver)
    except ValidationError as exc:  # events checked against the network: name their lines too
        raise _with_document_lines(exc, request.scenario, file) from None
    return PreparedSimulation(request, scenario, file, sim, resolver, params, schedule)


def _with_document_lines(error: ValidationError, spec: str | dict, file: str) -> ValidationError:
    """``error`` with the YAML line of each key, when the scenario came as a file or text."""
    if isinstance(spec, dict):
        return error
    try:
        document = load_yaml(Path(file) if file == spec and _looks_like_file(spec) else spec, file)
    except ValidationError:
        return error
    return with_lines(error, document)


def answer_simulate(net: NetworkSource, request: SimulateRequest, *,
                    progress: Progress | None = None) -> SimulationResult | EnsembleResult:
    """Run the request: one :class:`SimulationResult`, or an :class:`EnsembleResult` when
    ``request.ensemble`` is set."""
    prepared = prepare_simulation(request, net)
    if request.ensemble is not None:
        return prepared.run_ensemble(progress)
    return prepared.run(progress)
