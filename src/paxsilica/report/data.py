"""Everything the report shows, computed by the public API before any HTML is written.

:func:`report_data` calls the same library functions as the CLI and the service
(``exposure``, ``exposure_summary``, ``coverage_timeline``, ``exposure_change``,
``multitier_exposure``, ``embodied_origins``, ``chokepoints``) and returns a
:class:`ReportData` of labelled tables; the section modules only render them. The end
item of the multi-tier section comes from the catalogue (:func:`end_items`), not from
fixed ids, so the report works with any catalogue.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> data = report_data(StackNetwork.from_store(open_store(":memory:")), as_of="2026-07-01")
    >>> data.end_item, len(data.members) > 20, data.multitier_error
    ('ai_data_centre', True, None)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.exposure import (
    coverage_timeline,
    exposure,
    exposure_change,
    exposure_summary,
)
from paxsilica.analytics.multitier import MODES, country_dependence, embodied_origins, multitier_exposure
from paxsilica.analytics.network import SourcingNetwork, sourcing_network
from paxsilica.errors import CycleError
from paxsilica.model.network import StackNetwork, as_date, end_items

__all__ = ["HEADLINE_ITEMS", "STEPS", "HeadlineData", "ReportContext", "ReportData", "headline_data",
           "report_data", "weak_shares"]

STEPS = ["exposure", "coverage", "multitier", "headline"]
"""The computation steps of :func:`report_data`, in order (for progress displays)."""
FOCUS_ROWS = 12
"""Items in the embodied-versus-direct table: the end item's inputs most at risk."""
CHOKEPOINT_ROWS = 6


HEADLINE_ITEMS = ("ai_accelerator_server", "ai_data_centre")
"""The headline's items when the catalogue has them (else the top of the recipe tree)."""
WEAK_BASIS = frozenset({"derived", "estimate"})


@dataclass(frozen=True, eq=False)
class HeadlineData:
    """Through-all-tiers exposure of the headline items, and how much rests on weak rows."""

    items: list[str]
    world: pd.DataFrame
    """World-supply rows of :func:`multitier_exposure` (essential mode), indexed by item."""
    weighted: pd.DataFrame
    """The same in the weighted mode (substitutable inputs count too)."""
    dependence: dict[str, pd.DataFrame]
    """Item -> :func:`country_dependence` of its world supply (dependence > 0)."""
    weak: pd.Series
    """Item -> fraction of its located supply resting on weak rows (:func:`weak_shares`)."""
    basis: str
    error: CycleError | None = None


def weak_shares(latest: pd.DataFrame) -> pd.Series:
    """Per item: fraction of its located (named-country) share resting on weak rows —
    ``low`` confidence, or basis ``derived`` or ``estimate`` (docs/data.md).

    >>> frame = pd.DataFrame({"item": ["a", "a", "b"], "share": [0.6, 0.4, 1.0],
    ...     "confidence": ["high", "low", "medium"], "basis": ["reported"] * 2 + ["derived"]})
    >>> weak_shares(frame).round(2).to_dict()
    {'a': 0.4, 'b': 1.0}
    """
    weak = latest["confidence"].eq("low") | latest["basis"].isin(WEAK_BASIS)
    total = latest.groupby("item")["share"].sum()
    weak_total = latest[weak].groupby("item")["share"].sum().reindex(total.index, fill_value=0.0)
    return (weak_total / total.where(total > 0)).fillna(0.0)


def headline_data(net: StackNetwork, latest: pd.DataFrame, *, as_of: date, group: str,
                  concern: str, items: tuple[str, ...] = HEADLINE_ITEMS,
                  snet: SourcingNetwork | None = None,
                  essential: pd.DataFrame | None = None) -> HeadlineData | None:
    """The headline's tables (None without a recipe tree). An item located by its
    exporters (trade flows as a proxy for production) is weak throughout.

    ``snet`` and ``essential`` (its essential-mode :func:`multitier_exposure` with role
    ``market``) are reused when the caller has them, else computed here."""
    outputs = set(net.recipes["output_item"])
    shown = [item for item in items if item in outputs] or end_items(net)[:1]
    if not shown:
        return None
    snet = snet if snet is not None else sourcing_network(net, as_of=as_of)
    try:
        frames = [essential if mode == "essential" and essential is not None else
                  multitier_exposure(net, group=group, concern=concern, as_of=as_of,
                                     roles=("market",), snet=snet, mode=mode) for mode in MODES]
    except CycleError as error:
        empty = pd.DataFrame()
        return HeadlineData(shown, empty, empty, {}, pd.Series(dtype=float), snet.basis, error)
    world, weighted = (frame[frame["country"] == "WLD"].set_index("item") for frame in frames)
    weak = weak_shares(latest)
    proxied = snet.nodes.loc[snet.nodes["sourcing"].eq("export shares"), "item_id"]
    weak = pd.concat([weak.drop(proxied, errors="ignore"), pd.Series(1.0, index=proxied.to_numpy())])
    dependence = {}
    for item in shown:
        countries = country_dependence(snet, [f"market:WLD:{item}"])
        dependence[item] = countries[countries["dependence"] > 0].reset_index(drop=True)
    return HeadlineData(shown, world, weighted, dependence, weak, snet.basis)


