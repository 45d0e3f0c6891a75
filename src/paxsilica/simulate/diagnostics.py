"""No silent zeros: what a run's events cut, what they could not reach, and what was assumed.

:func:`diagnosed` adds to a :class:`~paxsilica.simulate.result.SimulationResult`:

* ``flows_cut``: every flow the events cut, per event, exporter, item, importer and buyer
  (``outside uses`` for final demand), with its daily quantity, the share cut and its value
  (USD per day where the item is priced);
* ``items``: per item (sector) its world output (cited, or ``NaN`` when unsized), the
  share of its output made by no located producer (``unattributed``: events naming
  countries cannot reach it), whether it is priced, whether the events touch it, and its
  loss in units, share and USD;
* ``warnings``: one line each — the network's own notes (unsized or unpriced items, data
  that disagree), an event that cuts or hits nothing, affected items whose output is partly
  unlocated, rerouting that rests on assumed values, and a run whose events touch no
  located industry or change no output at all.

Example:
    >>> import scipy.sparse as sp
    >>> from paxsilica.simulate.network import SimNetwork
    >>> from paxsilica.simulate.run import simulate
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> net = SimNetwork.from_arrays(["A", "B"], ["ore", "chip"], sp.csr_matrix([[0, 5.0], [0, 0]]),
    ...                              np.array([[1.0, 0], [0, 10.0]]))
    >>> s = scenario_from_dict({"name": "x", "days": 5, "events": [{"kind": "export_ban",
    ...     "exporters": ["B"], "importers": ["A"], "items": ["chip"], "start": 0}]})
    >>> simulate(net, s).warnings[0]
    'events.0 (export_ban) cuts no flow: nothing of chip goes from B to A in the network'
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from paxsilica.simulate.events import EventSchedule
from paxsilica.simulate.flows import FlowCut
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.scenario import Scenario
from paxsilica.simulate.sectors import ASSUMED_RAMP_DAYS, ASSUMED_SUBSTITUTABLE_SHARE

__all__ = ["UNLOCATED", "diagnosed", "flows_cut", "item_table"]

UNLOCATED = "unattributed"
"""Region of output no cited row locates (the stack network's ``unattributed`` industries)."""
OUTSIDE = "outside uses"
"""Buyer label of final demand: uses of an item outside the modelled network."""
CHANGED = 1e-9
"""A loss share above this counts as a change of output."""


def _names(values: object) -> str:
    return ", ".join(sorted({str(v) for v in values})) or "nothing"


def _after(cut: FlowCut) -> float:
    """Share cut once a licence's delay is over (the same share for other events)."""
    return (cut.stop if cut.stop_after is None else cut.stop_after) + cut.late


def flows_cut(net: SimNetwork, schedule: EventSchedule) -> pd.DataFrame:
    """The flows each flow event cuts (daily network units and USD): ``cut_share`` at the
    start, ``cut_share_after`` once a licence regime's delay is over (then only denials)."""
    params = schedule.params
    regions = net.industries["region"].to_numpy().astype(str)
    sectors = net.industries["sector"].to_numpy().astype(str)
    rows = np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))
    price = net.price if net.price is not None else np.full(net.n, np.nan)
    parts = []
    for cut in schedule.flows:
        supplier = params.h.indices[cut.links]
        buyer = params.stock_industry[rows[cut.links]]
        parts.append(pd.DataFrame({
            "event": cut.index, "kind": cut.kind, "exporter": regions[supplier], "item": sectors[supplier],
            "importer": regions[buyer], "buyer": sectors[buyer], "flow_per_day": params.h.data[cut.links],
            "cut_share": cut.stop + cut.late, "cut_share_after": _after(cut), "price": price[supplier]}))
        parts.append(pd.DataFrame({
            "event": cut.index, "kind": cut.kind, "exporter": regions[cut.pair_rows],
            "item": sectors[cut.pair_rows], "importer": np.asarray(net.regions, dtype=str)[cut.pair_cols],
            "buyer": OUTSIDE, "flow_per_day": cut.pair_amount, "cut_share": cut.stop,
            "cut_share_after": _after(cut) - cut.late, "price": price[cut.pair_rows]}))
    columns = ["event", "kind", "exporter", "item", "importer", "buyer", "flow_per_day", "cut_share",
               "cut_share_after", "usd_per_day"]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["usd_per_day"] = frame["flow_per_day"] * frame["price"]
    keys = ["event", "kind", "exporter", "item", "importer", "buyer", "cut_share", "cut_share_after"]
    grouped = frame.groupby(keys, sort=True, dropna=False)[["flow_per_day", "usd_per_day"]].sum(min_count=1)
    return grouped.reset_index()[columns]


