"""POST /api/v1/plan: the same JSON as ``paxsilica plan --format json`` for the same problem."""

from __future__ import annotations

import json

import pytest
import yaml
from tests.service.conftest import auth, cli

# One year; USA needs 100 kg gallium; China sells at 1, a US project (capex 100) at 2; at most
# half from countries of concern. By hand: build the project, 50 from each, 100 + 50*2 + 50*1.
HAND = {"name": "hand", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
        "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000, "cost": 1}],
        "projects": [{"id": "us", "item": "gallium", "country": "USA", "capacity": 60,
                      "capex": 100, "cost": 2}],
        "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.5}]}


def _run(client, token, body):
    started = client.post("/api/v1/plan", json=body, headers=auth(token))
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    client.app.state.jobs.wait(job_id, timeout=600)
    job = client.get(f"/api/v1/jobs/{job_id}", headers=auth(token)).json()
    result = client.get(job["result_url"], params={"limit": 10_000}, headers=auth(token)).json()
    result.pop("pages")
    return {**job, "result": result}


def _without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings"}


@pytest.mark.parametrize("as_text", [False, True])
def test_plan_job_equals_cli_and_the_hand_answer(client, tokens, cli_db, tmp_path, as_text):
    problem = yaml.safe_dump(HAND) if as_text else HAND
    job = _run(client, tokens["analyst"], {"problem": problem})
    assert (job["status"], job["progress"], job["error"]) == ("done", 1.0, None)
    result = job["result"]
    assert result["status"] == "optimal" and result["objective"] == pytest.approx(250.0)
    assert [build["project"] for build in result["builds"]] == ["us"]
    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(HAND), encoding="utf-8")
    expected = json.loads(cli("--db", cli_db, "plan", path, "--format", "json", "--quiet"))
    assert _without_timings(result) == _without_timings(expected)
    assert set(result["timings"]) == set(expected["timings"])


@pytest.mark.parametrize(("problem", "words"), [
    ("years: [unclosed", "not valid YAML"),
    ({**HAND, "demand": [{"member": "USA", "item": "unobtainium", "quantity": 1}]}, "unobtainium"),
    ({**HAND, "colour": "red"}, "colour"),
    ("- just a list", "mapping")])
def test_bad_problems_are_refused_at_the_door(client, tokens, problem, words):
    answer = client.post("/api/v1/plan", json={"problem": problem}, headers=auth(tokens["analyst"]))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"] + " ".join(str(e) for e in answer.json().get("errors", []))
    assert words in detail and "problem" in detail


def test_plan_parameters_are_validated(client, tokens):
    for bad in ({"problem": HAND, "mip_gap": 1}, {"problem": HAND, "time_limit": 0},
                {"problem": HAND, "costs": "shapley"}):
        response = client.post("/api/v1/plan", json=bad, headers=auth(tokens["analyst"]))
        assert response.status_code == 422, bad
