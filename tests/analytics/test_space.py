"""Constellations and ground stations by operator country, and the SATCAT refresh."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.analytics.space import constellation_exposure, ground_station_exposure
from paxsilica.errors import NotFoundError, ValidationError
from paxsilica.io.tables import Table
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store
from paxsilica.store.importer import import_file
from paxsilica.store.satcat import import_satcat
from paxsilica.validate.records import validate_table

FIXTURE = Path(__file__).parents[1] / "fixtures" / "telecom" / "satcat.csv"


def test_operators_of_concern_are_chinese_constellations(net):
    table = constellation_exposure(net).set_index("constellation_id")
    assert set(table.index[table["of_concern"]]) == {"qianfan", "guowang"}
    assert table.loc["starlink", "operator_country"] == "USA"
    assert table.loc["oneweb", "operator_country"] == "FRA"


def test_shares_compare_counts_on_the_same_basis_only(net):
    table = constellation_exposure(net).set_index("constellation_id")
    # hand-worked from the bundled rows: in orbit OneWeb 654 and Guowang 114; launched
    # Starlink 7,000 and Qianfan 36
    assert table.loc["oneweb", "share_of_counted"] == pytest.approx(654 / (654 + 114))
    assert table.loc["guowang", "concern_share_of_counted"] == pytest.approx(114 / (654 + 114))
    assert table.loc["qianfan", "concern_share_of_counted"] == pytest.approx(36 / 7036)


def test_counts_dated_after_as_of_are_left_out(net):
    table = constellation_exposure(net, as_of="2024-12-31").set_index("constellation_id")
    assert pd.isna(table.loc["guowang", "satellites"])  # counted in 2025
    assert table.loc["guowang", "count_basis"] is None
    assert table.loc["oneweb", "share_of_counted"] == 1.0


def test_ground_stations_open_by_date_and_flagged_by_operator(net):
    stations = ground_station_exposure(net, country="Argentina").set_index("station_id")
    assert stations.loc["espacio_lejano", "of_concern"]
    assert stations.loc["espacio_lejano", "open"]
    assert not stations.loc["rio_gallegos_satelliteherd", "open"]  # planned, never open
    before = ground_station_exposure(net, country="ARG", as_of="2017-06-01")
    assert not before.set_index("station_id").loc["espacio_lejano", "open"]
    assert ground_station_exposure(net, country="Japan").empty
    with pytest.raises(NotFoundError):
        ground_station_exposure(net, country="Atlantis")
    with pytest.raises(NotFoundError, match="no constellation in MEO"):
        constellation_exposure(net, orbit="meo")


def test_closed_station_and_bad_station_rows(tmp_path):
    store = open_store(":memory:")
    path = tmp_path / "gs.csv"
    path.write_text("station_id,name,country,operator,role,status,valid_from,valid_to,source,"
                    "confidence\nkiruna_x,Kiruna test,SWE,cltc,ttc,operational,2010-01-01,"
                    "2020-12-31,s,low\n", encoding="utf-8")
    import_file(store, "ground_stations", path)
    net = StackNetwork.from_store(store)
    row = ground_station_exposure(net, country="Sweden").iloc[0]
    assert not row["open"] and row["of_concern"]
    assert ground_station_exposure(net, country="SWE", as_of="2015-01-01")["open"].iloc[0]
    path.write_text("station_id,name,country,operator,valid_from,valid_to,source,confidence\n"
                    "x,X,SWE,nobody,2020-01-01,2019-01-01,s,low\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_file(store, "ground_stations", path)
    fields = {e.field for e in caught.value.errors}
    assert "valid_to" in fields or "operator" in fields


def test_satcat_refresh_updates_counts_and_keeps_unmatched_rows():
    store = open_store(":memory:")
    result = import_satcat(store, FIXTURE, as_of="2025-01-01")
    counts = result.counts.set_index("constellation_id")
    assert counts.loc["starlink", "satellites"] == 3 and counts.loc["oneweb", "satellites"] == 2
    table = constellation_exposure(StackNetwork.from_store(store)).set_index("constellation_id")
    assert table.loc["starlink", "satellites"] == 3
    assert table.loc["starlink", "count_basis"] == "in_orbit"
    assert table.loc["starlink", "basis"] == "derived" and "satcat.csv" in table.loc[
        "starlink", "source"]
    assert "Previous count: 7000 launched in 2024" in table.loc["starlink", "note"]
    assert table.loc["guowang", "satellites"] == 114  # no pattern: untouched
    assert result.objects == 10 and result.warnings == []


def test_satcat_refresh_warns_instead_of_writing_zero(tmp_path):
    store = open_store(":memory:")
    path = tmp_path / "satcat.csv"
    path.write_text("OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,LAUNCH_DATE,DECAY_DATE\n"
                    "ONEWEB-0012,44057,PAY,2019-02-27,\n", encoding="utf-8")
    result = import_satcat(store, path, as_of="2025-01-01")
    assert any("STARLINK (starlink)" in w for w in result.warnings)
    table = constellation_exposure(StackNetwork.from_store(store)).set_index("constellation_id")
    assert table.loc["starlink", "satellites"] == 7000  # kept, not zeroed
    assert table.loc["oneweb", "satellites"] == 1


def test_bad_satcat_leaves_the_store_unchanged(tmp_path):
    store = open_store(":memory:")
    before = store.table("constellations")
    path = tmp_path / "satcat.csv"
    path.write_text("OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,LAUNCH_DATE,DECAY_DATE\n"
                    "STARLINK-1,1,PAY,2019-02-27,\nSTARLINK-2,x,PAY,2019-02-27,\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError, match="row 3"):
        import_satcat(store, path)
    assert store.table("constellations").equals(before)


CELL = st.one_of(st.none(), st.text(max_size=10), st.sampled_from(
    ["starlink", "spacex", "cltc", "LEO", "GEO", "leo", "in_orbit", "planned", "2024",
     "1957", "1e12", "-5", "nan", "inf", "ARG", "Ａｒｇｅｎｔｉｎａ", "2020-01-01", "2019-13-01",
     "operational", "closed", "STARLINK;ONEWEB", "medium"]))
SPACE_COLUMNS = {
    "constellations": ["constellation_id", "name", "operator", "orbit", "satellites",
                       "count_basis", "year", "planned", "name_patterns", "source",
                       "confidence"],
    "ground_stations": ["station_id", "name", "country", "operator", "constellation_id", "role",
                        "status", "valid_from", "valid_to", "source", "confidence"],
}


@pytest.mark.parametrize("kind", sorted(SPACE_COLUMNS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_space_rows_give_a_clean_error_or_valid_rows(kind, data):
    rows = data.draw(st.lists(st.fixed_dictionaries({c: CELL for c in SPACE_COLUMNS[kind]}),
                              min_size=1, max_size=3))
    context = {"companies": pd.DataFrame({"company_id": ["spacex", "cltc"]}),
               "constellations": pd.DataFrame({"constellation_id": ["starlink"]})}
    try:
        valid = validate_table(kind, Table(pd.DataFrame(rows), "fuzz.csv", 2), context)
    except ValidationError as error:
        assert error.errors and all(e.file == "fuzz.csv" for e in error.errors)
        return
    if kind == "constellations":
        counted = valid["satellites"].dropna()
        assert counted.between(0, 1_000_000).all()
    else:
        dated = valid.dropna(subset=["valid_from", "valid_to"])
        assert (dated["valid_to"] >= dated["valid_from"]).all()
