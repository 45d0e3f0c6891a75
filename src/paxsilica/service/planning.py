"""The plan job: :func:`paxsilica.requests.plan.answer_plan` on the stored stack network;
the result is what ``paxsilica plan --format json`` prints for the same problem.
"""

from __future__ import annotations

from collections.abc import Callable

from paxsilica.model.network import StackNetwork
from paxsilica.requests.plan import PlanRequest, answer_plan, checked_plan_problem

__all__ = ["check_plan", "plan_job"]


def check_plan(net: StackNetwork, request: PlanRequest) -> PlanRequest:
    """The plan job's check at the door: the problem parsed and checked against ``net``
    (every problem listed in one 422 before any job exists)."""
    checked_plan_problem(request, net)
    return request


def plan_job(net: StackNetwork, request: PlanRequest,
             progress: Callable[[float], None] | None = None) -> dict:
    """Check, build and solve the request's problem on ``net``; the ``plan --format json``
    answer. ``progress`` receives 1/3 once the problem is checked, 2/3 once the model is
    built.

    Raises:
        ValidationError: the problem is not YAML or not a valid problem (naming ``problem``
            and the key).
    """
    def steps(step: int, _message: str) -> None:
        if progress is not None and step < 3:
            progress(step / 3)

    return answer_plan(net, request, steps=steps).to_dict()
