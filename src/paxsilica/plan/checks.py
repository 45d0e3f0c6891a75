"""Catalogue checks of a planning problem: names resolved in place, problems collected.

Every check appends :class:`~paxsilica.errors.RowError` s naming the key
(``projects[2].country``); :func:`paxsilica.plan.load.check_problem` raises them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise

from paxsilica.errors import NotFoundError, RowError
from paxsilica.model.country import is_country, resolve_country
from paxsilica.model.network import StackNetwork
from paxsilica.plan.bounds import supply_problems
from paxsilica.plan.problem import Problem, Recipe

__all__ = ["CHECKS", "Checker", "check_countries", "plan_items", "recipe_lines"]

class Checker:
    """Resolves names in place and collects the problems found."""

    def __init__(self, net: StackNetwork, file: str) -> None:
        self.net, self.file = net, file
        self.errors: list[RowError] = []
        self.item_ids = set(net.items["item_id"])

    def fail(self, key: str, reason: str) -> None:
        self.errors.append(RowError(self.file, None, key, reason))

    def item(self, name: str, key: str) -> str:
        if name in self.item_ids:
            return name
        try:
            found = self.net.resolve_items(name)
        except NotFoundError as exc:
            self.fail(key, str(exc))
            return name
        if len(found) > 1:
            self.fail(key, f"item {name!r} is ambiguous ({', '.join(found)}); use an id")
        return found[0]

    def country(self, name: str, key: str, *, region_ok: bool = False) -> str:
        try:
            code = resolve_country(name)
        except KeyError as exc:
            self.fail(key, f"unknown country {name!r} ({exc.args[0]})")
            return name
        if not region_ok and not is_country(code):
            self.fail(key, f"{name!r} is a region ({code}), not a country")
        return code

    def year(self, year: int | None, years: list[int], key: str) -> None:
        if year is not None and year not in years:
            self.fail(key, f"year {year} is outside the horizon {years[0]}-{years[-1]}")


def _check_years(c: Checker, problem: Problem) -> None:
    years = problem.years
    if any(b - a != 1 for a, b in pairwise(years)):
        c.fail("years", f"years must be consecutive and increasing, got {years}")


def check_countries(c: Checker, value: list[str] | str, field: str, day: date) -> list[str]:
    """Countries named by ISO3 codes, names or group ids (members on ``day``)."""
    entries = [value] if isinstance(value, str) else value
    codes: set[str] = set()
    groups = set(c.net.groups["group_id"])
    for n, entry in enumerate(entries):
        key = field if isinstance(value, str) else f"{field}[{n}]"
        if entry in groups:
            codes |= c.net.members(entry, day)
            continue
        try:
            codes.add(resolve_country(entry))
        except KeyError:
            c.fail(key, f"unknown country or group {entry!r} (groups: {', '.join(sorted(groups))})")
    return sorted(codes)


def _resolve_all(c: Checker, problem: Problem) -> None:
    for field, records, country_field in (("demand", problem.demand, "member"),
                                          ("sources", problem.sources, "country"),
                                          ("projects", problem.projects, "country"),
                                          ("stockpiles", problem.stockpiles, "member")):
        for n, record in enumerate(records):
            record.item = c.item(record.item, f"{field}[{n}].item")
            code = c.country(getattr(record, country_field), f"{field}[{n}].{country_field}",
                             region_ok=field == "sources")
            setattr(record, country_field, code)
    for n, project in enumerate(problem.projects):
        project.partners = {c.country(k, f"projects[{n}].partners.{k}"): v
                            for k, v in project.partners.items()}
    for n, target in enumerate(problem.targets):
        target.item = c.item(target.item, f"targets[{n}].item")
        if target.member is not None:
            target.member = c.country(target.member, f"targets[{n}].member")
    for s, scenario in enumerate(problem.scenarios):
        for n, outage in enumerate(scenario.outages):
            key = f"scenarios[{s}].outages[{n}]"
            outage.country = c.country(outage.country, f"{key}.country", region_ok=True)
            if outage.item is not None:
                outage.item = c.item(outage.item, f"{key}.item")
        if scenario.unmet_penalty is not None:
            scenario.unmet_penalty = {
                c.item(item, f"scenarios[{s}].unmet_penalty.{item}"): value
                for item, value in scenario.unmet_penalty.items()}
    for n, line in enumerate(recipe_lines(problem)):
        line.output = c.item(line.output, f"chain.recipes[{n}].output")
        line.input = c.item(line.input, f"chain.recipes[{n}].input")
    for n, stock in enumerate(problem.inventory):
        stock.item = c.item(stock.item, f"inventory[{n}].item")
    problem.shortfall.priorities = {
        c.country(member, f"shortfall.priorities.{member}"): value
        for member, value in problem.shortfall.priorities.items()}


def recipe_lines(problem: Problem) -> list[Recipe]:
    """The problem's own recipe lines (none when it has no chain or reads the catalogue)."""
    if problem.chain is None or isinstance(problem.chain.recipes, str):
        return []
    return problem.chain.recipes


def plan_items(problem: Problem) -> list[str]:
    """Every item the problem names: demanded, supplied, stocked or carried (sorted)."""
    items = {d.item for d in problem.demand}
    for records in (problem.sources, problem.projects, problem.stockpiles, problem.inventory):
        items |= {r.item for r in records}
    return sorted(items)


