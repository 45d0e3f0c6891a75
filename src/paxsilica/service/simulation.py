"""The simulate job: :func:`paxsilica.requests.simulate.answer_simulate` on the stored stack
network; the result is what ``paxsilica simulate --format json`` prints.

The request is remote (built with ``local_files=False``): the scenario is a library name,
YAML text or an object, never a file or an MRIO folder on the server, and the limits of
:mod:`paxsilica.requests.limits` hold for the scenario's own ``days`` too.
"""

from __future__ import annotations

from collections.abc import Callable

from paxsilica.io.records import rounded_document
from paxsilica.model.network import StackNetwork
from paxsilica.requests.simulate import PreparedSimulation, SimulateRequest, prepare_simulation

__all__ = ["check_simulate", "simulate_job"]


def check_simulate(net: StackNetwork, request: SimulateRequest) -> PreparedSimulation:
    """The simulate job's check at the door: the scenario resolved, held to the limits and
    compiled against ``net`` (a bad scenario is a 422 before any job exists); the job runs
    what this prepared, without resolving anything again."""
    return prepare_simulation(request, net)


def simulate_job(net: StackNetwork, request: SimulateRequest | PreparedSimulation,
                 progress: Callable[[float], None] | None = None) -> dict:
    """Run one scenario on ``net``; ``simulate --format json``'s document (``scenario``,
    ``days``, ``warnings``, the ``series`` the request asks for, ``summary`` with USD,
    ``items``, ``flows_cut``, ``economy`` …): the series as computed, the rest rounded as the
    CLI rounds it (float noise such as ``-5.9e-11`` is 0).

    ``progress`` receives the fraction of days done.
    """
    prepared = request if isinstance(request, PreparedSimulation) else prepare_simulation(request, net)
    result = prepared.run(None if progress is None else lambda done, total: progress(done / total))
    document = result.to_json_dict(prepared.request.series)
    series = document.pop("series")  # as computed, as the CLI streams it
    return {**rounded_document(document), "series": series}
