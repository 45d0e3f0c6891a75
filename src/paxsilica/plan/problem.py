"""Planning problems: the YAML file's records (pydantic) and their shape checks.

A problem lists years, demand by member and item, existing sources, candidate
projects, optional stockpiles, targets and outage scenarios. Quantities are in
the item's unit per year (t, kg…); costs in one currency of the user's choice
(per unit of flow, per project for ``capex``). Checks that need the catalogue
(items, countries, groups) are in :mod:`paxsilica.plan.load`.

Example:
    >>> p = Problem.model_validate({"name": "x", "years": [2026, 2027],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "JPN", "capacity": 20,
    ...                  "cost": 1}]})
    >>> p.scenarios[0].name, p.scenarios[0].probability
    ('base', 1.0)
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from paxsilica.limits import MAX_PLAN_YEARS, SERVICE_MAX_DAYS
from paxsilica.model.numbers import refuse_bool_numbers

__all__ = ["TARGET_KINDS", "Chain", "Demand", "Inventory", "Outage", "Problem", "Project",
           "Recipe", "Scenario", "Shortfall", "SimulatedScenario", "Source", "Stockpile",
           "Target"]

TargetKind = Literal["max_concern_share", "min_domestic_share", "min_capacity_share",
                     "max_single_country_share", "min_recycling_capacity_share",
                     "min_recycled_share"]
TARGET_KINDS: tuple[str, ...] = TargetKind.__args__  # type: ignore[attr-defined]
CAPACITY_KINDS = ("min_capacity_share", "min_recycling_capacity_share")
"""First-stage kinds: they count capacity (not flows) and hold in every scenario."""


class _Record(BaseModel):
    # NaN and infinities are refused on every number (a NaN capacity would pass ge=0);
    # magnitudes above limits.MAX_QUANTITY and horizons above limits.MAX_PLAN_YEARS are
    # refused with the whole problem in view (plan.bounds), booleans here
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)
    _numbers = model_validator(mode="before")(refuse_bool_numbers)  # years: [true] refused


class Demand(_Record):
    """Demand of one member for one item; rows for the same member, item and year add up."""

    member: str = Field(description="ISO3 or country name of the consuming member")
    item: str = Field(description="catalogue item id or alias")
    year: int | Literal["all"] = Field("all", description="a year of the horizon, or all")
    quantity: float = Field(ge=0, description="item unit per year")


class Source(_Record):
    """Existing supply that can be bought from (capacity in item unit per year)."""

    id: str
    item: str
    country: str = Field(description="where it is located (ISO3 or name)")
    capacity: float = Field(ge=0, description="item unit per year")
    cost: float = Field(ge=0, description="currency per unit delivered")
    kind: Literal["primary", "recycling"] = Field(
        "primary", description="recycling: secondary supply (counts for the recycling targets)")
    inputs: bool = Field(False, description="with a chain: consumes the recipe inputs of its "
                                            "item (default: an existing source sells the "
                                            "finished item, its inputs bought outside the plan)")


class Project(_Record):
    """A candidate investment: built at most once, producing after ``lead_time`` years."""

    id: str
    item: str
    country: str
    capacity: float = Field(ge=0, description="item unit per year once online")
    capex: float = Field(ge=0, description="currency, paid in the build year")
    cost: float = Field(ge=0, description="currency per unit delivered")
    lead_time: int = Field(0, ge=0, le=MAX_PLAN_YEARS,
                           description="years from build decision to output")
    earliest_build: int | None = Field(None, description="first year it may be built")
    latest_build: int | None = Field(None, description="last year it may be built")
    partners: dict[str, float] = Field(default_factory=dict,
                                       description="country -> share of capex (sums to 1)")
    kind: Literal["primary", "recycling"] = Field(
        "primary", description="recycling: a plant producing secondary supply")
    inputs: bool | None = Field(None, description="with a chain: consumes the recipe inputs "
                                                  "of its item (default: yes for primary "
                                                  "plants, no for recycling)")

    @property
    def consumes_inputs(self) -> bool:
        """Whether its output needs the recipe inputs of its item (with a chain)."""
        return self.inputs if self.inputs is not None else self.kind == "primary"

    @model_validator(mode="after")
    def _partner_shares(self) -> Project:
        for country, share in self.partners.items():
            if not 0 <= share <= 1:
                raise ValueError(f"partner share of {country} must be within 0-1, not {share}")
        if self.partners and abs(sum(self.partners.values()) - 1) > 1e-6:
            raise ValueError(f"partner shares add up to {sum(self.partners.values()):g}, not 1")
        return self


class Stockpile(_Record):
    """A reserve a member buys in the first year and may draw down in any scenario."""

    id: str
    item: str
    member: str = Field(description="holder; draws serve only its own demand")
    max_quantity: float = Field(ge=0, description="largest stock, item unit")
    cost: float = Field(ge=0, description="currency per unit bought (first year)")
    holding_cost: float = Field(0, ge=0, description="currency per unit held per year")
    release: Literal["disruption", "any"] = Field(
        "disruption", description="disruption: drawn only in years when a supplier of the "
                                  "item is cut in the scenario (a strategic reserve); any: "
                                  "in every year")


class Recipe(_Record):
    """Units of ``input`` used per unit of ``output`` (a line of the chain)."""

    output: str
    input: str
    quantity: float = Field(gt=0, le=1e9, description="input unit per output unit")


class Chain(_Record):
    """Recipes linking the problem's items: the catalogue's (default) or the file's own."""

    recipes: Literal["catalogue"] | list[Recipe] = Field(
        "catalogue", description="catalogue: essential recipe lines of data/recipes.csv, "
                                 "through items the problem leaves out; or a list")


