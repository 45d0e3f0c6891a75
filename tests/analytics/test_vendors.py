"""Vendor exposure (RAN by market country) against the cited Dell'Oro and Strand figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.analytics.vendors import vendor_exposure, vendor_exposure_summary
from paxsilica.errors import NotFoundError, ValidationError
from paxsilica.io.tables import Table
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store
from paxsilica.store.importer import import_file
from paxsilica.validate.records import validate_table

HEADER = "item_id,market,vendors,year,share,measure,source,confidence\n"


def _import(store, tmp_path: Path, body: str, name: str = "v.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    import_file(store, "vendor_shares", path)
    return path


def test_world_2020_concern_share_is_huawei_plus_zte(net):
    table = vendor_exposure(net, market="WLD", year=2020)
    # Dell'Oro 2020 as reported: Huawei 33%, ZTE 10% (both domiciled in China)
    assert table["concern_share"].iloc[0] == pytest.approx(0.33 + 0.10)
    assert table["unattributed_share"].iloc[0] == pytest.approx(1 - 0.97)
    members = net.members("pax_silica", table.attrs["as_of"])
    domicile = net.companies.set_index("company_id")["country"]
    expected = sum(s for v, s in zip(table["vendors"], table["share"], strict=True)
                   if domicile[v[0]] in members)
    assert table["coalition_share"].iloc[0] == pytest.approx(expected)
    assert table["top_vendors"].iloc[0] == ["huawei"] and table["top_share"].iloc[0] == 0.33


def test_germany_5g_installed_base_from_strand(net):
    row = vendor_exposure(net, market="Germany").iloc[0]
    assert (row["year"], row["measure"], row["scope"]) == (2022, "installed_base", "5G RAN")
    assert row["vendors"] == ["huawei", "zte"] and row["vendor_countries"] == ["CHN", "CHN"]
    assert row["of_concern"] and row["concern_share"] == 0.59


def test_latest_skips_projections_and_later_years(net):
    italy = vendor_exposure(net, market="ITA")
    assert italy["year"].tolist() == [2024] and italy["concern_share"].iloc[0] == 0.35
    projected = vendor_exposure(net, market="ITA", year=2028)
    assert projected["year"].tolist() == [2028]
    assert vendor_exposure(net, market="GBR", as_of="2023-06-30")["share"].tolist() == [0.41]
    with pytest.raises(NotFoundError, match="market=GBR"):
        vendor_exposure(net, market="GBR", as_of="2021-12-31")


def test_summary_has_one_row_per_market(net):
    summary = vendor_exposure_summary(net)
    assert not summary.duplicated(["item", "market", "year", "measure"]).any()
    assert {"DEU", "WLD", "WLD_EX_CHN", "CHN"} <= set(summary["market"])
    assert summary["concern_share"].between(0, 1).all()


def test_mixed_vendor_rows_count_as_neither(tmp_path):
    store = open_store(":memory:")
    _import(store, tmp_path, "ran_equipment,JPN,huawei;ericsson,2024,0.5,revenue,s,low\n"
                             "ran_equipment,JPN,nokia,2024,0.2,revenue,s,low\n")
    table = vendor_exposure(StackNetwork.from_store(store), market="JPN")
    mixed = table[table["vendors"].map(len) == 2].iloc[0]
    assert not mixed["of_concern"] and not mixed["in_group"]
    assert mixed["concern_share"] == 0.0
    assert table["unattributed_share"].iloc[0] == pytest.approx(0.3)


@pytest.mark.parametrize(("body", "field", "reason"), [
    ("ran_equipment,DEU,huawei,2022,0.3,installed_base,s,low\n"
     "ran_equipment,DEU,huawei;zte,2022,0.5,installed_base,s,low\n", "vendors",
     "vendor 'huawei' is counted in two rows of ran_equipment/DEU/2022/installed_base "
     "(rows 2 and 3)"),
    ("ran_equipment,DEU,ericsson,2022,0.6,revenue,s,low\n"
     "ran_equipment,DEU,nokia,2022,0.6,revenue,s,low\n", "share", "add up to 1.200 > 1"),
    ("ran_equipment,DEU,huawai,2022,0.3,revenue,s,low\n", "vendors", "unknown company 'huawai'"),
    ("ran_equipment,DEU,huawei;huawei,2022,0.3,revenue,s,low\n", "vendors", "named twice"),
    ("ran_equipment,DEU,,2022,0.3,revenue,s,low\n", "vendors", "at least one vendor"),
    ("ran_equipment,Narnia,huawei,2022,0.3,revenue,s,low\n", "market", "Narnia"),
    ("ran_equipment,DEU,huawei,2022,1.3,revenue,s,low\n", "share", "less than or equal to 1"),
    ("ran_equipment,DEU,huawei,2022,0.3,market_cap,s,low\n", "measure", "revenue"),
    ("ran_equipment,DEU,zte;huawei,2022,0.3,revenue,s,low\n"
     "ran_equipment,DEU,huawei;zte,2022,0.3,revenue,s,low\n", "item_id,market,vendors,year,"
                                                             "measure", "duplicate key"),
])
def test_bad_vendor_rows_are_refused(tmp_path, body, field, reason):
    store = open_store(":memory:")
    before = store.count("vendor_shares")
    with pytest.raises(ValidationError) as caught:
        _import(store, tmp_path, body)
    assert any(e.field == field and reason in e.reason for e in caught.value.errors), \
        caught.value.errors
    assert store.count("vendor_shares") == before


def test_a_new_file_cannot_double_count_a_stored_vendor(tmp_path):
    store = open_store(":memory:")
    _import(store, tmp_path, "ran_equipment,DEU,huawei;zte,2019,0.4,installed_base,s,low\n", "a.csv")
    with pytest.raises(ValidationError, match="a stored row and row 2"):
        _import(store, tmp_path, "ran_equipment,DEU,zte,2019,0.1,installed_base,s,low\n", "b.csv")


CELL = st.one_of(st.none(), st.text(max_size=10), st.sampled_from(
    ["ran_equipment", "DEU", "WLD", "huawei", "zte;huawei", "huawei;huawei", "2022", "0.5",
     "1e308", "nan", "-0.1", "revenue", "sites", "Ｈｕａｗｅｉ", "medium"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({c: CELL for c in ["item_id", "market", "vendors", "year",
                                                         "share", "measure", "source",
                                                         "confidence"]}),
                min_size=1, max_size=4))
def test_fuzzed_vendor_rows_give_a_clean_error_or_valid_rows(rows):
    context = {"items": pd.DataFrame({"item_id": ["ran_equipment"]}),
               "companies": pd.DataFrame({"company_id": ["huawei", "zte"]})}
    try:
        valid = validate_table("vendor_shares", Table(pd.DataFrame(rows), "fuzz.csv", 2), context)
    except ValidationError as error:
        assert error.errors and all(e.file == "fuzz.csv" for e in error.errors)
        return
    assert valid["share"].astype(float).between(0, 1).all()
    totals = valid.groupby(["item_id", "market", "year", "measure"])["share"].sum()
    assert (totals <= 1.005).all()


def _parquet(tmp_path: Path, vendors: object) -> Path:
    path = tmp_path / "v.parquet"
    pd.DataFrame({"item_id": ["ran_equipment"], "market": ["DEU"], "vendors": [vendors],
                  "year": ["2022"], "share": ["0.1"], "source": ["s"],
                  "confidence": ["low"]}).to_parquet(path)
    return path


@pytest.mark.parametrize(("vendors", "reason"), [
    (1.5, "unknown company '1.5'"), (float("nan"), "at least one vendor")])
def test_numbers_and_gaps_in_a_list_column_of_parquet_are_clean_errors(tmp_path, vendors,
                                                                         reason):
    # a list cell read from Parquet can be a float (or NaN): no traceback, a named field
    with pytest.raises(ValidationError) as caught:
        import_file(open_store(":memory:"), "vendor_shares", _parquet(tmp_path, vendors))
    error = caught.value.errors[0]
    assert (error.row, error.field) == (1, "vendors") and reason in error.reason
