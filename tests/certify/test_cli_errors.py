"""Bad input to the certify commands: exit status 2, one line naming the input, no file written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.testing import assert_one_line_error as fails

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
BOM = FIXTURES / "drone_bom_red.csv"
CLEAN_BOM = FIXTURES / "drone_bom.csv"  # passes: outputs are written (the red one fails)
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def nothing_written(folder: Path, before: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == before


@pytest.fixture()
def names(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    path.write_text("query_id,name\n1,Huawei Technologies Co Ltd\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["5", "1.5", "-1", "nan", "inf"])
def test_certify_threshold_out_of_range(tmp_path, value):
    out = tmp_path / "cert.json"
    result = run("certify", BOM, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
                 "--threshold", value, "-o", out)
    fails(result, "threshold", "0 to 1")
    assert not out.exists()


@pytest.mark.parametrize("value", ["1.5", "-1", "nan"])
def test_screen_threshold_out_of_range(tmp_path, names, value):
    out = tmp_path / "matches.json"
    fails(run("screen", names, "--list", "bundled:fcc_covered", "--threshold", value, "-o", out),
          "threshold")
    assert not out.exists()


def test_threshold_bounds_are_accepted(names):
    for value in ("0", "1"):
        assert run("screen", names, "--list", "bundled:fcc_covered",
                   "--threshold", value).exit_code == 0


@pytest.mark.parametrize(("pack", "needles"), [
    ("id: p\ntitle: t\nversion: '1'\nrules:\n  - {id: r, severity: fail, reason: '{part}', "
     "when: {}}\n", ("pack.yaml", "rules.r.reason", "{part}")),
    ("id: p\ntitle: t\nversion: '1'\nrules:\n  - {id: r, severity: fail, reason: x, "
     "when: {origin: [Germny]}}\n", ("pack.yaml", "rules.r.when.origin", "Germny")),
    ("- a\n- b\n", ("pack.yaml", "YAML mapping")),
    ("plain text\n", ("pack.yaml", "YAML mapping")),
    ("id: p\ntitle: t\nversion: '1'\nrules:\n  - {id: r, severity: fail, reason: x, "
     "when: {manufacturer_listed: true, listed_on: [fcc_covered]}}\n",
     ("pack.yaml", "rules.r.when.listed_on", "'fcc_covered' was not given")),
])
def test_bad_rule_pack(tmp_path, pack, needles):
    path = tmp_path / "pack.yaml"
    path.write_text(pack, encoding="utf-8")
    out = tmp_path / "cert.json"
    fails(run("certify", BOM, "--list", "bundled:dod_1260h", "--rules", path, "-o", out),
          *needles)
    assert not out.exists()


@pytest.mark.parametrize("option", ["-o", "--html", "--cyclonedx"])
def test_output_that_is_a_directory_writes_nothing(tmp_path, option):
    folder = tmp_path / "adir"
    folder.mkdir()
    outputs = {"-o": tmp_path / "o1.json", "--html": tmp_path / "o1.html",
               "--cyclonedx": tmp_path / "o1.cdx.json"}
    outputs[option] = folder
    args = [a for pair in outputs.items() for a in pair]
    result = run("certify", BOM, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
                 *args)
    fails(result, option, "adir", "is a directory")
    nothing_written(tmp_path, {"adir"})
    assert list(folder.iterdir()) == []


def test_output_under_a_file_and_twice_the_same_file(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    fails(run("certify", BOM, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
              "-o", blocker / "cert.json"), "-o", "afile is a file")
    same = tmp_path / "same.json"
    fails(run("certify", BOM, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
              "-o", same, "--html", same), "--html", "the same file as -o")
    nothing_written(tmp_path, {"afile"})


def test_all_outputs_are_written_together(tmp_path):
    outputs = [tmp_path / "c.json", tmp_path / "sub" / "c.html", tmp_path / "c.cdx.json"]
    result = run("certify", CLEAN_BOM, "--list", "bundled:fcc_covered", "--rules",
                 "uas-ndaa848", "-o", outputs[0], "--html", outputs[1], "--cyclonedx", outputs[2])
    assert result.exit_code == 0, result.output
    assert all(path.stat().st_size > 0 for path in outputs)
    assert not [p for p in tmp_path.rglob(".*")]  # no temporaries left


def test_screen_output_directory(tmp_path, names):
    folder = tmp_path / "adir"
    folder.mkdir()
    fails(run("screen", names, "--list", "bundled:fcc_covered", "-o", folder), "-o",
          "is a directory")
    assert list(folder.iterdir()) == []


def test_verify_missing_bom_is_a_usage_error(tmp_path):
    keys = tmp_path / "keys"
    assert run("keys", "new", "-o", keys).exit_code == 0
    cert = tmp_path / "cert.json"
    assert run("certify", CLEAN_BOM, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
               "--sign", keys / "paxsilica.key", "-o", cert).exit_code == 0
    fails(run("verify", cert, "--public-key", keys / "paxsilica.pub", "--bom",
              tmp_path / "nonexistent.csv"), "nonexistent.csv", "bom", "no such file")
    fails(run("verify", cert, "--public-key", keys / "paxsilica.pub", "--bom", keys),
          "bom", "is a directory")


def test_keys_new_into_an_existing_file(tmp_path):
    target = tmp_path / "afile"
    target.write_text("keep me", encoding="utf-8")
    fails(run("keys", "new", "-o", target), "afile is a file, not a directory")
    assert target.read_text(encoding="utf-8") == "keep me"
    nothing_written(tmp_path, {"afile"})


def test_screen_duplicate_query_id(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\n1,Huawei\n2,ZTE\n1,DJI\n", encoding="utf-8")
    out = tmp_path / "m.json"
    fails(run("screen", names, "--list", "bundled:fcc_covered", "-o", out),
          "names.csv row 4, field 'query_id'", "duplicate query_id '1' (first on row 2)")
    assert not out.exists()


def test_screen_names_errors_name_file_lines_past_blank_lines_and_quoted_newlines(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text('query_id,name\n\n1,Huawei\n2,"ZTE\nCorporation"\n\n1,DJI\n',
                     encoding="utf-8")
    fails(run("screen", names, "--list", "bundled:fcc_covered"),
          "names.csv row 7, field 'query_id'", "duplicate query_id '1' (first on row 3)")


def test_screen_csv_joins_list_cells(tmp_path):
    import csv

    listed = tmp_path / "targets.simple.csv"
    listed.write_text("id,schema,name,countries\nx1,Company,Hikvision Digital Technology,cn;hk\n",
                      encoding="utf-8")
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\n1,Hikvision Digital Technology Co Ltd\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    result = run("screen", names, "--list", listed, "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["entity_id"] == "x1" and rows[0]["countries"] == "CHN;HKG"


@pytest.mark.parametrize(("name", "text", "needles"), [
    ("fcc.csv", "entity,aliases,country,covered_equipment_or_services,date_of_inclusion,"
                "fcc_document\n", ("fcc.csv", "no entities")),
    ("dod.csv", "name,aliases,country,date_listed,notice\nAcme,,CN,07/01/2025,x\n",
     ("dod.csv row 2, field 'date_listed'", "07/01/2025")),
    ("os.csv", "id,schema,name,countries,first_seen\nx,Company,Acme,cn,notadate\n",
     ("os.csv row 2, field 'first_seen'", "notadate")),
    ("fcc.csv", "entity,country,date_of_inclusion\nAcme,ZZ,2021-03-01\n",
     ("fcc.csv row 2, field 'country'", "'ZZ'")),
    ("l.ftm.json", '{"id": "a", "schema": "Company", "properties": "abc"}\n',
     ("l.ftm.json row 1, field 'properties'",)),
    ("l.ftm.json", '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n'
                   '{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], '
                   '"asset": ["b"], "percentage": ["abc"]}}\n',
     ("l.ftm.json row 2, field 'percentage'", "'abc'")),
])
def test_bad_list_writes_nothing(tmp_path, name, text, needles):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "cert.json"
    fails(run("certify", BOM, "--list", path, "--rules", "uas-ndaa848", "-o", out), *needles)
    assert not out.exists()


def test_ownership_csv_over_100_percent_is_refused_but_an_ftm_stream_is_not(tmp_path, names):
    links = tmp_path / "own.csv"
    links.write_text("owner,owned,percentage\nx,y,70\n\nz,y,40\n", encoding="utf-8")
    fails(run("screen", names, "--list", "bundled:fcc_covered", "--ownership", links),
          "own.csv row 4, field 'percentage'", "110% in total")
    # FtM (OpenSanctions): past owners (endDate) are dropped, a holding repeated by several
    # datasets counts once, and what remains may exceed 100%
    stream = tmp_path / "own.ftm.json"
    stream.write_text("\n".join(json.dumps({"id": oid, "schema": "Ownership", "properties": {
        "owner": owner, "asset": "Example Gimbal Co Ltd", "percentage": share, **extra}})
        for oid, owner, share, extra in [
            ("o1", "x", "70", {}), ("o2", "z", "40", {}),
            ("o3", "Huawei Technologies Co Ltd", "30", {}),
            ("o4", "Huawei Technologies Co Ltd", "30", {}),          # same link, another dataset
            ("o5", "Huawei Technologies Co Ltd", "60", {"endDate": "2010-06"})]),  # ended
        encoding="utf-8")
    result = run("screen", names, "--list", "bundled:fcc_covered", "--ownership", stream)
    assert result.exit_code == 0, result.output
    gimbal = tmp_path / "gimbal.csv"
    gimbal.write_text("query_id,name\ng,Example Gimbal Co Ltd\n", encoding="utf-8")
    result = run("screen", gimbal, "--list", "bundled:fcc_covered", "--ownership", stream)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["matches"] == []  # 30%, not 60% or 90%
    stream.write_text(stream.read_text(encoding="utf-8").replace("2010-06", "2999-06"),
                      encoding="utf-8")  # the 60% holding is current after all
    result = run("screen", gimbal, "--list", "bundled:fcc_covered", "--ownership", stream)
    assert "60% in aggregate" in json.loads(result.stdout)[0]["matches"][0]["explanation"][
        "control"]


@pytest.mark.parametrize(("name", "text", "needles"), [
    ("bom.csv", "part_id,parent_id,description,category,manufacturer,country_of_origin,"
                "quantity\nD,,Drone,system,Acme,TW,inf\n",
     ("bom.csv row 2, field 'quantity'", "'inf'")),
    ("bom.csv", "part_id,parent_id,description,category,manufacturer,country_of_origin,"
                "quantity\nD,,Drone,,Acme,TW,1\n",
     ("bom.csv row 2, field 'category'", "category is empty")),
    ("bom.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, '
                     '"components": [{"bom-ref": "fw", "name": "FW"}]}',
     ("bom.cdx.json row 1, field 'components[0].type'",)),
])
def test_bad_bom_writes_nothing(tmp_path, name, text, needles):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "cert.json"
    fails(run("certify", path, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
              "-o", out), *needles)
    assert not out.exists()
