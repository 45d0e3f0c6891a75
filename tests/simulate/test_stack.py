"""The stack's sourcing network as a simulation network (bundled data)."""

import numpy as np
import pytest

from paxsilica.errors import ValidationError
from paxsilica.model.network import StackNetwork
from paxsilica.simulate import simulate
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.simulate.stack import stack_network
from paxsilica.store import open_store


@pytest.fixture(scope="module")
def stack():
    return StackNetwork.from_store(open_store(":memory:"))


def test_flows_follow_recipes_and_world_shares(stack):
    net, _ = stack_network(stack, as_of="2026-01-01")
    ind = net.industries
    z = net.z.toarray()
    gan = np.flatnonzero(ind["sector"] == "gallium_nitride")
    ga = np.flatnonzero(ind["sector"] == "gallium")
    x = net.output()
    # gallium bought per kg of GaN is the recipe quantity (0.8327 kg/kg), split by world shares
    assert z[np.ix_(ga, gan)].sum() == pytest.approx(0.8327 * x[gan].sum(), rel=1e-9)
    shares = z[np.ix_(ga, gan)].sum(axis=1) / z[np.ix_(ga, gan)].sum()
    assert shares == pytest.approx(x[ga] / x[ga].sum(), rel=1e-9)
    # final demand is what the modelled users leave: never negative
    assert (net.final >= 0).all()
    assert np.allclose(net.z.sum(axis=1).A1 + net.final.sum(axis=1), x)


def test_stack_steady_state_without_events(stack):
    result = simulate(stack, scenario_from_dict({"name": "calm", "days": 365}))
    assert np.abs(result.production / result.baseline - 1).max() < 1e-6


def _ga_ban(ramp_up):
    return scenario_from_dict({"name": "ga", "days": 200, "start_date": "2026-01-01", "events": [
        {"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"], "items": ["gallium"],
         "start": "2026-01-10", "ramp_up": ramp_up}]})


def test_gallium_ban_hits_gallium_users_not_others(stack):
    summary = simulate(stack, _ga_ban(30)).summary().set_index(["region", "sector"])
    slow = simulate(stack, _ga_ban(365)).summary().set_index(["region", "sector"])
    # China makes ~99 % of the gallium GaN makers buy; rerouting to Japan and Russia over
    # 30 days limits the loss, over a year it does not
    assert summary.loc[("unattributed", "gallium_nitride"), "peak_loss_share"] > 0.05
    assert slow.loc[("unattributed", "gallium_nitride"), "peak_loss_share"] > 0.5
    assert summary.loc[("CHN", "gallium"), "loss_share"] > 0
    assert summary.loc[("AUS", "lithium_ore"), "peak_loss_share"] == 0


def test_groups_resolve_as_of_the_event_start(stack):
    # the coalition had no members before the declaration of 12 Dec 2025: nothing is cut
    early = scenario_from_dict({"name": "early", "days": 60, "start_date": "2025-11-01", "events": [
        {"kind": "export_ban", "exporters": ["pax_silica"], "importers": ["CHN"], "start": 0}]})
    assert np.allclose(simulate(stack, early).production, simulate(stack, early).baseline)
    bad = scenario_from_dict({"name": "bad", "days": 10, "events": [
        {"kind": "export_ban", "exporters": ["CHN"], "importers": ["no_such_group"], "start": 0}]})
    with pytest.raises(ValidationError, match="unknown country or group 'no_such_group'"):
        simulate(stack, bad)


def test_trade_data_set_the_suppliers_of_a_located_buyer(stack):
    from dataclasses import replace

    import pandas as pd

    trade = pd.DataFrame({"year": [2024, 2024], "exporter": ["MMR", "USA"], "importer": ["CHN", "CHN"],
                          "item_id": ["rare_earth_ore", "rare_earth_ore"], "value_kusd": [900.0, 100.0],
                          "dataset": ["baci", "baci"]})
    # the network carries its trade flows (as StackNetwork.from_store loads them)
    net, _ = stack_network(replace(stack, trade_flows=trade), as_of="2026-01-01")
    ind = net.industries.reset_index(drop=True)
    buyer = ind.index[(ind["region"] == "CHN") & (ind["sector"] == "rare_earth_oxide")][0]
    column = net.z[:, buyer].toarray().ravel()
    mmr = column[ind.index[(ind["region"] == "MMR") & (ind["sector"] == "rare_earth_ore")][0]]
    usa = column[ind.index[(ind["region"] == "USA") & (ind["sector"] == "rare_earth_ore")][0]]
    aus = column[ind.index[(ind["region"] == "AUS") & (ind["sector"] == "rare_earth_ore")][0]]
    # China's imports follow the trade mix 9:1; a country it does not import from sells nothing
    assert mmr / usa == pytest.approx(9.0, rel=1e-9)
    assert aus == 0


