"""Losses beyond the stack: Ghosh (downstream) and Leontief (upstream) propagation through an
economy-wide table, checked against pymrio's own inverses, a hand-worked economy, and the
end-to-end path from a simulation."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pymrio
import pytest
import scipy.sparse as sp

from paxsilica.errors import ValidationError
from paxsilica.simulate import simulate
from paxsilica.simulate.economy import (
    EconomyTable,
    downstream_losses,
    economy_from_pymrio,
    economy_losses,
    read_economy,
    upstream_losses,
)
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def system():
    io = pymrio.load_test()
    io.calc_all()
    return io


def test_upstream_is_leontief_against_pymrio(system):
    table = economy_from_pymrio(system)
    lost = pd.DataFrame({"region": ["reg2", "reg3"], "sector": ["manufactoring", "mining"], "usd": [5e6, 2e6]})
    d = np.zeros(len(table.industries))
    index = table.index()
    d[index[("reg2", "manufactoring")]] = 5.0  # table units: million USD
    d[index[("reg3", "mining")]] = 2.0
    expected = (system.L.to_numpy() - np.eye(d.size)) @ d
    assert upstream_losses(table, lost) == pytest.approx(expected * 1e6, rel=1e-9, abs=1e-3)


def test_downstream_is_ghosh_against_pymrio(system):
    table = economy_from_pymrio(system)
    cut = pd.DataFrame({"region": ["reg4"], "sector": ["mining"], "usd": [3e6]})
    z = system.Z.to_numpy()
    regions = np.array([r for r, _ in system.Z.index])
    sectors = np.array([s for _, s in system.Z.index])
    # the cut is shared among reg4's buyers of mining (industries and households) by purchases
    bought = z[sectors == "mining"].sum(axis=0) * (regions == "reg4")
    households = system.Y.loc[system.Y.index.get_level_values(1) == "mining", "reg4"].to_numpy().sum()
    first = 3.0 * bought / (bought.sum() + households)
    ghosh = pymrio.calc_G(pymrio.calc_B(system.Z, system.x)).to_numpy()
    assert downstream_losses(table, cut) == pytest.approx(first @ ghosh * 1e6, rel=1e-9, abs=1e-3)


def test_a_table_in_another_currency_needs_its_rate(tmp_path, system):
    folder = tmp_path / "eur"
    system.save(folder)
    text = (folder / "unit.txt").read_text().replace("Mill USD", "Mill EUR")
    (folder / "unit.txt").write_text(text)
    with pytest.raises(ValidationError, match="not US dollars"):
        read_economy(folder)
    assert read_economy(folder, usd_per_table_unit=1.1e6).usd == 1.1e6


def test_losses_of_a_run_reach_industries_outside_the_stack():
    # stack: gallium refined in CHN and JPN; outside users in USA buy 100 kg/yr from each
    final = np.array([[0.0, 0.0, 100.0], [0.0, 0.0, 100.0]])
    stack = SimNetwork.from_arrays(["CHN", "JPN"], ["gallium", "gallium"], sp.csr_matrix((2, 2)), final,
                                   final_regions=["CHN", "JPN", "USA"])
    stack = replace(stack, price=np.array([400.0, 400.0]), va_ratio=np.array([0.3, 0.3]))
    result = simulate(stack, scenario_from_dict({"name": "ga", "days": 365, "events": [
        {"kind": "export_ban", "exporters": ["CHN"], "importers": ["USA"], "start": 0,
         "substitutable_share": 0.0}]}))
    # the US economy: metals (where gallium is made) sell 50 to chips; chips make 500 (VA 200)
    table = EconomyTable(pd.DataFrame({"region": ["USA", "USA"], "sector": ["metals", "chips"]}),
                         sp.csr_matrix([[0.0, 50.0], [0.0, 0.0]]), np.array([50.0, 500.0]),
                         np.array([50.0, 200.0]), usd=1.0, y=np.zeros((2, 1)), final_regions=("USA",))
    losses = economy_losses(result, table, pd.DataFrame({"item_id": ["gallium"], "sector": ["metals"]}))
    down = losses[losses["channel"] == "downstream"].set_index("sector")
    # China's 100 kg a year never reach US users: 40 000 USD less for US chipmakers, who lose
    # that much output (value for value) and 40 % of it in value added
    assert down.loc["chips", "output_loss_usd"] == pytest.approx(40_000.0, rel=1e-6)
    assert down.loc["chips", "value_added_loss_usd"] == pytest.approx(16_000.0, rel=1e-6)
    assert "direct" not in set(losses["channel"])  # no stack producer is located in the US


def _ga_stack():
    final = np.array([[0.0, 0.0, 100.0], [0.0, 0.0, 100.0]])
    stack = SimNetwork.from_arrays(["CHN", "JPN"], ["gallium", "gallium"], sp.csr_matrix((2, 2)), final,
                                   final_regions=["CHN", "JPN", "USA"])
    return replace(stack, price=np.array([400.0, 400.0]), va_ratio=np.array([0.3, 0.3]))


def test_a_scenario_names_its_economy_table_and_mapping(tmp_path, system):
    folder = tmp_path / "mrio"
    system.save(folder)
    mapping = tmp_path / "map.csv"
    mapping.write_text("item_id,sector,share\ngallium,mining,1\n")
    document = {"name": "ga", "days": 60, "events": [{"kind": "export_ban", "exporters": ["CHN"],
                                                       "importers": ["USA"], "start": 0}]}
    plain = simulate(_ga_stack(), scenario_from_dict(document))
    assert plain.economy is None
    # the test MRIO's regions are reg1..reg6: nothing reaches it, and the run says so
    coupled = simulate(_ga_stack(), scenario_from_dict(
        {**document, "economy": {"mrio": str(folder), "mapping": str(mapping)}}))
    assert coupled.economy is not None and coupled.economy.empty
    assert any("receives no loss" in line for line in coupled.warnings)
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,sector,share\ngallium,mining,2\n")
    with pytest.raises(ValidationError, match=r"bad\.csv.*row 2.*share"):
        simulate(_ga_stack(), scenario_from_dict({**document, "economy": {"mrio": str(folder),
                                                                           "mapping": str(bad)}}))
    with pytest.raises(ValidationError, match="needs a mapping"):
        scenario_from_dict({**document, "economy": {"mrio": str(folder)}})
    with pytest.raises(ValidationError, match="exactly one of table or mrio"):
        scenario_from_dict({**document, "economy": {"table": "bea-us", "mrio": str(folder)}})


def test_the_bundled_us_table_takes_the_losses_of_us_users():
    result = simulate(_ga_stack(), scenario_from_dict({
        "name": "ga", "days": 365, "economy": {"table": "bea-us"},
        "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["USA"], "start": 0,
                    "substitutable_share": 0.0}]}))
    totals = result.economy_totals().set_index(["region", "channel"])
    # 40 000 USD of gallium never reach US users of primary metals (BEA 331): at least that
    # much output is lost downstream, and less value added than output
    down = totals.loc[("USA", "downstream")]
    assert down["output_loss_usd"] >= 40_000.0
    assert 0 < down["value_added_loss_usd"] < down["output_loss_usd"]
    assert result.to_json_dict(series=False)["economy"]["table"].startswith("BEA 2023")
