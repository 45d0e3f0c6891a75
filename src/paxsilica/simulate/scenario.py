"""Scenario files: YAML validated by pydantic; every problem names the file and key.

A scenario says which network to run on, for how many days, with which model
parameters, which events happen and which parameters are uncertain::

    name: ga-ban-2026
    network: {mrio: path/to/mrio}     # omit for the stack network; relative to the YAML
    days: 365
    start_date: 2026-01-01            # day of step 0 (dates in events; groups as of a date)
    model: {order_type: alt, alpha_base: 1.0, alpha_max: 1.25, alpha_tau: 365,
            inventory_days: 90, inventory_tau: 60, psi: 0.8}
    events:
      - {kind: capacity_loss, region: reg2, sector: manufactoring,
         fraction: 0.3, start: 10, duration: 5, recovery: 60}
    uncertain: {inventory_days: {uniform: [30, 120]}}

Model names map to BoARIO's: ``inventory_days`` = ``main_inv_dur``, ``inventory_tau`` =
``inventory_restoration_tau``, ``psi`` = ``psi_param``; the others are the same.

Example:
    >>> s = Scenario.model_validate({"name": "x", "days": 30, "events": [
    ...     {"kind": "export_ban", "exporters": ["CHN"], "importers": ["pax_silica"],
    ...      "items": ["gallium"], "start": 5}]})
    >>> s.events[0].ramp_up, s.model.psi
    (None, 0.8)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.limits import MAX_DAYS, MAX_EVENTS, MAX_QUANTITY
from paxsilica.model.numbers import refuse_bool_numbers
from paxsilica.simulate.uncertain import uncertain_problems

__all__ = ["EVENT_KINDS", "Scenario", "load_scenario", "scenario_from_dict"]

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Step = int | date
Names = Annotated[list[str], Field(min_length=1)]


class _Strict(BaseModel):
    # numbers are finite (.inf/.nan refused where read) and never booleans (days: true)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    _numbers = model_validator(mode="before")(refuse_bool_numbers)


class ModelParams(_Strict):
    """ARIO parameters (BoARIO's ``ARIOPsiModel`` defaults)."""

    order_type: Literal["alt", "noalt"] = "alt"
    alpha_base: float = Field(1.0, ge=1.0, description="base overproduction factor (BoARIO alpha_base)")
    alpha_max: float = Field(1.25, ge=1.0, description="maximum overproduction factor")
    alpha_tau: float = Field(365.0, gt=0, le=MAX_DAYS, description="overproduction characteristic time, days")
    inventory_days: float = Field(90.0, gt=0, le=MAX_DAYS,
                                  description="target input stock, days of use (main_inv_dur)")
    inventory_tau: float = Field(60.0, gt=0, le=MAX_DAYS, description="inventory restoration time, days")
    psi: float = Field(0.8, gt=0, le=1.0, description="share of target stock below which output falls")
    qualification_scale: float = Field(1.0, gt=0, le=100, description=(
        "multiplies every qualification time and rerouting ramp (a sensitivity; 1 = as cited)"))

    @model_validator(mode="after")
    def _alpha_order(self) -> ModelParams:
        if self.alpha_max < self.alpha_base:
            raise ValueError("alpha_max must be at least alpha_base")
        return self


class _Event(_Strict):
    name: str | None = None
    start: Step = Field(description="0-based step (or date) at which the event first acts")


class CapacityLoss(_Event):
    """A region (country) and sector (item) lose ``fraction`` of capacity (BoARIO recovery event)."""

    kind: Literal["capacity_loss"]
    region: str | list[str] | None = None
    sector: str | list[str] | None = None
    country: str | list[str] | None = None
    item: str | list[str] | None = None
    fraction: Fraction
    duration: int = Field(1, ge=0, le=MAX_DAYS)
    recovery: int = Field(1, ge=1, le=MAX_DAYS, description="steps of linear recovery")

    @model_validator(mode="after")
    def _where(self) -> CapacityLoss:
        if (self.region is None) == (self.country is None):
            raise ValueError("give exactly one of region or country")
        if (self.sector is None) == (self.item is None):
            raise ValueError("give exactly one of sector or item")
        return self


class _Flows(_Event):
    end: Step | None = Field(None, description="first step (or date) at which it no longer acts")
    items: list[str] | None = Field(None, description="items (sectors); default every traded item")
    ramp_up: int | None = Field(None, ge=0, le=3650, description=(
        "days over which buyers move lost orders to other suppliers, after the qualification "
        "time (default: at once where the item's qualification time is cited, else 30 days)"))
    qualification_days: int | None = Field(None, ge=0, le=3650, description=(
        "days before moved orders can arrive (default: the item's cited qualification_days)"))
    substitutable_share: Fraction | None = Field(None, description=(
        "share of a cut flow buyers can move to other suppliers (default: the item's cited "
        "substitutable_share, else 1)"))


class ExportBan(_Flows):
    """Exporters stop selling ``items`` to importers (ISO3 codes or group ids)."""

    kind: Literal["export_ban"]
    exporters: Names
    importers: Names


class LicenceRegime(_Flows):
    """A share of flows needs a licence: delayed ``delay_days`` and/or denied at ``deny_rate``."""

    kind: Literal["licence_regime"]
    exporters: Names
    importers: Names
    share: Fraction = 1.0
    delay_days: int = Field(0, ge=0, le=365)
    deny_rate: Fraction = 0.0


class ChokepointClosure(_Flows):
    """Flows between two country sets (e.g. through a strait) stop or slow."""

    kind: Literal["chokepoint_closure"]
    between: Names
    and_: Names = Field(alias="and")
    severity: Fraction = 1.0
    delay_days: int = Field(0, ge=0, le=365)
    both_ways: bool = True


class StockpileRelease(_Event):
    """A holder (country or group) releases ``quantity`` of an item at ``rate`` per day."""

    kind: Literal["stockpile_release"]
    holder: str
    item: str
    quantity: float = Field(gt=0, le=MAX_QUANTITY,
                            description="network units (item units, or money for an MRIO)")
    rate: float = Field(gt=0, le=MAX_QUANTITY, description="per day")


Event = Annotated[CapacityLoss | ExportBan | LicenceRegime | ChokepointClosure | StockpileRelease,
                  Field(discriminator="kind")]
EVENT_KINDS = ["capacity_loss", "export_ban", "licence_regime", "chokepoint_closure",
               "stockpile_release"]


class Distribution(_Strict):
    """One of ``uniform: [low, high]``, ``normal: [mean, sd]``, ``triangular: [low, mode, high]``."""

    uniform: tuple[float, float] | None = None
    normal: tuple[float, float] | None = None
    triangular: tuple[float, float, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> Distribution:
        given = [k for k in ("uniform", "normal", "triangular") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of uniform, normal, triangular")
        if self.uniform and self.uniform[0] > self.uniform[1]:
            raise ValueError("uniform: low above high")
        if self.triangular and not self.triangular[0] <= self.triangular[1] <= self.triangular[2]:
            raise ValueError("triangular: need low <= mode <= high")
        if self.normal and self.normal[1] < 0:
            raise ValueError("normal: negative standard deviation")
        return self


class NetworkRef(_Strict):
    mrio: str | None = Field(None, description="pymrio text folder, relative to the YAML")
    usd_per_unit: float | None = Field(None, gt=0, lt=1e15, description=(
        "USD per unit of the MRIO's flows (default: read from its unit, e.g. 'M USD' = 1e6)"))


class EconomyRef(_Strict):
    """The economy-wide table a run's losses are carried through (simulate/economy.py)."""

    table: Literal["bea-us"] | None = Field(None, description=(
        "a bundled table: 'bea-us' = BEA 2023 US summary table with the bundled item mapping"))
    mrio: str | None = Field(None, description="a pymrio text folder, relative to the YAML")
    mapping: str | None = Field(None, description=(
        "CSV item_id,sector[,share]: the table industry each item is made in (default: bundled)"))
    usd_per_unit: float | None = Field(None, gt=0, lt=1e15, description="USD per unit of the table")

    @model_validator(mode="after")
    def _one(self) -> EconomyRef:
        if (self.table is None) == (self.mrio is None):
            raise ValueError("give exactly one of table or mrio")
        if self.mrio is not None and self.mapping is None:
            raise ValueError("an mrio table needs a mapping (item_id,sector CSV)")
        return self


class Scenario(_Strict):
    """A validated scenario; ``base_dir`` resolves relative paths."""

    name: str = Field(min_length=1)
    description: str = ""
    network: NetworkRef = NetworkRef()
    days: int = Field(365, ge=1, le=MAX_DAYS)
    start_date: date | None = None
    model: ModelParams = ModelParams()
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)
    uncertain: dict[str, Distribution] = Field(default_factory=dict)
    economy: EconomyRef | None = None
    base_dir: str = Field(".", exclude=True)

    def uncertain_key_problem(self, key: str) -> str | None:
        """Why ``key`` of ``uncertain`` names no parameter (``None`` when it does)."""
        parts = key.split(".")
        if len(parts) == 1 and key in ModelParams.model_fields and key != "order_type":
            return None
        if (len(parts) == 3 and parts[0] == "events" and parts[1].isdigit()
                and int(parts[1]) < len(self.events)
                and parts[2] in type(self.events[int(parts[1])]).model_fields):
            return None
        return "unknown parameter (a numeric model parameter or events.<index>.<field>)"

    def mrio_path(self) -> Path | None:
        """The MRIO folder, resolved against the scenario file's folder."""
        if self.network.mrio is None:
            return None
        return (Path(self.base_dir) / self.network.mrio).resolve()

    def step_of(self, value: int | date) -> int:
        """A step number from a step or a date (``start_date`` is step 0)."""
        if isinstance(value, int):
            return value
        if self.start_date is None:
            raise ValueError("a date needs start_date")
        return (value - self.start_date).days

    def date_of(self, step: int) -> date | None:
        """The calendar day of a step, when ``start_date`` is set."""
        from datetime import timedelta

        return None if self.start_date is None else self.start_date + timedelta(days=step)


def _location(loc: tuple) -> str:
    # drop the union tag pydantic inserts after a list index (events.0.capacity_loss.fraction)
    return ".".join(str(part) for part in loc if str(part) not in EVENT_KINDS)


def _errors(file: str, exc: PydanticError) -> ValidationError:
    rows = []
    for error in exc.errors():
        key = _location(error["loc"]) or None
        message = error["msg"].removeprefix("Value error, ")
        rows.append(RowError(file, None, key, message))
    return ValidationError(rows)


def scenario_from_dict(data: object, *, file: str = "<scenario>", base_dir: str = ".") -> Scenario:
    """Validate a parsed YAML document; raises :class:`ValidationError` naming file and key."""
    if not isinstance(data, dict):
        raise ValidationError([RowError(file, None, None, "not a mapping of scenario keys")])
    try:
        scenario = Scenario.model_validate({**data, "base_dir": base_dir})
    except PydanticError as exc:
        raise _errors(file, exc) from None
    problems = [RowError(file, None, f"uncertain.{key}", reason) for key in scenario.uncertain
                if (reason := scenario.uncertain_key_problem(key))]
    if not problems:  # draws that could leave their parameter's valid range
        problems += uncertain_problems(scenario, file)
    for index, event in enumerate(scenario.events):
        for key in ("start", "end"):
            value = getattr(event, key, None)
            if value is None:
                continue
            try:
                step = scenario.step_of(value)
            except ValueError as exc:
                problems.append(RowError(file, None, f"events.{index}.{key}", str(exc)))
                continue
            if not 0 <= step < scenario.days + (key == "end"):
                problems.append(RowError(file, None, f"events.{index}.{key}",
                                         f"step {step} outside the run (0..{scenario.days - 1})"))
        end = getattr(event, "end", None)
        if end is not None and not problems and scenario.step_of(end) <= scenario.step_of(event.start):
            problems.append(RowError(file, None, f"events.{index}.end", "end is not after start"))
    if problems:
        raise ValidationError(problems)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (:func:`~paxsilica.io.yamlfile.load_yaml`:
    duplicate keys, alias bombs and deep nesting refused); errors name the file, line and key."""
    path = Path(path)
    document = load_yaml(path)
    try:
        return scenario_from_dict(document.data, file=str(path), base_dir=str(path.parent))
    except ValidationError as exc:
        raise with_lines(exc, document) from None
