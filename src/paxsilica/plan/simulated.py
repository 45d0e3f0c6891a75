"""Planning scenarios from the simulator: library or file scenarios, and ensembles.

A plan scenario may name a simulator scenario instead of typing outages::

    scenarios:
      - {name: ban, probability: 0.2, simulate: {library: coalition-ban}}
      - {name: ga, probability: 0.1, simulate: {file: ga-ban.yaml, ensemble: 30, bins: 3}}

**Outages** come from the scenario's events, day by day over the plan's years (step 0 is
``start_date``, else 1 January of the first plan year), averaged per calendar year:

* ``export_ban``: the exporters' supply of the event's items (every plan item when it
  names none) is lost in the share of the players' demand the importers hold (1 when
  every member with demand is an importer: the planner pools supply, so a ban on some
  members removes that part of the exporter's supply); a ban without ``end`` lasts to
  the end of the plan;
* ``licence_regime``: the same with ``share × deny_rate`` (delays are not modelled by
  the planner: a warning says so);
* ``capacity_loss``: ``fraction`` of the countries' capacity, recovering linearly over
  ``recovery`` days after ``duration`` (as the simulator applies it);
* ``chokepoint_closure``: supply from one side to members on the other, ``severity``;
* ``stockpile_release`` is the planner's own decision and is left out (warning).

**Losses.** When the simulator reports losses in US dollars (summary column
``loss_usd``), the cost of a unit short of item i in the scenario is what a release of
that item to the members avoids: (L₀ − L₁) / Q, L the coalition's simulated loss in USD
(members with demand and the problem's ``coalition`` countries) without and with a
``stockpile_release`` of Q (a tenth of the members' yearly demand of i, over the run).
Only losses count: a member's industry that gains sales while others are cut does not
make a shortage cheaper. An item whose release avoids nothing there (no member's
industry uses it in the simulation network, or the shortage does not reach them) keeps
the problem's ``unmet_penalty``, with a warning; so does every item when the simulator
gives no dollar losses.

**Ensembles** draw ``ensemble`` members (the same draws as ``paxsilica simulate
--ensemble``: member i uses the i-th child of ``SeedSequence(seed)``), sort them by
severity (the simulated loss when in dollars; ties, and runs without dollars, by the
mean outage fraction) and split them into ``bins`` equal groups; each group is one plan
scenario with the group's share of the probability and its members' mean outages
(losses from its median member).

Example:
    >>> from paxsilica.plan.load import bundled_network
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> doc = scenario_from_dict({"name": "b", "days": 365, "start_date": "2027-07-02",
    ...     "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"],
    ...                 "items": ["gallium"], "start": 0}]})
    >>> out, notes = plan_outages(bundled_network(), doc, [2026, 2027, 2028], ["gallium"],
    ...                           {"gallium": {"USA": 1.0}})
    >>> [(o.country, o.item, round(o.fraction, 3), o.from_, o.to) for o in out]
    [('CHN', 'gallium', 0.501, 2027, 2027), ('CHN', 'gallium', 1.0, 2028, 2028)]
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from paxsilica.errors import NotFoundError, PaxsilicaError, RowError, ValidationError
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork
from paxsilica.plan.checks import plan_items
from paxsilica.plan.problem import Outage, Problem, Scenario, SimulatedScenario
from paxsilica.simulate.scenario import Scenario as SimScenario
from paxsilica.simulate.scenario import load_scenario, scenario_from_dict

__all__ = ["Simulator", "expand_simulated", "loss_rates", "plan_outages", "simulated_document"]

RELEASE_SHARE = 0.1
"""Released quantity for the loss rate: this share of the members' yearly demand."""


def simulated_document(spec: SimulatedScenario, net: StackNetwork, base_dir: Path,
                       file: str, key: str) -> SimScenario:
    """The simulator scenario a plan scenario names (library name or file)."""
    if spec.library is not None:
        from paxsilica.simulate.library import scenario_library

        library = scenario_library(net)
        if spec.library not in library:
            known = ", ".join(sorted(library))
            raise ValidationError([RowError(file, None, f"{key}.library",
                                            f"unknown library scenario {spec.library!r} "
                                            f"(known: {known})")])
        return scenario_from_dict(library[spec.library], file=f"library:{spec.library}")
    path = Path(spec.file)  # type: ignore[arg-type]
    path = path if path.is_absolute() else base_dir / path
    try:
        return load_scenario(path)
    except ValidationError as exc:
        raise ValidationError([RowError(file, None, f"{key}.file", str(e))
                               for e in exc.errors]) from None