class Inventory(_Record):
    """An item the coalition may carry from one year to the next (pooled stock)."""

    item: str
    holding_cost: float = Field(ge=0, description="currency per unit per year")
    initial: float = Field(0, ge=0, description="stock at the start, item unit")
    capacity: float | None = Field(None, ge=0, description="largest stock (none: unbounded)")


class Shortfall(_Record):
    """How unmet demand is shared: pro rata to demand, within priority classes."""

    rule: Literal["pro_rata"] = "pro_rata"
    priorities: dict[str, int] = Field(
        default_factory=dict, description="member -> class (default 0); a higher class is "
                                          "served first: lower classes bear a shortfall "
                                          "before it")

    @model_validator(mode="after")
    def _classes(self) -> Shortfall:
        for member, value in self.priorities.items():
            if not 0 <= value <= 100:
                raise ValueError(f"priority of {member} must be within 0-100, not {value}")
        return self


class Target(_Record):
    """A policy limit; ``limit`` is a fraction 0-1 applying in years ``from``-``to``."""

    kind: TargetKind
    item: str
    limit: float = Field(ge=0, le=1, description="fraction 0-1")
    priority: int = Field(1, ge=0, le=100, description="when targets conflict, lower "
                                                       "priorities give way first")
    penalty: float | None = Field(None, ge=0, description="currency per unit (item unit) by "
                                  "which the target is missed, per year (and scenario); "
                                  "none: the target must hold")
    member: str | None = Field(None, description="min_domestic_share: the member")
    from_: int | None = Field(None, alias="from", description="first year (default: first)")
    to: int | None = Field(None, description="last year (default: last)")
    name: str | None = Field(None, description="label in answers (default: kind:item[:member])")

    @model_validator(mode="after")
    def _member(self) -> Target:
        if self.kind == "min_domestic_share" and self.member is None:
            raise ValueError("min_domestic_share needs a member")
        if self.kind != "min_domestic_share" and self.member is not None:
            raise ValueError(f"{self.kind} applies to the whole coalition; remove member")
        return self

    @property
    def label(self) -> str:
        """``name`` or ``kind:item[:member]``."""
        if self.name:
            return self.name
        return ":".join(p for p in (self.kind, self.item, self.member) if p)


class Outage(_Record):
    """Supply lost in a scenario: ``fraction`` of every source and project in ``country``
    (in the years ``from``-``to``, default the scenario's)."""

    country: str
    item: str | None = Field(None, description="omitted: every item")
    fraction: float = Field(ge=0, le=1)
    from_: int | None = Field(None, alias="from")
    to: int | None = None


