"""Fuzz the scenario and planning-problem formats (issue 22): any document is a clean
error (:class:`~paxsilica.errors.PaxsilicaError`, message on one line) or a valid answer
with finite numbers; never a traceback, a NaN or a hang (each example runs bounded)."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError
from paxsilica.io.yamlfile import load_yaml
from paxsilica.plan import build, solve
from paxsilica.plan.load import check_problem, parse_problem
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.run import simulate
from paxsilica.simulate.scenario import scenario_from_dict

from .conftest import bounded

HOSTILE_NUMBERS = st.sampled_from([0, -1, 1, 0.5, 2, 1e308, -1e308, float("inf"), float("-inf"),
                                   float("nan"), True, False, 10**30, 36_500, 36_501, 1e-300])
TEXT = st.sampled_from(["", "A", "CHN", "all", "ore", "chip", "pax_silica", "2026-01-05",
                        "2026-02-30", "x" * 2_000, "ｏｒｅ", "\u202eA"])
VALUE = st.one_of(HOSTILE_NUMBERS, TEXT, st.none(), st.lists(TEXT, max_size=3),
                  st.lists(HOSTILE_NUMBERS, max_size=3))


def _event() -> st.SearchStrategy[dict]:
    kinds = st.sampled_from(["capacity_loss", "export_ban", "licence_regime", "chokepoint_closure",
                             "stockpile_release", "volcano"])
    keys = st.sampled_from(["region", "sector", "country", "item", "items", "fraction", "start",
                            "end", "duration", "recovery", "ramp_up", "exporters", "importers",
                            "share", "delay_days", "deny_rate", "between", "and", "severity",
                            "holder", "quantity", "rate", "bogus"])
    return st.builds(lambda kind, extra: {"kind": kind, **extra}, kinds,
                     st.dictionaries(keys, VALUE, max_size=7))


VALID_EVENTS = [
    {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5, "start": 1},
    {"kind": "export_ban", "exporters": ["CHN"], "importers": ["A"], "start": 1, "ramp_up": 3},
    {"kind": "licence_regime", "exporters": ["CHN"], "importers": ["A"], "share": 0.5,
     "deny_rate": 0.5, "delay_days": 3, "start": 1},
    {"kind": "chokepoint_closure", "between": ["CHN"], "and": ["A"], "severity": 0.5,
     "delay_days": 2, "start": 1},
    {"kind": "stockpile_release", "holder": "A", "item": "ore", "quantity": 10, "rate": 1, "start": 1},
]


def _mutated_event() -> st.SearchStrategy[dict]:
    """A valid event, with one of its keys given a hostile value half of the time."""
    def mutate(template: dict, pick: int, value: object, keep: bool) -> dict:
        event = dict(template)
        if not keep:
            key = sorted(event)[pick % len(event)]
            event[key] = value
        return event
    return st.builds(mutate, st.sampled_from(VALID_EVENTS), st.integers(0, 20), VALUE, st.booleans())


SCENARIOS = st.fixed_dictionaries(
    {"name": st.one_of(TEXT, st.just("fuzz"))},
    optional={"days": HOSTILE_NUMBERS, "start_date": TEXT,
              "model": st.dictionaries(st.sampled_from(["alpha_base", "alpha_max", "alpha_tau",
                                                        "inventory_days", "inventory_tau", "psi",
                                                        "order_type"]), VALUE, max_size=4),
              "events": st.lists(st.one_of(_event(), _mutated_event(), _mutated_event()), max_size=3),
              "uncertain": st.dictionaries(
                  st.sampled_from(["psi", "inventory_days", "events.0.fraction", "events.0.start",
                                   "events.9.x", "order_type"]),
                  st.dictionaries(st.sampled_from(["uniform", "normal", "triangular"]),
                                  st.lists(HOSTILE_NUMBERS, min_size=2, max_size=3), max_size=2),
                  max_size=2)})


def _net() -> SimNetwork:
    return SimNetwork.from_arrays(["A", "A", "CHN"], ["ore", "chip", "ore"],
                                  sp.csr_matrix([[0, 5.0, 0], [0, 0, 0], [0, 2.0, 0]]),
                                  np.array([[1.0, 0], [10.0, 0], [0, 3.0]]), final_regions=["A", "CHN"])


def _clean(exc: PaxsilicaError) -> None:
    assert "\n" not in str(exc) and str(exc)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCENARIOS)
def test_any_scenario_is_an_error_or_a_finite_run(data):
    with bounded(60):
        try:
            scenario = scenario_from_dict(data, file="s.yaml")
            result = simulate(_net(), scenario, days=min(scenario.days, 15))
        except PaxsilicaError as exc:
            _clean(exc)
            return
    assert np.isfinite(result.production).all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCENARIOS)
def test_the_same_scenarios_as_yaml_text(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    with bounded(60):
        try:
            scenario_from_dict(load_yaml(text, "s.yaml").data, file="s.yaml")
        except PaxsilicaError as exc:
            _clean(exc)


RECORD_KEYS = st.sampled_from(["member", "item", "quantity", "year", "id", "country", "capacity",
                               "cost", "capex", "lead_time", "partners", "max_quantity", "bogus"])
RECORDS = st.lists(st.dictionaries(RECORD_KEYS, VALUE, max_size=6), max_size=3)
VALID_DEMAND = [{"member": "JPN", "item": "gallium", "quantity": 5}]
VALID_SOURCE = [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 20, "cost": 3}]
PROBLEMS = st.fixed_dictionaries(
    {"name": st.one_of(TEXT, st.just("fuzz")),
     "years": st.one_of(st.just([2026, 2027]), st.lists(HOSTILE_NUMBERS, max_size=3)),
     "demand": st.one_of(st.just(VALID_DEMAND), RECORDS)},
    optional={"concern": st.one_of(TEXT, st.lists(TEXT, max_size=2)),
              "unmet_penalty": HOSTILE_NUMBERS, "discount_rate": HOSTILE_NUMBERS, "as_of": TEXT,
              "sources": st.one_of(st.just(VALID_SOURCE), RECORDS), "projects": RECORDS,
              "stockpiles": RECORDS,
              "targets": st.lists(st.fixed_dictionaries(
                  {"kind": st.sampled_from(["max_concern_share", "min_domestic_share", "nope"]),
                   "item": TEXT, "limit": HOSTILE_NUMBERS}), max_size=2)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROBLEMS)
def test_any_problem_is_an_error_or_a_finite_plan(net, data):
    with bounded(120):
        try:
            problem = check_problem(parse_problem(data, "p.yaml"), net, "p.yaml")
            result = solve(build(problem), time_limit=20, duals=False)
        except PaxsilicaError as exc:
            _clean(exc)
            return
    assert result.status in {"optimal", "infeasible", "time_limit"}
    assert result.objective is None or math.isfinite(result.objective)
