"""The HTTP cases of the hostile-input audit (issue 22) against the app: a problem+json 4xx
naming the field, or the right answer; never a 500.

The cases the HTTP parser decides (a bad Content-Length) and those about time and memory
(a slow body, a 1 MB name's RSS) need a real server: tests/hostile/test_server.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.service import RateLimit, ServiceConfig, create_app
from paxsilica.service.access import add_token

from .conftest import audit, bounded


@pytest.fixture(scope="module")
def forged(tmp_path_factory):
    """``(folder, forged certificate bytes)``: keys k.key/k.pub and c.json."""
    folder = tmp_path_factory.mktemp("forged")
    audit._forged(folder)
    return folder, (folder / "c.json").read_bytes()


@pytest.fixture(scope="module")
def service(tmp_path_factory, forged):
    folder, _ = forged
    db = tmp_path_factory.mktemp("hostile-service") / "s.duckdb"
    config = ServiceConfig(db=db, sign_key=folder / "k.key", max_queued_jobs=2,
                           rate_limit=RateLimit(rate=1000, burst=1000))
    with TestClient(create_app(config)) as client:
        store = client.app.state.service.store
        tokens = {role: add_token(store, role, role, who="test") for role in ("reader", "analyst")}
        yield client, tokens


def _send(client, case, token):
    headers = {"Authorization": f"Bearer {token}",
               **{k: v.replace("{token}", token).replace("{base}", "http://testserver")
                  for k, v in case.headers.items()}}
    if "Cookie" in headers:
        headers.pop("Authorization")
        client.cookies.set("paxsilica_token", token)
        headers.pop("Cookie")
    try:
        return client.request(case.method, case.path, json=case.json_body, content=case.content,
                              headers=headers)
    finally:
        client.cookies.clear()


# the parser-level case needs a real server (h11 refuses it before the app sees it)
APP_CASES = [case for case in audit.http_cases(b"") if case.id != "content-length-not-a-number"]


@pytest.mark.parametrize("case", APP_CASES, ids=[case.id for case in APP_CASES])
def test_http_case(case, service, forged):
    client, tokens = service
    if case.id == "verify-duplicate-verdict":
        case = next(c for c in audit.http_cases(forged[1]) if c.id == case.id)
    with bounded():
        response = _send(client, case, tokens["analyst"])
    assert audit.judge_http(case, response.status_code, response.headers.get("content-type", ""),
                            response.content) == []


def test_the_genuine_certificate_verifies_and_the_cli_agrees_on_the_forgery(service, forged):
    client, tokens = service
    folder, forged_bytes = forged
    genuine = forged_bytes.replace(b'"verdict": "fail",\n    ', b"", 1)
    answer = client.post("/api/v1/verify", content=genuine, headers={
        "Authorization": f"Bearer {tokens['reader']}", "Content-Type": "application/json"}).json()
    assert answer["valid"] is True and answer["verdict"] == "pass"
    # the same bytes through the library the CLI uses: the forgery is invalid there too
    from paxsilica.certify.api import verify_certificate

    assert verify_certificate(forged_bytes, folder / "k.pub").valid is False
    assert verify_certificate(genuine, folder / "k.pub").valid is True


def test_verify_through_the_dashboard_reads_the_raw_bytes(service, forged):
    client, tokens = service
    client.cookies.set("paxsilica_token", tokens["reader"])
    try:
        page = client.post("/ui/verify", files={"certificate": ("c.json", forged[1], "application/json")},
                           headers={"Origin": "http://testserver"})
    finally:
        client.cookies.clear()
    assert page.status_code == 200
    assert "duplicate key" in page.text and "valid" in page.text.lower()


@pytest.mark.parametrize("body", [
    {"scenario": {"name": "x", "days": 3651}},
    {"scenario": {"name": "x", "days": 30}, "days": 3651},
    {"scenario": "name: y\ndays: 10000\n"},
])
def test_a_scenario_cannot_pass_the_day_cap_at_the_door(service, body):
    client, tokens = service
    answer = client.post("/api/v1/simulate", json=body, headers={"Authorization": f"Bearer {tokens['analyst']}"})
    assert answer.status_code == 422, answer.text
    assert "3650" in answer.json()["detail"] and answer.json()["field"] in {"days", "scenario.days"}


def test_too_many_events_are_refused_at_the_door(service):
    client, tokens = service
    events = [{"kind": "capacity_loss", "country": "CHN", "item": "gallium", "fraction": 0.001,
               "start": 1}] * 1001
    with bounded(60):
        answer = client.post("/api/v1/simulate", json={"scenario": {"name": "many", "events": events}},
                             headers={"Authorization": f"Bearer {tokens['analyst']}"})
    assert answer.status_code == 422 and answer.json()["field"] == "scenario.events"
    assert "1001 events; at most 1000" in answer.json()["detail"]


def test_queued_jobs_per_token_are_capped(service):
    client, tokens = service
    store = client.app.state.service.store
    with store.transaction() as connection:  # two unfinished jobs of the analyst (cap 2)
        for n in range(2):
            connection.execute('INSERT INTO "jobs" VALUES (?, \'exposure\', \'{}\', \'queued\', 0.0, '
                               "'token:analyst', ?, NULL, NULL, NULL)",
                               [f"held-{n}", datetime.now(UTC).replace(tzinfo=None)])
    try:
        answer = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {"item": "gallium"}},
                             headers={"Authorization": f"Bearer {tokens['analyst']}"})
        assert answer.status_code == 429
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "at most 2" in answer.json()["detail"] and answer.headers["Retry-After"]
        other = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {"item": "gallium"}},
                            headers={"Authorization": f"Bearer {tokens['reader']}"})
        assert other.status_code == 202  # another token's queue is its own
        client.app.state.jobs.wait(other.json()["job_id"], timeout=300)
    finally:
        with store.transaction() as connection:
            connection.execute("DELETE FROM \"jobs\" WHERE job_id LIKE 'held-%'")


def test_json_bodies_are_capped_below_uploads(service):
    client, tokens = service
    body = json.dumps({"names": ["x"] * 10, "lists": ["bundled:fcc_covered"], "pad": "y" * (5 << 20)})
    answer = client.post("/api/v1/screen", content=body, headers={
        "Authorization": f"Bearer {tokens['analyst']}", "Content-Type": "application/json"})
    assert answer.status_code == 413 and "4,194,304" in answer.json()["detail"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_verify_of_any_bytes_is_an_answer_or_a_422(forged, data):
    """Fuzz: a genuine certificate with bytes changed, cut or inserted is valid only when
    untouched in substance; never an exception other than the 422 problem."""
    from paxsilica.certify.certificate import load_public_key
    from paxsilica.errors import ParameterError
    from paxsilica.service.certifying import verify_document

    folder, forged_bytes = forged
    genuine = forged_bytes.replace(b'"verdict": "fail",\n    ', b"", 1)
    start = data.draw(st.integers(0, len(genuine)))
    end = data.draw(st.integers(start, min(len(genuine), start + 40)))
    insert = data.draw(st.binary(max_size=12) | st.sampled_from([b'"verdict": "fail", ', b"[" * 5000,
                                                                b"\xff", b"\\u0000"]))
    mutated = genuine[:start] + insert + genuine[end:]
    try:
        answer = verify_document(mutated, [load_public_key(folder / "k.pub")])
    except ParameterError as exc:
        assert exc.field == "certificate"
        return
    assert set(answer) >= {"valid", "reason"}
    if answer["valid"]:  # only whitespace-like changes outside the signed body can keep it valid
        assert json.loads(mutated)["certificate"] == json.loads(genuine)["certificate"]
