"""Raw-material criticality: the European Commission CRM method and the USGS 2021 supply-risk screen.

**EU CRM method** (European Commission, *Methodology for establishing the EU list of
critical raw materials*, 2017, ISBN 978-92-79-68051-9; applied in the 2017, 2020 and
2023 assessments)::

    SR = [HHI_GS · IR/2 + HHI_EU · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR
    EI = Σ_s (A_s · Q_s) / max_s(Q_s) · 10 · SI_EI
    HHI_WGI,t = Σ_c S_c² · WGI_c · t_c

A material is *critical* when ``SR ≥ 1`` and ``EI ≥ 2.8`` (thresholds of the 2017
assessment, kept in 2020 and 2023). ``HHI_GS`` and ``HHI_EU`` are governance- and
trade-weighted concentration indices of global supply and of EU sourcing on the
method's 0-10 scale: ``S_c`` is country c's share (fraction), ``WGI_c`` its World
Governance Indicator rescaled to 0-10 (10 = worst governance) and ``t_c`` the
trade factor (1 without export restrictions, up to 1.2 with them; EU trade
agreements lower it). When only one supply scope is used ("global supply only"
or "EU sourcing only"), SR uses that HHI alone and IR plays no part.

**Units.** Fractions are 0-1 everywhere in paxsilica, so the HHI inputs
``hhi_gs``/``hhi_eu`` are the method's values divided by 10 (its maximum without
export restrictions): ``hhi_gs = HHI_WGI,t / 10 = Σ_c S_c² · (WGI_c / 10) · t_c``;
values up to 1.2 are accepted because ``t_c`` can reach 1.2. ``sr`` and ``ei`` are
returned on the method's own scales, so they compare directly with the
Commission's tables. Example: tungsten 2017 (Table 18: HHI_GS 7.5, HHI_EU 1.9,
SI_SR 1.0; Table 3: IR 44 %, EoL-RIR 42 %) gives SR 1.8, as published:

    >>> frame = pd.DataFrame({"material": ["tungsten"], "hhi_gs": [0.75], "hhi_eu": [0.19],
    ...                       "import_reliance": [0.44], "eol_rir": [0.42], "si_sr": [1.0]})
    >>> round(float(eu_supply_risk(frame).iloc[0]), 1)
    1.8

**USGS 2021** (Nassar & Fortier, *Methodology and technical input for the 2021
review and revision of the U.S. Critical Minerals List*, USGS Open-File Report
2021-1045, doi:10.3133/ofr20211045; indicators of Nassar et al., 2020, *Science
Advances* 6, eaay8647): supply risk combines disruption potential (DP),
trade exposure (TE) and economic vulnerability (EV), each 0-1. See
:func:`usgs_supply_risk` for the formulas used and their provenance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import ParameterError, RowError, ValidationError

__all__ = [
    "EI_THRESHOLD",
    "HHI_SCALE",
    "METHODS",
    "SR_THRESHOLD",
    "criticality",
    "eu_crm_criticality",
    "eu_economic_importance",
    "eu_supply_risk",
    "hhi_wgi_t",
    "published_eu_crm_2017",
    "usgs_disruption_potential",
    "usgs_economic_vulnerability",
    "usgs_supply_risk",
    "usgs_trade_exposure",
    "with_computed_hhi",
]

SR_THRESHOLD = 1.0
"""Supply-risk threshold of the EU CRM method (2017-2023 assessments)."""
EI_THRESHOLD = 2.8
"""Economic-importance threshold of the EU CRM method (2017-2023 assessments)."""
HHI_SCALE = 10.0
"""Factor from paxsilica's fractional HHI inputs to the method's 0-10 HHI_WGI,t scale."""
METHODS = ("eu-crm", "usgs-2021")


def hhi_wgi_t(shares: pd.DataFrame) -> pd.DataFrame:
    """Governance- and trade-weighted HHI per material and supply scope, on the EC 0-10 scale.

    ``HHI_WGI,t = Σ_c S_c² · WGI_c · t_c`` with ``S_c`` a fraction 0-1, ``WGI_c`` the
    governance indicator rescaled to 0-10 (10 = worst) and ``t_c`` the trade factor.

    Parameters
    ----------
    shares:
        Columns ``material, scope, country, share, wgi`` and optionally ``t``
        (default 1.0); ``scope`` is ``gs`` (global supply) or ``eu`` (EU sourcing).

    Returns
    -------
    DataFrame with columns ``material, scope, hhi_wgi_t`` (0-10 scale; divide by
    :data:`HHI_SCALE` for the fractional ``hhi_gs``/``hhi_eu`` inputs).

    Example: 2017 tantalum EU sourcing, Nigeria 81 % with scaled WGI 6.92 (study, p. 42):

    >>> shares = pd.DataFrame({"material": ["Ta"], "scope": ["eu"], "country": ["NGA"],
    ...                        "share": [0.81], "wgi": [6.92]})
    >>> round(float(hhi_wgi_t(shares)["hhi_wgi_t"].iloc[0]), 2)
    4.54
    """
    frame = shares.copy()
    trade = frame["t"].astype(float) if "t" in frame else pd.Series(1.0, index=frame.index)
    frame["term"] = frame["share"].astype(float) ** 2 * frame["wgi"].astype(float) * trade.fillna(1.0)
    result = frame.groupby(["material", "scope"], sort=False)["term"].sum().rename("hhi_wgi_t")
    return result.reset_index()


def _fraction(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def eu_supply_risk(materials: pd.DataFrame) -> pd.Series:
    """Supply risk (SR, EC scale, threshold 1) per row of ``materials``.

    ``SR = [10·hhi_gs · IR/2 + 10·hhi_eu · (1 − IR/2)] · (1 − eol_rir) · si_sr``; when
    ``hhi_eu`` is missing (NaN) SR uses ``10·hhi_gs`` alone, and the other way round.

    Parameters
    ----------
    materials:
        Columns ``hhi_gs, hhi_eu`` (HHI_WGI,t / 10), ``import_reliance``, ``eol_rir``,
        ``si_sr`` (fractions 0-1). ``import_reliance`` may be NaN when one HHI is missing.

    Returns
    -------
    Series of SR values aligned with ``materials`` (NaN when both HHIs are missing).
    """
    gs = _fraction(materials, "hhi_gs") * HHI_SCALE
    eu = _fraction(materials, "hhi_eu") * HHI_SCALE
    weight = _fraction(materials, "import_reliance") / 2.0
    blended = gs * weight + eu * (1.0 - weight)
    concentration = blended.where(gs.notna() & eu.notna(), gs.fillna(eu))
    risk = concentration * (1.0 - _fraction(materials, "eol_rir")) * _fraction(materials, "si_sr")
    return risk.rename("sr")


def eu_economic_importance(uses: pd.DataFrame, sectors: pd.DataFrame,
                           si_ei: pd.Series | None = None) -> pd.Series:
    """Economic importance (EI, EC scale, threshold 2.8) per material.

    ``EI = Σ_s A_s · Q_s / max_s Q_s · 10 · SI_EI`` where ``A_s`` is the share of the
    material's end uses in sector s and ``Q_s`` the sector's value added. The maximum
    runs over *all* rows of ``sectors`` (the Commission uses every NACE 2-digit
    manufacturing sector), so ``sectors`` should list them all, not only those used.

    Parameters
    ----------
    uses: columns ``material, sector, share`` (share a fraction 0-1).
    sectors: columns ``sector, value_added`` (any currency unit; it cancels out).
    si_ei: substitution index for EI per material (index = material); 1 when absent.

    Returns
    -------
    Series indexed by material, named ``ei``.

    >>> uses = pd.DataFrame({"material": ["x", "x"], "sector": ["C24", "C26"], "share": [0.6, 0.4]})
    >>> sectors = pd.DataFrame({"sector": ["C24", "C26", "C29"], "value_added": [50.0, 80.0, 200.0]})
    >>> float(eu_economic_importance(uses, sectors).loc["x"])  # (0.6·50 + 0.4·80) / 200 · 10
    3.1
    """
    value_added = sectors.set_index("sector")["value_added"].astype(float)
    frame = uses.assign(weighted=uses["share"].astype(float) * uses["sector"].map(value_added))
    importance = frame.groupby("material", sort=False)["weighted"].sum() / value_added.max() * 10.0
    if si_ei is not None:
        importance = importance * si_ei.reindex(importance.index).fillna(1.0).astype(float)
    return importance.rename("ei")


def eu_crm_criticality(materials: pd.DataFrame, uses: pd.DataFrame | None = None,
                       sectors: pd.DataFrame | None = None) -> pd.DataFrame:
    """SR, EI and the critical flag per material by the EU CRM method.

    Parameters
    ----------
    materials:
        One row per material: ``material, hhi_gs, hhi_eu, import_reliance, eol_rir,
        si_sr`` and optionally ``si_ei`` (fractions, see the module notes on units) and
        ``ei`` (an EI computed elsewhere, used when ``uses``/``sectors`` are not given).
        Other columns are passed through.
    uses, sectors: as for :func:`eu_economic_importance`; give both or neither.

    Returns
    -------
    DataFrame ``material, sr, ei, critical, supply_used`` followed by the input
    columns; ``critical`` is ``None`` when EI is unknown. ``supply_used`` is
    ``gs+eu``, ``gs`` or ``eu`` as in the Commission's tables.

    >>> frame = pd.DataFrame({"material": ["helium"], "hhi_gs": [0.17], "hhi_eu": [0.13],
    ...     "import_reliance": [0.96], "eol_rir": [0.01], "si_sr": [1.0], "ei": [2.8]})
    >>> eu_crm_criticality(frame)[["material", "critical", "supply_used"]].to_dict("records")
    [{'material': 'helium', 'critical': True, 'supply_used': 'gs+eu'}]
    """
    base = materials.reset_index(drop=True)
    sr = eu_supply_risk(base)
    if uses is not None and sectors is not None:
        si_ei = _fraction(base, "si_ei").set_axis(base["material"]) if "si_ei" in base else None
        ei = base["material"].map(eu_economic_importance(uses, sectors, si_ei)).astype(float)
    else:
        ei = _fraction(base, "ei")
    has_gs, has_eu = _fraction(base, "hhi_gs").notna(), _fraction(base, "hhi_eu").notna()
    supply_used = np.select([has_gs & has_eu, has_gs, has_eu], ["gs+eu", "gs", "eu"], default="")
    critical = [None if pd.isna(e) or pd.isna(s) else bool(s >= SR_THRESHOLD and e >= EI_THRESHOLD)
                for s, e in zip(sr, ei, strict=True)]
    result = pd.DataFrame({"material": base["material"], "sr": sr, "ei": ei,
                           "critical": pd.Series(critical, dtype=object), "supply_used": supply_used})
    extra = base.drop(columns=[c for c in base.columns if c in result.columns])
    return pd.concat([result, extra], axis=1)


def published_eu_crm_2017() -> pd.DataFrame:
    """The Commission's published 2017 results per material, with provenance.

    Columns: ``material, group, stage, supply_used, sr, ei, import_reliance_pct,
    eol_rir_pct, si_ei, si_sr, hhi_wgi_t_gs, hhi_wgi_t_eu`` (EC scales), ``sr_gs_only,
    sr_eu_only, sr_gs_eu`` (Table 19), ``critical_2017`` (the material, or its group, is
    on the 2017 list) and ``year, source, source_url, confidence, note``.

    >>> published_eu_crm_2017().set_index("material").loc["Gallium", ["sr", "ei"]].tolist()
    [1.4, 3.2]
    """
    from importlib.resources import files

    path = files("paxsilica") / "data" / "criticality" / "eu_crm_2017.csv"
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, keep_default_na=False, na_values=[""])
    frame["critical_2017"] = frame["critical_2017"].astype(str).str.lower().eq("true")
    frame["group"] = frame["group"].fillna("")
    return frame


def usgs_disruption_potential(shares: pd.DataFrame) -> pd.Series:
    """Disruption potential DP per material: ``DP = Σ_c s_c² · ASI_c · WSI_c``.

    ``s_c`` is country c's share of world production (fraction); ``ASI_c`` and ``WSI_c``
    are country scores 0-1 for the (in)ability and (un)willingness to supply, oriented
    so that 1 is the highest risk (Nassar et al., 2020). DP is 0-1.

    Parameters
    ----------
    shares: columns ``material, country, share, ability, willingness``.

    >>> shares = pd.DataFrame({"material": ["m", "m"], "country": ["A", "B"], "share": [0.8, 0.2],
    ...                        "ability": [0.5, 0.1], "willingness": [1.0, 0.5]})
    >>> round(float(usgs_disruption_potential(shares).loc["m"]), 3)  # 0.64·0.5 + 0.04·0.05
    0.322
    """
    term = (shares["share"].astype(float) ** 2 * shares["ability"].astype(float)
            * shares["willingness"].astype(float))
    return term.groupby(shares["material"], sort=False).sum().rename("disruption_potential")


def usgs_trade_exposure(imports: float, exports: float, stock_change: float,
                        primary: float, secondary: float) -> float:
    """Trade exposure TE: US net import reliance, 0 for a net exporter.

    ``TE = (I − E + ΔS) / (P + S + I − E + ΔS)``, clipped to 0-1 (quantities in one unit).

    >>> usgs_trade_exposure(imports=80, exports=10, stock_change=0, primary=30, secondary=0)
    0.7
    """
    net = imports - exports + stock_change
    consumption = primary + secondary + net
    if consumption <= 0:
        return 0.0
    return float(min(max(net / consumption, 0.0), 1.0))


def usgs_economic_vulnerability(industries: pd.DataFrame, gdp: float) -> float:
    """Economic vulnerability EV: ``Σ_j (VA_j / GDP) · (X_j / OP_j)`` over using industries j.

    ``VA_j`` value added, ``X_j`` the industry's spending on the mineral and ``OP_j`` its
    operating profit (one currency unit); the result is clipped to 0-1.

    Parameters
    ----------
    industries: columns ``value_added, expenditure, operating_profit``.

    >>> usgs_economic_vulnerability(pd.DataFrame({"value_added": [100.0], "expenditure": [5.0],
    ...                                           "operating_profit": [10.0]}), gdp=1000.0)
    0.05
    """
    terms = (industries["value_added"].astype(float) / gdp * industries["expenditure"].astype(float)
             / industries["operating_profit"].astype(float))
    return float(min(max(float(terms.sum()), 0.0), 1.0))


def usgs_supply_risk(materials: pd.DataFrame, threshold: float | None = None) -> pd.DataFrame:
    """USGS 2021 supply-risk screen from DP, TE and EV (each a fraction 0-1).

    ``risk_product = DP · TE · EV`` (the hazard × exposure × vulnerability product of
    OFR 2021-1045) and ``supply_risk = (DP · TE · EV)^(1/3)``, their geometric mean as in
    Nassar et al. (2020), which keeps the 0-1 scale; both rank materials identically.
    The USGS list also used qualitative review and a recency-weighted mean over years,
    so ``critical`` is only set when a ``threshold`` on ``supply_risk`` is given.

    Parameters
    ----------
    materials: columns ``material, disruption_potential, trade_exposure,
        economic_vulnerability``; other columns are passed through.

    Returns
    -------
    DataFrame ``material, supply_risk, risk_product, rank, critical`` + input columns,
    sorted by decreasing supply risk (rank 1 = highest).

    >>> frame = pd.DataFrame({"material": ["a", "b"], "disruption_potential": [0.5, 0.1],
    ...     "trade_exposure": [1.0, 0.5], "economic_vulnerability": [0.016, 0.2]})
    >>> table = usgs_supply_risk(frame, threshold=0.21)  # a: 0.008^(1/3) = 0.2, b: 0.01^(1/3) = 0.215
    >>> table[["material", "supply_risk", "rank", "critical"]].round(3).values.tolist()
    [['b', 0.215, 1, True], ['a', 0.2, 2, False]]
    """
    base = materials.reset_index(drop=True)
    product = (_fraction(base, "disruption_potential") * _fraction(base, "trade_exposure")
               * _fraction(base, "economic_vulnerability"))
    risk = np.cbrt(product)
    critical = pd.Series([None if threshold is None or pd.isna(r) else bool(r >= threshold) for r in risk],
                         dtype=object)
    result = pd.DataFrame({"material": base["material"], "supply_risk": risk, "risk_product": product,
                           "critical": critical})
    result["rank"] = result["supply_risk"].rank(ascending=False, method="min").astype("Int64")
    extra = base.drop(columns=[c for c in base.columns if c in result.columns])
    result = pd.concat([result[["material", "supply_risk", "risk_product", "rank", "critical"]], extra], axis=1)
    return result.sort_values("supply_risk", ascending=False, kind="stable").reset_index(drop=True)


def with_computed_hhi(materials: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    from paxsilica.io.criticality import attr_row

    """``materials`` with ``hhi_gs``/``hhi_eu`` computed from a SHARES table (each must be
    empty in the materials file where the shares give it)."""
    computed = hhi_wgi_t(shares)
    result = materials.copy()
    errors = []
    positions = {name: position for position, name in enumerate(result["material"])}
    for record in computed.itertuples(index=False):
        column = f"hhi_{record.scope}"
        position = positions[record.material]
        if pd.notna(result[column].iloc[position]):
            errors.append(RowError(materials.attrs.get("file", "materials"),
                                   attr_row(materials, position), column,
                                   "given here and also computed from the shares file; leave it empty"))
        result.loc[result.index[position], column] = record.hhi_wgi_t / HHI_SCALE
    if errors:
        raise ValidationError(errors)
    return result


def criticality(materials: str | Path, *, method: str = "eu-crm", uses: str | Path | None = None,
                sectors: str | Path | None = None, shares: str | Path | None = None,
                threshold: float | None = None) -> pd.DataFrame:
    """Criticality of the materials in a MATERIALS file by ``method``: ``eu-crm`` (SR, EI,
    critical; see :func:`eu_crm_criticality`) or ``usgs-2021`` (see :func:`usgs_supply_risk`).

    Parameters
    ----------
    materials: MATERIALS file (columns depend on the method, see docs/criticality.md).
    uses, sectors: eu-crm, USES (``material,sector,share``) and SECTORS
        (``sector,value_added``) files to compute EI; give both or neither.
    shares: eu-crm, SHARES file (``material,scope,country,share,wgi[,t]``) to compute
        ``hhi_gs``/``hhi_eu``.
    threshold: usgs-2021, flag ``supply_risk`` at or above it as critical.

    Raises:
        ValidationError: every bad cell of a file (file, row, field).
        ParameterError: an unknown method, or ``uses`` without ``sectors``.
    """
    from paxsilica.io import criticality as readers

    if method not in METHODS:
        raise ParameterError(f"unknown criticality method {method!r} (use {' or '.join(METHODS)})")
    if method == "usgs-2021":
        return usgs_supply_risk(readers.read_usgs_materials(Path(materials)), threshold=threshold)
    if (uses is None) != (sectors is None):
        raise ParameterError("uses and sectors go together; give both or neither")
    table = readers.read_eu_materials(Path(materials))
    if shares is not None:
        table = with_computed_hhi(table, readers.read_shares(Path(shares), table["material"]))
    readers.check_supply_scopes(table)
    use_table = sector_table = None
    if uses is not None and sectors is not None:
        use_table = readers.read_uses(Path(uses), table["material"])
        sector_table = readers.read_sectors(Path(sectors), use_table)
    return eu_crm_criticality(table, use_table, sector_table)
