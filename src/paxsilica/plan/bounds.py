"""Checks that keep a planning problem inside what a solver can answer honestly.

HiGHS treats numbers from 1e20 on as infinite and loses precision long before: a demand
of ``1e308`` or a capex of ``.inf`` would come back as "no plan within the time limit" or
an objective of 0, not as an error. Every number of a problem is therefore finite and at
most :data:`~paxsilica.limits.MAX_QUANTITY` in size, the horizon at most
:data:`~paxsilica.limits.MAX_PLAN_YEARS` years, and every demanded item has something
that can supply it.

Example:
    >>> from paxsilica.plan.problem import Problem
    >>> p = Problem.model_validate({"name": "x", "years": [2026],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 1e300}]})
    >>> [str(e) for e in number_problems(p, "p.yaml")]
    ["p.yaml, field 'demand[0].quantity': 1e+300 is beyond the largest accepted magnitude (1e+15)"]
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from paxsilica.errors import RowError
from paxsilica.limits import MAX_PLAN_YEARS, MAX_QUANTITY

__all__ = ["number_problems", "supply_problems"]


def _numbers(value: object, key: str) -> list[tuple[str, float]]:
    """Every float in a validated model, with its key path (aliases as written in YAML)."""
    if isinstance(value, BaseModel):
        found = []
        for name, info in type(value).model_fields.items():
            label = info.alias or name
            found += _numbers(getattr(value, name), f"{key}.{label}" if key else label)
        return found
    if isinstance(value, list | tuple):
        return [pair for n, item in enumerate(value) for pair in _numbers(item, f"{key}[{n}]")]
    if isinstance(value, dict):
        return [pair for k, item in value.items() for pair in _numbers(item, f"{key}.{k}")]
    if isinstance(value, float):
        return [(key, value)]
    return []


def number_problems(problem: BaseModel, file: str) -> list[RowError]:
    """A problem for each number that is not finite or is larger than ``MAX_QUANTITY``,
    and for a horizon longer than ``MAX_PLAN_YEARS``."""
    errors = [RowError(file, None, key, f"{value:g} is not a finite number" if not math.isfinite(value)
                       else f"{value:g} is beyond the largest accepted magnitude ({MAX_QUANTITY:g})")
              for key, value in _numbers(problem, "")
              if not math.isfinite(value) or abs(value) > MAX_QUANTITY]
    years = getattr(problem, "years", [])
    if len(years) > MAX_PLAN_YEARS:
        errors.append(RowError(file, None, "years", f"{len(years)} years; at most {MAX_PLAN_YEARS}"))
    return errors


def supply_problems(problem: BaseModel, file: str) -> list[RowError]:
    """A problem when nothing at all (no source, project, stockpile or carried initial
    stock) can supply the demand; a demanded item that only lacks its own supplier is left
    to the solver, which reports it as the infeasibility (or unmet demand) it is."""
    if problem.sources or problem.projects or problem.stockpiles:  # type: ignore[attr-defined]
        return []
    if any(stock.initial > 0 for stock in getattr(problem, "inventory", [])):
        return []
    return [RowError(file, None, "sources", "no sources, projects or stockpiles: nothing can "
                                            "supply the demand")]
