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
    "connectivity": "paxsilica.analytics.connectivity",
    "minimum_isolating_sites": "paxsilica.analytics.connectivity",
    "cable_map": "paxsilica.analytics.cable_map",
    "connectivity_overview": "paxsilica.analytics.cable_map",
    "read_cable_release": "paxsilica.io.cables",
    "import_cable_release": "paxsilica.store.cables",
    "supply_by_type": "paxsilica.analytics.secondary",
    "secondary_supply": "paxsilica.analytics.secondary",
    "vendor_exposure": "paxsilica.analytics.vendors",
    "vendor_exposure_summary": "paxsilica.analytics.vendors",
    "constellation_exposure": "paxsilica.analytics.space",
    "ground_station_exposure": "paxsilica.analytics.space",
    "import_satcat": "paxsilica.store.satcat",
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
    "ConnectivityRequest",
    "CriticalityRequest",
    "CycleError",
    "ExpandRequest",
    "ExposureRequest",
    "GroundStationsRequest",
    "NotFoundError",
    "ParameterError",
    "PaxsilicaError",
    "PlanRequest",
    "PublishedCriticalityRequest",
    "RowError",
    "SatellitesRequest",
    "ScreenRequest",
    "SimulateRequest",
    "StackNetwork",
    "Store",
    "StoreBusyError",
    "StoreError",
    "ValidationError",
    "VendorsRequest",
    "__version__",
    "answer_cable_map",
    "answer_certify",
    "answer_chokepoints",
    "answer_connectivity",
    "answer_criticality",
    "answer_expand",
    "answer_exposure",
    "answer_ground_stations",
    "answer_plan",
    "answer_published_criticality",
    "answer_satellites",
    "answer_screen",
    "answer_simulate",
    "answer_vendors",
    "cable_map",
    "certify_bom",
    "chokepoints",
    "connectivity",
    "connectivity_overview",
    "constellation_exposure",
    "coverage_timeline",
    "criticality",
    "embodied_origins",
    "end_items",
    "expand_coalition",
    "exposure",
    "exposure_change",
    "exposure_summary",
    "ground_station_exposure",
    "import_cable_release",
    "import_files",
    "import_satcat",
    "load_problem",
    "load_scenario",
    "minimum_isolating_sites",
    "multitier_exposure",
    "open_store",
    "origin_dependence",
    "prepare_simulation",
    "read_cable_release",
    "render_report",
    "report_data",
    "resolve_lists",
    "run_ensemble",
    "scenario_library",
    "screen_names",
    "secondary_supply",
    "share_costs",
    "sourcing_network",
    "supply_by_type",
    "vendor_exposure",
    "vendor_exposure_summary",
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
    from paxsilica.analytics.cable_map import cable_map, connectivity_overview
    from paxsilica.analytics.chokepoints import chokepoints
    from paxsilica.analytics.connectivity import connectivity, minimum_isolating_sites
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
    from paxsilica.analytics.secondary import secondary_supply, supply_by_type
    from paxsilica.analytics.space import constellation_exposure, ground_station_exposure
    from paxsilica.analytics.vendors import vendor_exposure, vendor_exposure_summary
    from paxsilica.certify import certify_bom, verify_certificate
    from paxsilica.certify.lists import resolve_lists
    from paxsilica.certify.screen import screen_names
    from paxsilica.io.cables import read_cable_release
    from paxsilica.model.network import StackNetwork, end_items
    from paxsilica.plan.costs import share_costs
    from paxsilica.plan.expand import expand_coalition
    from paxsilica.plan.load import load_problem
    from paxsilica.report.data import report_data
    from paxsilica.report.html import render_report
    from paxsilica.requests.certify import CertifyRequest, answer_certify
    from paxsilica.requests.chokepoints import ChokepointsRequest, answer_chokepoints
    from paxsilica.requests.connectivity import ConnectivityRequest, answer_cable_map, answer_connectivity
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
    from paxsilica.requests.telecom import (
        GroundStationsRequest,
        SatellitesRequest,
        VendorsRequest,
        answer_ground_stations,
        answer_satellites,
        answer_vendors,
    )
    from paxsilica.simulate.ensemble import run_ensemble
    from paxsilica.simulate.library import scenario_library
    from paxsilica.simulate.scenario import load_scenario
    from paxsilica.store.bundled import open_store
    from paxsilica.store.cables import import_cable_release
    from paxsilica.store.database import Store
    from paxsilica.store.importer import import_files
    from paxsilica.store.satcat import import_satcat
