"""Screen, certify and verify: the CLI's results for the same inputs; bad uploads are 4xx."""

from __future__ import annotations

import json

import pytest
from tests.service.conftest import FIXTURES, auth, cli, cli_json

LISTS = ["bundled:fcc_covered", "bundled:dod_1260h"]


def _without_time(document: dict) -> dict:
    body = dict(document["certificate"])
    body.pop("issued_at")
    return body


def test_screen_equals_cli_json(client, tokens, tmp_path):
    names = [{"query_id": "1", "name": "Huawei Technologies Co Ltd", "country": "CN"},
             {"query_id": "2", "name": "Chunghwa Telecom", "country": "TW"},
             {"query_id": "3", "name": "Hangzhou Hikvision Digital Technology"},
             {"query_id": "x", "name": "Acme Tools"}]
    path = tmp_path / "names.csv"
    path.write_text("query_id,name,country\n" + "".join(
        f"{n['query_id']},{n['name']},{n.get('country', '')}\n" for n in names), encoding="utf-8")
    args = [a for spec in LISTS for a in ("--list", spec)]
    expected = cli_json("screen", path, *args)
    response = client.post("/api/v1/screen", json={"names": names, "lists": LISTS},
                           headers=auth(tokens["analyst"]))
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert expected[0]["matches"] and expected[3]["matches"] == []


def test_screen_threshold_and_roles(client, tokens):
    body = {"names": [{"query_id": "q", "name": "Huawei"}], "lists": ["bundled:fcc_covered"],
            "threshold": 0.99}
    assert client.post("/api/v1/screen", json=body, headers=auth(tokens["reader"])).status_code == 403
    strict = client.post("/api/v1/screen", json=body, headers=auth(tokens["admin"])).json()
    loose = client.post("/api/v1/screen", json={**body, "threshold": 0.5},
                        headers=auth(tokens["admin"])).json()
    assert len(strict[0]["matches"]) <= len(loose[0]["matches"])
    assert all(m["score"] >= 0.99 for m in strict[0]["matches"])


@pytest.mark.parametrize(("body", "field"), [
    ({"names": [{"query_id": "a", "name": "X"}, {"query_id": "a", "name": "Y"}],
      "lists": ["bundled:fcc_covered"]}, "query_id"),
    ({"names": [{"query_id": "a", "name": ""}], "lists": ["bundled:fcc_covered"]}, "names[0].name"),
    ({"names": [{"query_id": "a", "name": "X"}], "lists": ["bundled:nope"]}, "lists[0]"),
    ({"names": [{"query_id": "a", "name": "X"}], "lists": ["/etc/passwd"]}, "lists[0]"),
    ({"names": [{"query_id": "a", "name": "X"}], "lists": []}, "lists"),
    ({"names": [{"query_id": "a", "name": "X"}], "lists": ["bundled:fcc_covered"], "threshold": 2},
     "threshold"),
    ({"names": "Huawei", "lists": ["bundled:fcc_covered"]}, "names"),
])
def test_screen_bad_input_names_the_field(client, tokens, body, field):
    response = client.post("/api/v1/screen", json=body, headers=auth(tokens["analyst"]))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_screen_duplicate_names_the_row(client, tokens):
    body = {"names": [{"query_id": "a", "name": "X"}, {"query_id": "b", "name": "Y"},
                      {"query_id": "a", "name": "Z"}], "lists": ["bundled:fcc_covered"]}
    problem = client.post("/api/v1/screen", json=body, headers=auth(tokens["analyst"])).json()
    assert problem["errors"][0] == {"file": "names", "row": 2, "field": "query_id",
                                    "reason": "duplicate query_id 'a' (first on row 0)"}


