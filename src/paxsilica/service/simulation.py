"""The simulate job: a scenario (library name, YAML text or object) run on the stored stack
network with :func:`paxsilica.simulate.simulate`; the result is ``simulate --format json``.

The service simulates its own stack network: a scenario may not point at an MRIO folder
(``network.mrio``), since a request never names a file on the server.

The simulator reads scenario files (``load_scenario``); text and objects sent to the
service go through its :func:`~paxsilica.simulate.scenario.scenario_from_dict`, the same
checks a file gets.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml
from paxsilica.limits import SERVICE_MAX_DAYS
from paxsilica.model.network import StackNetwork

__all__ = ["simulate_job"]


def _document(net: StackNetwork, scenario: str | dict) -> tuple[object, str]:
    """The scenario document and the name errors use for it."""
    if isinstance(scenario, dict):
        return scenario, "scenario"
    from paxsilica.simulate.library import scenario_library

    library = scenario_library(net)
    if scenario in library:
        return library[scenario], scenario
    try:
        return load_yaml(scenario, "scenario").data, "scenario"
    except ValidationError as exc:
        first = exc.errors[0]
        raise ValidationError([RowError("scenario", first.row, first.field,
                                        f"neither a library scenario nor valid YAML: "
                                        f"{first.reason}")]) from None


def simulate_job(net: StackNetwork, scenario: str | dict, days: int | None = None,
                 progress: Callable[[float], None] | None = None,
                 trade: pd.DataFrame | None = None) -> dict:
    """Run one scenario on ``net``; ``{"scenario", "days", "series", "summary"}``.

    ``progress`` receives the fraction of days done; ``trade`` is the store's trade flows.
    """
    from paxsilica.simulate import simulate
    from paxsilica.simulate.scenario import scenario_from_dict

    document, file = _document(net, scenario)
    if isinstance(document, dict) and isinstance(document.get("network"), dict) \
            and document["network"].get("mrio") is not None:
        raise ValidationError([RowError(file, None, "network.mrio", "the service simulates its "
                                        "stored stack network; it does not read MRIO folders")])
    parsed = scenario_from_dict(document, file=file)
    total = days or parsed.days
    if total > SERVICE_MAX_DAYS:  # whether the request's days or the scenario's ask for it
        raise ValidationError([RowError(file, None, "days", f"{total:,} days; the service "
                                        f"simulates at most {SERVICE_MAX_DAYS:,}")])
    done = [0]

    def advance(steps: int) -> None:
        done[0] += steps
        if progress is not None:
            progress(done[0] / total)

    result = simulate(net, parsed, days=days, progress=advance, trade=trade)
    return result.to_json_dict()
