"""Issue 14: every way a supplier could get a false PASS gives FAIL or a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from paxsilica.certify import certify_bom, screen_names, verify_certificate
from paxsilica.certify.certificate import new_key_pair
from paxsilica.certify.lists import bundled_list_path, load_list
from paxsilica.certify.rules import load_pack
from paxsilica.cli.app import app
from paxsilica.errors import ValidationError
from paxsilica.io.cyclonedx import read_cyclonedx
from paxsilica.io.ftm import read_ftm
from paxsilica.testing import assert_one_line_error as one_line_error

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
HEADER = "part_id,parent_id,description,category,manufacturer,country_of_origin,quantity\n"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def keys(tmp_path: Path) -> tuple[Path, Path]:
    assert run("keys", "new", "-o", tmp_path / "k").exit_code == 0
    return tmp_path / "k" / "paxsilica.key", tmp_path / "k" / "paxsilica.pub"


@pytest.mark.parametrize("manufacturer", [
    "SZ DJI Technology Co Ltd (Shenzhen)", "SZ DJI Technology Co Ltd x",
    "SZ DJI Technology Co Ltd - Camera Division", "ЅZ ĐJI Technology Co Ltd",
    "Shenzhen DJI Innovations", "DJI Innovations", "Huawei Technologies Co Ltd Shenzhen Branch",
    "Нuаwеі Technologies Co Ltd", "Ηuawei Technologies Co Ltd",
    "Huawei Technologies Co. Ltd. (Shenzhen)", "Hangzhou Hikvision Digital Technology Co Ltd USA",
])
def test_disguised_manufacturer_fails_the_certificate(tmp_path, manufacturer):
    bom = tmp_path / "bom.csv"
    bom.write_text(HEADER + "D,,Drone,system,Acme,TW,1\n"
                   f"C,D,Camera,camera,\"{manufacturer}\",CN,1\n", encoding="utf-8")
    body = certify_bom(bom, ["bundled:dod_1260h", "bundled:csl_sample"], "uas-ndaa848")[
        "certificate"]
    assert body["verdict"] == "fail"
    assert any(f["rule"] == "covered-component-from-listed-entity" for f in body["findings"])


def test_unknown_query_country_is_an_error_naming_the_row(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name,country\n1,Acme,TW\n2,Huawei Technologies,Chna\n"
                     "3,ZTE,Atlantis\n", encoding="utf-8")
    result = run("screen", names, "--list", "bundled:fcc_covered")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "names.csv row 3, field 'country': unknown country 'Chna'" in result.output
    assert "row 4, field 'country': unknown country 'Atlantis'" in result.output
    with pytest.raises(ValidationError) as caught:
        screen_names(pd.DataFrame({"query_id": ["a"], "name": ["Huawei"], "country": ["Atlantis"]}),
                     [load_list(bundled_list_path("fcc_covered"))])
    assert "field 'country'" in str(caught.value) and "Atlantis" in str(caught.value)


def test_known_query_countries_still_count(tmp_path):
    found = screen_names(pd.DataFrame({"query_id": ["a"], "name": ["Huawei Technologies"],
                                       "country": ["China"]}),
                         [load_list(bundled_list_path("fcc_covered"))])
    assert found.iloc[0]["explanation"]["features"].get("country_match") == 1.0


def _cyclonedx(tmp_path: Path, properties: list[dict]) -> Path:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "device", "bom-ref": "cam", "name": "Camera", "supplier": {"name": "Acme"},
         "properties": properties}]}
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_cyclonedx_conflicting_properties_are_an_error(tmp_path):
    path = _cyclonedx(tmp_path, [{"name": "paxsilica:category", "value": "camera"},
                                 {"name": "paxsilica:category", "value": "motor"}])
    with pytest.raises(ValidationError) as caught:
        read_cyclonedx(path)
    assert "conflicting 'paxsilica:category' values: 'camera', 'motor'" in str(caught.value)
    assert "row 1" in str(caught.value)
    same = _cyclonedx(tmp_path, [{"name": "paxsilica:category", "value": "camera"},
                                 {"name": "paxsilica:category", "value": "camera"}])
    assert read_cyclonedx(same)["category"].tolist() == ["camera"]


def test_cyclonedx_unknown_paxsilica_property_is_an_error(tmp_path):
    path = _cyclonedx(tmp_path, [{"name": "paxsilica:categroy", "value": "camera"}])
    with pytest.raises(ValidationError, match="unknown property 'paxsilica:categroy'"):
        read_cyclonedx(path)


def test_cyclonedx_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "dup.cdx.json"
    path.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, '
                    '"components": [], "components": []}', encoding="utf-8")
    with pytest.raises(ValidationError, match="duplicate key 'components'"):
        read_cyclonedx(path)


def test_cyclonedx_nested_500_deep_is_a_clear_error(tmp_path):
    opening = '{"type": "device", "name": "n", "components": ['
    text = ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": ['
            + opening * 500 + '{"type": "device", "name": "leaf"}' + "]}" * 500 + "]}")
    path = tmp_path / "deep.cdx.json"
    path.write_text(text, encoding="utf-8")
    bom = tmp_path / "deep.cdx.json"
    one_line_error(run("certify", bom, "--list", "bundled:fcc_covered", "--rules",
                       "fcc-covered"), "deep.cdx.json", "nested deeper than 100 levels")


@pytest.mark.parametrize(("when", "field"), [
    ("{category: []}", "rules.r.when.category"),
    ("{origin: []}", "rules.r.when.origin"),
    ("{category: [camera], category_not: [camera]}", "rules.r.when.category_not"),
    ("{origin_known: false, origin: [CN]}", "rules.r.when.origin_known"),
    ("{listed_on: [fcc_covered]}", "rules.r.when.listed_on"),
    ("{category: '@empty'}", "rules.r.when.category"),
])
def test_a_rule_that_can_never_match_is_an_error(tmp_path, when, field):
    pack = tmp_path / "pack.yaml"
    pack.write_text("id: p\ntitle: t\nversion: '1'\nsets: {empty: []}\nrules:\n"
                    f"  - id: r\n    severity: fail\n    reason: x\n    when: {when}\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_pack(pack)
    assert any(error.field == field for error in caught.value.errors), caught.value.errors


def test_certify_exit_codes_and_certificate_still_written(tmp_path, keys):
    red, clean = tmp_path / "red.json", tmp_path / "clean.json"
    failed = run("certify", FIXTURES / "drone_bom_red.csv", "--list", "bundled:dod_1260h",
                 "--rules", "uas-ndaa848", "--sign", keys[0], "-o", red)
    assert failed.exit_code == 1 and "verdict: FAIL" in failed.output
    assert json.loads(red.read_text(encoding="utf-8"))["certificate"]["verdict"] == "fail"
    passed = run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:fcc_covered",
                 "--rules", "fcc-covered", "-o", clean)
    assert passed.exit_code == 0 and "verdict: PASS" in passed.output
    one_line_error(run("certify", tmp_path / "missing.csv", "--list", "bundled:fcc_covered",
                       "--rules", "fcc-covered"), "missing.csv")


def _signed(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    cert = tmp_path / "cert.json"
    assert run("certify", FIXTURES / "drone_bom_red.csv", "--list", "bundled:dod_1260h",
               "--rules", "uas-ndaa848", "--sign", keys[0], "-o", cert).exit_code == 1
    return cert


def test_duplicate_verdict_key_before_the_signed_one_is_invalid(tmp_path, keys):
    cert = _signed(tmp_path, keys)
    text = cert.read_text(encoding="utf-8")
    assert '"verdict": "fail"' in text
    cert.write_text(text.replace('"verdict": "fail"', '"verdict": "pass", "verdict": "fail"', 1),
                    encoding="utf-8")
    result = run("verify", cert, "--public-key", keys[1])
    assert result.exit_code == 1 and "INVALID" in result.output
    assert "duplicate key 'verdict'" in result.output


def test_unsigned_extra_top_level_field_is_invalid(tmp_path, keys):
    cert = _signed(tmp_path, keys)
    document = json.loads(cert.read_text(encoding="utf-8"))
    document["verdict"] = "pass"
    cert.write_text(json.dumps(document), encoding="utf-8")
    result = run("verify", cert, "--public-key", keys[1])
    assert result.exit_code == 1 and "unexpected top-level field(s) 'verdict'" in result.output
    document.pop("verdict")
    document["signature"]["note"] = "ok"
    cert.write_text(json.dumps(document), encoding="utf-8")
    assert "unexpected signature field(s) 'note'" in run("verify", cert, "--public-key",
                                                          keys[1]).output


def test_deeply_nested_certificate_is_invalid_not_a_traceback(tmp_path, keys):
    cert = tmp_path / "deep.json"
    cert.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run("verify", cert, "--public-key", keys[1])
    assert result.exit_code == 1 and "nested deeper" in result.output
    assert "Traceback" not in result.output


def test_certificate_names_list_age_and_samples_in_json_and_html(tmp_path, keys):
    cert, html = tmp_path / "c.json", tmp_path / "c.html"
    result = run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:fcc_covered",
                 "--rules", "fcc-covered", "-o", cert, "--html", html,
                 "--max-list-age-days", "30")
    assert result.exit_code == 0, result.output
    body = json.loads(cert.read_text(encoding="utf-8"))["certificate"]
    record = body["lists"][0]
    assert record["bundled_sample"] is True and record["as_of"] == "2026-03-23"
    assert record["age_days"] > 30 and body["max_list_age_days"] == 30
    assert any("bundled SAMPLE" in w for w in body["warnings"])
    assert any("days old" in w and "more than 30 days" in w for w in body["warnings"])
    assert "warning:" in result.output
    page = html.read_text(encoding="utf-8")
    assert "bundled SAMPLE" in page and "Scope warnings" in page


def test_an_imported_list_is_no_sample(tmp_path):
    lst = tmp_path / "fcc.csv"
    lst.write_text(bundled_list_path("fcc_covered").read_text(encoding="utf-8")
                   + "Example Corp,,CN,equipment,2026-11-30,DA 26-1\n", encoding="utf-8")
    body = certify_bom(FIXTURES / "drone_bom.csv", [str(lst)], "fcc-covered",
                       issued_at="2026-12-04T00:00:00Z", max_list_age_days=30)["certificate"]
    assert body["lists"][0]["bundled_sample"] is False
    assert body["lists"][0]["age_days"] == 4 and body["warnings"] == []


def test_library_certificate_is_what_the_cli_writes(tmp_path, keys):
    cert = tmp_path / "c.json"
    assert run("certify", FIXTURES / "drone_bom.csv", "--list", "bundled:fcc_covered",
               "--rules", "fcc-covered", "-o", cert).exit_code == 0
    written = json.loads(cert.read_text(encoding="utf-8"))
    made = certify_bom(FIXTURES / "drone_bom.csv", ["bundled:fcc_covered"], "fcc-covered",
                       issued_at=written["certificate"]["issued_at"])
    assert made == written


def test_verify_certificate_returns_a_typed_result(tmp_path):
    private, public = new_key_pair()
    document = certify_bom(FIXTURES / "drone_bom.csv", ["bundled:fcc_covered"], "fcc-covered",
                           key=private)
    text = json.dumps(document)
    ok = verify_certificate(text.encode("utf-8"), public, bom=FIXTURES / "drone_bom.csv")
    assert ok.valid and ok.bom_matches and ok.certificate == document["certificate"]
    other = verify_certificate(text, public, bom=FIXTURES / "drone_bom_red.csv")
    assert not other.valid and other.bom_matches is False and "BOM" in other.reason
    assert not verify_certificate(text, new_key_pair()[1]).valid
    assert not verify_certificate("{not json", public).valid


def test_ftm_weak_aliases_and_former_names_are_screened(tmp_path):
    path = tmp_path / "e.ftm.json"
    path.write_text(json.dumps({"id": "x", "schema": "Company", "properties": {
        "name": ["Zorvex Dynamics Ltd"], "weakAlias": ["ZDX"],
        "previousName": ["Korin Avionics"], "alias": ["Zorvex"]}}), encoding="utf-8")
    entities, _ = read_ftm(path)
    assert entities.iloc[0]["aliases"] == ["Zorvex", "Korin Avionics", "ZDX"]
    found = screen_names(pd.DataFrame({"query_id": ["q"], "name": ["Korin Avionics GmbH"]}),
                         [load_list(path)])
    assert found.iloc[0]["entity_id"] == "x"
