"""The sparse input–output engine against pymrio (the oracle) on its test MRIO and on a random one.

pymrio computes with a dense ``np.linalg.inv(I − A)``; we solve ``(I − A)`` systems by sparse LU
or block GMRES. Agreement is required to 1e-9: ``|ours − pymrio| ≤ 1e-9 · |pymrio| + 1e-12 · max|pymrio|``
(the absolute part covers entries many orders below the largest one, where a normwise-accurate solve
cannot give 1e-9 relative accuracy).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError
from paxsilica.linalg import (
    calc_all,
    ghosh_coefficients,
    ghosh_inverse,
    leontief_inverse,
    read_mrio,
    read_pymrio,
    technical_coefficients,
)

ACCOUNTS = ["D_cba", "D_pba", "D_imp", "D_exp", "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"]


def assert_matches(ours: pd.DataFrame, oracle: pd.DataFrame, rtol: float = 1e-9) -> None:
    assert set(ours.index) == set(oracle.index) and set(ours.columns) == set(oracle.columns)
    assert ours.index.names == oracle.index.names
    expected = oracle.reindex(index=ours.index, columns=ours.columns).to_numpy(dtype=float)
    np.testing.assert_allclose(ours.to_numpy(dtype=float), expected, rtol=rtol,
                               atol=1e-12 * np.abs(expected).max())


@pytest.fixture(scope="module")
def oracle():
    system = pymrio.load_test()
    system.calc_all(include_ghosh=True)
    return system


@pytest.mark.parametrize("method", ["lu", "gmres", "dense"])
def test_pymrio_test_system_all_results(oracle, method):
    mrio = read_pymrio(pymrio.load_test())
    result = calc_all(mrio, method=method, ghosh=True)
    assert_matches(result.x, oracle.x)
    for extension in oracle.get_extensions(data=True):
        name = extension.name
        assert_matches(result.S[name], extension.S)
        assert_matches(result.M[name], extension.M)
        assert_matches(result.M_down[name], extension.M_down)
        for account in ACCOUNTS:
            assert_matches(getattr(result.accounts[name], account), getattr(extension, account))


@pytest.mark.parametrize("method", ["lu", "gmres", "dense"])
def test_matrices_on_request_match_pymrio(oracle, method):
    mrio = read_pymrio(pymrio.load_test())
    assert_matches(technical_coefficients(mrio), oracle.A)
    assert_matches(leontief_inverse(mrio, method), oracle.L)
    assert_matches(ghosh_coefficients(mrio), oracle.B)
    assert_matches(ghosh_inverse(mrio, method), oracle.G)


def _random_system(regions: int, sectors: int, seed: int, stressors: int = 3):
    rng = np.random.default_rng(seed)
    n = regions * sectors
    labels = pd.MultiIndex.from_product([[f"r{i}" for i in range(regions)], [f"s{j}" for j in range(sectors)]],
                                        names=["region", "sector"])
    flows = sp.random(n, n, density=0.1, random_state=rng, format="csr").toarray() * 10
    demand_columns = pd.MultiIndex.from_product([labels.levels[0], ["hh", "gov"]], names=["region", "category"])
    need = np.maximum(flows.sum(axis=0) / 0.7 - flows.sum(axis=1), 0) + rng.uniform(1, 5, n)
    demand = rng.dirichlet(np.ones(len(demand_columns)), size=n) * need[:, None]
    names = pd.Index([f"k{k}" for k in range(stressors)], name="stressor")
    stressors = pd.DataFrame(rng.lognormal(size=(len(names), n)), index=names, columns=labels)
    final = pd.DataFrame(rng.lognormal(size=(len(names), len(demand_columns))), index=stressors.index,
                         columns=demand_columns)
    return (pd.DataFrame(flows, index=labels, columns=labels), pd.DataFrame(demand, index=labels,
                                                                            columns=demand_columns),
            stressors, final)


@pytest.mark.parametrize(("method", "count"), [("lu", 3), ("gmres", 3), ("auto", 3), ("dense", 3), ("dense", 40)])
def test_random_mrio_matches_pymrio(method, count):
    """With 40 stressors (K·R > n/3) the dense path takes D_imp from the domestic blocks."""
    flows, demand, stressors, final = _random_system(regions=6, sectors=40, seed=7, stressors=count)
    system = pymrio.IOSystem(Z=flows, Y=demand)
    system.pollution = pymrio.Extension(name="pollution", F=stressors, F_Y=final)
    system.calc_all()
    # a sparse Z with labels (as the benchmark uses) reads the same as a DataFrame
    mrio = read_mrio(sp.csr_array(flows.to_numpy()), demand, {"pollution": {"F": stressors, "F_Y": final}},
                     labels=flows.index)
    result = calc_all(mrio, method=method)
    assert ("blocks-dense" in mrio._cache) == (method == "dense" and count == 40)
    assert_matches(result.x, system.x)
    assert_matches(result.M["pollution"], system.pollution.M)
    for account in ACCOUNTS:
        assert_matches(getattr(result.accounts["pollution"], account), getattr(system.pollution, account))


def test_region_level_accounts_without_sector_imports():
    flows, demand, stressors, _ = _random_system(regions=3, sectors=10, seed=1)
    mrio = read_mrio(flows, demand, {"p": stressors})
    full = calc_all(mrio).accounts["p"]
    quick = calc_all(mrio, sector_imports=False).accounts["p"]
    assert quick.D_imp is None
    assert_matches(quick.D_imp_reg, full.D_imp.T.groupby(level="region").sum().T)
    # identities: D_cba summed over consumers = D_pba summed over producers (no F_Y here)
    np.testing.assert_allclose(full.D_cba.sum(axis=1), full.D_pba.sum(axis=1), rtol=1e-10)


@pytest.mark.parametrize(("count", "asked"), [(3, ["r2"]), (3, ["r3", "r0"]), (40, ["r1", "r4"]), (40, "r5")])
def test_sector_imports_for_the_regions_asked_match_pymrio(count, asked):
    """Only the consuming regions asked: their columns of pymrio's D_imp (K·R solves for few
    stressors, the domestic blocks for many), everything else as for all regions."""
    flows, demand, stressors, final = _random_system(regions=6, sectors=40, seed=7, stressors=count)
    system = pymrio.IOSystem(Z=flows, Y=demand)
    system.pollution = pymrio.Extension(name="pollution", F=stressors, F_Y=final)
    system.calc_all()
    mrio = read_mrio(flows, demand, {"pollution": {"F": stressors, "F_Y": final}})
    result = calc_all(mrio, method="dense", sector_imports=asked)
    accounts = result.accounts["pollution"]
    regions = [asked] if isinstance(asked, str) else sorted(asked, key=lambda r: int(r[1:]))
    assert list(dict.fromkeys(accounts.D_imp.columns.get_level_values(0))) == regions
    assert_matches(accounts.D_imp, system.pollution.D_imp.loc[:, regions])
    assert_matches(result.M["pollution"], system.pollution.M)
    for account in ["D_cba", "D_pba", "D_exp", "D_imp_reg"]:
        assert_matches(getattr(accounts, account), getattr(system.pollution, account))
    with pytest.raises(PaxsilicaError, match="unknown region"):
        calc_all(mrio, sector_imports=["r1", "mars"])
    chosen = list(stressors.index[[2, 0]])
    narrow = calc_all(mrio, method="dense", sector_imports=asked, import_stressors=chosen).accounts["pollution"]
    assert list(narrow.D_imp.index) == sorted(chosen, key=list(stressors.index).index)
    assert_matches(narrow.D_imp, system.pollution.D_imp.loc[narrow.D_imp.index, regions])
    with pytest.raises(PaxsilicaError, match="unknown stressor"):
        calc_all(mrio, import_stressors=["k0", "smog"])


def test_reader_rejects_bad_input():  # MRIOInputError is a PaxsilicaError and a ValueError
    flows, demand, stressors, _ = _random_system(regions=2, sectors=3, seed=2)
    with pytest.raises(ValueError, match="Y has no row"):
        read_mrio(flows, demand.iloc[:-1])
    bad = flows.astype(object)
    bad.iloc[0, 0] = "x"
    with pytest.raises(ValueError, match="non-numeric"):
        read_mrio(bad, demand)
    with pytest.raises(ValueError, match="no column"):
        read_mrio(flows, demand, {"p": stressors.iloc[:, :-1]})
    with pytest.raises(PaxsilicaError, match="needs labels"):
        read_mrio(sp.csr_array(flows.to_numpy()), demand)


def test_domestic_blocks_with_consumers_in_another_order_match_pymrio():
    """D_imp from the domestic blocks pairs each origin with the consumer of the same name."""
    flows, demand, stressors, _ = _random_system(regions=4, sectors=12, seed=5, stressors=30)
    demand = demand[demand.columns[::-1]]  # consumers listed in reverse region order
    system = pymrio.IOSystem(Z=flows, Y=demand)
    system.pollution = pymrio.Extension(name="pollution", F=stressors)
    system.calc_all()
    mrio = read_mrio(flows, demand, {"pollution": stressors})
    accounts = calc_all(mrio, method="dense").accounts["pollution"]
    assert "blocks-dense" in mrio._cache
    for account in ACCOUNTS:
        assert_matches(getattr(accounts, account), getattr(system.pollution, account))


def test_unknown_extension_is_a_clear_error():
    flows, demand, stressors, _ = _random_system(regions=2, sectors=3, seed=2)
    mrio = read_mrio(flows, demand, {"p": stressors})
    with pytest.raises(PaxsilicaError, match="unknown extension 'q' \\(known: p\\)"):
        calc_all(mrio, ["q"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["DEU", "CHN", "USA", "JPN"]), min_size=1, max_size=12),
       st.integers(1, 4), st.integers(0, 2**16), st.booleans())
def test_regional_sums_equal_pandas_group_by(regions, rows, seed, with_nan):
    """The 0/1-product regional sums against pandas' transposed group-by (the oracle):
    groups in order of first appearance, missing values counted as 0, by level name or number."""
    from paxsilica.linalg.mrio import _by_region

    rng = np.random.default_rng(seed)
    columns = pd.MultiIndex.from_arrays([regions, [f"s{i}" for i in range(len(regions))]],
                                        names=["region", "sector"])
    values = rng.normal(size=(rows, len(regions)))
    if with_nan:
        values[rng.random(values.shape) < 0.3] = np.nan
    frame = pd.DataFrame(values, index=[f"k{i}" for i in range(rows)], columns=columns)
    for level in ("region", 0):
        expected = frame.T.groupby(level=level, sort=False).sum().T
        found = _by_region(frame, level)
        assert list(found.columns) == list(expected.columns) and found.columns.name == "region"
        np.testing.assert_allclose(found.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12)
