"""The item_parameters record kind: every refusal names file, row and field, writes nothing;
hostile rows (non-finite, huge, low > high, unknown item or parameter, wrong unit or country,
duplicate keys) are refused; a fuzzed file gives a clean error or a valid import."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.model.network import StackNetwork
from paxsilica.model.parameters import item_parameter
from paxsilica.store import Store, import_file, open_store

HEADER = "item_id,parameter,country,year,value,low,high,unit,basis,source,confidence,note\n"


def _write(tmp_path: Path, text: str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store: Store, path: Path) -> ValidationError:
    before = store.table("item_parameters")
    imports = len(store.imports())
    with pytest.raises(ValidationError) as caught:
        import_file(store, "item_parameters", path)
    pd.testing.assert_frame_equal(store.table("item_parameters"), before)
    assert len(store.imports()) == imports
    assert all(error.file == str(path) for error in caught.value.errors)
    return caught.value


CASES = {
    "unknown parameter": ("gallium,elasticity,WLD,2024,1,,,share,reported,S,high,",
                          "parameter", "unknown parameter 'elasticity'"),
    "unknown item": ("unobtainium,price,WLD,2024,1,,,USD/kg,reported,S,high,",
                     "item_id", "unknown item 'unobtainium'"),
    "non-finite value": ("gallium,price,WLD,2024,inf,,,USD/kg Ga,reported,S,high,",
                         "value", "finite"),
    "nan value": ("gallium,price,WLD,2024,nan,,,USD/kg Ga,reported,S,high,", "value", "finite"),
    "huge price": ("gallium,price,WLD,2024,1e300,,,USD/kg Ga,reported,S,high,", "value",
                   "price must be at most 1e+12"),
    "zero world output": ("gallium,world_output,WLD,2024,0,,,kg Ga,reported,S,high,", "value",
                          "world_output must be greater than 0"),
    "negative days": ("gallium,qualification_days,WLD,2024,-3,,,days,assumption,S,low,why",
                      "value", "at least 0"),
    "share above one": ("gallium,value_added_ratio,WLD,2024,1.2,,,share,derived,S,low,x/y",
                        "value", "at most 1"),
    "low above value": ("gallium,price,WLD,2024,300,400,,USD/kg Ga,reported,S,high,", "low",
                        "low 400 is above value 300"),
    "high below value": ("gallium,price,WLD,2024,300,,200,USD/kg Ga,reported,S,high,", "high",
                         "high 200 is below value 300"),
    "price in the wrong unit": ("gallium,price,WLD,2024,300,,,USD/t,reported,S,high,", "unit",
                                "'USD/kg Ga'"),
    "price not in USD": ("gallium,price,WLD,2024,300,,,EUR/kg Ga,reported,S,high,", "unit",
                         "USD per its output unit"),
    "world output not in the catalogue unit": (
        "gallium,world_output,WLD,2024,760,,,t,reported,S,high,", "unit",
        "catalogue unit 'kg Ga'"),
    "world output of a share item as a share": (
        "indium,world_output,WLD,2024,0.5,,,share,reported,S,high,", "unit",
        "not a quantity unit"),
    "share in percent": ("gallium,substitutable_share,WLD,2024,0.5,,,%,assumption,S,low,why",
                         "unit", "measured in 'share'"),
    "world figure for a country": ("gallium,world_output,CHN,2024,750000,,,kg Ga,reported,S,high,",
                                   "country", "country must be WLD"),
    "consumption share of the world": (
        "gallium,consumption_share,WLD,2024,0.3,,,share,reported,S,high,", "country",
        "not WLD"),
    "unknown country": ("gallium,price,Atlantis,2024,300,,,USD/kg Ga,reported,S,high,",
                        "country", "Atlantis"),
    "service life of a non-capital item": (
        "gallium,service_life_years,WLD,2024,5,,,years,assumption,S,low,why", "item_id",
        "capital items only"),
    "assumption graded high": (
        "gallium,qualification_days,WLD,2024,180,,,days,assumption,S,high,why", "confidence",
        "assumption cannot have confidence 'high'"),
    "unknown basis": ("gallium,price,WLD,2024,300,,,USD/kg Ga,guess,S,high,", "basis",
                      "'reported'"),
    "year out of range": ("gallium,price,WLD,1066,300,,,USD/kg Ga,reported,S,high,", "year",
                          "1900"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_rows_are_refused_naming_row_and_field(tmp_path, store, name):
    row, field, reason = CASES[name]
    error = _refused(store, _write(tmp_path, HEADER + row + "\n")).errors[0]
    assert (error.row, error.field) == (2, field), error
    assert reason in error.reason, error.reason


def test_duplicate_keys_are_refused_at_the_second_row(tmp_path, store):
    row = "gallium,price,WLD,2024,300,,,USD/kg Ga,reported,S,high,\n"
    error = _refused(store, _write(tmp_path, HEADER + row + row)).errors[0]
    assert error.row == 3 and "duplicate key" in error.reason


def test_country_names_resolve_and_the_key_uses_the_code(tmp_path, store):
    path = _write(tmp_path, HEADER + "gallium,price,China,2024,300,,,USD/kg Ga,reported,S,high,\n"
                  "gallium,price,CHN,2024,310,,,USD/kg Ga,reported,S,high,\n")
    assert "duplicate key" in _refused(store, path).errors[0].reason


def test_consumption_shares_of_one_item_and_year_add_up_to_one_at_most(tmp_path, store):
    # a year with no bundled consumption share of gallium (the bundled USA 2024 row would add to it)
    rows = ("gallium,consumption_share,CHN,2019,0.6,,,share,reported,S,high,\n"
            "gallium,consumption_share,JPN,2019,0.5,,,share,reported,S,high,\n")
    error = _refused(store, _write(tmp_path, HEADER + rows)).errors[0]
    assert (error.row, error.field) == (3, "value") and "1.100" in error.reason
    import_file(store, "item_parameters", _write(tmp_path, HEADER + rows.replace("0.5", "0.4")))
    # a later file is checked against the stored rows it does not replace
    more = "gallium,consumption_share,KOR,2019,0.2,,,share,reported,S,high,\n"
    assert "1.200" in _refused(store, _write(tmp_path, HEADER + more, "m.csv")).errors[0].reason


def test_share_items_take_one_output_unit_and_are_priced_per_it(tmp_path, store):
    # indium is a share-only item: its bundled world output is in t In
    ok = "indium,price,JPN,2024,350000,,,USD/t In,reported,S,high,\n"
    assert import_file(store, "item_parameters", _write(tmp_path, HEADER + ok)).rows == 1
    other = "indium,world_output,WLD,2023,1020000,,,kg In,reported,S,high,\n"
    error = _refused(store, _write(tmp_path, HEADER + other, "o.csv")).errors[0]
    assert error.field == "unit" and "'t In'" in error.reason


def test_a_share_item_without_output_cannot_be_priced(tmp_path, store):
    row = "osat_assembly_test,price,WLD,2024,1,,,USD/package,reported,S,high,\n"
    error = _refused(store, _write(tmp_path, HEADER + row)).errors[0]
    assert error.field == "unit" and "no world_output row" in error.reason
    both = row + "osat_assembly_test,world_output,WLD,2024,1000000,,,package,reported,S,high,\n"
    assert import_file(store, "item_parameters", _write(tmp_path, HEADER + both, "b.csv")).rows == 2


def test_service_life_of_a_capital_item_imports_and_reads_back(tmp_path, store):
    row = "ai_accelerator_server,service_life_years,WLD,2025,6,5,6,years,reported,S,medium,\n"
    import_file(store, "item_parameters", _write(tmp_path, HEADER + row))
    net = StackNetwork.from_store(store)
    life = item_parameter(net, "service_life_years", as_of=2025).set_index("item_id")
    assert life.loc["ai_accelerator_server", ["value", "low", "high"]].tolist() == [6, 5, 6]
    assert bool(life.loc["ai_accelerator_server", "ranged"])


def test_a_valid_file_imports_and_a_reimport_replaces(tmp_path, store):
    row = "gallium,qualification_days,WLD,2024,{},,,days,assumption,S,low,why\n"
    import_file(store, "item_parameters", _write(tmp_path, HEADER + row.format(180)))
    import_file(store, "item_parameters", _write(tmp_path, HEADER + row.format(200)))
    stored = store.table("item_parameters").query(
        "parameter == 'qualification_days' and year == 2024 and item_id == 'gallium'")
    assert stored["value"].tolist() == [200]


CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["inf", "-inf", "nan", "1e308", "-0", "0", "1", "0.5", "1e-320", "WLD", "CHN", "gallium",
     "price", "share", "USD/kg Ga", "kg Ga", "days", "assumption", "high", "2024", ""]))
COLUMNS = ["item_id", "parameter", "country", "year", "value", "low", "high", "unit", "basis",
           "source", "confidence"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({column: CELL for column in COLUMNS}), min_size=1,
                max_size=4))
def test_fuzzed_files_give_a_clean_error_or_finite_valid_rows(tmp_path_factory, rows):
    store = FUZZ_STORE
    path = tmp_path_factory.mktemp("fuzz") / "p.jsonl"
    path.write_text("\n".join(pd.Series(row).to_json() for row in rows), encoding="utf-8")
    try:
        import_file(store, "item_parameters", path)
    except ValidationError as error:
        assert all(e.file == str(path) and e.reason for e in error.errors)
        return
    stored = store.table("item_parameters")
    assert all(math.isfinite(v) for v in stored["value"])
    lows, highs = stored["low"].fillna(-math.inf), stored["high"].fillna(math.inf)
    assert ((lows <= stored["value"]) & (stored["value"] <= highs)).all()


FUZZ_STORE = open_store(":memory:")
