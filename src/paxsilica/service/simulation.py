"""The simulate job: :func:`paxsilica.requests.simulate.answer_simulate` on the stored stack
network; the result is what ``paxsilica simulate --format json`` prints.

The request is remote (built with ``local_files=False``): the scenario is a library name,
YAML text or an object, never a file or an MRIO folder on the server, and the limits of
:mod:`paxsilica.requests.limits` hold for the scenario's own ``days`` too.
"""

from __future__ import annotations

from collections.abc import Callable

from paxsilica.model.network import StackNetwork
from paxsilica.requests.simulate import SimulateRequest, prepare_simulation

__all__ = ["simulate_job"]


def simulate_job(net: StackNetwork, request: SimulateRequest,
                 progress: Callable[[float], None] | None = None) -> dict:
    """Run one scenario on ``net``; ``simulate --format json``'s document (``scenario``,
    ``days``, ``warnings``, ``series``, ``summary`` with USD, ``items``, ``flows_cut``, …).

    ``progress`` receives the fraction of days done.
    """
    prepared = prepare_simulation(request, net)
    result = prepared.run(None if progress is None else lambda done, total: progress(done / total))
    return result.to_json_dict(request.series)