def _places(net: StackNetwork, names: list[str], day: date) -> set[str] | None:
    """ISO3 codes named (group ids as of ``day``); None for ``all``."""
    out: set[str] = set()
    groups = set(net.groups["group_id"])
    for name in names:
        if name == "all":
            return None
        if name in groups:
            out |= set(net.members(name, day))
            continue
        try:
            out.add(resolve_country(name))
        except KeyError:
            raise NotFoundError(f"unknown country or group {name!r} in the simulator "
                                "scenario") from None
    return out


def _items(net: StackNetwork, names: list[str] | str | None, wanted: list[str]) -> list[str]:
    if names is None:
        return list(wanted)
    found: set[str] = set()
    for name in [names] if isinstance(names, str) else names:
        found |= set(net.resolve_items(name))
    return [item for item in wanted if item in found]


def _reach(importers: set[str] | None, item: str,
           demand: dict[str, dict[str, float]]) -> float:
    """Share of the players' demand of ``item`` held by ``importers`` (None: everyone)."""
    by_member = demand.get(item, {})
    total = sum(by_member.values())
    if importers is None or total <= 0:
        return 1.0 if importers is None else 0.0
    return sum(q for m, q in by_member.items() if m in importers) / total


def plan_outages(net: StackNetwork, scenario: SimScenario, years: list[int],
                 items: list[str], demand: dict[str, dict[str, float]]
                 ) -> tuple[list[Outage], list[str]]:
    """Per-year outages (country, item, fraction, from = to = year) of a simulator scenario
    over the plan's ``years`` and ``items``; ``demand``: item -> member -> quantity."""
    first = date(years[0], 1, 1)
    origin = scenario.start_date or first
    days = (date(years[-1], 12, 31) - first).days + 1
    calendar = np.array([(first + timedelta(days=d)).year for d in range(days)])
    loss: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(days))
    notes: list[str] = []
    if scenario.start_date is None:
        notes.append(f"{scenario.name}: no start_date; step 0 taken as {first}")
    for event in scenario.events:
        start = (origin - first).days + scenario.step_of(event.start)
        day = origin + timedelta(days=scenario.step_of(event.start))
        profile = np.zeros(days)
        if event.kind == "capacity_loss":
            span = np.arange(days) - start
            profile = np.where((span >= 0) & (span <= event.duration + 1), event.fraction, 0.0)
            fading = (span > event.duration + 1) & (span <= event.duration + 1 + event.recovery)
            profile = np.where(fading, event.fraction * (1 - (span - 1 - event.duration)
                                                         / event.recovery), profile)
            countries = _places(net, [event.region or event.country] if isinstance(
                event.region or event.country, str) else (event.region or event.country), day)
            for item in _items(net, event.sector or event.item, items):
                for country in countries or set():
                    loss[(country, item)] = np.maximum(loss[(country, item)], profile)
            continue
        if event.kind in ("stockpile_release",) or not hasattr(event, "end"):
            notes.append(f"{scenario.name}: {event.kind} left out (the plan decides "
                         "stockpiles)" if event.kind == "stockpile_release" else
                         f"{scenario.name}: {event.kind} has no planner equivalent; left out")
            continue
        end = days if event.end is None else (origin - first).days + scenario.step_of(event.end)
        active = (np.arange(days) >= start) & (np.arange(days) < end)
        if event.kind == "export_ban":
            pairs, size = [(event.exporters, event.importers)], 1.0
        elif event.kind == "licence_regime":
            pairs, size = [(event.exporters, event.importers)], event.share * event.deny_rate
            if event.delay_days:
                notes.append(f"{scenario.name}: licence delays ({event.delay_days} days) are "
                             "not modelled by the planner; only denials cut supply")
        elif event.kind == "chokepoint_closure":
            pairs = [(event.between, event.and_)] + ([(event.and_, event.between)]
                                                     if event.both_ways else [])
            size = event.severity
            if event.delay_days:
                notes.append(f"{scenario.name}: chokepoint delays are not modelled by the "
                             "planner")
        else:
            notes.append(f"{scenario.name}: {event.kind} has no planner equivalent; left out")
            continue
        for sellers, buyers in pairs:
            exporters = _places(net, sellers, day) or set()
            importers = _places(net, buyers, day)
            for item in _items(net, event.items, items):
                fraction = size * _reach(importers, item, demand)
                for country in exporters:
                    loss[(country, item)] = np.maximum(loss[(country, item)],
                                                       active * fraction)
    outages = []
    for (country, item), profile in sorted(loss.items()):
        for year in years:
            share = float(profile[calendar == year].mean())
            if share > 1e-9:
                outages.append(Outage(country=country, item=item, fraction=min(share, 1.0),
                                      **{"from": year}, to=year))
    return outages, notes


