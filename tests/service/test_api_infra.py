"""Infrastructure read routes: connectivity equals the CLI's --format json; unknown ids
and bad years are problem+json 4xx naming the parameter."""

from __future__ import annotations

import pytest
from tests.service.conftest import auth, cli_json

CASES = [
    ({"country": "TWN", "year": 2024}, ["--country", "TWN", "--year", "2024"]),
    ({"country": "KEN", "year": 2024, "cut": ["seacomtata-tgn-eurasia"]},
     ["--country", "KEN", "--year", "2024", "--cut", "seacomtata-tgn-eurasia"]),
    ({"country": "Taiwan", "year": 2024, "close": ["tanshui-taiwan", "toucheng-taiwan"]},
     ["--country", "Taiwan", "--year", "2024", "--close", "tanshui-taiwan", "--close", "toucheng-taiwan"]),
]


@pytest.mark.parametrize(("params", "args"), CASES)
def test_connectivity_equals_cli_json(client, tokens, cli_db, params, args):
    response = client.get("/api/v1/connectivity", params=params, headers=auth(tokens["reader"]))
    assert response.status_code == 200, response.text
    expected = cli_json("--db", cli_db, "infra", "connectivity", "--format", "json", *args)
    assert response.json() == expected


@pytest.mark.parametrize(("params", "status", "field_or_text"), [
    # an unknown name given as a parameter is a 422 naming it (problems.problem_from_error)
    ({"country": "TWN", "year": 2024, "cut": ["nope"]}, 422, "unknown cable 'nope'"),
    ({"country": "TWN", "year": 2024, "close": ["nope"]}, 422, "unknown landing point 'nope'"),
    ({"country": "Atlantis", "year": 2024}, 422, "unknown country"),
    ({"country": "TWN", "year": 99999}, 422, "year"),
    ({"country": "TWN"}, 422, "year"),
])
def test_errors_are_problems(client, tokens, params, status, field_or_text):
    response = client.get("/api/v1/connectivity", params=params, headers=auth(tokens["reader"]))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field_or_text in response.text


def test_cables_page_and_reader_role(client, tokens):
    body = client.get("/api/v1/cables", params={"limit": 100}, headers=auth(tokens["reader"])).json()
    assert body["total"] >= 15 and {"cable_id", "source", "confidence"} <= set(body["results"][0])
    assert client.get("/api/v1/connectivity", params={"country": "TWN", "year": 2024}).status_code == 401
