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

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from paxsilica.model.numbers import refuse_bool_numbers

__all__ = ["TARGET_KINDS", "Demand", "Outage", "Problem", "Project", "Scenario", "Source",
           "Stockpile", "Target"]

TARGET_KINDS = ("max_concern_share", "min_domestic_share", "min_capacity_share",
                "max_single_country_share")


class _Record(BaseModel):
    # .inf/.nan are refused where they are read (a number is finite, see plan.bounds)
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


class Project(_Record):
    """A candidate investment: built at most once, producing after ``lead_time`` years."""

    id: str
    item: str
    country: str
    capacity: float = Field(ge=0, description="item unit per year once online")
    capex: float = Field(ge=0, description="currency, paid in the build year")
    cost: float = Field(ge=0, description="currency per unit delivered")
    lead_time: int = Field(0, ge=0, description="years from build decision to first output")
    earliest_build: int | None = Field(None, description="first year it may be built")
    latest_build: int | None = Field(None, description="last year it may be built")
    partners: dict[str, float] = Field(default_factory=dict,
                                       description="country -> share of capex (sums to 1)")

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


class Target(_Record):
    """A policy limit; ``limit`` is a fraction 0-1 applying in years ``from``-``to``."""

    kind: Literal["max_concern_share", "min_domestic_share", "min_capacity_share",
                  "max_single_country_share"]
    item: str
    limit: float = Field(ge=0, le=1, description="fraction 0-1")
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
    """Supply lost in a scenario: ``fraction`` of every source and project in ``country``."""

    country: str
    item: str | None = Field(None, description="omitted: every item")
    fraction: float = Field(ge=0, le=1)


class Scenario(_Record):
    """One possible future with its probability and outages (years ``from``-``to``)."""

    name: str
    probability: float | None = Field(None, ge=0, le=1)
    from_: int | None = Field(None, alias="from")
    to: int | None = None
    outages: list[Outage] = Field(default_factory=list)


class Problem(_Record):
    """A whole planning problem (see ``docs/plan.md``)."""

    name: str
    years: list[int] = Field(min_length=1, description="consecutive years")
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
