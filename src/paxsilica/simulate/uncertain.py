"""The ``uncertain`` block of a scenario checked against the parameters it draws, and the
draws kept inside them.

Every key of ``uncertain`` names a numeric parameter with a valid range (``psi`` in
(0, 1], ``inventory_days`` in (0, 36 500], an event's ``fraction`` in [0, 1], …, taken
from the scenario model's own field bounds). A ``uniform`` or ``triangular`` distribution
must lie inside that range (``psi: {uniform: [0.5, 4.1]}`` is refused at load, not run
with psi 4.1); a ``normal`` one must have its mean inside, and its draws are truncated to
the range (a draw outside is drawn again, so ``inventory_days`` is never −48.6). Integer
parameters (days of a duration) are drawn, then rounded. ``alpha_base`` may not be drawn
above ``alpha_max``.

Example:
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> s = scenario_from_dict({"name": "u", "uncertain": {"psi": {"normal": [0.9, 0.5]}}})
    >>> import numpy as np
    >>> draws = [draw(s, "psi", np.random.default_rng(n)) for n in range(200)]
    >>> 0 < min(draws) and max(draws) <= 1
    True
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel
from scipy.stats import truncnorm

from paxsilica.errors import RowError

# The scenario module imports this one (to check its ``uncertain`` block), so a scenario
# and a distribution are typed here as the pydantic models they are.
Scenario = BaseModel
Distribution = BaseModel

__all__ = ["Range", "draw", "parameter_range", "uncertain_problems"]


class Range:
    """Where a parameter's values may lie: ``low``/``high`` (inclusive unless ``open_low``
    / ``open_high``), ``integer`` when it is a whole number of steps."""

    def __init__(self, low: float, high: float, open_low: bool = False, open_high: bool = False,
                 integer: bool = False) -> None:
        self.low, self.high = low, high
        self.open_low, self.open_high, self.integer = open_low, open_high, integer

    def holds(self, value: float) -> bool:
        """Whether ``value`` (rounded first for an integer parameter) is inside."""
        if self.integer:
            value = round(value)
        above = value > self.low if self.open_low else value >= self.low
        below = value < self.high if self.open_high else value <= self.high
        return above and below

    def text(self) -> str:
        """``(0, 1]``-style notation."""
        return (f"{'(' if self.open_low else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.open_high else ']'}")


def _field(scenario: Scenario, key: str) -> tuple[object, object] | None:
    """``(pydantic FieldInfo, its class)`` of an ``uncertain`` key, or None."""
    parts = key.split(".")
    if len(parts) == 1:
        params = type(scenario.model)  # type: ignore[attr-defined]  # ModelParams
        info = params.model_fields.get(key)
        return (info, params) if info is not None else None
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(scenario.events):
        kind = type(scenario.events[int(parts[1])])
        info = kind.model_fields.get(parts[2])
        return (info, kind) if info is not None else None
    return None


def parameter_range(scenario: Scenario, key: str) -> Range | None:
    """The valid range of the parameter an ``uncertain`` key names; ``None`` when it is no
    numeric parameter (a name, a date, a flag)."""
    found = _field(scenario, key)
    if found is None:
        return None
    info, _ = found
    annotation = info.annotation  # type: ignore[attr-defined]
    args = set(getattr(annotation, "__args__", ())) or {annotation}
    if not args & {int, float}:
        return None
    if key.endswith((".start", ".end")):  # a step of the run
        return Range(0, scenario.days - 1 + key.endswith(".end"), integer=True)
    limits = Range(-math.inf, math.inf, integer=float not in args)
    for bound in info.metadata:  # type: ignore[attr-defined]  # annotated-types' Ge, Gt, Le, Lt
        if getattr(bound, "ge", None) is not None:
            limits.low, limits.open_low = float(bound.ge), False
        elif getattr(bound, "gt", None) is not None:
            limits.low, limits.open_low = float(bound.gt), True
        elif getattr(bound, "le", None) is not None:
            limits.high, limits.open_high = float(bound.le), False
        elif getattr(bound, "lt", None) is not None:
            limits.high, limits.open_high = float(bound.lt), True
    return limits


def _support(dist: Distribution) -> tuple[float, float, float | None]:
    """``(lowest, highest, mean)`` a distribution can give (normal: its mean, unbounded)."""
    if dist.uniform is not None:
        return dist.uniform[0], dist.uniform[1], None
    if dist.triangular is not None:
        return dist.triangular[0], dist.triangular[2], None
    mean, _ = dist.normal  # type: ignore[misc]
    return -math.inf, math.inf, mean


def uncertain_problems(scenario: Scenario, file: str) -> list[RowError]:
    """A problem for each ``uncertain`` distribution that can draw an invalid value."""
    problems = []
    for key, dist in scenario.uncertain.items():
        limits = parameter_range(scenario, key)
        if limits is None:
            if _field(scenario, key) is not None:
                problems.append(RowError(file, None, f"uncertain.{key}",
                                         "not a numeric parameter (only numbers can be drawn)"))
            continue
        low, high, mean = _support(dist)
        if mean is not None:
            if not limits.holds(mean):
                problems.append(RowError(file, None, f"uncertain.{key}",
                                         f"normal mean {mean:g} outside the valid range {limits.text()}"))
        elif not (limits.holds(low) and limits.holds(high)):
            problems.append(RowError(file, None, f"uncertain.{key}",
                                     f"draws from [{low:g}, {high:g}] can fall outside the valid "
                                     f"range {limits.text()}"))
    if "alpha_base" in scenario.uncertain:
        highest_base = _support(scenario.uncertain["alpha_base"])[1]
        lowest_max = (_support(scenario.uncertain["alpha_max"])[0] if "alpha_max" in scenario.uncertain
                      else scenario.model.alpha_max)
        if highest_base > lowest_max:
            problems.append(RowError(file, None, "uncertain.alpha_base",
                                     f"draws up to {highest_base:g} can exceed alpha_max "
                                     f"({lowest_max:g}); keep alpha_base at most alpha_max"))
    return problems


def draw(scenario: Scenario, key: str, rng: np.random.Generator) -> float:
    """One draw of ``key``'s distribution inside the parameter's range (normal draws
    truncated: redrawn, then by the inverse CDF if the range is far in a tail)."""
    dist = scenario.uncertain[key]
    if dist.uniform is not None:
        return float(rng.uniform(*dist.uniform))
    if dist.triangular is not None:
        low, mode, high = dist.triangular
        return float(rng.triangular(low, mode, high)) if high > low else float(low)
    mean, sd = dist.normal  # type: ignore[misc]
    limits = parameter_range(scenario, key) or Range(-math.inf, math.inf)
    for _ in range(100):
        value = float(rng.normal(mean, sd))
        if limits.holds(value):
            return value
    low = np.nextafter(limits.low, math.inf) if limits.open_low else limits.low
    high = np.nextafter(limits.high, -math.inf) if limits.open_high else limits.high
    a, b = (low - mean) / sd, (high - mean) / sd
    return float(truncnorm.ppf(rng.uniform(), a, b, loc=mean, scale=sd))
