"""Ready scenarios from the bundled export controls, plus a full ban on the coalition.

One scenario per measure of ``data/export_controls.csv`` (through the store's
``export_controls`` table), starting on its effective date, ending when it is
suspended (if within the year), on the stack network:

* ``ban`` → ``export_ban`` from the issuer to the targets;
* ``licence_requirement``, ``extraterritorial`` → ``licence_regime`` on every flow of
  the items from the issuer; ``quota`` → ``licence_regime`` (a quota refuses a share);
* ``technology_ban`` and ``suspension`` cut no goods flow: the scenario has no event
  (it runs the baseline, so the measure can still be listed and combined by hand).

Licence delays and denial rates are **assumptions, not cited figures** (no source gives
a measured delay or refusal rate for these regimes): 45 days and 50 % as central values,
declared ``uncertain`` (delay triangular 0–45–120 days, denial uniform 0–1) so an
ensemble shows the spread. Measures without an item mapping apply to every item the
issuer exports (an upper bound); the description says so.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> library = scenario_library(StackNetwork.from_store(open_store(":memory:")))
    >>> library["cn-mofcom-gac-2023-23"]["events"][0]["kind"]
    'licence_regime'
    >>> coalition_ban("2026-03-01")["events"][0]["importers"]
    ['pax_silica']
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from paxsilica.model.network import StackNetwork, as_date

__all__ = ["ASSUMED_DELAY_DAYS", "ASSUMED_DENY_RATE", "coalition_ban", "scenario_library"]

ASSUMED_DELAY_DAYS = 45
"""Assumption (not cited): central licence processing delay, days."""
ASSUMED_DENY_RATE = 0.5
"""Assumption (not cited): central share of licence applications refused."""
DAYS = 365
COALITION_BAN = "coalition-ban"


def _items(row: pd.Series, known: set[str]) -> tuple[list[str] | None, str]:
    wanted = [i for i in (row["item_ids"] or [])]
    present = [i for i in wanted if i in known]
    if not wanted:
        return None, " No item mapping: applies to every item the issuer exports (upper bound)."
    missing = sorted(set(wanted) - set(present))
    note = f" Items not in the stack network (no effect): {', '.join(missing)}." if missing else ""
    return (present or None), note


def _targets(row: pd.Series) -> list[str]:
    targets = [t for t in (row["targets"] or []) if t]
    return ["all"] if not targets or targets == ["all"] else targets


def scenario_library(net: StackNetwork, *, known_items: set[str] | None = None) -> dict[str, dict]:
    """Scenario documents (ready for :func:`~paxsilica.simulate.scenario.scenario_from_dict`)
    by name: one per export-control measure, and ``coalition-ban`` (as of today)."""
    if known_items is None:
        from paxsilica.simulate.stack import stack_network

        known_items = set(stack_network(net)[0].industries["sector"])
    known = known_items
    library: dict[str, dict] = {}
    for row in net.export_controls.sort_values(["effective", "measure_id"]).itertuples(index=False):
        row = pd.Series(row._asdict())
        name = str(row["measure_id"]).lower()
        start = row["effective"]
        end = row["suspended_from"]
        items, note = _items(row, known)
        description = (f"{row['issuer']} {row['kind'].replace('_', ' ')} {row['measure_id']} "
                       f"(effective {start}): {row['items']} Source: {row['source']} "
                       f"({row['confidence']} confidence).{note}")
        document: dict = {"name": name, "description": description, "days": DAYS,
                          "start_date": start.isoformat(), "events": []}
        flows: dict = {"exporters": [row["issuer"]], "importers": _targets(row), "start": 0}
        if items is not None:
            flows["items"] = items
        if end is not None and start < end < start + timedelta(days=DAYS):
            flows["end"] = end.isoformat()
        if row["kind"] == "ban":
            document["events"].append({"kind": "export_ban", **flows})
        elif row["kind"] in {"licence_requirement", "extraterritorial", "quota"}:
            document["events"].append({"kind": "licence_regime", **flows, "share": 1.0,
                                       "delay_days": ASSUMED_DELAY_DAYS,
                                       "deny_rate": ASSUMED_DENY_RATE})
            document["uncertain"] = {"events.0.delay_days": {"triangular": [0, ASSUMED_DELAY_DAYS, 120]},
                                     "events.0.deny_rate": {"uniform": [0.0, 1.0]}}
            document["description"] += (" Licence delay and denial rate are assumptions "
                                        "(not cited), declared uncertain.")
        else:
            document["description"] += " Cuts no goods flow: no event (baseline)."
        library[name] = document
    library[COALITION_BAN] = coalition_ban(date.today())
    return library


def coalition_ban(as_of: date | str, *, issuer: str = "CHN", group: str = "pax_silica",
                  items: list[str] | None = None, days: int = DAYS) -> dict:
    """A full export ban from ``issuer`` to the coalition's members as of ``as_of``."""
    day = as_date(as_of)
    event: dict = {"kind": "export_ban", "exporters": [issuer], "importers": [group], "start": 0}
    if items:
        event["items"] = list(items)
    return {"name": COALITION_BAN, "days": days, "start_date": day.isoformat(),
            "description": f"Full export ban from {issuer} to the members of {group} as of {day} "
                           "(members resolved on that day); buyers reroute over 30 days.",
            "events": [event]}