def _demand(problem: Problem) -> dict[str, dict[str, float]]:
    """item -> member -> yearly demand (mean over the horizon)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in problem.demand:
        share = 1.0 if row.year == "all" else 1.0 / len(problem.years)
        out[row.item][row.member] += row.quantity * share
    return out


def _loss(summary: object, members: set[str]) -> float | None:
    """Members' simulated loss in US dollars (None when the simulator gives no dollars).

    Only losses count: an industry of a member that sells more while others are cut
    (negative ``loss_usd``) does not make the shortage cheaper for the members that lack
    the item, nor a unit short worth less."""
    if "loss_usd" not in summary.columns:  # type: ignore[attr-defined]
        return None
    rows = summary[summary["region"].isin(members)]  # type: ignore[index]
    return float(rows["loss_usd"].fillna(0.0).clip(lower=0.0).sum())


class Simulator:
    """The stack's simulation network built once for every run of one plan (a state: the
    network and the name resolver)."""

    def __init__(self, net: StackNetwork) -> None:
        self.net = net
        self._built: tuple | None = None

    def summary(self, scenario: SimScenario) -> object:
        """Per-industry summary of a run (see :meth:`SimulationResult.summary`)."""
        from paxsilica.simulate.run import network_and_resolver, prepare, run_prepared

        if self._built is None:
            self._built = network_and_resolver(self.net, scenario)
        simnet, resolver = self._built
        return run_prepared(*prepare(simnet, scenario, resolver=resolver)).summary()

    def loss(self, scenario: SimScenario, members: set[str]) -> float | None:
        """The members' simulated loss in US dollars (None without dollar losses)."""
        return _loss(self.summary(scenario), members)


def loss_rates(sim: Simulator, scenario: SimScenario, problem: Problem,
               items: list[str]) -> tuple[dict[str, float] | None, list[str]]:
    """USD lost per unit short of each item (release method; see the module), and notes;
    None when the simulator reports no dollar losses. An item whose release avoids no
    simulated loss for the members (none of their industries uses it in the simulation
    network, or the shortage does not reach them there) gets no rate: its unmet demand
    keeps the problem's price, and a note says why."""
    members = {d.member for d in problem.demand} | set(problem.coalition or [])
    total = sim.loss(scenario, members)
    if total is None:
        return None, []
    demand = _demand(problem)
    rates: dict[str, float] = {}
    notes: list[str] = []
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for item in items:
        wanted = sum(demand.get(item, {}).values())
        quantity = RELEASE_SHARE * wanted * scenario.days / 365
        if quantity <= 0:
            continue
        events = list(data["events"]) + [
            {"kind": "stockpile_release", "holder": member, "item": item,
             "quantity": quantity * q / wanted, "rate": quantity * q / wanted / scenario.days,
             "start": 0} for member, q in demand[item].items() if q > 0]
        try:
            after = sim.loss(scenario_from_dict({**data, "events": events},
                                                base_dir=scenario.base_dir), members)
        except PaxsilicaError:  # the item or a member's users are not in the network
            notes.append(f"{scenario.name}: the simulation network has no industry of the "
                         f"members using {item}; unmet {item} costs the problem's "
                         "unmet_penalty")
            continue
        avoided = total - (after or 0.0)
        if avoided <= 0:
            notes.append(f"{scenario.name}: a release of {item} avoids no simulated loss for "
                         f"the members (simulated loss {total:,.0f} USD); unmet {item} costs "
                         "the problem's unmet_penalty")
            continue
        rates[item] = avoided / quantity
    return rates, notes


