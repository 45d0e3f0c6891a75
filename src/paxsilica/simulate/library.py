"""Ready scenarios from the bundled export controls, a full ban on the coalition, and the
case of USGS Open-File Report 2024-1057.

One scenario per measure of ``data/export_controls.csv`` (through the store's
``export_controls`` table), starting on its effective date, ending when it is suspended (if
within the year), on the stack network, naming its items explicitly (the measure's
``item_ids`` that the network models):

* ``ban`` → ``export_ban`` from the issuer to the targets;
* ``licence_requirement``, ``extraterritorial``, ``quota`` → ``licence_regime`` (delay,
  then denial) on the items' flows from the issuer;
* ``technology_ban`` and ``suspension`` cut no goods flow: the scenario has no event (it
  runs the baseline, and the run says so).

A goods measure without an item mapping is *refused* (:func:`refused_measures` says why):
it is never applied to everything the issuer exports. Items a measure names that are not
traded across borders are left out, and the description says so.

Licence delays and denial rates are **assumptions, not cited figures** (no source gives
a measured delay or refusal rate for these regimes): 45 days and 50 % as central values,
declared ``uncertain`` (delay triangular 0–45–120 days, denial uniform 0–1) so an
ensemble shows the spread.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> library = scenario_library(net)
    >>> library["cn-mofcom-gac-2023-23"]["events"][0]["items"]
    ['gallium', 'germanium']
    >>> library[USGS_CASE]["events"][0]["kind"], library[USGS_CASE]["days"]
    ('export_ban', 365)
    >>> refused_measures(net)["cn-mofcom-2024-46-1"][:40]
    'no item mapping: the measure names no ca'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from paxsilica.model.network import StackNetwork, as_date
from paxsilica.simulate.network import SimNetwork

__all__ = ["ASSUMED_DELAY_DAYS", "ASSUMED_DENY_RATE", "COALITION_BAN", "USGS_CASE", "coalition_ban",
           "library_overview", "refused_measures", "scenario_library", "usgs_case"]

ASSUMED_DELAY_DAYS = 45
"""Assumption (not cited): central licence processing delay, days."""
ASSUMED_DENY_RATE = 0.5
"""Assumption (not cited): central share of licence applications refused."""
DAYS = 365
COALITION_BAN = "coalition-ban"
USGS_CASE = "usgs-ofr-2024-1057"
GOODS_KINDS = {"ban", "licence_requirement", "extraterritorial", "quota"}


def _network_items(net: StackNetwork, sim: SimNetwork | None = None,
                   ) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """Items the stack network models, those of them that are not traded, and its
    (country, item) industries (``sim``: the stack network when already built)."""
    if sim is None:
        from paxsilica.simulate.stack import stack_network

        sim, _ = stack_network(net)
    present = set(sim.industries["sector"])
    traded = set(sim.sectors.index[sim.sectors["tradable"]]) if sim.sectors is not None else present
    industries = set(zip(sim.industries["region"], sim.industries["sector"], strict=True))
    return present, present - traded, industries


def _mapped(row: pd.Series, present: set[str], not_traded: set[str]) -> tuple[list[str], str, str | None]:
    """The measure's items in the network, a note on the others, and why it is refused."""
    wanted = [i for i in (row["item_ids"] or []) if i]
    if not wanted:
        return [], "", ("no item mapping: the measure names no catalogue item, so it is not "
                        "simulated (it is never applied to everything the issuer exports)")
    notes = []
    absent = sorted(set(wanted) - present)
    if absent:
        notes.append(f"Items not in the stack network (left out): {', '.join(absent)}.")
    local = sorted(set(wanted) & not_traded)
    if local:
        notes.append(f"Not traded across borders (left out): {', '.join(local)}.")
    items = [i for i in wanted if i in present and i not in not_traded]
    if not items:
        return [], " ".join(notes), "its items are not modelled as traded goods: " + " ".join(notes)
    return items, (" " + " ".join(notes)) if notes else "", None


def _targets(row: pd.Series) -> list[str]:
    targets = [t for t in (row["targets"] or []) if t]
    return ["all"] if not targets or targets == ["all"] else targets


def _measure(row: pd.Series, items: list[str], note: str) -> dict:
    start, end = row["effective"], row["suspended_from"]
    name = str(row["measure_id"]).lower()
    description = (f"{row['issuer']} {row['kind'].replace('_', ' ')} {row['measure_id']} "
                   f"(effective {start}): {row['items']} Source: {row['source']} "
                   f"({row['confidence']} confidence).{note}")
    document: dict = {"name": name, "description": description, "days": DAYS,
                      "start_date": start.isoformat(), "events": []}
    flows: dict = {"exporters": [row["issuer"]], "importers": _targets(row), "items": items, "start": 0}
    if end is not None and start < end < start + timedelta(days=DAYS):
        flows["end"] = end.isoformat()
    if row["kind"] == "ban":
        document["events"].append({"kind": "export_ban", **flows})
    elif row["kind"] in GOODS_KINDS:
        document["events"].append({"kind": "licence_regime", **flows, "share": 1.0,
                                   "delay_days": ASSUMED_DELAY_DAYS, "deny_rate": ASSUMED_DENY_RATE})
        document["uncertain"] = {"events.0.delay_days": {"triangular": [0, ASSUMED_DELAY_DAYS, 120]},
                                 "events.0.deny_rate": {"uniform": [0.0, 1.0]}}
        document["description"] += (" Licence delay and denial rate are assumptions (not cited), "
                                    "declared uncertain.")
    else:
        document["description"] += " Cuts no goods flow: no event (baseline)."
    return document


