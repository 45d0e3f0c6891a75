"""Body size (413), rate limits (429), jobs on Dask, admin routes and the audit trail."""

from __future__ import annotations

import json

import pytest
from tests.service.conftest import FIXTURES, auth, make_client

from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.service import RateLimit
from paxsilica.service.access import add_token
from paxsilica.service.queries import records

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A service with a 64 KiB body limit and 2 expensive requests per token per burst."""
    db = tmp_path_factory.mktemp("small") / "s.duckdb"
    with make_client(db, None, max_upload_bytes=LIMIT, rate_limit=RateLimit(rate=0.01, burst=2)) as client:
        tokens = {role: add_token(client.app.state.service.store, role, role, who="test")
                  for role in ("reader", "analyst", "admin")}
        yield client, tokens


def test_declared_body_over_the_limit_is_413(small):
    client, tokens = small
    response = client.post("/api/v1/verify", content=b"{" + b" " * LIMIT + b"}",
                           headers={**auth(tokens["reader"]), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_streamed_body_over_the_limit_is_413(small):
    client, tokens = small

    def chunks():
        yield b'{"names": ['
        for _ in range(200):
            yield b'{"query_id": "x", "name": "' + b"a" * 1000 + b'"},'
        yield b"]}"

    response = client.post("/api/v1/screen", content=chunks(),
                           headers={**auth(tokens["analyst"]), "Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    upload = client.post("/api/v1/imports/supplies", headers=auth(tokens["admin"]),
                         files={"file": ("big.csv", b"x" * (LIMIT + 1))})
    assert upload.status_code == 413


def test_bad_content_length_is_400(small):
    client, tokens = small
    response = client.post("/api/v1/verify", content=b"{}", headers={
        **auth(tokens["reader"]), "Content-Type": "application/json", "Content-Length": "lots"})
    assert response.status_code == 400


def test_expensive_routes_are_rate_limited_per_token(small):
    client, tokens = small
    body = {"names": [{"query_id": "q", "name": "Acme"}], "lists": ["bundled:fcc_covered"]}
    codes = [client.post("/api/v1/screen", json=body, headers=auth(tokens["analyst"])).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/api/v1/screen", json=body, headers=auth(tokens["analyst"]))
    assert int(limited.headers["retry-after"]) >= 1
    # another token has its own bucket; cheap routes are not limited
    assert client.post("/api/v1/screen", json=body, headers=auth(tokens["admin"])).status_code == 200
    assert all(client.get("/api/v1/items", headers=auth(tokens["analyst"])).status_code == 200
               for _ in range(5))


def test_exposure_job_runs_on_dask_and_equals_the_route(client, tokens):
    started = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {
        "item": "gallium", "as_of": "2026-01-01"}}, headers=auth(tokens["reader"]))
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    assert started.headers["location"] == f"/api/v1/jobs/{job_id}"
    client.app.state.jobs.wait(job_id)
    job = client.get(f"/api/v1/jobs/{job_id}", headers=auth(tokens["reader"])).json()
    assert (job["status"], job["progress"], job["error"]) == ("done", 1.0, None)
    state = client.app.state.service
    expected = records(answer_exposure(state.network(), ExposureRequest.parse(
        item="gallium", as_of="2026-01-01", local_files=False)))
    def canonical(rows):
        return sorted(json.dumps(row, sort_keys=True) for row in rows)

    result = client.get(f"/api/v1/jobs/{job_id}/result", params={"limit": 10_000},
                        headers=auth(tokens["reader"])).json()
    assert canonical(result["results"]) == canonical(expected) and len(expected) > 1
    from distributed import Client

    assert isinstance(client.app.state.jobs.client(), Client)


def test_a_bad_job_is_refused_at_the_door(client, tokens):
    before = len(client.app.state.service.reader().read("jobs"))
    started = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {"item": "unobtainium"}},
                          headers=auth(tokens["reader"]))
    assert started.status_code == 422 and "unobtainium" in started.json()["detail"]
    assert started.json()["field"] == "params.item"
    assert len(client.app.state.service.reader().read("jobs")) == before  # no job was created


def test_jobs_are_private_and_validated(client, tokens):
    job_id = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {}},
                         headers=auth(tokens["reader"])).json()["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth(tokens["analyst"])).status_code == 404
    assert client.get(f"/api/v1/jobs/{job_id}", headers=auth(tokens["admin"])).status_code == 200
    assert client.get("/api/v1/jobs/nope", headers=auth(tokens["reader"])).status_code == 404
    bad = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {"year": "soon"}},
                      headers=auth(tokens["reader"]))
    assert bad.status_code == 422 and bad.json()["field"] == "params.year"
    unknown = client.post("/api/v1/jobs", json={"kind": "bake", "params": {}},
                          headers=auth(tokens["reader"]))
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"


@pytest.mark.parametrize(("route", "body"), [
    ("simulate", {"scenario": "coalition-ban", "days": 3}),
    ("plan", {"problem": {"name": "x", "years": [2026], "concern": ["CHN"],
                          "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
                          "sources": [{"id": "s", "item": "gallium", "country": "JPN",
                                       "capacity": 20, "cost": 3}]}})])
def test_simulate_and_plan_need_analyst(client, tokens, route, body):
    assert client.post(f"/api/v1/{route}", json=body, headers=auth(tokens["reader"])).status_code == 403
    response = client.post(f"/api/v1/{route}", json=body, headers=auth(tokens["analyst"]))
    assert response.status_code == 202, response.text
    client.app.state.jobs.wait(response.json()["job_id"], timeout=600)
    empty = client.post(f"/api/v1/{route}", json={}, headers=auth(tokens["analyst"]))
    assert empty.status_code == 422 and empty.json()["field"] in ("scenario", "problem")


def test_import_is_admin_only_all_or_nothing_and_audited(client, tokens):
    good = (b"source,confidence,basis,item_id,stage,country,year,share\n"
            b"Test source 2030,low,estimate,gallium,refining,JPN,2030,0.5\n")
    assert client.post("/api/v1/imports/supplies", headers=auth(tokens["certifier"]),
                       files={"file": ("s.csv", good)}).status_code == 403
    query = {"item": "gallium", "year": 2030}
    assert client.get("/api/v1/exposure", params=query, headers=auth(tokens["reader"])).status_code == 404
    bad = good + b"Test source 2030,low,estimate,gallium,refining,Atlantis,2030,0.2\n"
    response = client.post("/api/v1/imports/supplies", headers=auth(tokens["admin"]),
                           files={"file": ("s.csv", bad)})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["file"] == "s.csv" and response.json()["errors"][0]["row"] == 3
    assert client.get("/api/v1/exposure", params=query, headers=auth(tokens["reader"])).status_code == 404
    done = client.post("/api/v1/imports/supplies", headers=auth(tokens["admin"]),
                       files={"file": ("s.csv", good)})
    assert done.status_code == 201 and done.json()["rows"] == 1
    after = client.get("/api/v1/exposure", params={"item": "gallium", "year": 2030},
                       headers=auth(tokens["reader"])).json()
    assert after["total"] == 1 and after["results"][0]["country"] == "JPN"
    assert client.post("/api/v1/imports/widgets", headers=auth(tokens["admin"]),
                       files={"file": ("s.csv", good)}).status_code == 404
    import hashlib

    audit = client.get("/api/v1/audit", headers=auth(tokens["admin"])).json()["results"]
    assert {"who": "token:admin", "action": "import", "digest": hashlib.sha256(good).hexdigest()} in [
        {k: row[k] for k in ("who", "action", "digest")} for row in audit]


def test_list_import_then_certify_with_it(client, tokens):
    data = (FIXTURES / "targets.simple.csv").read_bytes()
    response = client.post("/api/v1/lists", headers=auth(tokens["admin"]),
                           files={"file": ("targets.simple.csv", data)}, data={"name": "os_sample"})
    assert response.status_code == 201, response.text
    lists = client.get("/api/v1/lists", headers=auth(tokens["reader"])).json()["results"]
    assert "os_sample" in {row["list_name"] for row in lists}
    screened = client.post("/api/v1/screen", json={"names": [{"query_id": "1", "name": "Huawei"}],
                                                   "lists": ["os_sample"]},
                           headers=auth(tokens["analyst"]))
    assert screened.status_code == 200 and screened.json()[0]["matches"][0]["list"] == "os_sample"
    broken = client.post("/api/v1/lists", headers=auth(tokens["admin"]),
                         files={"file": ("junk.csv", b"a,b\n1,2\n")})
    assert broken.status_code == 422 and "junk.csv" in broken.json()["detail"]


def test_token_routes(client, tokens):
    created = client.post("/api/v1/tokens", json={"name": "buyer", "role": "reader"},
                          headers=auth(tokens["admin"]))
    assert created.status_code == 201
    token = created.json()["token"]
    assert client.get("/api/v1/items", headers=auth(token)).status_code == 200
    listed = client.get("/api/v1/tokens", headers=auth(tokens["admin"])).json()["results"]
    assert "buyer" in {row["name"] for row in listed} and all("sha256" not in row for row in listed)
    assert client.get("/api/v1/tokens", headers=auth(tokens["certifier"])).status_code == 403
    assert client.post("/api/v1/tokens", json={"name": "buyer", "role": "reader"},
                       headers=auth(tokens["admin"])).status_code == 422
    assert client.post("/api/v1/tokens", json={"name": "x", "role": "king"},
                       headers=auth(tokens["admin"])).json()["field"] == "role"
    assert client.delete("/api/v1/tokens/buyer", headers=auth(tokens["admin"])).status_code == 200
    assert client.get("/api/v1/items", headers=auth(token)).status_code == 401
    assert client.delete("/api/v1/tokens/buyer", headers=auth(tokens["admin"])).status_code == 404
    actions = [row["action"] for row in client.get("/api/v1/audit", params={"limit": 10000},
                                                   headers=auth(tokens["admin"])).json()["results"]]
    assert "token.add" in actions and "token.revoke" in actions


def test_all_tier_exposure_is_rate_limited_direct_is_not(small):
    client, tokens = small
    direct = [client.get("/api/v1/exposure", params={"item": "gallium"},
                         headers=auth(tokens["reader"])).status_code for _ in range(4)]
    assert direct == [200] * 4
    tiers = [client.get("/api/v1/exposure", params={"tiers": "all", "item": "gallium", "summary": True},
                        headers=auth(tokens["reader"])).status_code for _ in range(3)]
    assert tiers == [200, 200, 429]
