"""Read a planning problem from YAML and check it against the catalogue.

Every problem is collected before raising one :class:`~paxsilica.errors.ValidationError`
whose errors name the file, the line and the key (``projects[2].capacity``). The returned
:class:`~paxsilica.plan.problem.Problem` holds resolved codes: items are catalogue
ids, countries ISO3, ``concern`` the list of concern countries.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
    >>> _ = path.write_text("name: t\\nyears: [2026]\\nconcern: [China]\\n"
    ...     "demand: [{member: Japan, item: ga, quantity: 5}]\\n")
    >>> load_problem(path)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ValidationError: ...p.yaml row 4, field 'demand[0].item': unknown item 'ga'...
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from pathlib import Path

from pydantic import ValidationError as PydanticError

from paxsilica.errors import NotFoundError, PaxsilicaError, RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.model.country import is_country, resolve_country
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.plan.bounds import number_problems, supply_problems
from paxsilica.plan.problem import Problem

__all__ = ["bundled_network", "check_problem", "load_problem", "parse_problem"]


def bundled_network() -> StackNetwork:
    """The network of the bundled data (an in-memory store)."""
    from paxsilica.store import open_store

    return StackNetwork.from_store(open_store(":memory:"))


def _key(loc: tuple[object, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_problem(data: object, file: str = "<problem>") -> Problem:
    """Shape checks only (types, ranges, required keys) of a loaded YAML document."""
    if not isinstance(data, dict):
        raise ValidationError([RowError(file, None, None, "a problem is a YAML mapping")])
    try:
        problem = Problem.model_validate(data)
    except PydanticError as exc:
        errors = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-after"))
            reason = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                reason = "unknown key"
            errors.append(RowError(file, None, _key(loc) or None, reason))
        raise ValidationError(errors) from None
    errors = number_problems(problem, file)
    if errors:
        raise ValidationError(errors)
    return problem


def load_problem(path: str | Path, net: StackNetwork | None = None) -> Problem:
    """Read, shape-check and resolve a problem file against ``net`` (default: bundled data).

    Raises:
        ValidationError: every problem found, each naming the file and key.
    """
    path = Path(path)
    document = load_yaml(path, dates=False)  # as_of stays text: checked (and named) below
    try:
        problem = parse_problem(document.data, str(path))
        return check_problem(problem, net or bundled_network(), str(path))
    except ValidationError as exc:
        raise with_lines(exc, document) from None


class _Checker:
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


def _check_years(c: _Checker, problem: Problem) -> None:
    years = problem.years
    if any(b - a != 1 for a, b in pairwise(years)):
        c.fail("years", f"years must be consecutive and increasing, got {years}")


def _check_countries(c: _Checker, value: list[str] | str, field: str, day: date) -> list[str]:
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


def _resolve_all(c: _Checker, problem: Problem) -> None:
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


def _check_references(c: _Checker, problem: Problem) -> None:
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
    for n, target in enumerate(problem.targets):
        key = f"targets[{n}]"
        if target.item not in items_demanded:
            c.fail(f"{key}.item", f"no member has demand for {target.item}")
        elif target.member is not None and (target.member, target.item) not in demanded:
            c.fail(f"{key}.member", f"{target.member} has no demand for {target.item}")
        _check_window(c, target.from_, target.to, years, key)
    _check_scenarios(c, problem)


def _check_window(c: _Checker, start: int | None, end: int | None, years: list[int],
                  key: str) -> None:
    c.year(start, years, f"{key}.from")
    c.year(end, years, f"{key}.to")
    if start is not None and end is not None and end < start:
        c.fail(f"{key}.to", f"{end} is before from {start}")


def _check_scenarios(c: _Checker, problem: Problem) -> None:
    seen: set[str] = set()
    for n, scenario in enumerate(problem.scenarios):
        if scenario.name in seen:
            c.fail(f"scenarios[{n}].name", f"scenario {scenario.name!r} appears twice")
        seen.add(scenario.name)
        _check_window(c, scenario.from_, scenario.to, problem.years, f"scenarios[{n}]")
    probabilities = [s.probability for s in problem.scenarios]
    if any(p is None for p in probabilities):
        c.fail("scenarios", "give a probability for every scenario or for none")
    elif abs(sum(probabilities) - 1) > 1e-6:  # type: ignore[arg-type]
        c.fail("scenarios", f"probabilities add up to {sum(probabilities):g}, not 1")  # type: ignore[arg-type]


def _check_supply(c: _Checker, problem: Problem) -> None:
    if not c.errors:  # items resolved: a demand nothing supplies would crash the model
        c.errors.extend(supply_problems(problem, c.file))


CHECKS: list[Callable[[_Checker, Problem], None]] = [_check_years, _resolve_all,
                                                     _check_references, _check_supply]


def check_problem(problem: Problem, net: StackNetwork, file: str = "<problem>") -> Problem:
    """A copy of ``problem`` with resolved names; raises one ValidationError listing all."""
    problem = problem.model_copy(deep=True)
    checker = _Checker(net, file)
    try:
        day = as_date(problem.as_of or f"{problem.first_year}-01-01")
    except PaxsilicaError as exc:
        checker.fail("as_of", str(exc))
        day = date.today()
    concern = _check_countries(checker, problem.concern, "concern", day)
    coalition = (None if problem.coalition is None
                 else _check_countries(checker, problem.coalition, "coalition", day))
    for check in CHECKS:
        check(checker, problem)
    if checker.errors:
        raise ValidationError(checker.errors)
    problem.concern = concern
    problem.coalition = coalition
    return problem