def _origin(spec: SimulatedScenario) -> str:
    what = f"library {spec.library}" if spec.library else f"file {spec.file}"
    return f"simulator: {what}"


def _one(problem: Problem, scenario: Scenario, spec: SimulatedScenario, sim: Simulator,
         document: SimScenario) -> tuple[list[Scenario], list[str]]:
    from paxsilica.simulate.ensemble import draw_parameters, member_scenario

    items = plan_items(problem)
    demand = _demand(problem)
    if spec.days is not None:
        document = document.model_copy(update={"days": spec.days})
    members = ([document] if spec.ensemble is None else
               [member_scenario(document, draw_parameters(document, i, spec.seed))
                for i in range(spec.ensemble)])
    found = [plan_outages(sim.net, m, problem.years, items, demand) for m in members]
    notes = sorted({note for _, n in found for note in n})
    players = {d.member for d in problem.demand} | set(problem.coalition or [])
    in_dollars = sim.loss(members[0], players) is not None
    depth = [float(np.mean([o.fraction for o in outages])) if outages else 0.0
             for outages, _ in found]
    if spec.ensemble is not None and in_dollars:  # one run per member: its loss
        dollars = [sim.loss(m, players) or 0.0 for m in members]
    else:
        dollars = [0.0] * len(members)
    if not in_dollars:
        notes.append(f"{scenario.name}: the simulator reports no losses in US dollars; "
                     "unmet demand costs the problem's unmet_penalty")
    # by simulated loss, ties (members losing nothing in dollars) by the supply cut
    order = np.lexsort((depth, dollars))
    groups = np.array_split(order, spec.bins if spec.ensemble else 1)
    out = []
    for n, group in enumerate(groups):
        representative = members[int(group[len(group) // 2])]
        rates, rate_notes = (loss_rates(sim, representative, problem, items) if in_dollars
                             else (None, []))
        notes += rate_notes
        merged: dict[tuple, list[float]] = defaultdict(list)
        for member in group:
            for outage in found[int(member)][0]:
                merged[(outage.country, outage.item, outage.from_)].append(outage.fraction)
        outages = [Outage(country=c, item=i, fraction=sum(f) / len(group),
                          **{"from": y}, to=y) for (c, i, y), f in sorted(merged.items())]
        name = scenario.name if len(groups) == 1 else f"{scenario.name}:{n + 1}of{len(groups)}"
        label = _origin(spec) + ("" if spec.ensemble is None else
                                 f", members {len(group)} of {spec.ensemble} "
                                 f"(severity rank {n + 1} of {len(groups)})")
        penalty = dict(scenario.unmet_penalty or {}) | (rates or {})
        out.append(Scenario(name=name, probability=(scenario.probability or 0.0) * len(group)
                            / len(members), outages=outages, unmet_penalty=penalty or None,
                            origin=label))
    return out, sorted(set(notes))


def expand_simulated(problem: Problem, net: StackNetwork, file: str,
                     base_dir: Path) -> Problem:
    """The problem with every simulator scenario replaced by planner scenarios."""
    problem = problem.model_copy(deep=True)
    scenarios: list[Scenario] = []
    notes: list[str] = []
    sim = Simulator(net)
    for n, scenario in enumerate(problem.scenarios):
        if scenario.simulate is None:
            scenarios.append(scenario)
            continue
        key = f"scenarios[{n}].simulate"
        document = simulated_document(scenario.simulate, net, base_dir, file, key)
        if document.network.mrio is not None:
            raise ValidationError([RowError(file, None, key, "the scenario runs on an MRIO "
                                            "table; the planner needs the stack network "
                                            "(omit network.mrio)")])
        try:
            expanded, found = _one(problem, scenario, scenario.simulate, sim, document)
        except (NotFoundError, ValidationError) as exc:
            raise ValidationError([RowError(file, None, key, str(exc))]) from None
        scenarios += expanded
        notes += found
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValidationError([RowError(file, None, "scenarios", "scenario names repeat once "
                                        "ensembles are split into bins")])
    problem.scenarios = scenarios
    problem.notes.extend(dict.fromkeys(notes))
    return problem
