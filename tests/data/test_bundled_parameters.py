"""The bundled item parameters: rebuilt from their two tables, conversions recomputed
independently, and read back through the network accessor."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from paxsilica.model.parameters import item_parameter, parameter_specs
from paxsilica.store.bundled import bundled_path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _build_module():
    spec = importlib.util.spec_from_file_location("bundled_parameters",
                                                  SCRIPTS / "bundled_parameters.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build_module()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


BUNDLED = _read(bundled_path("item_parameters.csv"))


def test_the_bundled_file_is_what_the_build_makes_of_its_tables():
    rebuilt = BUILD.item_parameter_rows(_read(bundled_path("supplies.csv")),
                                        _read(SCRIPTS / "bundled" / "item_parameters.csv"),
                                        _read(BUILD.BEA_USE), _read(BUILD.ITEM_INDUSTRIES))
    assert rebuilt == BUNDLED


def test_conversions_equal_independent_arithmetic():
    # 1 lb = 0.45359237 kg exactly; WO3 is 79.30 % W by mass; Li2CO3 is 18.79 % Li
    assert BUILD.CONVERSIONS["usd_per_lb"][0] == pytest.approx(2204.62262, rel=1e-9)
    assert BUILD.CONVERSIONS["cents_per_lb_kt"][0] == pytest.approx(22046.2262, rel=1e-9)
    assert BUILD.CONVERSIONS["usd_per_mtu_wo3"][0] == pytest.approx(100 / 0.79297, rel=1e-4)
    assert BUILD.CONVERSIONS["usd_per_t_lce"][0] == pytest.approx(1 / 0.18785, rel=1e-4)


def test_a_converted_row_states_the_printed_figure_and_the_arithmetic():
    row = {"item_id": "x", "parameter": "price", "country": "WLD", "year": "2024",
           "value": "9.5", "low": "", "high": "17.5", "unit": "USD/t Sb", "convert": "usd_per_lb",
           "note": "n"}
    out = BUILD.converted(row, 2)
    assert float(out["value"]) == pytest.approx(9.5 * 2204.62262, rel=1e-5)
    assert float(out["high"]) == pytest.approx(17.5 * 2204.62262, rel=1e-5)
    assert "value 9.5, high 17.5" in out["note"] and "2,204.623" in out["note"]


def test_unknown_conversions_and_duplicate_keys_stop_the_build():
    row = {"item_id": "x", "parameter": "price", "country": "WLD", "year": "2024",
           "value": "1", "unit": "USD/t", "convert": "furlongs"}
    with pytest.raises(SystemExit, match="unknown conversion 'furlongs'"):
        BUILD.converted(row, 7)
    with pytest.raises(SystemExit, match="duplicate key"):
        BUILD.item_parameter_rows([], [dict(row, convert=""), dict(row, convert="")])


def test_world_outputs_equal_the_supplies_world_rows():
    supplies = {(r["item_id"], r["year"]): float(r["quantity"])
                for r in _read(bundled_path("supplies.csv"))
                if r["country"] == "WLD" and r["quantity"] and not r["company"]}
    copied = {(r["item_id"], r["year"]): float(r["value"]) for r in BUNDLED
              if r["parameter"] == "world_output" and "supplies.csv" in r["note"]}
    assert copied == supplies
    assert copied[("gallium", "2024")] == 760000  # USGS MCS 2025, primary low-purity


def test_every_row_names_a_declared_parameter():
    assert {r["parameter"] for r in BUNDLED} <= set(parameter_specs())


def test_gallium_reads_back_sized_and_priced_with_its_range(net):
    output = item_parameter(net, "world_output", as_of=2024).set_index("item_id")
    price = item_parameter(net, "price", as_of=2024).set_index("item_id")
    assert output.loc["gallium", "value"] == 760000 and output.loc["gallium", "year"] == 2024
    assert output.loc["gallium", "source"].startswith("USGS Mineral Commodity Summaries 2025")
    gallium = price.loc["gallium"]
    assert gallium["low"] <= gallium["value"] <= gallium["high"]
    assert gallium["unit"] == "USD/" + output.loc["gallium", "unit"]
    # world value of primary gallium, 2024: about 0.29 bn USD (760 t x 380 USD/kg)
    assert output.loc["gallium", "value"] * gallium["value"] == pytest.approx(2.888e8)