def _touched(net: SimNetwork, schedule: EventSchedule) -> np.ndarray:
    """Industries an event reaches directly (cut suppliers and buyers, capacity losses, holders)."""
    params = schedule.params
    rows = np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))
    hit = np.zeros(net.n, dtype=bool)
    for cut in schedule.flows:
        hit[params.h.indices[cut.links]] = True
        hit[params.stock_industry[rows[cut.links]]] = True
        hit[cut.pair_rows] = True
    for event in schedule.capacity:
        hit[event.industries] = True
    for release in schedule.releases:
        hit[params.stock_industry[release.entries]] = True
    return hit


def item_table(result: SimulationResult, net: SimNetwork, touched: np.ndarray) -> pd.DataFrame:
    """Per item: world output, unlocated share, sized and priced, affected, and its loss."""
    summary = result.summary()
    regions = net.industries["region"].to_numpy().astype(str)
    frame = summary.assign(base=result.baseline * 365.0, run_base=result.baseline * result.days,
                           shortfall=result.shortfall(), unlocated=np.where(regions == UNLOCATED,
                                                                            result.baseline * 365.0, 0.0),
                           priced=(np.isfinite(net.price) if net.price is not None
                                   else np.zeros(net.n, dtype=bool)),
                           touched=touched)
    grouped = frame.groupby("sector", sort=True)
    table = grouped.agg(modelled_output=("base", "sum"), unlocated=("unlocated", "sum"),
                        shortfall=("shortfall", "sum"), run_base=("run_base", "sum"),
                        priced=("priced", "all"), affected=("touched", "any"))
    table = table.join(grouped[["loss_usd", "value_added_loss_usd"]].sum(min_count=1))
    sectors = net.sectors if net.sectors is not None else pd.DataFrame(index=table.index)
    sized = sectors.get("sized", pd.Series(True, index=table.index)).reindex(table.index).fillna(True)
    table["sized"] = sized.astype(bool)
    world = sectors.get("world_output", pd.Series(np.nan, index=table.index)).reindex(table.index)
    table["world_output"] = world.where(table["sized"], np.nan)
    table["unit"] = sectors.get("unit", pd.Series("", index=table.index)).reindex(table.index).fillna("")
    table["unlocated_share"] = np.divide(table["unlocated"], table["modelled_output"],
                                         out=np.zeros(len(table)), where=table["modelled_output"] > 0)
    table["loss_share"] = np.divide(table["shortfall"], table["run_base"], out=np.zeros(len(table)),
                                    where=table["run_base"] > 0)
    table["production_loss"] = table["shortfall"].where(table["sized"], np.nan)
    return table.reset_index().rename(columns={"sector": "item"})[
        ["item", "unit", "sized", "world_output", "unlocated_share", "priced", "affected",
         "production_loss", "loss_share", "loss_usd", "value_added_loss_usd"]]


