"""POST /api/v1/simulate: the same JSON as ``paxsilica simulate --format json``; both build
the same :class:`~paxsilica.requests.simulate.SimulateRequest`."""

from __future__ import annotations

import json

import pytest
from tests.service.conftest import auth, cli


def _run(client, token, body):
    started = client.post("/api/v1/simulate", json=body, headers=auth(token))
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    client.app.state.jobs.wait(job_id, timeout=600)
    job = client.get(f"/api/v1/jobs/{job_id}", headers=auth(token)).json()
    result = client.get(job["result_url"], params={"limit": 10_000}, headers=auth(token)).json()
    assert all(size["total"] <= 10_000 for size in result.pop("pages").values())
    return {**job, "result": result}


def test_library_scenario_equals_cli(client, tokens, cli_db, tmp_path):
    from paxsilica.simulate.library import scenario_library

    name = sorted(scenario_library(client.app.state.service.network()))[0]
    job = _run(client, tokens["analyst"], {"scenario": name, "days": 15})
    assert (job["status"], job["progress"], job["error"]) == ("done", 1.0, None)
    out = tmp_path / "sim.json"
    cli("--db", cli_db, "simulate", name, "--days", 15, "--format", "json", "-o", out)
    assert job["result"] == json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("scenario", "words"), [
    ({"name": "x", "network": {"mrio": "/etc"}}, "MRIO"), ("a: [unclosed", "YAML"), ({"days": 5}, "name")])
def test_bad_scenarios_are_refused_at_the_door(client, tokens, scenario, words):
    before = len(client.app.state.service.reader().read("jobs"))
    answer = client.post("/api/v1/simulate", json={"scenario": scenario},
                         headers=auth(tokens["analyst"]))
    assert answer.status_code == 422 and words in answer.json()["detail"], answer.text
    assert len(client.app.state.service.reader().read("jobs")) == before
