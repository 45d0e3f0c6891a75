"""``paxsilica criticality`` through Typer's runner: JSON shape, published values, every bad-input path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "criticality"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str):
    return runner.invoke(app, ["criticality", *args])


def test_json_records_reproduce_published_2017_values():
    # Inputs from the Commission's 2017 study (Tables 3 and 18), HHI_WGI,t / 10; published SR (Table 3):
    # tungsten 1.8, beryllium 2.4 (global supply only), sapele wood 1.4 (EU sourcing only), silicon
    # metal 1.0. EI from a hand-made sector table: tungsten (0.6·100 + 0.4·80) / 160 · 10 · 0.9.
    result = _run(str(FIXTURES / "materials_2017.csv"), "--method", "eu-crm",
                  "--uses", str(FIXTURES / "uses.csv"), "--sectors", str(FIXTURES / "sectors.csv"),
                  "--format", "json")
    assert result.exit_code == 0, result.output
    records = {r["material"]: r for r in json.loads(result.stdout)}
    assert list(next(iter(records.values())))[:4] == ["material", "sr", "ei", "critical"]
    assert {m: round(r["sr"], 1) for m, r in records.items()} == {
        "Tungsten": 1.8, "Beryllium": 2.4, "Sapele wood": 1.4, "Silicon metal": 1.0}
    assert records["Tungsten"]["ei"] == pytest.approx(5.175)
    assert records["Tungsten"]["critical"] is True
    assert records["Silicon metal"]["ei"] == pytest.approx(2.5)
    assert records["Silicon metal"]["critical"] is False  # EI 40 / 160 · 10 = 2.5 < 2.8 with this sector table
    assert [records[m]["supply_used"] for m in ("Tungsten", "Beryllium", "Sapele wood")] == ["gs+eu", "gs", "eu"]
    assert records["Beryllium"]["ei"] is None and records["Beryllium"]["critical"] is None
    assert records["Tungsten"]["stage"] == "extraction"  # extra columns pass through


def test_shares_file_computes_hhi(tmp_path):
    materials = _write(tmp_path, "m.csv", "material,hhi_gs,hhi_eu,import_reliance,eol_rir,si_sr\n"
                                          "Ta,0.10,,1.0,0.01,0.9\n")
    shares = _write(tmp_path, "s.csv", "material,scope,country,share,wgi,t\n"
                                       "Ta,eu,NGA,0.81,6.92,\nTa,eu,RWA,0.14,5,1.0\nTa,eu,CHN,0.05,5.6,1.1\n")
    result = _run(materials, "--shares", shares, "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)[0]
    hhi_eu = 0.81**2 * 6.92 + 0.14**2 * 5 + 0.05**2 * 5.6 * 1.1
    assert record["hhi_eu"] == pytest.approx(hhi_eu / 10)
    assert record["sr"] == pytest.approx((1.0 * 0.5 + hhi_eu * 0.5) * 0.99 * 0.9)


def test_csv_and_table_formats():
    result = _run(str(FIXTURES / "materials_2017.csv"), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("material,sr,ei,critical,supply_used")
    assert _run(str(FIXTURES / "materials_2017.csv")).exit_code == 0


def test_usgs_method(tmp_path):
    path = _write(tmp_path, "u.csv", "material,disruption_potential,trade_exposure,economic_vulnerability\n"
                                     "a,0.5,1.0,0.016\nb,0.1,0.5,0.2\n")
    result = _run(path, "--method", "usgs-2021", "--threshold", "0.21", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["material"] for r in records] == ["b", "a"]
    assert [r["critical"] for r in records] == [True, False]
    assert records[1]["supply_risk"] == pytest.approx(0.2)


HEADER = "material,hhi_gs,hhi_eu,import_reliance,eol_rir,si_sr\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("material,hhi_gs,import_reliance,eol_rir,si_sr\nx,0.1,0.5,0,1\n", "field 'hhi_eu': missing column"),
    (HEADER + "x,0.1,0.2,0.5,abc,1\n", "row 2, field 'eol_rir': not a number: 'abc'"),
    (HEADER + "x,0.1,0.2,1.5,0,1\n", "row 2, field 'import_reliance': 1.5 is outside a fraction 0-1"),
    (HEADER + "x,0.1,0.2,0.5,0,1\ny,1.3,0.2,0.5,0,1\n", "row 3, field 'hhi_gs': 1.3 is outside 0-1.2"),
    (HEADER + "x,0.1,0.2,,0,1\n", "row 2, field 'import_reliance': empty; required when both"),
    (HEADER + "x,,,,0,1\n", "row 2, field 'hhi_gs': hhi_gs and hhi_eu are both empty"),
    (HEADER + "x,0.1,,,0,1\nx,0.1,,,0,1\n", "row 3, field 'material': 'x' repeats row 2"),
    (HEADER + "x,0.1,,,0,-0.1\n", "row 2, field 'si_sr': -0.1 is outside a fraction 0-1"),
    (HEADER + '"x\ny",0.1,,,0,1\n\nz,0.1,,,abc,1\n', "row 5, field 'eol_rir': not a number"),
    (HEADER + "x,0.1,,,0,1\n\n\ny,,,,0,1\n", "row 5, field 'hhi_gs': hhi_gs and hhi_eu are both"),
])
def test_materials_errors_name_file_row_field(tmp_path, text, expected):
    path = _write(tmp_path, "materials.csv", text)
    result = _run(path)
    assert result.exit_code == 2
    assert "materials.csv" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("uses", "expected"), [
    ("material,sector,share\nTungsten,C25,0.6\nGold,C25,0.4\n",
     "uses.csv row 3, field 'material': 'Gold' is not in the materials file"),
    ("material,sector,share\nTungsten,C25,0.7\nSilicon metal,C26,1\nTungsten,C28,0.4\n",
     "uses.csv row 4, field 'share': shares of 'Tungsten' add up to more than 1 (1.1) by this row"),
    ("material,sector,share\nTungsten,C25,x\n", "uses.csv row 2, field 'share': not a number: 'x'"),
    ("material,sector,share\nTungsten,C99,0.5\n", "uses.csv row 2, field 'sector': 'C99' is not in"),
    ("material,sector,share\nTungsten,C25,0.5\n\nTungsten,C99,0.5\n",
     "uses.csv row 4, field 'sector': 'C99' is not in"),
    ("material,share\nTungsten,0.5\n", "uses.csv, field 'sector': missing column"),
])
def test_uses_errors_name_file_row_field(tmp_path, uses, expected):
    path = _write(tmp_path, "uses.csv", uses)
    result = _run(str(FIXTURES / "materials_2017.csv"), "--uses", path, "--sectors", str(FIXTURES / "sectors.csv"))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr


def test_sectors_and_shares_errors(tmp_path):
    sectors = _write(tmp_path, "sectors.csv", "sector,value_added\nC25,100\nC26,-4\nC28,80\n")
    result = _run(str(FIXTURES / "materials_2017.csv"), "--uses", str(FIXTURES / "uses.csv"), "--sectors", sectors)
    assert result.exit_code == 2 and "sectors.csv row 3, field 'value_added': -4 is outside" in result.stderr
    shares = _write(tmp_path, "shares.csv", "material,scope,country,share,wgi\nTungsten,world,CHN,0.8,12\n")
    result = _run(str(FIXTURES / "materials_2017.csv"), "--shares", shares)
    assert result.exit_code == 2
    assert "shares.csv row 2, field 'wgi': 12 is outside 0-10" in result.stderr
    assert "shares.csv row 2, field 'scope': 'world' is not 'gs' or 'eu'" in result.stderr
    shares = _write(tmp_path, "shares3.csv", "material,scope,country,share,wgi\n"
                                             "Beryllium,eu,CHN,0.8,5\nBeryllium,eu,CHN,0.1,5\nBeryllium,eu,USA,0.3,2\n")
    result = _run(str(FIXTURES / "materials_2017.csv"), "--shares", shares)
    assert result.exit_code == 2
    assert "shares3.csv row 3, field 'country': 'CHN' repeats row 2 for Beryllium (eu)" in result.stderr
    assert "shares3.csv row 4, field 'share': shares of 'Beryllium' (eu) add up to more than 1" in result.stderr
    shares = _write(tmp_path, "shares2.csv", "material,scope,country,share,wgi\nTungsten,gs,CHN,0.8,5\n")
    result = _run(str(FIXTURES / "materials_2017.csv"), "--shares", shares)
    assert result.exit_code == 2 and "row 2, field 'hhi_gs': given here and also computed" in result.stderr
    materials = _write(tmp_path, "m.csv", HEADER + "Beryllium,,0.1,,0,1\n\nTungsten,0.1,,,0,1\n")
    result = _run(materials, "--shares", shares)
    assert result.exit_code == 2 and "m.csv row 4, field 'hhi_gs': given here and also" in result.stderr


def test_uses_without_sectors_and_missing_file(tmp_path):
    result = _run(str(FIXTURES / "materials_2017.csv"), "--uses", str(FIXTURES / "uses.csv"))
    assert result.exit_code == 2 and "uses and sectors go together" in result.stderr
    result = _run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_extra_columns_pass_through_as_numbers_or_text(tmp_path):
    materials = _write(tmp_path, "m.csv", "material,hhi_gs,hhi_eu,import_reliance,eol_rir,si_sr,year,code,weight,note\n"
                                          "Tungsten,0.75,0.19,0.44,0.42,1.0,2017,0012,0.5,x\n"
                                          "Gallium,0.59,,,0,0.9,2017,,,\n")
    result = _run(materials, "--format", "json")
    assert result.exit_code == 0, result.output
    tungsten, gallium = json.loads(result.stdout)
    assert (tungsten["year"], tungsten["code"], tungsten["weight"], tungsten["note"]) == (2017, "0012", 0.5, "x")
    assert (gallium["year"], gallium["weight"], gallium["note"]) == (2017, None, None)


def test_all_zero_value_added_is_an_error(tmp_path):
    materials = _write(tmp_path, "m.csv", "material,hhi_gs,hhi_eu,import_reliance,eol_rir,si_sr\n"
                                          "Tungsten,0.75,0.19,0.44,0.42,1.0\n")
    uses = _write(tmp_path, "u.csv", "material,sector,share\nTungsten,C25,1\n")
    sectors = _write(tmp_path, "s.csv", "sector,value_added\nC25,0\n")
    result = _run(materials, "--uses", uses, "--sectors", sectors)
    assert result.exit_code == 2
    assert "field 'value_added': every value_added is 0" in result.output and "Traceback" not in result.output