def test_item_aliases_name_items(stack):
    by_alias = scenario_from_dict({"name": "a", "days": 30, "events": [
        {"kind": "capacity_loss", "country": "COD", "item": "cobalt", "fraction": 0.5, "start": 1}]})
    summary = simulate(stack, by_alias).summary().set_index(["region", "sector"])
    assert summary.loc[("COD", "cobalt_ore"), "peak_loss_share"] == pytest.approx(0.5)
    unknown = scenario_from_dict({"name": "u", "days": 30, "events": [
        {"kind": "capacity_loss", "country": "COD", "item": "kryptonite", "fraction": 0.5, "start": 1}]})
    with pytest.raises(ValidationError, match=r"events\.0\.item.*unknown item 'kryptonite'"):
        simulate(stack, unknown)


def _flow(item: str, hs6: str, value_kusd: float):
    import pandas as pd

    return pd.DataFrame({"year": [2024], "exporter": ["CHN"], "importer": ["USA"], "hs6": [hs6],
                         "item_id": [item], "value_kusd": [value_kusd], "quantity_t": [None],
                         "dataset": ["baci"], "source": ["test"], "reporter": ["USA"]})


def test_outside_demand_follows_trade_where_no_consumption_is_cited(stack):
    from dataclasses import replace

    # bismuth: sized, priced, made mostly in China, no cited consumption by country
    net, _ = stack_network(replace(stack, trade_flows=_flow("bismuth", "810690", 20_000.0)),
                           as_of="2026-01-01")
    assert net.sectors.loc["bismuth", "demand_placement"] == "trade (apparent consumption)"
    bismuth = (net.industries["sector"] == "bismuth").to_numpy()
    usa = net.regions.index("USA")
    price = net.price[bismuth][0]
    # 20 million USD of Chinese bismuth reach US users: that share of the world's use outside
    # the stack sits in the US
    outside = net.final[bismuth].sum()
    world = net.output()[bismuth].sum()
    assert net.final[bismuth, usa].sum() * price == pytest.approx(20e6 * outside / world, rel=1e-9)
    plain, _ = stack_network(stack, as_of="2026-01-01")
    assert plain.sectors.loc["bismuth", "demand_placement"] == "where produced"


def test_a_cited_consumption_share_wins_over_trade(stack):
    from dataclasses import replace

    # gallium has a cited US consumption share (USGS MCS 2025): trade data do not add a second
    # placement on top of it
    net, _ = stack_network(replace(stack, trade_flows=_flow("gallium", "811292", 20_000.0)),
                           as_of="2026-01-01")
    assert net.sectors.loc["gallium", "demand_placement"] == "consumption_share"
    gallium = (net.industries["sector"] == "gallium").to_numpy()
    cited = stack.item_parameters.query("item_id == 'gallium' and parameter == 'consumption_share' "
                                        "and country == 'USA'")["value"].astype(float).iloc[-1]
    usa = net.regions.index("USA")
    assert net.final[gallium, usa].sum() == pytest.approx(cited * net.final[gallium].sum(), rel=1e-9)


def test_series_money_before_a_run_equals_the_results(stack):
    """The CLI's streamed series is priced before the run (SeriesMoney.of_network); it must
    price every industry as the finished result does: NaN where unpriced or unsized."""
    from paxsilica.simulate.output import SeriesMoney
    from paxsilica.simulate.run import prepare, run_prepared

    net, _ = stack_network(stack, as_of="2026-01-01")
    scenario = scenario_from_dict({"name": "ban", "days": 5, "events": [
        {"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"], "items": ["gallium"], "start": 1}]})
    prepared = prepare(net, scenario)
    _, network, params, _ = prepared
    before = SeriesMoney.of_network(network, params.x0)
    after = SeriesMoney.of(run_prepared(*prepared))
    np.testing.assert_array_equal(before.baseline, after.baseline)
    np.testing.assert_array_equal(before.price, after.price)  # NaN positions equal too
    np.testing.assert_array_equal(before.va_ratio, after.va_ratio)
    sized = net.sectors["sized"].reindex(net.industries["sector"]).fillna(True).to_numpy(dtype=bool)
    assert np.isnan(before.price[~sized]).all() and np.isfinite(before.price).any()