def _check_references(c: Checker, problem: Problem) -> None:
    years = problem.years
    demanded: set[tuple[str, str]] = set()
    for n, row in enumerate(problem.demand):
        if row.year != "all":
            c.year(row.year, years, f"demand[{n}].year")
        demanded.add((row.member, row.item))
    ids: dict[str, str] = {}
    for field, records in (("sources", problem.sources), ("projects", problem.projects),
                           ("stockpiles", problem.stockpiles)):
        for n, record in enumerate(records):
            if record.id in ids:
                c.fail(f"{field}[{n}].id", f"id {record.id!r} already used in {ids[record.id]}")
            ids[record.id] = f"{field}[{n}]"
    for n, project in enumerate(problem.projects):
        first = project.earliest_build if project.earliest_build is not None else years[0]
        if first > years[-1]:
            c.fail(f"projects[{n}].earliest_build", f"{first} is after the last year {years[-1]}")
        if project.latest_build is not None and project.latest_build < max(first, years[0]):
            c.fail(f"projects[{n}].latest_build",
                   f"{project.latest_build} is before {max(first, years[0])}")
    for n, pile in enumerate(problem.stockpiles):
        if (pile.member, pile.item) not in demanded:
            c.fail(f"stockpiles[{n}].member", f"{pile.member} has no demand for {pile.item}")
    items_demanded = {item for _, item in demanded}
    # with a chain, an input of the demanded items has a coalition use too
    used = set(plan_items(problem)) if problem.chain is not None else set()
    for n, target in enumerate(problem.targets):
        key = f"targets[{n}]"
        if target.item not in items_demanded | used:
            c.fail(f"{key}.item", f"no member has demand for {target.item}"
                   + ("" if problem.chain is None else " and the problem does not supply it"))
        elif target.member is not None and (target.member, target.item) not in demanded:
            c.fail(f"{key}.member", f"{target.member} has no demand for {target.item}")
        _check_window(c, target.from_, target.to, years, key)
    _check_scenarios(c, problem)
    _check_chain(c, problem, demanded)


def _check_chain(c: Checker, problem: Problem, demanded: set[tuple[str, str]]) -> None:
    """Recipe lines, carried items and shortfall priorities."""
    items = set(plan_items(problem))
    pairs: dict[tuple[str, str], int] = {}
    for n, line in enumerate(recipe_lines(problem)):
        key = f"chain.recipes[{n}]"
        if line.output == line.input:
            c.fail(f"{key}.input", f"{line.input} cannot be an input of itself")
        for end in ("output", "input"):
            if getattr(line, end) not in items:
                c.fail(f"{key}.{end}", f"{getattr(line, end)} is not in the problem (no "
                                       "demand, supplier or inventory names it)")
        if (line.output, line.input) in pairs:
            c.fail(key, f"line {line.output} <- {line.input} already given in "
                        f"chain.recipes[{pairs[(line.output, line.input)]}]")
        pairs.setdefault((line.output, line.input), n)
    carried: dict[str, int] = {}
    for n, stock in enumerate(problem.inventory):
        if stock.item in carried:
            c.fail(f"inventory[{n}].item", f"{stock.item} already in inventory[{carried[stock.item]}]")
        carried.setdefault(stock.item, n)
        if stock.capacity is not None and stock.initial > stock.capacity:
            c.fail(f"inventory[{n}].initial", f"{stock.initial:g} is above the capacity "
                                              f"{stock.capacity:g}")
    members = {member for member, _ in demanded}
    for member in problem.shortfall.priorities:
        if member not in members:
            c.fail(f"shortfall.priorities.{member}", f"{member} has no demand in the problem")
    for s, scenario in enumerate(problem.scenarios):
        for item in scenario.unmet_penalty or {}:
            if item not in {i for _, i in demanded}:
                c.fail(f"scenarios[{s}].unmet_penalty.{item}", f"no member has demand for {item}")


def _check_window(c: Checker, start: int | None, end: int | None, years: list[int],
                  key: str) -> None:
    c.year(start, years, f"{key}.from")
    c.year(end, years, f"{key}.to")
    if start is not None and end is not None and end < start:
        c.fail(f"{key}.to", f"{end} is before from {start}")


def _check_scenarios(c: Checker, problem: Problem) -> None:
    seen: set[str] = set()
    for n, scenario in enumerate(problem.scenarios):
        if scenario.name in seen:
            c.fail(f"scenarios[{n}].name", f"scenario {scenario.name!r} appears twice")
        seen.add(scenario.name)
        _check_window(c, scenario.from_, scenario.to, problem.years, f"scenarios[{n}]")
        for o, outage in enumerate(scenario.outages):
            _check_window(c, outage.from_, outage.to, problem.years,
                          f"scenarios[{n}].outages[{o}]")
    probabilities = [s.probability for s in problem.scenarios]
    if any(p is None for p in probabilities):
        c.fail("scenarios", "give a probability for every scenario or for none")
    elif abs(sum(probabilities) - 1) > 1e-6:  # type: ignore[arg-type]
        c.fail("scenarios", f"probabilities add up to {sum(probabilities):g}, not 1")  # type: ignore[arg-type]


def _check_supply(c: Checker, problem: Problem) -> None:
    if not c.errors:  # items resolved: a demand nothing supplies would crash the model
        c.errors.extend(supply_problems(problem, c.file))


CHECKS: list[Callable[[Checker, Problem], None]] = [_check_years, _resolve_all,
                                                     _check_references, _check_supply]
