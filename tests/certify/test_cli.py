"""The certify commands through the Typer app: outputs, exit codes, no partial files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def keys(tmp_path):
    result = run("keys", "new", "-o", tmp_path / "keys")
    assert result.exit_code == 0, result.output
    return tmp_path / "keys" / "paxsilica.key", tmp_path / "keys" / "paxsilica.pub"


def test_screen_json(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name,country\n1,Huawei Technologies Co Ltd,CN\n"
                     "2,Chunghwa Telecom,TW\n3,Kaspersky Labs,\n", encoding="utf-8")
    result = run("screen", names, "--list", "bundled:fcc_covered", "--list",
                 FIXTURES / "targets.simple.csv")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["query_id"] for r in records] == ["1", "2", "3"]
    first = records[0]["matches"]
    assert first and first == sorted(first, key=lambda m: -m["score"])
    assert {m["id"] for m in first} == {"fcc-huawei-technologies-company", "px-huawei"}
    assert "contributions" in first[0]["explanation"]
    assert records[1]["matches"] == []
    assert records[2]["matches"][0]["id"] in {"fcc-ao-kaspersky-lab", "px-kaspersky"}


def test_screen_csv_threshold_and_ownership(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\ng,Example Gimbal Co Ltd\nl,Example Lens Works\n",
                     encoding="utf-8")
    plain = run("screen", names, "--list", "bundled:dod_1260h", "--format", "csv")
    assert plain.exit_code == 0 and plain.stdout.count("\n") <= 1  # header only
    owned = run("screen", names, "--list", "bundled:dod_1260h", "--ownership",
                FIXTURES / "ownership.csv")
    records = {r["query_id"]: r for r in json.loads(owned.stdout)}
    assert records["g"]["matches"][0]["id"] == "controlled:Example Gimbal Co Ltd"
    assert "55% in aggregate" in records["g"]["matches"][0]["explanation"]["control"]
    assert records["l"]["matches"][0]["id"] == "controlled:Example Lens Works"  # 60% via gimbal


def test_screen_stored_list(tmp_path):
    db = tmp_path / "p.duckdb"
    imported = run("lists", "import", FIXTURES / "targets.simple.csv", "--name", "os", "--db", db)
    assert imported.exit_code == 0, imported.output
    listing = run("lists", "list", "--db", db, "--format", "json")
    assert json.loads(listing.stdout)[0]["list_name"] == "os"
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\n1,DJI\n", encoding="utf-8")
    result = run("screen", names, "--list", "os", "--db", db)
    assert json.loads(result.stdout)[0]["matches"][0]["id"] == "px-dji"


def test_certify_sign_verify_and_tamper(tmp_path, keys):
    private, public = keys
    bom = tmp_path / "bom.csv"
    shutil.copy(FIXTURES / "drone_bom_red.csv", bom)
    cert, html = tmp_path / "cert.json", tmp_path / "cert.html"
    result = run("certify", bom, "--list", "bundled:dod_1260h", "--list", "bundled:fcc_covered",
                 "--rules", "uas-ndaa848", "--sign", private, "-o", cert, "--html", html)
    assert result.exit_code == 1, result.output  # FAIL: exit 1, the certificate written
    document = json.loads(cert.read_text(encoding="utf-8"))
    assert document["certificate"]["verdict"] == "fail"
    assert "SZ DJI" in html.read_text(encoding="utf-8")
    ok = run("verify", cert, "--public-key", public, "--bom", bom)
    assert ok.exit_code == 0 and "VALID" in ok.stdout
    # a BOM that no longer matches
    bom.write_text(bom.read_text(encoding="utf-8").replace("Contemporary Amperex", "Example"),
                   encoding="utf-8")
    assert run("verify", cert, "--public-key", public, "--bom", bom).exit_code == 1
    # an edited certificate
    document["certificate"]["verdict"] = "pass"
    cert.write_text(json.dumps(document), encoding="utf-8")
    changed = run("verify", cert, "--public-key", public)
    assert changed.exit_code == 1 and "INVALID" in changed.output


def test_bad_inputs_write_nothing(tmp_path, keys):
    private, _ = keys
    cert = tmp_path / "cert.json"
    bad_bom = tmp_path / "bom.csv"
    bad_bom.write_text("part_id,parent_id,description,category,manufacturer,country_of_origin,"
                       "quantity\nA,B,x,motor,X,TW,1\nB,A,y,motor,X,TW,1\n", encoding="utf-8")
    result = run("certify", bad_bom, "--list", "bundled:fcc_covered", "--rules", "uas-ndaa848",
                 "--sign", private, "-o", cert)
    assert result.exit_code == 2 and "cycle" in result.output
    corrupt = tmp_path / "corrupt.key"
    corrupt.write_text("not a key")
    result = run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:fcc_covered",
                 "--rules", "uas-ndaa848", "--sign", corrupt, "-o", cert)
    assert result.exit_code == 2 and "private key" in result.output
    result = run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:fcc_covered",
                 "--rules", "no-such-pack", "-o", cert)
    assert result.exit_code == 2
    bad_list = tmp_path / "list.csv"
    bad_list.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = run("certify", FIXTURES / "drone_bom.csv", "--list", bad_list, "--rules",
                 "uas-ndaa848", "-o", cert)
    assert result.exit_code == 2 and "unknown list format" in result.output
    assert not cert.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cert")] == []
    assert "Traceback" not in result.output


def test_keys_refuse_overwrite(tmp_path, keys):
    again = run("keys", "new", "-o", keys[0].parent)
    assert again.exit_code == 2 and "refusing to overwrite" in again.output


def test_screen_ftm_list_uses_targets_and_ownership(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\na,Redstone Avionics Holding Co\nd,Lakeside Gimbal Ltd\n"
                     "e,Northgate Sensors\n", encoding="utf-8")
    result = run("screen", names, "--list", FIXTURES / "entities.ftm.json")
    assert result.exit_code == 0, result.output
    records = {r["query_id"]: r["matches"] for r in json.loads(result.stdout)}
    assert records["a"][0]["id"] == "ftm-listed-a"
    # D is not a target itself, but owned 51% by C, which listed A and B control (55%)
    assert [m["id"] for m in records["d"]] == ["controlled:ftm-sub-d"]
    assert "Redstone Avionics Holding -> Harbor Flight Systems -> Lakeside Gimbal Ltd" in (
        records["d"][0]["explanation"]["control"])
    assert "restricted owners: Harbor Flight Systems 51% (controlled)" in (
        records["d"][0]["explanation"]["control"])
    assert records["e"] == []  # 49.9% is below the 50% rule


def test_screen_bad_names_file(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("id,company\n1,Huawei\n", encoding="utf-8")
    result = run("screen", names, "--list", "bundled:fcc_covered")
    assert result.exit_code == 2 and "query_id" in result.output


def test_verify_corrupt_certificate_file(tmp_path, keys):
    cert = tmp_path / "cert.json"
    cert.write_text("{truncated", encoding="utf-8")
    result = run("verify", cert, "--public-key", keys[1])
    assert result.exit_code == 1 and "INVALID" in result.output


def test_cyclonedx_attestation_is_valid_cyclonedx_1_6(tmp_path, keys):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    cdx = tmp_path / "attestation.cdx.json"
    result = run("certify", FIXTURES / "drone_bom_red.csv", "--list", "bundled:dod_1260h",
                 "--rules", "uas-ndaa848", "--sign", keys[0], "-o", tmp_path / "c.json",
                 "--cyclonedx", cdx)
    assert result.exit_code == 1, result.output  # a FAIL verdict
    text = cdx.read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    data = json.loads(text)
    conformance = {m["requirement"]: m["conformance"]["score"]
                   for m in data["declarations"]["attestations"][0]["map"]}
    assert conformance == {"requirement:covered-component-from-listed-entity": 0.0,
                           "requirement:part-from-country-of-concern": 0.0,
                           "requirement:other-part-from-listed-entity": 0.0}
    refs = {c["bom-ref"] for c in data.get("components", [])}
    assert "part:CAM-1" in refs and data["metadata"]["component"]["bom-ref"] == "part:UAS-1"
    # the attestation points at the signed certificate
    props = {p["name"]: p["value"] for p in data["properties"]}
    certificate = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert props["paxsilica:certificate:public_key_sha256"] == (
        certificate["signature"]["public_key_sha256"])


def test_investment_screening_with_the_store_ownership(tmp_path):
    from paxsilica.store import import_file, open_store

    db = tmp_path / "p.duckdb"
    store = open_store(db)
    companies = tmp_path / "companies.csv"
    companies.write_text(
        "company_id,name,country,source,confidence\n"
        "t_dji,SZ DJI Technology Co. Ltd.,CHN,test fixture,high\n"
        "t_optics,Example Optics Holding,SGP,test fixture (fictional company),high\n",
        encoding="utf-8")
    ownership = tmp_path / "ownership.csv"
    ownership.write_text("owner_id,owned_id,percentage,source,confidence\n"
                         "t_dji,t_optics,70,test fixture,high\n", encoding="utf-8")
    import_file(store, "companies", companies)
    import_file(store, "ownership", ownership)
    store.close()
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\n1,Example Optics Holding Pte Ltd\n", encoding="utf-8")
    without = run("screen", names, "--list", "bundled:dod_1260h", "--db", db)
    assert json.loads(without.stdout)[0]["matches"] == []
    result = run("screen", names, "--list", "bundled:dod_1260h", "--db", db,
                 "--store-ownership")
    assert result.exit_code == 0, result.output
    match = json.loads(result.stdout)[0]["matches"][0]
    assert match["id"] == "controlled:t_optics"
    cert = tmp_path / "cert.json"
    bom = tmp_path / "bom.csv"
    bom.write_text("part_id,parent_id,description,category,manufacturer,country_of_origin,"
                   "quantity\nD,,Drone,system,Acme,TW,1\nC,D,Camera,camera,"
                   "Example Optics Holding,SG,1\n", encoding="utf-8")
    certified = run("certify", bom, "--list", "bundled:dod_1260h", "--rules", "uas-ndaa848",
                    "--db", db, "--store-ownership", "-o", cert)
    assert certified.exit_code == 1, certified.output  # a FAIL verdict
    body = json.loads(cert.read_text(encoding="utf-8"))["certificate"]
    assert body["verdict"] == "fail"
    assert body["ownership"]["file"] is None
    from paxsilica.certify.ownership import store_ownership, store_ownership_record

    reopened = open_store(db)
    expected = store_ownership_record(*store_ownership(reopened))
    reopened.close()
    assert body["ownership"]["store"] == expected and expected["links"] >= 1
    assert "SZ DJI Technology Co. Ltd. -> Example Optics Holding" in match["explanation"][
        "control"]


def test_certificate_records_the_ownership_file(tmp_path):
    import hashlib

    cert = tmp_path / "cert.json"
    result = run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:dod_1260h",
                 "--rules", "uas-ndaa848", "--ownership", FIXTURES / "ownership.csv",
                 "-o", cert)
    assert result.exit_code == 1, result.output  # a FAIL verdict
    body = json.loads(cert.read_text(encoding="utf-8"))["certificate"]
    digest = hashlib.sha256((FIXTURES / "ownership.csv").read_bytes()).hexdigest()
    assert body["ownership"]["file"] == {"file": "ownership.csv", "format": "table",
                                         "sha256": digest, "links": 4}
    assert body["ownership"]["store"] is None
    assert body["verdict"] == "fail"  # the gimbal maker is 55% owned by listed parties
