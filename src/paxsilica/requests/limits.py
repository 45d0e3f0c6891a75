"""Every limit on what a front end may ask, declared once (the request models enforce them).

The CLI, the service and the dashboard build the same request models, so a limit here
holds at every door; a scenario or problem object cannot bypass it (the simulate request
checks the scenario's own ``days`` against :data:`MAX_DAYS`, or :data:`SERVICE_MAX_DAYS`
for a remote request).

The bounds the library's own models need too (days, events, name length, workers,
members, queued jobs) are declared in :mod:`paxsilica.limits` and imported here; this
module declares only the request-level ones.

>>> MAX_DAYS, SERVICE_MAX_DAYS, MAX_ENSEMBLE_MEMBERS
(36500, 3650, 10000)
"""

from __future__ import annotations

from paxsilica.limits import (
    MAX_DAYS,
    MAX_ENSEMBLE_MEMBERS,
    MAX_EVENTS,
    MAX_NAME_LENGTH,
    MAX_QUEUED_JOBS,
    MAX_WORKERS,
    SERVICE_MAX_DAYS,
)

__all__ = [
    "MAX_DAYS",
    "MAX_ENSEMBLE_MEMBERS",
    "MAX_EVENTS",
    "MAX_LISTS",
    "MAX_NAMES",
    "MAX_NAME_CHARS",
    "MAX_NAME_LENGTH",
    "MAX_OWNERSHIP_LINKS",
    "MAX_QUEUED_JOBS",
    "MAX_TEXT_CHARS",
    "MAX_TIME_LIMIT_SECONDS",
    "MAX_TOP",
    "MAX_WORKERS",
    "MAX_YEAR",
    "MIN_YEAR",
    "SERVICE_MAX_DAYS",
]

MAX_NAME_CHARS = 200
"""An identifier (item, stage, group, country, list, rule pack, scenario name): characters."""
MAX_TEXT_CHARS = 2000
"""Free text (a certificate's subject, identifiers): characters."""
MAX_NAMES = 1000
"""Names in one screening request."""
MAX_LISTS = 50
"""Restricted-party lists in one screening or certification."""
MAX_OWNERSHIP_LINKS = 100_000
"""Ownership links sent with one request."""
MAX_TOP = 1000
"""Rows per end item of a chokepoint ranking."""
MIN_YEAR, MAX_YEAR = 1900, 2200
"""Data years a request may name."""
MAX_TIME_LIMIT_SECONDS = 3600.0
"""A solver's time limit."""