def _rows(net: StackNetwork) -> list[pd.Series]:
    controls = net.export_controls.sort_values(["effective", "measure_id"])
    return [pd.Series(row._asdict()) for row in controls.itertuples(index=False)]


def refused_measures(net: StackNetwork, *, sim: SimNetwork | None = None) -> dict[str, str]:
    """Goods measures that are not simulated, by scenario name, with the reason."""
    present, not_traded, _ = _network_items(net, sim)
    refused = {}
    for row in _rows(net):
        if row["kind"] in GOODS_KINDS:
            reason = _mapped(row, present, not_traded)[2]
            if reason:
                refused[str(row["measure_id"]).lower()] = reason
    return refused


def scenario_library(net: StackNetwork, *, sim: SimNetwork | None = None) -> dict[str, dict]:
    """Scenario documents (ready for :func:`~paxsilica.simulate.scenario.scenario_from_dict`)
    by name: one per simulated export-control measure, ``coalition-ban`` (as of today) and
    the USGS case (``sim``: the stack network when already built)."""
    present, not_traded, industries = _network_items(net, sim)
    library: dict[str, dict] = {}
    for row in _rows(net):
        items, note, refused = _mapped(row, present, not_traded)
        if row["kind"] in GOODS_KINDS and refused:
            continue
        library[str(row["measure_id"]).lower()] = _measure(row, items, note)
    chinese = sorted({item for country, item in industries if country == "CHN" and item not in not_traded})
    library[COALITION_BAN] = coalition_ban(date.today(), items=chinese)
    library[USGS_CASE] = usgs_case()
    return library


def coalition_ban(as_of: date | str, *, issuer: str = "CHN", group: str = "pax_silica",
                  items: list[str] | None = None, days: int = DAYS) -> dict:
    """A full export ban from ``issuer`` to the coalition's members as of ``as_of`` on
    ``items`` (the library names every traded item the issuer makes)."""
    day = as_date(as_of)
    event: dict = {"kind": "export_ban", "exporters": [issuer], "importers": [group], "start": 0}
    if items:
        event["items"] = list(items)
    what = f"{len(items)} items" if items else "every traded item"
    return {"name": COALITION_BAN, "days": days, "start_date": day.isoformat(),
            "description": f"Full export ban from {issuer} to the members of {group} as of {day} "
                           f"(members resolved on that day) on {what}; buyers move to other "
                           "suppliers after each item's qualification time.",
            "events": [event]}


def usgs_case() -> dict:
    """USGS OFR 2024-1057's case: China restricts all its net exports of gallium and germanium
    for a year (an export ban from China to every other country)."""
    return {"name": USGS_CASE, "days": DAYS, "start_date": "2024-01-01",
            "description": "A complete restriction of China's net exports of gallium and germanium for one "
                           "year, as in Nassar et al. (2024), Quantifying potential effects of China's "
                           "gallium and germanium export restrictions on the U.S. economy, USGS Open-File "
                           "Report 2024-1057, doi:10.3133/ofr20241057 (US GDP -$3.4 bn, range 1.7-9.0, "
                           "for both at once). See docs/simulate.md for the comparison.",
            "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"],
                        "items": ["gallium", "germanium"], "start": 0}],
            "economy": {"table": "bea-us"}}


def library_overview(net: StackNetwork, *, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Every library scenario run once on the stack network, and every refused measure:
    ``name, status, start_date, events, reaches_located, loss_usd, value_added_loss_usd,
    max_loss_share, warnings, description`` (USD over the scenario's days, priced items only;
    ``progress`` is called with 1 after each run)."""
    from paxsilica.simulate.run import prepare, run_prepared
    from paxsilica.simulate.scenario import scenario_from_dict
    from paxsilica.simulate.stack import stack_network

    sim, resolver = stack_network(net)
    rows = []
    for name, document in scenario_library(net, sim=sim).items():
        result = run_prepared(*prepare(sim, scenario_from_dict(document, file=name), resolver=resolver))
        summary = result.summary()
        rows.append({"name": name, "status": "simulated", "start_date": document.get("start_date"),
                     "events": ", ".join(e["kind"] for e in document["events"]) or "(none)",
                     "reaches_located": bool(result.reaches_located),
                     "loss_usd": float(summary["loss_usd"].sum()),
                     "value_added_loss_usd": float(summary["value_added_loss_usd"].sum()),
                     "max_loss_share": float(summary["loss_share"].max()),
                     "warnings": len(result.warnings), "description": document.get("description", "")})
        if progress is not None:
            progress(1)
    for name, reason in refused_measures(net, sim=sim).items():
        rows.append({"name": name, "status": "refused", "start_date": None, "events": "(none)",
                     "reaches_located": False, "loss_usd": None, "value_added_loss_usd": None,
                     "max_loss_share": None, "warnings": 0, "description": reason})
    return pd.DataFrame(rows)
