"""Safe certification defaults: every installed list and the strictest pack that applies,
in the library, the CLI and the API; verdicts carry their warnings and say what a PASS on
sample or stale lists is worth."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from paxsilica.certify.bom import load_bom
from paxsilica.certify.defaults import installed_list_specs, strictest_pack
from paxsilica.certify.lists import bundled_list_path, import_list, load_list, resolve_lists
from paxsilica.cli.app import app as cli_app
from paxsilica.requests.certify import CertifyRequest, answer_certify
from paxsilica.service import RateLimit, ServiceConfig, create_app
from paxsilica.service.access import add_token
from paxsilica.store import open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
RED, CLEAN = FIXTURES / "drone_bom_red.csv", FIXTURES / "drone_bom.csv"


def test_the_red_drone_fails_under_the_defaults_in_the_library():
    body = answer_certify(CertifyRequest(bom=RED))["certificate"]
    assert body["verdict"] == "fail"
    assert body["rule_pack"]["id"] == "uas-ndaa848" and "strictest" in body["rule_pack"]["chosen"]
    assert {lst["name"] for lst in body["lists"]} == {"fcc_covered", "dod_1260h", "csl_sample"}
    failing = {finding["part_id"] for finding in body["findings"] if finding["severity"] == "fail"}
    assert "CAM-1" in failing  # the DJI camera: a covered component of a listed entity
    # the old dashboard default (fcc-covered, the FCC sample only) let it pass: the oracle
    weak = answer_certify(CertifyRequest(bom=RED, rules="fcc-covered",
                                         lists=["bundled:fcc_covered"]))["certificate"]
    assert weak["verdict"] == "pass"


def test_the_red_drone_fails_under_the_defaults_in_the_cli(tmp_path):
    result = CliRunner().invoke(cli_app, ["--db", str(tmp_path / "c.duckdb"), "certify", str(RED),
                                          "-o", str(tmp_path / "cert.json")])
    assert result.exit_code == 1, result.output
    body = json.loads((tmp_path / "cert.json").read_text(encoding="utf-8"))["certificate"]
    assert body["verdict"] == "fail" and body["rule_pack"]["id"] == "uas-ndaa848"
    assert "verdict: FAIL" in result.stderr and "SAMPLE" in result.stderr


def test_the_red_drone_fails_under_the_defaults_in_the_api():
    app = create_app(ServiceConfig(rate_limit=RateLimit(rate=1000, burst=1000)))
    with TestClient(app) as client:
        token = add_token(app.state.service.store, "certifier", "certifier", who="test")
        answer = client.post("/api/v1/certify", files={"bom": ("red.csv", RED.read_bytes())},
                             headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()["certificate"]
    assert body["verdict"] == "fail" and body["rule_pack"]["id"] == "uas-ndaa848"
    assert len(body["warnings"]) >= 3  # each list a sample, each older than 90 days


def test_a_pass_on_sample_lists_says_so_in_words():
    body = answer_certify(CertifyRequest(bom=CLEAN))["certificate"]
    assert body["verdict"] == "pass"
    assert body["verdict_text"].startswith("PASS only against what was checked")
    assert "SAMPLE" in body["verdict_text"] and "Not a clearance" in body["verdict_text"]
    assert any("SAMPLE" in warning for warning in body["warnings"])


def test_a_stored_list_replaces_the_bundled_sample_of_its_name(tmp_path):
    store = open_store(tmp_path / "lists.duckdb")
    import_list(store, load_list(bundled_list_path("dod_1260h"), name="fcc_covered"))
    assert installed_list_specs(store) == ["fcc_covered", "bundled:dod_1260h", "bundled:csl_sample"]
    assert installed_list_specs(None) == ["bundled:fcc_covered", "bundled:dod_1260h",
                                          "bundled:csl_sample"]


def test_the_strictest_pack_is_never_laxer_than_another_that_applies():
    for bom in (RED, CLEAN):
        parts = load_bom(bom)
        lists = resolve_lists(installed_list_specs(None))
        chosen, _ = strictest_pack(parts, lists)
        mine = answer_certify(CertifyRequest(bom=bom, rules=chosen.id))["certificate"]
        for pack in ("uas-ndaa848", "fcc-covered", "magnets-tungsten"):
            other = answer_certify(CertifyRequest(bom=bom, rules=pack))["certificate"]
            assert (mine["verdict"] == "fail") >= (other["verdict"] == "fail")
            if mine["verdict"] == other["verdict"]:
                assert mine["summary"]["fail"] >= other["summary"]["fail"]
