"""Reproduce docs/simulate.md's comparison with USGS Open-File Report 2024-1057.

Runs the library scenario ``usgs-ofr-2024-1057`` (China restricts all its net exports of
gallium and germanium for a year, losses carried through the bundled BEA 2023 US table) on

1. the bundled data as shipped, and
2. the same data plus one user row (what a user would import with ``paxsilica data import
   item_parameters FILE``): the US share of world gallium use, derived from USGS figures
   (about 16 t a year of US consumption, 2016-2020, USGS USMIN gallium release; world
   primary production 760 t in 2024, USGS MCS 2025). It is not bundled: the figures are for
   different years and the bundled data hold no consumption by country for gallium.

Prints the US value added lost by channel and the stack's own results for gallium and its
users.

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

US_GALLIUM_USE = {
    "item_id": "gallium", "parameter": "consumption_share", "country": "USA", "year": 2024,
    "value": 16_000 / 760_000, "unit": "share", "low": None, "high": None, "basis": "derived",
    "confidence": "low",
    "source": "USGS USMIN gallium release (about 16 t/yr US consumption, 2016-2020); USGS MCS 2025 "
              "(world primary production 760 t, 2024)",
    "source_url": "http://www.usgs.gov/news/technical-announcement/usgs-updates-mineral-database-gallium-deposits-united-states",
    "note": "What-if for the comparison only: years differ; not bundled.",
}


def _report(label: str, net: StackNetwork) -> None:
    result = simulate(net, scenario_from_dict(usgs_case()))
    totals = result.economy_totals()
    print(f"\n== {label}")
    print(totals.to_string(index=False) if not totals.empty else "US table: no loss")
    items = result.items.set_index("item")
    print(items.loc[["gallium", "gallium_arsenide", "gallium_nitride", "gan_power_device"],
                    ["sized", "unlocated_share", "loss_share", "loss_usd"]].to_string())
    if result.economy is not None and not result.economy.empty:
        top = result.economy.sort_values("value_added_loss_usd", ascending=False).head(5)
        print(top.to_string(index=False))
    for line in result.warnings:
        if "economy" in line or "no located" in line:
            print("warning:", line)


def main() -> None:
    pd.set_option("display.width", 200)
    net = StackNetwork.from_store(open_store(":memory:"))
    _report("bundled data", net)
    rows = pd.concat([net.item_parameters, pd.DataFrame([US_GALLIUM_USE])], ignore_index=True)
    _report("bundled data + US share of gallium use (USGS, derived)", replace(net, item_parameters=rows))


if __name__ == "__main__":
    main()
