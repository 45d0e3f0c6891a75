"""Read routes: each answer equals the CLI's --format json for the same options."""

from __future__ import annotations

import pytest
from tests.service.conftest import auth, cli_json

EXPOSURE_CASES = [
    ({}, []),
    ({"item": "gallium"}, ["--item", "gallium"]),
    ({"stage": "refining", "latest": "true"}, ["--stage", "refining", "--latest"]),
    ({"summary": "true", "as_of": "2026-01-01"}, ["--summary", "--as-of", "2026-01-01"]),
    ({"compare": "2025-12-01", "as_of": "2026-03-01"}, ["--compare", "2025-12-01", "--as-of", "2026-03-01"]),
    ({"group": "pax_silica_signatories", "year": "2023"}, ["--group", "pax_silica_signatories", "--year", "2023"]),
    ({"tiers": "all", "summary": "true", "as_of": "2026-01-01"},
     ["--tiers", "all", "--summary", "--as-of", "2026-01-01"]),
    ({"tiers": "all", "item": "ai_accelerator", "by_country": "true", "mode": "weighted",
      "as_of": "2026-01-01"},
     ["--tiers", "all", "--item", "ai_accelerator", "--by-country", "--mode", "weighted",
      "--as-of", "2026-01-01"]),
]


@pytest.mark.parametrize(("params", "args"), EXPOSURE_CASES)
def test_exposure_equals_cli_json(client, tokens, cli_db, params, args):
    response = client.get("/api/v1/exposure", params={**params, "limit": 10000},
                          headers=auth(tokens["reader"]))
    assert response.status_code == 200, response.text
    body = response.json()
    expected = cli_json("--db", cli_db, "exposure", "--format", "json", *args)
    assert body["total"] == len(expected) > 0
    assert body["results"] == expected


def test_exposure_pages(client, tokens):
    everything = client.get("/api/v1/exposure", headers=auth(tokens["reader"])).json()
    page = client.get("/api/v1/exposure", params={"limit": 5, "offset": 7},
                      headers=auth(tokens["reader"])).json()
    assert (page["total"], page["limit"], page["offset"]) == (everything["total"], 5, 7)
    assert page["results"] == everything["results"][7:12]


def test_chokepoints_equal_cli_json(client, tokens, cli_db):
    response = client.get("/api/v1/chokepoints", params={"item": "ai_accelerator", "top": 3,
                                                         "as_of": "2026-01-01"},
                          headers=auth(tokens["reader"]))
    assert response.status_code == 200, response.text
    expected = cli_json("--db", cli_db, "chokepoints", "--item", "ai_accelerator", "--top", 3,
                        "--as-of", "2026-01-01", "--format", "json")
    assert response.json()["results"] == expected


@pytest.mark.parametrize(("route", "key", "value"), [
    ("items", "item_id", "gallium"), ("groups", "group_id", "pax_silica"),
    ("countries", "country", "JPN"), ("memberships", "group_id", "pax_silica"),
    ("criticality", "material", "Gallium")])
def test_lists_hold_known_rows(client, tokens, route, key, value):
    body = client.get(f"/api/v1/{route}", headers=auth(tokens["reader"])).json()
    assert body["total"] == len(body["results"]) > 0
    assert value in {row[key] for row in body["results"]}


def test_items_by_stage_and_countries_groups(client, tokens, net):
    items = client.get("/api/v1/items", params={"stage": "mine"}, headers=auth(tokens["reader"])).json()
    assert {row["stage"] for row in items["results"]} == {"mine"}
    assert items["total"] == int((net.items["stage"] == "mine").sum())
    countries = client.get("/api/v1/countries", params={"as_of": "2026-01-01"},
                           headers=auth(tokens["reader"])).json()["results"]
    japan = next(row for row in countries if row["country"] == "JPN")
    assert "pax_silica" in japan["groups"] and japan["name"] == "Japan"
    qatar = next((row for row in countries if row["country"] == "QAT"), None)
    assert qatar is None or "pax_silica" not in qatar["groups"]


def test_sources_cover_every_cited_supply(client, tokens, net):
    body = client.get("/api/v1/sources", headers=auth(tokens["reader"])).json()
    titles = {row["source"] for row in body["results"]}
    assert set(net.supplies["source"].dropna()) <= titles
    # every cited table, not only the sourcing ones: item parameters, cables, vendor shares
    for table in ("item_parameters", "cables", "vendor_shares", "secondary_supplies"):
        assert set(getattr(net, table)["source"].dropna()) <= titles, table
    listed = {name for row in body["results"] for name in row["tables"]}
    assert {"item_parameters", "cables", "vendor_shares", "supplies"} <= listed
    assert all(row["rows"] >= 1 and row["tables"] for row in body["results"])


def test_criticality_filter(client, tokens):
    body = client.get("/api/v1/criticality", params={"critical": "true"},
                      headers=auth(tokens["reader"])).json()
    assert body["total"] > 0 and all(row["critical_2017"] for row in body["results"])


@pytest.mark.parametrize(("params", "field"), [
    ({"item": "unobtainium"}, "item"), ({"stage": "moon"}, "stage"), ({"group": "nato9"}, "group"),
    ({"as_of": "2026-13-45"}, "as_of"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
    ({"tiers": "some"}, "tiers"), ({"mode": "weighted"}, "mode"), ({"tiers": "all", "year": 2023}, "year"),
    ({"tiers": "all", "compare": "2025-01-01"}, "compare"), ({"year": "soon"}, "year")])
def test_exposure_bad_options_name_the_field(client, tokens, params, field):
    response = client.get("/api/v1/exposure", params=params, headers=auth(tokens["reader"]))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["field"] == field and problem["detail"]


@pytest.mark.parametrize("route", ["exposure", "items", "countries", "groups", "memberships",
                                   "sources", "chokepoints", "criticality", "lists"])
def test_reads_need_a_token(client, tokens, route):
    assert client.get(f"/api/v1/{route}").status_code == 401
    wrong = client.get(f"/api/v1/{route}", headers=auth(tokens["reader"] + "x"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    basic = client.get(f"/api/v1/{route}", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401
    assert client.get(f"/api/v1/{route}", params={"limit": 1},
                      headers=auth(tokens["reader"])).status_code == 200


def test_health_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]
        ["bearerAuth"]["description"]}
    exposure = schema["paths"]["/api/v1/exposure"]["get"]
    assert exposure["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "422", "429"} <= set(exposure["responses"])
    parameters = {p["name"]: p for p in exposure["parameters"]}
    assert parameters["item"]["schema"]["examples"] == ["gallium"]
    assert "example" in schema["components"]["schemas"]["Problem"]