def test_screen_batch_limit(tmp_path, keys):
    from tests.service.conftest import make_client

    from paxsilica.service.access import add_token

    with make_client(tmp_path / "s.duckdb", None, max_names=3) as client:
        token = add_token(client.app.state.service.store, "a", "analyst", who="test")
        names = [{"query_id": str(i), "name": f"Name {i}"} for i in range(4)]
        response = client.post("/api/v1/screen", json={"names": names, "lists": ["bundled:fcc_covered"]},
                               headers=auth(token))
    assert response.status_code == 413 and response.json()["field"] == "names"


def _certify(client, token, path, rules="uas-ndaa848", lists=LISTS, **form):
    return client.post("/api/v1/certify", headers=auth(token),
                       files={"bom": (path.name, path.read_bytes(), "text/csv")},
                       data={"rules": rules, "list": lists, **form})


@pytest.mark.parametrize("fixture", ["drone_bom.csv", "drone_bom_red.csv", "drone_bom.cdx.json"])
def test_certify_equals_cli_certificate(client, tokens, keys, tmp_path, fixture):
    bom = FIXTURES / fixture
    response = _certify(client, tokens["certifier"], bom, subject="Quad X")
    assert response.status_code == 200, response.text
    document = json.loads(response.text)
    out = tmp_path / "cert.json"
    cli("certify", bom, "--rules", "uas-ndaa848", "--list", LISTS[0], "--list", LISTS[1],
        "--subject", "Quad X", "--sign", keys[0], "-o", out,
        exit_code=0 if document["certificate"]["verdict"] == "pass" else 1)
    expected = json.loads(out.read_text(encoding="utf-8"))
    assert _without_time(document) == _without_time(expected)
    # exactly as certify -o writes it: same layout, and the signature verifies with the CLI
    issued = document["certificate"]["issued_at"]
    expected["certificate"]["issued_at"] = issued
    assert set(document) == {"certificate", "signature"}
    served = tmp_path / "served.json"
    served.write_text(response.text, encoding="utf-8")
    assert response.text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert cli("verify", served, "--public-key", keys[1]).startswith("VALID")


def test_certify_red_bom_fails_and_is_audited(client, tokens):
    response = _certify(client, tokens["certifier"], FIXTURES / "drone_bom_red.csv")
    body = json.loads(response.text)["certificate"]
    assert body["verdict"] == "fail" and body["summary"]["fail"] > 0
    audit = client.get("/api/v1/audit", headers=auth(tokens["admin"])).json()["results"]
    import hashlib

    digest = hashlib.sha256(response.content).hexdigest()
    assert any(row["action"] == "certify" and row["who"] == "token:certifier" and row["digest"] == digest
               for row in audit)


def test_certify_roles(client, tokens):
    bom = FIXTURES / "drone_bom.csv"
    assert _certify(client, tokens["analyst"], bom).status_code == 403
    assert _certify(client, tokens["admin"], bom).status_code == 200
    assert client.post("/api/v1/certify", files={"bom": ("b.csv", b"x")}).status_code == 401


@pytest.mark.parametrize(("content", "name", "row", "field"), [
    (b"part_id,parent_id,description,category,manufacturer,country_of_origin,quantity\n"
     b"A,,Drone,system,Acme,TW,1\nB,A,Motor,motor,Acme,TW,many\n", "bad.csv", 3, "quantity"),
    (b"part_id,parent_id,description,category,manufacturer,country_of_origin,quantity\n"
     b"A,,Drone,system,Acme,Atlantis,1\n", "bad.csv", 2, "country_of_origin"),
    (b"\xff\xfe\x00garbage", "bad.csv", None, None),
    (b"{not json", "bad.json", None, None),
    (b"", "empty.csv", None, None),
])
def test_certify_malformed_bom_is_4xx_naming_file_and_row(client, tokens, content, name, row, field):
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": (name, content, "text/csv")},
                           data={"rules": "uas-ndaa848", "list": LISTS})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["file"].endswith(name) and "/tmp" not in problem["detail"]
    if row is not None:
        assert problem["errors"][0]["row"] == row and problem["field"] == field


