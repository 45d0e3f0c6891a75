"""Reproduce docs/simulate.md's comparison with USGS Open-File Report 2024-1057.

Runs the library scenario ``usgs-ofr-2024-1057`` (China restricts all its net exports of
gallium and germanium for a year, losses carried through the bundled BEA 2023 US table) on

1. the bundled data as shipped: US gallium use in the GaAs RF devices of the stack (Skyworks
   and Qorvo located in the US, devices sized and priced from TrendForce's GaAs RF revenue),
   the rest of US gallium use and US germanium use placed as demand outside the stack (USGS MCS
   2025), all cited in ``scripts/bundled/``;
2. the same data without the device chain (the ``gaas_rf_device <- gallium_arsenide`` recipe
   line dropped, and the whole US gallium use, 19,000 of 760,000 kg, placed outside the stack
   instead): the value-for-value floor the bundled data gave before the devices were added;
3. the bundled data with the US share of GaAs RF devices halved (0.333 instead of Skyworks'
   and Qorvo's 0.666, an upper bound on what is made in US fabs): how far the answer rests on it;
4. the bundled data with gallium alone and germanium alone banned (USGS: $3.1 bn and $0.4 bn).

Prints the US value added lost by channel, the stack's own results for gallium, germanium and
GaAs devices, the five US industries that lose most value added, and the warnings that name
what is still missing.

Usage: python scripts/usgs_comparison.py
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from paxsilica.model.network import StackNetwork
from paxsilica.simulate import simulate
from paxsilica.simulate.library import usgs_case
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.store import open_store

ITEMS = ["gallium", "germanium", "gallium_arsenide", "gallium_nitride", "gaas_rf_device"]
US_GALLIUM_USE = 19_000 / 760_000
"""All US gallium use as a share of world primary output, 2024 (USGS MCS 2025)."""


def _report(label: str, net: StackNetwork, *, warnings: bool = False) -> None:
    result = simulate(net, scenario_from_dict(usgs_case()))
    totals = result.economy_totals()
    print(f"\n== {label}")
    print(totals.to_string(index=False) if not totals.empty else "US table: no loss")
    items = result.items.set_index("item")
    print(items.loc[[i for i in ITEMS if i in items.index],
                    ["sized", "unlocated_share", "loss_share", "loss_usd"]].to_string())
    if result.economy is not None and not result.economy.empty:
        top = result.economy.sort_values("value_added_loss_usd", ascending=False).head(5)
        print(top.to_string(index=False))
    for line in result.warnings if warnings else []:
        print("warning:", line)


def without_devices(net: StackNetwork) -> StackNetwork:
    """``net`` without the GaAs RF device chain: no recipe line into ``gaas_rf_device`` and
    the whole US gallium use placed outside the stack."""
    recipes = net.recipes[net.recipes["output_item"] != "gaas_rf_device"]
    rows = net.item_parameters.copy()
    us_gallium = (rows["item_id"] == "gallium") & (rows["parameter"] == "consumption_share") & (
        rows["country"] == "USA")
    rows.loc[us_gallium, "value"] = US_GALLIUM_USE
    return replace(net, recipes=recipes.reset_index(drop=True), item_parameters=rows)


def half_us_devices(net: StackNetwork) -> StackNetwork:
    """``net`` with the US makers' shares of GaAs RF devices halved."""
    supplies = net.supplies.copy()
    us = (supplies["item_id"] == "gaas_rf_device") & (supplies["country"] == "USA")
    supplies.loc[us, "share"] = supplies.loc[us, "share"] / 2
    return replace(net, supplies=supplies)


def one_item(net: StackNetwork, item: str) -> None:
    """The US value added lost when only ``item`` is banned."""
    document = usgs_case()
    document["events"] = [{**document["events"][0], "items": [item]}]
    totals = simulate(net, scenario_from_dict(document)).economy_totals()
    lost = totals.loc[totals["channel"] == "total", "value_added_loss_usd"].sum()
    print(f"{item} alone: US value added lost {lost / 1e9:.3f} bn USD")


def main() -> None:
    pd.set_option("display.width", 200)
    net = StackNetwork.from_store(open_store(":memory:"))
    _report("bundled data", net, warnings=True)
    _report("without the GaAs RF device chain (all US gallium use outside the stack)", without_devices(net))
    _report("US share of GaAs RF devices halved (0.333)", half_us_devices(net))
    print("\n== bundled data, one item at a time")
    for item in ("gallium", "germanium"):
        one_item(net, item)


if __name__ == "__main__":
    main()
