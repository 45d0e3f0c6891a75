"""Running HiGHS on a declared plan: options, standard output kept clean, the status.

Every solve of the planner (the MILP, the fixed-builds LP, the elastic relaxation, the
loss-avoided LPs, coalition expansion) goes through :func:`run`.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from paxsilica.errors import ParameterError
from paxsilica.plan.model import PlanModel

__all__ = ["INFEASIBLE", "options_for", "run", "solver_output_to_stderr"]

INFEASIBLE = {"infeasible", "infeasible_or_unbounded"}


@contextmanager
def solver_output_to_stderr(quiet: bool = False) -> Iterator[None]:
    """HiGHS prints its banner on the process's standard output (file descriptor 1) when a
    solver object is made, whatever its options; point that descriptor at stderr for the
    solve (at the null device when ``quiet``: no banner at all), so that JSON or a report
    on stdout is never mixed with solver text."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1 (embedded interpreters): nothing to protect
        yield
        return
    target = os.open(os.devnull, os.O_WRONLY) if quiet else 2
    try:
        os.dup2(target, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        if quiet:
            os.close(target)


def run(pm: PlanModel, options: dict[str, object]) -> str:
    # linopy logs a warning for every non-optimal status; the answer reports it instead
    logging.getLogger("linopy").setLevel(logging.ERROR)
    with solver_output_to_stderr(quiet=not options.get("output_flag", True)):
        _, condition = pm.model.solve(solver_name="highs", io_api="direct", **options)
    return str(condition)


def options_for(time_limit: float | None, mip_gap: float, log: bool) -> dict[str, object]:
    """HiGHS options of a solve; ``time_limit`` (seconds) and ``mip_gap`` are checked here
    so that a library caller's NaN is an error, not a solver that never stops."""
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise ParameterError(f"time_limit must be a positive number of seconds, not {time_limit}")
    if not (math.isfinite(mip_gap) and 0 <= mip_gap < 1):
        raise ParameterError(f"mip_gap must be within 0-1, not {mip_gap}")
    options: dict[str, object] = {"mip_rel_gap": mip_gap, "log_to_console": log,
                                  "output_flag": log}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    return options