@pytest.mark.parametrize(("data", "field"), [
    ({"rules": "no-such-pack", "list": LISTS}, "rules"),
    ({"rules": "/etc/passwd", "list": LISTS}, "rules"),
    ({"rules": "uas-ndaa848", "list": ["bundled:missing"]}, "lists[0]"),
    ({"rules": "uas-ndaa848", "list": LISTS, "threshold": "1.5"}, "threshold"),
])  # no rules at all is no mistake: the strictest pack that applies (tests/certify/test_defaults.py)
def test_certify_bad_form_names_the_field(client, tokens, data, field):
    bom = FIXTURES / "drone_bom.csv"
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": (bom.name, bom.read_bytes())}, data=data)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_certify_without_file_is_422(client, tokens):
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           data={"rules": "uas-ndaa848", "list": LISTS})
    assert response.status_code == 422 and response.json()["field"] == "bom"


def test_verify(client, tokens, keys, tmp_path):
    signed = json.loads(_certify(client, tokens["certifier"], FIXTURES / "drone_bom.csv").text)
    good = client.post("/api/v1/verify", json=signed, headers=auth(tokens["reader"])).json()
    assert good["valid"] is True and good["verdict"] == signed["certificate"]["verdict"]
    tampered = json.loads(json.dumps(signed))
    tampered["certificate"]["verdict"] = "pass" if signed["certificate"]["verdict"] == "fail" else "fail"
    bad = client.post("/api/v1/verify", json=tampered, headers=auth(tokens["reader"])).json()
    assert bad == {"valid": False, "reason": bad["reason"]} and "changed" in bad["reason"]
    unsigned = client.post("/api/v1/verify", json={**signed, "signature": None},
                           headers=auth(tokens["reader"])).json()
    assert unsigned["valid"] is False and "not signed" in unsigned["reason"]
    other = client.post("/api/v1/verify", json=[1, 2], headers=auth(tokens["reader"])).json()
    assert other["valid"] is False
    assert client.post("/api/v1/verify", json=signed).status_code == 401
    broken = client.post("/api/v1/verify", content=b"{nope", headers={
        **auth(tokens["reader"]), "Content-Type": "application/json"})
    assert broken.status_code == 422


def test_verify_with_another_key_is_invalid(client, tokens, tmp_path):
    from paxsilica.certify.certificate import write_key_pair

    private, _ = write_key_pair(tmp_path / "other")
    out = tmp_path / "c.json"
    cli("certify", FIXTURES / "drone_bom.csv", "--rules", "uas-ndaa848", "--list", LISTS[0],
        "--sign", private, "-o", out)
    answer = client.post("/api/v1/verify", json=json.loads(out.read_text()),
                         headers=auth(tokens["reader"])).json()
    assert answer["valid"] is False and "another key" in answer["reason"]


def test_screen_accepts_plain_names(client, tokens):
    plain = client.post("/api/v1/screen", json={"names": ["Huawei Technologies Co Ltd", "Acme Tools"],
                                                "lists": ["bundled:fcc_covered"]},
                        headers=auth(tokens["analyst"])).json()
    full = client.post("/api/v1/screen", json={"names": [
        {"query_id": "0", "name": "Huawei Technologies Co Ltd"}, {"query_id": "1", "name": "Acme Tools"}],
        "lists": ["bundled:fcc_covered"]}, headers=auth(tokens["analyst"])).json()
    assert plain == full and plain[0]["matches"]


@pytest.mark.parametrize("filename", ["../../etc/drone.csv", "..\\..\\drone.csv", ".hidden.csv", "drone bom (1).csv",
                                      "çà.csv", ""])
