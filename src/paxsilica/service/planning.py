"""The plan job: a planning problem (YAML text or the same as an object) checked against the
stored stack network and solved with :mod:`paxsilica.plan` (HiGHS); the result is what
``paxsilica plan --format json`` prints for the same problem.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import yaml

from paxsilica.errors import RowError, ValidationError
from paxsilica.model.network import StackNetwork

__all__ = ["plan_job"]

DEFAULT_MIP_GAP = 1e-4
"""The CLI's ``--mip-gap`` default."""


def _document(problem: str | dict) -> object:
    if isinstance(problem, dict):
        return problem
    try:
        return yaml.safe_load(problem)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ValidationError([RowError("problem", None, None,
                                        f"not valid YAML{where}")]) from None


def plan_job(net: StackNetwork, problem: str | dict, time_limit: float | None = None,
             mip_gap: float | None = None,
             progress: Callable[[float], None] | None = None) -> dict:
    """Check, build and solve ``problem`` on ``net``; the ``plan --format json`` answer
    (``status``, ``objective``, builds, flows, … as JSON values).

    ``progress`` receives 1/3 once the problem is checked and 2/3 once the model is built.

    Raises:
        ValidationError: the problem is not YAML or not a valid problem (naming ``problem``
            and the key).
    """
    from paxsilica.plan import build, solve
    from paxsilica.plan.load import check_problem, parse_problem

    # scenario files would be read from the server's disk: only library scenarios here
    checked = check_problem(parse_problem(_document(problem), "problem"), net, "problem",
                            scenario_files=False)
    if progress is not None:
        progress(1 / 3)
    model = build(checked)
    if progress is not None:
        progress(2 / 3)
    result = solve(model, time_limit=time_limit,
                   mip_gap=DEFAULT_MIP_GAP if mip_gap is None else mip_gap, log=False)
    return json.loads(json.dumps(result.to_dict(), default=str))  # as the CLI writes it
