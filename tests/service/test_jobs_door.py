"""Jobs checked at the door (422 listing every problem, no job created), a queue cap per
submitter (429), status apart from the result, and the result paged as JSON, CSV or Parquet."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from tests.service.conftest import auth, make_client

from paxsilica.service import RateLimit
from paxsilica.service.access import add_token


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    db = tmp_path_factory.mktemp("door") / "door.duckdb"
    with make_client(db, None, rate_limit=RateLimit(rate=1000, burst=1000),
                     max_queued_jobs=1) as client:
        store = client.app.state.service.store
        tokens = {role: add_token(store, role, role, who="test") for role in ("analyst", "admin")}
        yield client, tokens


def _jobs(client) -> int:
    return len(client.app.state.service.reader().read("jobs"))


def test_a_bad_scenario_is_refused_before_any_job(capped):
    client, tokens = capped
    before = _jobs(client)
    body = {"scenario": {"name": "bad", "days": 10, "events": [
        {"kind": "export_ban", "item": "unobtainium", "from": ["CHN"], "start": 1},
        {"kind": "nope"}]}}
    answer = client.post("/api/v1/simulate", json=body, headers=auth(tokens["analyst"]))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["errors"] and all(error["field"] for error in problem["errors"])
    unknown = client.post("/api/v1/simulate", json={"scenario": "no-such-scenario"},
                          headers=auth(tokens["analyst"]))
    assert unknown.status_code == 422 and unknown.json()["field"] == "scenario"
    too_long = client.post("/api/v1/simulate", json={"scenario": {"name": "x", "days": 99_999}},
                           headers=auth(tokens["analyst"]))
    assert too_long.status_code == 422
    assert _jobs(client) == before


def test_an_out_of_range_event_number_is_refused_before_any_job(capped):
    client, tokens = capped
    before = _jobs(client)
    for value in ("1e999", "-0.5", "7"):  # overflows to infinity; below 0; above 1
        text = ('{"scenario": {"name": "x", "days": 10, "events": [{"kind": "licence_regime", '
                '"exporters": ["CHN"], "importers": ["USA"], "items": ["gallium"], "start": 0, '
                f'"deny_rate": {value}}}]}}}}')
        answer = client.post("/api/v1/simulate", content=text,
                             headers={**auth(tokens["analyst"]), "Content-Type": "application/json"})
        assert answer.status_code == 422, (value, answer.text)
        assert "deny_rate" in answer.text
    assert _jobs(client) == before


def test_a_scenario_object_is_checked_when_the_request_is_built():
    from paxsilica.errors import ParameterError
    from paxsilica.requests.simulate import SimulateRequest

    bad = {"name": "x", "days": 10, "events": [{"kind": "licence_regime", "exporters": ["CHN"],
                                               "importers": ["USA"], "items": ["gallium"], "start": 0,
                                               "deny_rate": float("inf")}]}
    with pytest.raises(ParameterError, match="deny_rate") as refused:
        SimulateRequest.parse(scenario=bad, local_files=False)
    assert refused.value.field == "scenario.events.0.deny_rate"
    text = "name: x\ndays: 10\nevents:\n  - kind: licence_regime\n    exporters: [CHN]\n" \
           "    importers: [USA]\n    items: [gallium]\n    start: 0\n    deny_rate: .inf\n"
    with pytest.raises(ParameterError, match=r"row 9, field 'events\.0\.deny_rate'"):  # its YAML line
        SimulateRequest.parse(scenario=text, local_files=False)


def test_a_bad_plan_lists_every_problem_before_any_job(capped):
    client, tokens = capped
    before = _jobs(client)
    answer = client.post("/api/v1/plan", json={"problem": {"name": "x", "years": [2026],
                                                           "demand": "lots", "sources": 3}},
                         headers=auth(tokens["analyst"]))
    assert answer.status_code == 422, answer.text
    fields = {error["field"] for error in answer.json()["errors"]}
    assert {"demand", "sources"} <= fields
    job = client.post("/api/v1/jobs", json={"kind": "exposure", "params": {"item": "unobtainium"}},
                      headers=auth(tokens["analyst"]))
    assert job.status_code == 422 and job.json()["field"] == "params.item"
    assert _jobs(client) == before


def test_queue_cap_status_and_paged_result(capped):
    client, tokens = capped
    # a job long enough (seconds) to be still queued or running when the next request comes
    started = client.post("/api/v1/simulate", json={"scenario": "coalition-ban", "days": 600},
                          headers=auth(tokens["analyst"]))
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    assert started.headers["location"] == started.json()["status_url"] == f"/api/v1/jobs/{job_id}"
    refused = client.post("/api/v1/simulate", json={"scenario": "coalition-ban", "days": 5},
                          headers=auth(tokens["analyst"]))
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    other = client.post("/api/v1/simulate", json={"scenario": "coalition-ban", "days": 5},
                        headers=auth(tokens["admin"]))  # the cap is per submitter
    assert other.status_code == 202
    early = client.get(f"/api/v1/jobs/{job_id}/result", headers=auth(tokens["analyst"]))
    assert early.status_code in (200, 409)
    client.app.state.jobs.wait(job_id, timeout=600)
    client.app.state.jobs.wait(other.json()["job_id"], timeout=600)
    status = client.get(f"/api/v1/jobs/{job_id}", headers=auth(tokens["analyst"])).json()
    assert status["status"] == "done" and "result" not in status
    assert status["result_url"] == f"/api/v1/jobs/{job_id}/result"
    again = client.post("/api/v1/simulate", json={"scenario": "coalition-ban", "days": 5},
                        headers=auth(tokens["analyst"]))
    assert again.status_code == 202  # the first job finished: a slot is free
    client.app.state.jobs.wait(again.json()["job_id"], timeout=600)

    url, who = status["result_url"], auth(tokens["analyst"])
    document = client.get(url, params={"limit": 7}, headers=who).json()
    assert len(document["series"]) == 7 and document["pages"]["series"]["total"] > 7
    summary = document["pages"]["summary"]["total"]
    rows = client.get(url, params={"table": "summary", "limit": summary}, headers=who).json()
    assert rows["total"] == summary
    for row in rows["results"]:  # rounded: no float noise such as -5.9e-11
        assert 0 <= row["loss_share"] <= 1 and 0 <= row["peak_loss_share"] <= 1
        # null for an unsized item (shares only, no silent zero)
        assert row["production_loss"] in (0, None) or abs(row["production_loss"]) > 1e-12
    csv = client.get(url, params={"table": "summary", "format": "csv", "limit": 5}, headers=who)
    assert csv.headers["content-type"].startswith("text/csv")
    assert int(csv.headers["x-total-count"]) == summary
    parquet = client.get(url, params={"table": "series", "format": "parquet", "offset": 3,
                                      "limit": 10}, headers=who)
    frame = pd.read_parquet(io.BytesIO(parquet.content))
    json_rows = client.get(url, params={"table": "series", "offset": 3, "limit": 10},
                           headers=who).json()["results"]
    assert frame.to_dict("records") == json_rows
    assert client.get(url, params={"format": "csv"}, headers=who).status_code == 422
    assert client.get(url, params={"table": "nope"}, headers=who).json()["field"] == "table"
    assert client.get(url, headers=auth(tokens["admin"])).status_code == 200
    assert json.loads(client.get(f"/api/v1/jobs/{job_id}", headers=who).text)["kind"] == "simulate"