def test_certify_odd_file_names(client, tokens, filename):
    bom = (FIXTURES / "drone_bom.csv").read_bytes()
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": (filename, bom, "text/csv")},
                           data={"rules": "uas-ndaa848", "list": LISTS})
    if filename == "":  # no file name: the form field is not a file
        assert response.status_code == 422
        return
    assert response.status_code == 200, response.text
    recorded = json.loads(response.text)["certificate"]["bom"]["file"]
    assert "/" not in recorded and "\\" not in recorded and not recorded.startswith(".")


def test_too_many_form_fields_is_4xx(client, tokens):
    bom = (FIXTURES / "drone_bom.csv").read_bytes()
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": ("b.csv", bom)},
                           data={"rules": "uas-ndaa848", "list": ["bundled:fcc_covered"] * 1500})
    assert 400 <= response.status_code < 500


def test_bom_with_utf8_bom_and_crlf_equals_plain(client, tokens):
    plain = (FIXTURES / "drone_bom.csv").read_bytes()
    disguised = b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n")
    answers = [json.loads(client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                                      files={"bom": ("drone_bom.csv", data)},
                                      data={"rules": "uas-ndaa848", "list": LISTS}).text)["certificate"]
               for data in (plain, disguised)]
    assert answers[0]["findings"] == answers[1]["findings"] and answers[0]["verdict"] == answers[1]["verdict"]


@pytest.mark.parametrize("links", ["ownership.csv", "entities.ftm.json"])
def test_certify_with_an_ownership_file_equals_cli(client, tokens, keys, tmp_path, links):
    bom, owners = FIXTURES / "drone_bom_red.csv", FIXTURES / links
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": (bom.name, bom.read_bytes()), "ownership": (owners.name, owners.read_bytes())},
                           data={"rules": "uas-ndaa848", "list": ["bundled:dod_1260h"]})
    assert response.status_code == 200, response.text
    out = tmp_path / "c.json"
    served = json.loads(response.text)
    assert served["certificate"]["verdict"] == "fail"  # the red BOM: certify exits 1
    cli("certify", bom, "--rules", "uas-ndaa848", "--list", "bundled:dod_1260h", "--ownership", owners,
        "--sign", keys[0], "-o", out, exit_code=1)
    expected = json.loads(out.read_text(encoding="utf-8"))
    assert _without_time(served) == _without_time(expected)
    assert served["certificate"]["ownership"]["file"]["file"] == links


def test_certify_with_a_bad_ownership_file_names_it(client, tokens):
    bom = FIXTURES / "drone_bom.csv"
    response = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                           files={"bom": (bom.name, bom.read_bytes()),
                                  "ownership": ("links.csv", b"owner,owned,percentage\nA,B,150\n")},
                           data={"rules": "uas-ndaa848", "list": LISTS})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["file"] == "links.csv" and response.json()["errors"][0]["row"] == 2


def test_screen_with_ownership_links_equals_cli(client, tokens, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\ng,Example Gimbal Co Ltd\nl,Example Lens Works\n", encoding="utf-8")
    expected = cli_json("screen", names, "--list", "bundled:dod_1260h", "--ownership", FIXTURES / "ownership.csv")
    import csv

    with (FIXTURES / "ownership.csv").open(encoding="utf-8") as handle:
        links = [{**row, "percentage": float(row["percentage"])} for row in csv.DictReader(handle)]
    response = client.post("/api/v1/screen", headers=auth(tokens["analyst"]), json={
        "names": [{"query_id": "g", "name": "Example Gimbal Co Ltd"}, {"query_id": "l", "name": "Example Lens Works"}],
        "lists": ["bundled:dod_1260h"], "ownership": links})
    assert response.status_code == 200, response.text
    assert response.json() == expected and any(r["matches"] for r in expected)
    bad = client.post("/api/v1/screen", headers=auth(tokens["analyst"]), json={
        "names": [{"query_id": "g", "name": "X"}], "lists": ["bundled:dod_1260h"],
        "ownership": [{"owner": "A", "owned": "B", "percentage": 50}, {"owner": "C", "owned": "C", "percentage": 10}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["row"] == 1