def _event_warnings(scenario: Scenario, net: SimNetwork, schedule: EventSchedule) -> list[str]:
    lines = []
    for cut in schedule.flows:
        if cut.links.size or cut.pair_rows.size:
            continue
        event = scenario.events[cut.index]
        if cut.kind == "chokepoint_closure":
            where = f"between {_names(event.between)} and {_names(event.and_)}"
        else:
            where = f"from {_names(event.exporters)} to {_names(event.importers)}"
        lines.append(f"events.{cut.index} ({cut.kind}) cuts no flow: nothing of "
                     f"{_names(event.items or ['any traded item'])} goes {where} in the network")
    for event in schedule.capacity:
        if event.industries.size == 0:
            lines.append(f"events.{event.index} (capacity_loss) hits no industry of the network")
    return lines


def _rerouting_warnings(scenario: Scenario, net: SimNetwork, schedule: EventSchedule) -> list[str]:
    sectors = net.industries["sector"].to_numpy().astype(str)
    params = schedule.params
    table = net.sectors if net.sectors is not None else pd.DataFrame()
    ramp, share = set(), set()
    for cut in schedule.flows:
        event = scenario.events[cut.index]
        items = set(sectors[params.h.indices[cut.links]]) | set(sectors[cut.pair_rows])
        for item in items:
            if event.qualification_days is None and event.ramp_up is None and pd.isna(
                    table.get("qualification_days", pd.Series(dtype=float)).get(item, np.nan)):
                ramp.add(item)
            if event.substitutable_share is None and pd.isna(
                    table.get("substitutable_share", pd.Series(dtype=float)).get(item, np.nan)):
                share.add(item)
    lines = []
    if ramp:
        lines.append(f"qualification time not cited for {_names(ramp)}: buyers move lost orders over "
                     f"{ASSUMED_RAMP_DAYS} days (assumption)")
    if share:
        lines.append(f"substitutable share not cited for {_names(share)}: "
                     f"{ASSUMED_SUBSTITUTABLE_SHARE:g} assumed (all use may move to other suppliers)")
    return lines


def diagnosed(result: SimulationResult, net: SimNetwork, scenario: Scenario,
              schedule: EventSchedule) -> SimulationResult:
    """``result`` with its ``flows_cut``, ``items`` table and ``warnings`` filled in."""
    touched = _touched(net, schedule)
    items = item_table(result, net, touched)
    cut = flows_cut(net, schedule)
    warnings = [*net.notes, *schedule.notes, *_event_warnings(scenario, net, schedule),
                *_rerouting_warnings(scenario, net, schedule)]
    flow_items = set(cut["item"]) if not cut.empty else set()
    hidden = items[items["item"].isin(flow_items) & (items["unlocated_share"] >= 0.005)]
    if not hidden.empty:
        listed = ", ".join(f"{r.item} {r.unlocated_share:.0%}" for r in hidden.itertuples())
        warnings.append(f"output with no located producer, which events naming countries cannot "
                        f"reach (share of the item's output): {listed}")
    unpriced = items[items["affected"] & ~items["priced"]]
    if not unpriced.empty:
        warnings.append(f"unpriced items touched by the events (their losses have no USD value): "
                        f"{_names(unpriced['item'])}")
    regions = net.industries["region"].to_numpy().astype(str)
    reaches = bool((touched & (regions != UNLOCATED)).any())
    if scenario.events and not reaches:
        warnings.append("the events touch no located industry: every industry they reach has no "
                        "cited country")
    if not scenario.events:
        warnings.append("the scenario has no events: output is the baseline (a measure that cuts no "
                        "goods flow, e.g. a technology ban or a suspension)")
    if net.price is None:
        warnings.append("the network has no prices: losses are in network units only, not USD")
    changed = (result.summary()["peak_loss_share"] > CHANGED).any()
    if scenario.events and not changed:
        warnings.append("no output changes: the events cut nothing the network's industries "
                        "depend on (see flows_cut and the warnings above)")
    return replace(result, warnings=list(dict.fromkeys(warnings)), flows_cut=cut, items=items,
                   reaches_located=reaches)