@dataclass(frozen=True, eq=False)
class ReportData:
    """The tables the report renders (DataFrames read-only), with the date and groups."""

    as_of: date
    group: str
    concern: str
    group_name: str
    members: list[str]
    item_labels: dict[str, str]
    source_links: dict[str, str]
    latest: pd.DataFrame
    """:func:`exposure` rows, latest non-projection year per item and stage, + ``stage_order``."""
    summary: pd.DataFrame
    """:func:`exposure_summary` of the same rows, + ``stage_order``, downstream last."""
    membership_dates: list[date]
    timeline: pd.DataFrame
    """:func:`coverage_timeline` on each membership change on or before ``as_of``."""
    change: pd.DataFrame
    """:func:`exposure_change` from the first membership date to ``as_of``."""
    export_controls: pd.DataFrame
    recipes: pd.DataFrame
    """Recipe lines + ``output_order`` (stage order of the output), downstream first."""
    end_item: str | None
    basis: str
    origins: pd.DataFrame
    """:func:`embodied_origins` of one unit of ``end_item``."""
    multitier: pd.DataFrame
    """World-supply rows of :func:`multitier_exposure` for the end item and its inputs."""
    chokepoints: pd.DataFrame
    multitier_error: CycleError | None = None
    headline: HeadlineData | None = None
    stress_test: object | None = None
    """:func:`paxsilica.simulate.stress.stress_test` (an ensemble); ``None``: the stress-test
    section runs it when it renders (it is the slowest table, so a caller that needs it twice
    computes it once and puts it here)."""
    net: StackNetwork | None = None
    """The network the tables were computed from. Sections should render the tables above;
    a section whose results are not computed here yet (the planner's and the simulator's)
    computes them from ``net``; move that into :func:`report_data` as those APIs land."""


ReportContext = ReportData
"""The former name (sections written against it keep working)."""


def _recipes(net: StackNetwork) -> pd.DataFrame:
    order, stage_of = net.stage_order, net.item_stage
    frame = net.recipes.assign(
        output_order=net.recipes["output_item"].map(lambda i: order.get(stage_of.get(i, ""), -1)))
    return frame.sort_values(["output_order", "output_item", "input_item"],
                             ascending=[False, True, True]).reset_index(drop=True)


def _multitier(net: StackNetwork, day: date, snet: SourcingNetwork, essential: pd.DataFrame,
               end_item: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    origins = embodied_origins(snet, f"market:WLD:{end_item}")
    world = essential[essential["country"] == "WLD"]
    upstream = [end_item, *origins["item"].drop_duplicates()]
    focus = world[world["item"].isin(upstream)].sort_values(
        ["concern_share", "item"], ascending=[False, True])
    focus = pd.concat([focus[focus["item"] == end_item],
                       focus[focus["item"] != end_item].head(FOCUS_ROWS - 1)], ignore_index=True)
    # the end item, and the upstream item most at risk through all tiers
    riskiest = focus.loc[focus["item"] != end_item, "item"].head(1).tolist()
    choke = chokepoints(net, end_item=[end_item, *riskiest], top=CHOKEPOINT_ROWS, as_of=day,
                        snet=snet)
    return origins, focus, choke


def report_data(net: StackNetwork, *, as_of: date | str | None = None, group: str = "pax_silica",
                concern: str = "countries_of_concern",
                on_step: Callable[[str], None] | None = None) -> ReportData:
    """Compute every table of the report (``on_step(name)`` before each of :data:`STEPS`).

    Raises:
        NotFoundError: an unknown group.
    """
    day = as_date(as_of)
    group_name = str(net.group(group)["name"])
    net.group(concern)
    step = on_step or (lambda name: None)
    step("exposure")
    latest = exposure(net, group=group, concern=concern, as_of=day, latest=True)
    latest = latest.assign(stage_order=latest["stage"].map(net.stage_order))
    summary = exposure_summary(net, group=group, concern=concern, as_of=day, latest=True)
    summary = (summary.assign(stage_order=summary["stage"].map(net.stage_order))
               .sort_values(["stage_order", "item"]).reset_index(drop=True))
    step("coverage")
    dates = net.membership_dates(group)
    shown = [d for d in dates if d <= day]
    timeline = change = pd.DataFrame()
    if shown:
        timeline = coverage_timeline(net, shown, group=group, latest=True)
        change = exposure_change(net, shown[0], day, group=group, latest=True)
    step("multitier")
    tops = end_items(net) if not net.recipes.empty else []
    end_item = tops[0] if tops else None
    basis, origins, focus, choke, error = "", pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), None
    # one sourcing network and one essential-mode exposure serve both multi-tier sections
    snet = sourcing_network(net, as_of=day) if end_item is not None else None
    essential = None
    if snet is not None:
        basis = snet.basis
        try:
            essential = multitier_exposure(net, group=group, concern=concern, as_of=day,
                                           roles=("market",), snet=snet)
            origins, focus, choke = _multitier(net, day, snet, essential, end_item)
        except CycleError as exc:
            error = exc
    step("headline")
    headline = headline_data(net, latest, as_of=day, group=group, concern=concern, snet=snet,
                             essential=essential)
    supplies = net.supplies.dropna(subset=["source_url"])
    return ReportData(
        as_of=day, group=group, concern=concern, group_name=group_name,
        members=sorted(net.members(group, day)),
        item_labels=dict(zip(net.items["item_id"], net.items["name"], strict=True)),
        source_links=dict(zip(supplies["source"], supplies["source_url"], strict=True)),
        latest=latest, summary=summary, membership_dates=dates, timeline=timeline,
        change=change, export_controls=net.export_controls, recipes=_recipes(net),
        end_item=end_item, basis=basis, origins=origins, multitier=focus, chokepoints=choke,
        multitier_error=error, headline=headline, net=net)
