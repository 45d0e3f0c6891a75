"""Capital goods: a stop of server deliveries slows a data centre's fleet, never stops it.

Data centre D (country A) runs 100 servers (output 100 server-years a year) and replaces
20 a year (5-year life) from maker M (country B), which sells 80 more outside the network.
D holds 90 days of spare servers. Ban B -> A on servers for 180 days: the spares cover
90 days, then unreplaced retirements shrink the fleet by about 1/1825 of it a day, so at
the end of the ban about 90/1825 = 4.9 % of the fleet is gone; D runs the rest.
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from paxsilica.simulate import simulate
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict

M, D = 0, 1
SECTORS = pd.DataFrame({"capital": [True, False], "service": [False, True],
                        "service_life_years": [5.0, np.nan]}, index=["server", "dc"])


def _net(sectors=SECTORS):
    z = sp.csr_matrix(np.array([[0.0, 20.0], [0.0, 0.0]]))
    final = np.array([[0.0, 80.0], [100.0, 0.0]])
    net = SimNetwork.from_arrays(["B", "A"], ["server", "dc"], z, final, final_regions=["A", "B"])
    return replace(net, sectors=sectors)


def _run(net, days=400, end=180):
    return simulate(net, scenario_from_dict({
        "name": "servers", "days": days, "model": {"inventory_days": 90, "alpha_max": 1.0},
        "events": [{"kind": "export_ban", "exporters": ["B"], "importers": ["A"], "items": ["server"],
                    "start": 0, "end": end, "substitutable_share": 0.0}]}))


def test_a_stop_of_servers_cuts_additions_not_the_running_fleet():
    result = _run(_net())
    dc = result.production[:, D] / result.baseline[D]
    assert np.allclose(dc[:90], 1.0, atol=1e-9)  # spares first
    assert dc.min() == pytest.approx(1 - 90 / 1825, abs=0.005)
    assert dc[179] == pytest.approx(dc.min(), abs=1e-3)
    # once servers flow again the fleet is rebuilt
    assert dc[-1] > 0.999


def test_without_the_capital_flag_the_fleet_would_stop():
    as_input = _run(_net(SECTORS.assign(capital=False)))
    assert (as_input.production[:, D] / as_input.baseline[D]).min() < 0.2


def test_an_assumed_service_life_is_named():
    result = _run(_net(SECTORS.assign(service_life_years=np.nan)), days=30, end=20)
    assert any("service life of server not cited" in line for line in result.warnings)
