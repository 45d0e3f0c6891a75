"""Small problems for the planner tests (fixtures: ``run`` solves a problem mapping)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from paxsilica.plan.load import check_problem, parse_problem
from paxsilica.plan.model import build
from paxsilica.plan.results import PlanResult
from paxsilica.plan.solve import solve


@pytest.fixture()
def run(net) -> Callable[..., PlanResult]:
    def solved(data: dict, **options: object) -> PlanResult:
        return solve(build(check_problem(parse_problem(data), net)), **options)
    return solved


def hand(limit: float = 0.5) -> dict:
    """One year; USA needs 100 kg gallium; China sells at 1, a US project at 2 after capex."""
    return {"name": "hand", "years": [2026], "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1}],
            "projects": [{"id": "us", "item": "gallium", "country": "USA", "capacity": 60,
                          "capex": 100, "cost": 2}],
            "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": limit}]}


@pytest.fixture()
def hand_problem() -> Callable[..., dict]:
    return hand
