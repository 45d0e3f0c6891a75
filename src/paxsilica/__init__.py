"""paxsilica: map, stress-test, plan and certify the AI technology stack supply chain.

The public Python API: one function per question, each taking the network (or the
store) and parameters and returning a labelled DataFrame or a typed result; and, for each
question a front end asks, its request model and answer (``px.ExposureRequest`` and
``px.answer_exposure``, …), which the CLI, the service and the dashboard call.

>>> import paxsilica as px
>>> net = px.StackNetwork.from_store(px.open_store(":memory:"))
>>> table = px.exposure(net, item="rare_earth_oxide", stage="mine", year=2024)
>>> table.loc[table["country"] == "CHN", "share"].round(3).tolist()
[0.685]

Names are imported on first use (``px.exposure`` loads :mod:`paxsilica.analytics`), so
``import paxsilica`` stays quick and subpackages can import ``paxsilica.errors``
without a cycle. Where each name lives: :data:`API`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from paxsilica._version import __version__
from paxsilica.errors import (
    CertificateError,
    CycleError,
    NotFoundError,
    ParameterError,
    PaxsilicaError,
    RowError,
    StoreBusyError,
    StoreError,
    ValidationError,
)
from paxsilica.requests import REQUESTS

API: dict[str, str] = {
    # store and network
    "open_store": "paxsilica.store.bundled",
    "Store": "paxsilica.store.database",
    "StackNetwork": "paxsilica.model.network",
    "end_items": "paxsilica.model.network",
    "import_files": "paxsilica.store.importer",
    # map
    "exposure": "paxsilica.analytics.exposure",
    "exposure_summary": "paxsilica.analytics.exposure",
    "exposure_change": "paxsilica.analytics.exposure",
    "coverage_timeline": "paxsilica.analytics.exposure",
    "origin_dependence": "paxsilica.analytics.exposure",
    "multitier_exposure": "paxsilica.analytics.multitier",
    "embodied_origins": "paxsilica.analytics.multitier",
    "sourcing_network": "paxsilica.analytics.network",
    "chokepoints": "paxsilica.analytics.chokepoints",
    "criticality": "paxsilica.analytics.criticality",
    # certify
    "resolve_lists": "paxsilica.certify.lists",
    "screen_names": "paxsilica.certify.screen",
    "certify_bom": "paxsilica.certify",
    "verify_certificate": "paxsilica.certify",
    # stress-test (``px.simulate`` and ``px.plan`` are the subpackages: use answer_simulate and
    # answer_plan, or paxsilica.simulate.simulate and paxsilica.plan.plan)
    "run_ensemble": "paxsilica.simulate.ensemble",
    "load_scenario": "paxsilica.simulate.scenario",
    "scenario_library": "paxsilica.simulate.library",
    # plan
    "load_problem": "paxsilica.plan.load",
    "expand_coalition": "paxsilica.plan.expand",
    "share_costs": "paxsilica.plan.costs",
    # report
    "report_data": "paxsilica.report.data",
    "render_report": "paxsilica.report.html",
    # requests: one model per question and its answer (what every front end calls)
    **{name: module for name, module in REQUESTS.items() if name != "Request"},
}
"""Public name -> the module that defines it (a new question: its request and answer)."""

__all__ = [
    "API",
    "CertificateError",
    "CertifyRequest",
    "ChokepointsRequest",
    "CriticalityRequest",
    "CycleError",
    "ExpandRequest",
    "ExposureRequest",
    "NotFoundError",
    "ParameterError",
    "PaxsilicaError",
    "PlanRequest",
    "PublishedCriticalityRequest",
    "RowError",
    "ScreenRequest",
    "SimulateRequest",
    "StackNetwork",
    "Store",
    "StoreBusyError",
    "StoreError",
    "ValidationError",
    "__version__",
    "answer_certify",
    "answer_chokepoints",
    "answer_criticality",
    "answer_expand",
    "answer_exposure",
    "answer_plan",
    "answer_published_criticality",
    "answer_screen",
    "answer_simulate",
    "certify_bom",
    "chokepoints",
    "coverage_timeline",
    "criticality",
    "embodied_origins",
    "end_items",
    "expand_coalition",
    "exposure",
    "exposure_change",
    "exposure_summary",
    "import_files",
    "load_problem",
    "load_scenario",
    "multitier_exposure",
    "open_store",
    "origin_dependence",
    "prepare_simulation",
    "render_report",
    "report_data",
    "resolve_lists",
    "run_ensemble",
    "scenario_library",
    "screen_names",
    "share_costs",
    "sourcing_network",
    "verify_certificate",
]


def __getattr__(name: str) -> object:
    if name not in API:
        raise AttributeError(f"module 'paxsilica' has no attribute {name!r}")
    value = getattr(import_module(API[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(API))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from paxsilica.analytics.chokepoints import chokepoints
    from paxsilica.analytics.criticality import criticality
    from paxsilica.analytics.exposure import (
        coverage_timeline,
        exposure,
        exposure_change,
        exposure_summary,
        origin_dependence,
    )
    from paxsilica.analytics.multitier import embodied_origins, multitier_exposure
    from paxsilica.analytics.network import sourcing_network
    from paxsilica.certify import certify_bom, verify_certificate
    from paxsilica.certify.lists import resolve_lists
    from paxsilica.certify.screen import screen_names
    from paxsilica.model.network import StackNetwork, end_items
    from paxsilica.plan.costs import share_costs
    from paxsilica.plan.expand import expand_coalition
    from paxsilica.plan.load import load_problem
    from paxsilica.report.data import report_data
    from paxsilica.report.html import render_report
    from paxsilica.requests.certify import CertifyRequest, answer_certify
    from paxsilica.requests.chokepoints import ChokepointsRequest, answer_chokepoints
    from paxsilica.requests.criticality import (
        CriticalityRequest,
        PublishedCriticalityRequest,
        answer_criticality,
        answer_published_criticality,
    )
    from paxsilica.requests.expand import ExpandRequest, answer_expand
    from paxsilica.requests.exposure import ExposureRequest, answer_exposure
    from paxsilica.requests.plan import PlanRequest, answer_plan
    from paxsilica.requests.screen import ScreenRequest, answer_screen
    from paxsilica.requests.simulate import SimulateRequest, answer_simulate, prepare_simulation
    from paxsilica.simulate.ensemble import run_ensemble
    from paxsilica.simulate.library import scenario_library
    from paxsilica.simulate.scenario import load_scenario
    from paxsilica.store.bundled import open_store
    from paxsilica.store.database import Store
    from paxsilica.store.importer import import_files
