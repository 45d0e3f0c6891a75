"""Plan: which projects, where, when and paid by whom, at least expected cost (HiGHS).

The problem is YAML text, a mapping (the keys of a problem file) or, for local requests,
a problem file; it is checked against the network, built, solved and, when asked, its
costs shared, in one place for every front end.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> problem = {"name": "x", "years": [2026], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "JPN", "capacity": 20,
    ...                  "cost": 3}]}
    >>> answer = answer_plan(net, PlanRequest(problem=problem))
    >>> answer.result.status, answer.result.objective
    ('optimal', 30.0)
    >>> PlanRequest(problem=problem, mip_gap=1)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: mip_gap: Input should be less than 1
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Self

import pandas as pd
from pydantic import Field, ValidationInfo, model_validator

from paxsilica.errors import ParameterError, RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.model.network import StackNetwork
from paxsilica.plan import (
    DEFAULT_MIP_GAP,
    CostGame,
    Problem,
    build,
    checked_problem,
    cost_game,
    share_costs,
    solve,
)
from paxsilica.plan.results import PlanResult
from paxsilica.requests.base import Document, Number, Request, StrictBool, is_document_text
from paxsilica.requests.choices import CostMethod
from paxsilica.requests.limits import MAX_TIME_LIMIT_SECONDS

__all__ = ["CostMethod", "PlanAnswer", "PlanRequest", "answer_plan", "checked_plan_problem"]

Steps = Callable[[int, str], None]
"""``steps(step, message)``: step 1 (problem checked), 2 (model built), 3 (solved)."""
Counts = Callable[[int, int], None]
"""``counts(done, total)``: Shapley cost sharing, plans solved so far."""


class PlanRequest(Request):
    """``paxsilica plan`` / ``POST /api/v1/plan``."""

    problem: str | Document
    """Planning problem YAML text, the same as a mapping or, for local requests, a
    problem file (see docs/plan.md)."""
    time_limit: Annotated[Number, Field(gt=0, le=MAX_TIME_LIMIT_SECONDS)] | None = None
    """Seconds the solver may take."""
    mip_gap: Annotated[Number, Field(ge=0, lt=1)] = DEFAULT_MIP_GAP
    """Relative MIP gap."""
    costs: CostMethod | None = None
    """Also share costs (local requests: Shapley solves a plan per subset of members)."""
    log: StrictBool = False
    """HiGHS progress on standard error."""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        remote = info.context is not None and not info.context.get("local_files", True)
        if remote and self.costs is not None:
            raise ParameterError("costs are shared by local requests only (shapley solves a "
                                 "plan for every subset of members)", field="costs")
        if isinstance(self.problem, str) and not self.problem.strip():
            raise ParameterError("problem: empty", field="problem")
        return self


@dataclass(frozen=True)
class PlanAnswer:
    """The checked problem, the solver's result and, when asked, the cost shares (with
    Shapley, the whole cost game: coalitions, core, plan_cost_gap)."""

    problem: Problem
    result: PlanResult
    costs: CostMethod | None = None
    shares: pd.DataFrame | None = None
    game: CostGame | None = None

    @property
    def solved(self) -> bool:
        """A plan was found (not infeasible, not out of time)."""
        return self.result.status != "infeasible" and self.result.objective is not None

    def to_dict(self) -> dict[str, object]:
        """What ``paxsilica plan --format json`` prints (JSON values)."""
        answer = self.result.to_dict()
        if self.game is not None:
            answer["cost_sharing"] = self.game.to_dict()
        elif self.shares is not None and self.costs is not None:
            answer["cost_sharing"] = {"method": self.costs.value,
                                      "shares": json.loads(self.shares.to_json(orient="records"))}
        return json.loads(json.dumps(answer, default=str))


def checked_plan_problem(request: PlanRequest, net: StackNetwork) -> Problem:
    """The request's problem, parsed and checked against ``net`` (what :func:`answer_plan`
    solves); a service checks it at the door before queueing the solve.

    Raises:
        ValidationError: the problem is not valid (file or ``problem`` and key named).
    """
    spec = request.problem
    # a remote problem must not make the server read files (simulator scenario files)
    files = request.local_files
    if isinstance(spec, dict):
        return checked_problem(spec, net, file="problem", scenario_files=files)
    if request.local_files and not is_document_text(spec):
        return checked_problem(Path(spec), net)
    # the one YAML loader (duplicate keys, alias bombs, deep nesting refused); as_of stays text
    document = load_yaml(spec, "problem", dates=False)
    if not isinstance(document.data, dict):
        raise ValidationError([RowError("problem", None, None, "a problem is a YAML mapping")])
    try:
        return checked_problem(document.data, net, file="problem", scenario_files=files)
    except ValidationError as exc:
        raise with_lines(exc, document) from None


def answer_plan(net: StackNetwork, request: PlanRequest, *, steps: Steps | None = None,
                counts: Counts | None = None) -> PlanAnswer:
    """Check, build and solve the request's problem on ``net``; share costs when asked.

    Raises:
        ValidationError: the problem is not valid (file or ``problem`` and key named).
    """
    problem = checked_plan_problem(request, net)
    if steps is not None:
        steps(1, f"loaded {problem.name}: {len(problem.projects)} projects, "
                 f"{len(problem.scenarios)} scenarios, {len(problem.years)} years")
    model = build(problem)
    if steps is not None:
        steps(2, f"model: {model.model.nvars} variables, {model.model.ncons} constraints")
    result = solve(model, time_limit=request.time_limit, mip_gap=request.mip_gap, log=request.log)
    if steps is not None:
        steps(3, f"{result.status}" + (f", objective {result.objective:,.2f}"
                                       if result.objective is not None else ""))
    shares = game = None
    if request.costs is CostMethod.shapley and result.objective is not None:
        game = cost_game(problem, plan_objective=result.objective, progress=counts)
        shares = game.shares
    elif request.costs is not None and result.objective is not None:
        shares = share_costs(result, problem, request.costs.value)
    return PlanAnswer(problem, result, request.costs, shares, game)
