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

from datetime import date
from pathlib import Path

import numpy as np
from pydantic import ValidationError as PydanticError

from paxsilica.errors import CycleError, PaxsilicaError, RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.plan.bounds import number_problems
from paxsilica.plan.chain import catalogue_recipes, recipe_matrix, total_requirement
from paxsilica.plan.checks import CHECKS, Checker, check_countries, plan_items, recipe_lines
from paxsilica.plan.problem import Problem, Recipe

__all__ = ["bundled_network", "check_problem", "load_problem", "parse_problem", "plan_items",
           "recipe_lines"]


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
        found: list[tuple[tuple, bool, str]] = []
        for error in exc.errors():
            # pydantic names the branch of a union ("list[Recipe]", "literal['catalogue']")
            branch = any(_is_branch(p) for p in error["loc"])
            loc = tuple(p for p in error["loc"] if not _is_branch(p))
            reason = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                reason = "unknown key"
            wrong_kind = branch and error["type"] in _KIND_ERRORS
            found.append((loc, wrong_kind, reason))
        # a union's branch of the wrong kind (the text "catalogue" when a list was given)
        # is noise once another branch explains what is wrong with the value
        errors = [RowError(file, None, _key(loc) or None, reason)
                  for loc, wrong_kind, reason in found
                  if not (wrong_kind and any(other[:len(loc)] == loc and not kind
                                             for other, kind, _ in found))]
        raise ValidationError(errors) from None
    errors = number_problems(problem, file)
    if errors:
        raise ValidationError(errors)
    return problem


_KIND_ERRORS = {"literal_error", "list_type", "dict_type", "model_type", "string_type",
                "bool_type", "int_type", "float_type", "bool_parsing", "int_parsing",
                "float_parsing"}


def _is_branch(part: object) -> bool:
    text = str(part)
    return isinstance(part, str) and (text.startswith("function-after") or (
        "[" in text and text.endswith("]")) or text in {"str", "int", "float", "bool"})


def load_problem(path: str | Path, net: StackNetwork | None = None, *,
                 scenario_files: bool = True) -> Problem:
    """Read, shape-check and resolve a problem file against ``net`` (default: bundled data).

    Raises:
        ValidationError: every problem found, each naming the file and key.
    """
    path = Path(path)
    document = load_yaml(path, dates=False)  # as_of stays text: checked (and named) below
    try:
        problem = parse_problem(document.data, str(path))
        return check_problem(problem, net or bundled_network(), str(path),
                             base_dir=path.parent, scenario_files=scenario_files)
    except ValidationError as exc:
        raise with_lines(exc, document) from None


def check_problem(problem: Problem, net: StackNetwork, file: str = "<problem>", *,
                  base_dir: Path | None = None, scenario_files: bool = True) -> Problem:
    """A copy of ``problem`` with resolved names; raises one ValidationError listing all.

    A chain reading the catalogue gets its recipe lines (through left-out items); scenarios
    naming the simulator are replaced by the outages and losses it gives (``base_dir``:
    where scenario files are looked up, default the working directory; ``scenario_files``
    False refuses them, for callers that must not read the local disk, e.g. the service).
    """
    problem = problem.model_copy(deep=True)
    checker = Checker(net, file)
    try:
        day = as_date(problem.as_of or f"{problem.first_year}-01-01")
    except PaxsilicaError as exc:
        checker.fail("as_of", str(exc))
        day = date.today()
    concern = check_countries(checker, problem.concern, "concern", day)
    coalition = (None if problem.coalition is None
                 else check_countries(checker, problem.coalition, "coalition", day))
    for check in CHECKS:
        check(checker, problem)
    if checker.errors:
        raise ValidationError(checker.errors)
    problem.concern = concern
    problem.coalition = coalition
    _resolve_chain(checker, problem)
    if not scenario_files:
        named = [RowError(file, None, f"scenarios[{n}].simulate.file",
                          "scenario files are not read here; name a library scenario")
                 for n, s in enumerate(problem.scenarios)
                 if s.simulate is not None and s.simulate.file is not None]
        if named:
            raise ValidationError(named)
    if any(s.simulate is not None for s in problem.scenarios):
        from paxsilica.plan.simulated import expand_simulated

        problem = expand_simulated(problem, net, file, base_dir or Path.cwd())
    return problem


def _resolve_chain(c: Checker, problem: Problem) -> None:
    """Catalogue recipes written out; a cycle is an error on ``chain``."""
    if problem.chain is None:
        return
    items = plan_items(problem)
    try:
        if isinstance(problem.chain.recipes, str):
            problem.chain.recipes = [Recipe(output=o, input=i, quantity=q)
                                     for o, i, q in catalogue_recipes(c.net, items)]
        lines = [(r.output, r.input, r.quantity) for r in problem.chain.recipes]
        total_requirement(recipe_matrix(lines, items), np.zeros((1, len(items))), items)
    except CycleError as exc:
        reason = (f"the recipes form a cycle through {', '.join(exc.items)} that needs more "
                  "of an item than it makes")
        raise ValidationError([RowError(c.file, None, "chain.recipes", reason)]) from None
