"""Every bound on what an input may hold, declared once (the library, the CLI and the
service all enforce these numbers; docs/service.md lists them).

Bounds exist so that a hostile or mistaken input gets a clear error instead of
exhausting memory, time or the interpreter's stack; they are far above what real
inputs need (the figures below say how far).
"""

from __future__ import annotations

__all__ = ["BODY_TIMEOUT_SECONDS", "MAX_DAYS", "MAX_ENSEMBLE_MEMBERS", "MAX_EVENTS", "MAX_JSON_BODY_BYTES",
           "MAX_NAME_LENGTH", "MAX_NESTING", "MAX_NODES", "MAX_PLAN_YEARS", "MAX_QUANTITY",
           "MAX_QUEUED_JOBS", "MAX_WORKERS", "SERVICE_MAX_DAYS"]

MAX_NAME_LENGTH = 1_000
"""Characters of an organisation name that is screened (a query, a BOM manufacturer, a
listed name or alias, an ownership link's owner or owned). The longest name in the
bundled lists has under 200; screening cost grows with a name's length."""

MAX_NESTING = 32
"""Deepest nesting of lists and mappings in a YAML or JSON input (records are flat; a
scenario or plan is 4–5 levels deep)."""

MAX_NODES = 1_000_000
"""Most values (scalars, lists, mappings) a YAML document may hold once its aliases are
expanded (the item catalogue has about 6 000): an alias bomb is refused before anything
walks its expansion."""

MAX_DAYS = 36_500
"""Longest simulation, days (100 years), for a scenario's ``days`` and a run's override."""

SERVICE_MAX_DAYS = 3_650
"""Longest simulation the service runs, days (10 years), whether the request's ``days``
or the scenario's own ``days`` asks for it."""

MAX_EVENTS = 1_000
"""Most events in one scenario (the library's largest has a handful; a scenario of
200 000 events would run for minutes)."""

MAX_QUANTITY = 1e15
"""Largest magnitude of a number in a planning problem or simulation input (a quantity,
capacity, cost, capex, flow): far above any real figure (world output of any item in its
unit, or any budget in USD, is below 1e14), far below where solvers treat numbers as
infinite (1e20) or sums overflow."""

MAX_PLAN_YEARS = 100
"""Longest planning horizon, years."""

MAX_JSON_BODY_BYTES = 4 * 1024 * 1024
"""Largest JSON request body the service reads (a screen request of 1 000 names of 1 000
characters is about 1 MB); file uploads are bounded by ``serve --max-upload-mb`` instead."""

BODY_TIMEOUT_SECONDS = 60.0
"""Longest time the service waits for a request body to arrive in full (a client that
declares 1 000 bytes and sends 2 gets 408 instead of holding a connection)."""

MAX_QUEUED_JOBS = 8
"""Most unfinished (queued or running) jobs one token may have; more is 429."""

MAX_ENSEMBLE_MEMBERS = 10_000
"""Most members of one ensemble (the benchmark's largest run has 1 000)."""

MAX_WORKERS = 64
"""Most worker processes of the local Dask cluster an ensemble starts."""
