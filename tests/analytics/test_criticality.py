"""EU CRM and USGS 2021 criticality against the Commission's published 2017 tables and hand-worked cases.

Oracle: European Commission (2017), *Study on the review of the list of Critical Raw
Materials - Criticality Assessments*, doi:10.2873/876644 (bundled in
``paxsilica/data/criticality/eu_crm_2017.csv``): Table 18 gives every material's
published HHI_WGI,t (global supply, EU sourcing) and SI_SR, Table 3 its IR, EoL-RIR
and SR, Table 19 the SR obtained with global supply only, EU sourcing only and
both. The study rounds HHI, SI and SR to one decimal and IR, EoL-RIR to whole
percent, so a recomputed SR is compared with the published one through interval
arithmetic over those rounding intervals (a real mismatch in the formula or in
the 0-1 → 0-10 unit mapping falls outside them).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from paxsilica.analytics.criticality import (
    EI_THRESHOLD,
    SR_THRESHOLD,
    eu_crm_criticality,
    eu_economic_importance,
    eu_supply_risk,
    hhi_wgi_t,
    published_eu_crm_2017,
    usgs_disruption_potential,
    usgs_economic_vulnerability,
    usgs_supply_risk,
    usgs_trade_exposure,
)


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return published_eu_crm_2017()


def _cases(published: pd.DataFrame) -> pd.DataFrame:
    """One row per published SR: Table 19's three scopes and Table 3's final value."""
    rows = []
    for record in published.to_dict("records"):
        for scope, column in [("gs", "sr_gs_only"), ("eu", "sr_eu_only"), ("gs+eu", "sr_gs_eu"),
                              (record["supply_used"], "sr")]:
            if pd.isna(record[column]):
                continue
            rows.append({
                "material": record["material"], "table": column, "published_sr": record[column],
                "hhi_gs": record["hhi_wgi_t_gs"] / 10 if "gs" in scope else np.nan,
                "hhi_eu": record["hhi_wgi_t_eu"] / 10 if "eu" in scope else np.nan,
                "import_reliance": record["import_reliance_pct"] / 100,
                "eol_rir": record["eol_rir_pct"] / 100, "si_sr": record["si_sr"],
            })
    return pd.DataFrame(rows)


def _bounds(case: dict) -> tuple[float, float]:
    """Min and max SR over the rounding intervals of the published inputs."""
    def around(value: float, half: float, low: float = 0.0, high: float = math.inf) -> list[float]:
        return [math.nan] if pd.isna(value) else [max(value - half, low), min(value + half, high)]

    corners = itertools.product(around(case["hhi_gs"], 0.005), around(case["hhi_eu"], 0.005),
                                around(case["import_reliance"], 0.005, high=1.0),
                                around(case["eol_rir"], 0.005), around(case["si_sr"], 0.05, high=1.0))
    frame = pd.DataFrame(list(corners), columns=["hhi_gs", "hhi_eu", "import_reliance", "eol_rir", "si_sr"])
    values = eu_supply_risk(frame)
    return float(values.min()), float(values.max())


def test_every_published_2017_sr_is_reproduced_within_rounding(published):
    cases = _cases(published)
    assert len(published) == 78 and len(cases) >= 300  # 78 materials, up to 4 published SRs each
    computed = eu_supply_risk(cases)
    outside = []
    for case, value in zip(cases.to_dict("records"), computed, strict=True):
        low, high = _bounds(case)
        assert low <= value <= high
        if not (low <= case["published_sr"] + 0.05 and high >= case["published_sr"] - 0.05):
            outside.append((case["material"], case["table"], case["published_sr"], round(value, 2)))
    assert outside == []
    exact = (computed.round(1) == cases["published_sr"]).mean()
    assert exact > 0.55  # most agree to the published decimal; the rest differ by input rounding only
    assert (computed - cases["published_sr"]).abs().max() < 0.45


def test_wrong_unit_mapping_would_fail_the_published_check(published):
    # Using the fractions directly (no ×10) misses almost every published SR by far.
    cases = _cases(published)
    cases = cases[cases["published_sr"] >= 1.0]
    assert ((eu_supply_risk(cases) / 10 - cases["published_sr"]).abs() > 0.5).all()


def test_critical_flag_reproduces_the_2017_list(published):
    # Grouped materials (REEs, PGMs) enter the list as group averages; compare individual ones.
    single = published[published["group"] == ""].reset_index(drop=True)
    frame = pd.DataFrame({"material": single["material"], "hhi_gs": single["sr"] / 10, "hhi_eu": np.nan,
                          "import_reliance": np.nan, "eol_rir": 0.0, "si_sr": 1.0, "ei": single["ei"]})
    flags = eu_crm_criticality(frame)
    assert flags["critical"].tolist() == single["critical_2017"].tolist()
    # Boundary cases decided by "≥": helium (EI 2.8), tantalum and silicon metal (SR 1.0).
    on_list = dict(zip(single["material"], single["critical_2017"], strict=True))
    assert on_list["Helium"] and on_list["Tantalum"] and on_list["Silicon metal"]
    assert not on_list["Coking coal"]  # SR 1.0 but EI 2.3


def test_hhi_wgi_t_scale_matches_the_tantalum_example():
    # Study p. 42: EU sourcing of tantalum = Nigeria 81 % (scaled WGI 6.92), Rwanda 14 %,
    # China 5 %; published (HHI_WGI,t)EU28 = 4.6. Other countries' WGI lie in 0-10.
    low = hhi_wgi_t(pd.DataFrame({"material": ["Ta"] * 3, "scope": ["eu"] * 3, "country": ["NGA", "RWA", "CHN"],
                                  "share": [0.81, 0.14, 0.05], "wgi": [6.92, 0.0, 0.0]}))
    high = hhi_wgi_t(pd.DataFrame({"material": ["Ta"] * 3, "scope": ["eu"] * 3, "country": ["NGA", "RWA", "CHN"],
                                   "share": [0.81, 0.14, 0.05], "wgi": [6.92, 10.0, 10.0]}))
    assert low["hhi_wgi_t"].iloc[0] <= 4.65 and high["hhi_wgi_t"].iloc[0] >= 4.55


def test_hhi_wgi_t_hand_worked_with_trade_factor():
    shares = pd.DataFrame({"material": ["m", "m", "m"], "scope": ["gs", "gs", "eu"], "country": ["A", "B", "A"],
                           "share": [0.6, 0.4, 1.0], "wgi": [5.0, 2.0, 5.0], "t": [1.2, 1.0, 0.8]})
    result = hhi_wgi_t(shares).set_index("scope")["hhi_wgi_t"]
    assert result["gs"] == pytest.approx(0.36 * 5 * 1.2 + 0.16 * 2)  # 2.48
    assert result["eu"] == pytest.approx(4.0)


def test_supply_scope_cases_use_one_hhi_and_ignore_import_reliance():
    frame = pd.DataFrame({"material": ["g", "e", "both"], "hhi_gs": [0.5, np.nan, 0.5],
                          "hhi_eu": [np.nan, 0.2, 0.2], "import_reliance": [np.nan, 0.3, 0.5],
                          "eol_rir": [0.1, 0.0, 0.0], "si_sr": [1.0, 0.5, 1.0]})
    result = eu_crm_criticality(frame)
    assert result["sr"].tolist() == pytest.approx([4.5, 1.0, 5 * 0.25 + 2 * 0.75])
    assert result["supply_used"].tolist() == ["gs", "eu", "gs+eu"]
    assert result["critical"].tolist() == [None, None, None]  # no EI given


def test_economic_importance_uses_max_over_all_sectors_and_si_ei():
    uses = pd.DataFrame({"material": ["a", "a", "b"], "sector": ["C20", "C29", "C29"], "share": [0.5, 0.5, 1.0]})
    sectors = pd.DataFrame({"sector": ["C20", "C29", "C10"], "value_added": [40.0, 60.0, 120.0]})
    ei = eu_economic_importance(uses, sectors, pd.Series({"a": 0.8}))
    assert ei["a"] == pytest.approx((20 + 30) / 120 * 10 * 0.8)
    assert ei["b"] == pytest.approx(60 / 120 * 10)  # no SI_EI given → 1


def test_criticality_thresholds_are_inclusive():
    assert (SR_THRESHOLD, EI_THRESHOLD) == (1.0, 2.8)
    frame = pd.DataFrame({"material": ["edge", "below"], "hhi_gs": [0.1, 0.0999], "hhi_eu": [np.nan, np.nan],
                          "import_reliance": [np.nan, np.nan], "eol_rir": [0.0, 0.0], "si_sr": [1.0, 1.0],
                          "ei": [2.8, 2.8], "note": ["x", "y"]})
    result = eu_crm_criticality(frame)
    assert result["critical"].tolist() == [True, False]
    assert result["note"].tolist() == ["x", "y"]  # extra columns pass through


def test_usgs_indicators_hand_worked():
    shares = pd.DataFrame({"material": ["m"] * 2, "country": ["A", "B"], "share": [0.9, 0.1],
                           "ability": [0.4, 0.0], "willingness": [1.0, 1.0]})
    assert usgs_disruption_potential(shares)["m"] == pytest.approx(0.81 * 0.4)
    assert usgs_trade_exposure(imports=50, exports=60, stock_change=0, primary=100, secondary=0) == 0.0
    assert usgs_trade_exposure(imports=100, exports=0, stock_change=0, primary=0, secondary=0) == 1.0
    industries = pd.DataFrame({"value_added": [200.0, 100.0], "expenditure": [1.0, 4.0],
                               "operating_profit": [10.0, 20.0]})
    assert usgs_economic_vulnerability(industries, gdp=1000.0) == pytest.approx(0.2 * 0.1 + 0.1 * 0.2)


def test_usgs_supply_risk_is_geometric_mean_and_ranks():
    frame = pd.DataFrame({"material": ["x", "y", "z"], "disruption_potential": [0.8, 0.5, 0.0],
                          "trade_exposure": [1.0, 0.5, 1.0], "economic_vulnerability": [0.1, 0.512, 1.0]})
    result = usgs_supply_risk(frame).set_index("material")
    assert result.loc["y", "supply_risk"] == pytest.approx((0.5 * 0.5 * 0.512) ** (1 / 3))
    assert result.loc["x", "risk_product"] == pytest.approx(0.08)
    assert result["rank"].to_dict() == {"y": 1, "x": 2, "z": 3}  # 0.128 > 0.08 > 0
    assert result["critical"].isna().all()
