"""Secondary (recycled) supply: its own table, primary vs secondary shares, bounds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.analytics.exposure import exposure, exposure_summary
from paxsilica.analytics.secondary import secondary_supply, supply_by_type
from paxsilica.errors import NotFoundError, ValidationError
from paxsilica.io.tables import Table
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store
from paxsilica.store.importer import import_file
from paxsilica.validate.records import validate_table

HEADER = "item_id,country,year,quantity,unit,share,share_of,measure,basis,source,confidence,note\n"
CITE = "test source,medium"


def _net_with(tmp_path: Path, body: str) -> StackNetwork:
    store = open_store(":memory:")
    path = tmp_path / "secondary.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    import_file(store, "secondary_supplies", path)
    return StackNetwork.from_store(store)


def test_bundled_copper_split_matches_the_icsg_figures(net):
    row = supply_by_type(net, item="copper_refined").set_index("item").loc["copper_refined"]
    # ICSG 2023: 4.55 Mt secondary and 22.3 Mt primary refined copper (independent check)
    assert row["secondary_share"] == pytest.approx(4.55 / (4.55 + 22.3), abs=0.001)
    assert row["primary_share"] == pytest.approx(1 - row["secondary_share"])
    assert row["share_of"] == "total_supply" and row["year"] == 2023
    # IEA: China about half of world secondary copper; the other half is not placed
    assert row["secondary_concern_share"] == pytest.approx(0.5)
    assert row["secondary_concern_share_max"] == pytest.approx(1.0)
    assert row["secondary_coalition_share"] == 0.0
    summary = exposure_summary(net, item="copper_refined", latest=True)
    assert row["producer_concern_share"] == pytest.approx(summary["concern_share"].iloc[-1])


def test_hand_worked_split_with_placed_and_unplaced_recycling(tmp_path):
    net = _net_with(tmp_path, "\n".join([
        f"gallium,WLD,2023,,,0.2,total_supply,output,reported,{CITE},",
        f"gallium,WLD,2030,,,0.5,total_supply,output,projection,{CITE},a plan",
        f"gallium,JPN,2023,,,0.3,world_secondary,output,reported,{CITE},",
        f"gallium,CHN,2023,,,0.5,world_secondary,output,reported,{CITE},",
        f"gallium,USA,2020,,,0.1,world_secondary,output,reported,{CITE},older: not used",
        f"gallium,DEU,2023,,,0.9,world_secondary,capacity,reported,{CITE},capacity: not output",
    ]) + "\n")
    row = supply_by_type(net, item="gallium", as_of="2026-06-01").iloc[0]
    assert (row["year"], row["secondary_share"], row["primary_share"]) == (2023, 0.2, 0.8)
    assert row["secondary_located_share"] == pytest.approx(0.8)  # JPN + CHN, 2023 only
    assert row["secondary_concern_share"] == pytest.approx(0.5)
    assert row["secondary_concern_share_max"] == pytest.approx(0.7)  # + the unplaced 0.2
    assert row["secondary_coalition_share"] == pytest.approx(0.3)  # Japan is a member
    assert set(row["sources"]) == {"test source"}


def test_consumption_share_stands_in_only_without_a_supply_share(tmp_path):
    net = _net_with(tmp_path, "\n".join([
        f"germanium,WLD,2019,,,0.3,consumption,output,reported,{CITE},",
        f"gallium,WLD,2019,,,0.3,consumption,output,reported,{CITE},",
        f"gallium,WLD,2019,,,0.25,total_supply,output,reported,{CITE},",
    ]) + "\n")
    table = supply_by_type(net, item=None).set_index("item")
    assert table.loc["gallium", "share_of"] == "total_supply"
    assert table.loc["gallium", "secondary_share"] == 0.25
    assert pd.isna(table.loc["gallium", "secondary_located_share"])  # no country row


def test_dates_select_the_latest_observed_year(tmp_path):
    net = _net_with(tmp_path, f"gallium,WLD,2023,,,0.2,total_supply,output,reported,{CITE},\n"
                              f"gallium,WLD,2021,,,0.1,total_supply,output,reported,{CITE},\n")
    assert supply_by_type(net, item="gallium", as_of="2022-12-31")["secondary_share"].iloc[0] == 0.1
    with pytest.raises(NotFoundError, match="item=gallium"):
        supply_by_type(net, item="gallium", as_of="2020-01-01")


def test_secondary_rows_leave_producer_shares_unchanged(tmp_path, net):
    # the point of a separate table: exposure, simulator and planner read supplies only
    before = exposure(net, item="gallium", latest=True)
    after_net = _net_with(tmp_path, f"gallium,CHN,2024,500,kg Ga,,world_secondary,output,"
                                    f"reported,{CITE},\n")
    after = exposure(after_net, item="gallium", latest=True)
    pd.testing.assert_frame_equal(before, after)


def test_rows_view_filters_and_flags(net):
    rows = secondary_supply(net, item="copper", country="China", latest=True)
    assert set(rows["item"]) == {"copper_refined"} and set(rows["country"]) == {"CHN"}
    assert rows["is_concern"].all() and not rows["is_member"].any()
    with pytest.raises(NotFoundError, match="no secondary-supply data"):
        secondary_supply(net, item="gallium", country="Japan")
    with pytest.raises(NotFoundError, match="unknown item"):
        secondary_supply(net, item="unobtainium")


@pytest.mark.parametrize(("line", "field", "reason"), [
    (f"gallium,WLD,2023,,,0.2,world_secondary,output,reported,{CITE},", "country", "not WLD"),
    (f"gallium,CHN,2023,,,1.5,total_supply,output,reported,{CITE},", "share", "less than or equal"),
    (f"gallium,CHN,2023,5,,,total_supply,output,reported,{CITE},", "unit", "needs a unit"),
    (f"gallium,CHN,2023,,,,total_supply,output,reported,{CITE},", "quantity", "give a quantity"),
    (f"gallium,CHN,2023,,,0.1,recycled,output,reported,{CITE},", "share_of", "total_supply"),
    (f"gallium,XXA,2023,,,0.1,total_supply,output,reported,{CITE},", "country", "XXA"),
    (f"galium,CHN,2023,,,0.1,total_supply,output,reported,{CITE},", "item_id", "galium"),
    (f"gallium,CHN,2023,nan,t,,total_supply,output,reported,{CITE},", "quantity", ""),
])
def test_bad_rows_are_refused_naming_row_and_field(tmp_path, line, field, reason):
    store = open_store(":memory:")
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    before = store.count("secondary_supplies")
    with pytest.raises(ValidationError) as caught:
        import_file(store, "secondary_supplies", path)
    error = caught.value.errors[0]
    assert (error.file, error.row, error.field) == (str(path), 2, field)
    assert reason in str(caught.value)
    assert store.count("secondary_supplies") == before  # nothing half-written


CELL = st.one_of(st.just(""), st.text(max_size=12), st.sampled_from(
    ["WLD", "CHN", "nan", "inf", "-1", "1e308", "0.5", "total_supply", "world_secondary",
     "output", "capacity", "2023", "gallium", "copper_refined", "Ｃｈｉｎａ", "ＣＨＮ"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({name: CELL for name in
                                       ["item_id", "country", "year", "quantity", "unit", "share",
                                        "share_of", "measure", "source", "confidence"]}),
                min_size=1, max_size=4))
def test_fuzzed_rows_give_a_clean_error_or_valid_rows(rows):
    frame = pd.DataFrame(rows).replace("", None)
    try:
        valid = validate_table("secondary_supplies", Table(frame, "fuzz.csv", 2),
                               context={"items": pd.DataFrame({"item_id": ["gallium",
                                                                         "copper_refined"]})})
    except ValidationError as error:
        assert error.errors and all(e.file == "fuzz.csv" for e in error.errors)
        return
    shares = valid["share"].dropna().astype(float)
    assert shares.between(0, 1).all()
    assert valid["quantity"].dropna().astype(float).map(lambda q: q >= 0 and q < float("inf")).all()