class SimulatedScenario(_Record):
    """A simulator scenario (library name or YAML file) the planner turns into outages and
    losses; with ``ensemble`` members, into ``bins`` weighted scenarios of its losses."""

    library: str | None = Field(None, description="name in paxsilica scenarios list")
    file: str | None = Field(None, description="scenario YAML (relative to the problem)")
    ensemble: int | None = Field(None, ge=2, le=500, description="members drawn")
    bins: int = Field(3, ge=1, le=10, description="weighted scenarios from the members")
    seed: int = Field(0, ge=0)
    days: int | None = Field(None, ge=1, le=SERVICE_MAX_DAYS,
                             description="simulated days (default: the scenario's)")

    @model_validator(mode="after")
    def _one(self) -> SimulatedScenario:
        if (self.library is None) == (self.file is None):
            raise ValueError("give exactly one of library or file")
        if self.ensemble is not None and self.bins > self.ensemble:
            raise ValueError(f"bins ({self.bins}) cannot exceed ensemble ({self.ensemble})")
        return self


class Scenario(_Record):
    """One possible future with its probability and outages (years ``from``-``to``)."""

    name: str = Field(min_length=1, max_length=200)
    probability: float | None = Field(None, ge=0, le=1)
    from_: int | None = Field(None, alias="from")
    to: int | None = None
    outages: list[Outage] = Field(default_factory=list)
    unmet_penalty: dict[str, float] | None = Field(
        None, description="item -> currency per unit unmet in this scenario (default: the "
                          "problem's unmet_penalty)")
    simulate: SimulatedScenario | None = Field(
        None, description="outages and losses from the simulator (replaced when loaded)")
    origin: str | None = Field(None, description="where the scenario comes from (set by the "
                                                 "loader for simulator scenarios)")

    @model_validator(mode="after")
    def _penalties(self) -> Scenario:
        for item, value in (self.unmet_penalty or {}).items():
            if value < 0:  # the size is checked with every number (plan.bounds)
                raise ValueError(f"unmet_penalty of {item} must be at least 0, not {value:g}")
        if self.simulate is not None and self.outages:
            raise ValueError("a simulated scenario takes its outages from the simulator; "
                             "remove outages")
        return self


class Problem(_Record):
    """A whole planning problem (see ``docs/plan.md``)."""

    name: str
    years: list[Annotated[int, Field(ge=1900, le=2300)]] = Field(
        min_length=1, description="consecutive years (at most limits.MAX_PLAN_YEARS)")
    discount_rate: float = Field(0.0, ge=0, lt=1, description="per year, fraction")
    concern: list[str] | str = Field("countries_of_concern",
                                     description="ISO3/names, or a group id")
    coalition: list[str] | str | None = Field(
        None, description="ISO3/names or a group id whose capacity counts as the "
                          "coalition's (default: the members with demand)")
    unmet_penalty: float | None = Field(None, ge=0, description="currency per unit unmet")
    as_of: str | None = Field(None, description="date for group memberships (YYYY-MM-DD)")
    demand: list[Demand] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    stockpiles: list[Stockpile] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    chain: Chain | None = Field(None, description="link items by recipes (ore -> oxide -> "
                                                  "metal -> magnet)")
    inventory: list[Inventory] = Field(default_factory=list,
                                       description="items carried between years")
    shortfall: Shortfall = Field(default_factory=Shortfall)
    _notes: list[str] = PrivateAttr(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """Warnings found while loading (simulator scenarios, missing data): shown in the
        answer's ``warnings``."""
        return self._notes

    @model_validator(mode="after")
    def _defaults(self) -> Problem:
        if not self.scenarios:
            self.scenarios = [Scenario(name="base", probability=1.0)]
        given = [s.probability for s in self.scenarios if s.probability is not None]
        if not given:
            for scenario in self.scenarios:
                scenario.probability = 1.0 / len(self.scenarios)
        return self

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]
