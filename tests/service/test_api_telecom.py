"""Issue 21's read routes: each answer equals the CLI's --format json for the same options."""

from __future__ import annotations

import pytest
from tests.service.conftest import auth, cli_json

CASES = [
    ("/api/v1/telecom/vendors", {}, ["telecom", "vendors"]),
    ("/api/v1/telecom/vendors", {"market": "DEU"}, ["telecom", "vendors", "--market", "DEU"]),
    ("/api/v1/telecom/vendors", {"summary": "true", "as_of": "2023-06-30"},
     ["telecom", "vendors", "--summary", "--as-of", "2023-06-30"]),
    ("/api/v1/telecom/satellites", {"orbit": "LEO"}, ["telecom", "satellites", "--orbit", "LEO"]),
    ("/api/v1/telecom/ground-stations", {"country": "ARG"},
     ["telecom", "ground-stations", "--country", "ARG"]),
    ("/api/v1/exposure/secondary", {"item": "copper"}, ["exposure", "--secondary", "--item",
                                                         "copper"]),
]


@pytest.mark.parametrize(("route", "params", "args"), CASES)
def test_routes_equal_cli_json(client, tokens, cli_db, route, params, args):
    response = client.get(route, params=params, headers=auth(tokens["reader"]))
    assert response.status_code == 200, response.text
    expected = cli_json("--db", cli_db, *args, "--format", "json")
    assert response.json()["results"] == expected and expected


@pytest.mark.parametrize(("route", "params", "status", "field"), [
    ("/api/v1/telecom/vendors", {"market": "Atlantis"}, 422, "market"),
    ("/api/v1/telecom/vendors", {"item": "ran_equipmnt"}, 422, "item"),
    ("/api/v1/telecom/vendors", {"measure": "market_cap"}, 422, "measure"),
    ("/api/v1/telecom/vendors", {"market": "JPN"}, 404, None),
    ("/api/v1/telecom/ground-stations", {"country": "Mordor"}, 422, "country"),
    ("/api/v1/telecom/satellites", {"as_of": "2026-02-30"}, 422, "as_of"),
    ("/api/v1/exposure/secondary", {"item": "gallium"}, 404, None),
])
def test_bad_requests_are_problems(client, tokens, route, params, status, field):
    response = client.get(route, params=params, headers=auth(tokens["reader"]))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    if field:
        assert field in response.text


def test_routes_need_a_token(client):
    assert client.get("/api/v1/telecom/vendors").status_code == 401
