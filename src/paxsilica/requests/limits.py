"""Every limit on what a front end may ask, declared once (the request models enforce them).

The CLI, the service and the dashboard build the same request models, so a limit here
holds at every door; a scenario or problem object cannot bypass it (the simulate request
checks the scenario's own ``days`` against :data:`MAX_DAYS`, or :data:`SERVICE_MAX_DAYS`
for a remote request).

The names and values shared with ``paxsilica/limits.py`` (the bounds of the models below
``requests/``, on branch ``hostile``) are the same; once that module is on main this one
imports them from there and keeps only the request-level limits.

>>> MAX_DAYS, SERVICE_MAX_DAYS, MAX_ENSEMBLE_MEMBERS
(36500, 3650, 10000)
"""

from __future__ import annotations

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
MAX_NAME_LENGTH = 1_000
"""A name to screen or an ownership party: characters (screening cost grows with a
name's length; the longest name in the bundled lists has under 200)."""
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
MAX_DAYS = 36_500
"""Days (steps) of one simulation run locally (100 years), the scenario's own included."""
SERVICE_MAX_DAYS = 3_650
"""Days of one simulation a remote request (the service) may run (10 years), whether its
``days`` or the scenario's own ``days`` asks for them."""
MAX_EVENTS = 1_000
"""Events in one scenario."""
MAX_ENSEMBLE_MEMBERS = 10_000
"""Members of one ensemble."""
MAX_WORKERS = 64
"""Workers of a local Dask cluster."""
MAX_TIME_LIMIT_SECONDS = 3600.0
"""A solver's time limit."""
MAX_QUEUED_JOBS = 8
"""Jobs one token may have queued or running at once (enforced by the service)."""
