"""The OpenAPI document a client generator can use, and the offline API docs.

Stable operation ids, a description on every operation, typed answers (rows with their
columns, certify's certificate), the problems each route can give (404 where a route can
give it, 413 only where there is a body), ``format=csv`` honoured on every table route,
and the Swagger UI files served from the package with the digests their README states.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import auth

from paxsilica.service import ServiceConfig, create_app
from paxsilica.service.app import SWAGGER_UI

SCHEMA = create_app(ServiceConfig()).openapi()
OPERATIONS = {(method.upper(), path): operation for path, methods in SCHEMA["paths"].items()
              for method, operation in methods.items()}
API = {key: operation for key, operation in OPERATIONS.items() if key[1].startswith("/api/")}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_operation_ids_are_stable_snake_case_and_unique():
    ids = [operation["operationId"] for operation in OPERATIONS.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", name) for name in ids), ids
    assert {"get_exposure", "list_items", "get_chokepoints", "screen_names", "certify_bom",
            "verify_certificate", "start_simulation", "start_plan", "get_job",
            "get_job_result"} <= set(ids)


def test_every_operation_is_described():
    for key, operation in OPERATIONS.items():
        assert operation.get("summary"), key
        assert len(operation.get("description", "")) > 40, key


def test_errors_documented_where_they_can_happen():
    for (method, path), operation in API.items():
        answers = operation["responses"]
        assert {"401", "403", "422"} <= set(answers), (method, path)
        assert ("413" in answers) == ("400" in answers) == ("requestBody" in operation), (method, path)
        if "{" in path:
            assert "404" in answers, (method, path)
        for status, answer in answers.items():
            if status.startswith(("4", "5")):
                assert list(answer["content"]) == ["application/problem+json"], (method, path, status)


def test_table_rows_are_typed():
    for (method, path), operation in API.items():
        content = operation["responses"].get("200", {}).get("content", {})
        if "text/csv" not in content or "Page" not in str(content["application/json"]["schema"]):
            continue
        page = _resolve(content["application/json"]["schema"])
        rows = page["properties"]["results"]["items"]
        options = [_resolve(option) for option in rows.get("anyOf", [rows])]
        for option in options:
            assert option.get("properties"), (method, path)  # columns, not a bare object
    groups = _resolve(API[("GET", "/api/v1/groups")]["responses"]["200"]["content"]
                      ["application/json"]["schema"])
    group = _resolve(groups["properties"]["results"]["items"])
    assert group["properties"]["other_statuses"]["type"] == "array"
    assert group["properties"]["member_statuses"]["type"] == "array"


def test_certify_answers_a_certificate_schema():
    answer = API[("POST", "/api/v1/certify")]["responses"]["200"]["content"]["application/json"]
    certificate = _resolve(answer["schema"])
    body = _resolve(certificate["properties"]["certificate"])
    assert {"verdict", "verdict_text", "warnings", "lists", "rule_pack"} <= set(body["properties"])


@pytest.mark.parametrize("path", sorted(path for (method, path), operation in API.items()
                                        if method == "GET" and "{" not in path  # jobs: test_jobs_door
                                        and "text/csv" in operation["responses"]
                                        .get("200", {}).get("content", {})))
def test_format_csv_is_honoured(client, tokens, path):
    answer = client.get(path, params={"format": "csv", "limit": 5}, headers=auth(tokens["admin"]))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert int(answer.headers["x-total-count"]) >= 0
    json_page = client.get(path, params={"limit": 5}, headers=auth(tokens["admin"])).json()
    lines = answer.text.strip().splitlines()
    assert len(lines) == 1 + len(json_page["results"]) or (not json_page["results"] and len(lines) <= 1)


def test_a_bad_format_is_a_422(client, tokens):
    answer = client.get("/api/v1/items", params={"format": "xml"}, headers=auth(tokens["reader"]))
    assert answer.status_code == 422 and answer.json()["field"] == "format"


def test_vendored_swagger_ui_matches_its_readme():
    vendor = resources.files("paxsilica.service").joinpath("static").joinpath("vendor")
    readme = vendor.joinpath("README.md").read_text(encoding="utf-8")
    for name in (f"swagger-ui-bundle-{SWAGGER_UI}.js", f"swagger-ui-{SWAGGER_UI}.css"):
        digest = hashlib.sha256(vendor.joinpath(name).read_bytes()).hexdigest()
        assert f"`{name}`: `{digest}`" in readme.replace("\n", " ").replace("of `", "`"), name
    assert "Apache License" in vendor.joinpath("swagger-ui-LICENSE.txt").read_text(encoding="utf-8")


def test_docs_page_loads_only_local_assets():
    with TestClient(create_app(ServiceConfig())) as client:
        page = client.get("/docs").text
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and all(src.startswith(("/static/", "data:")) for src in sources), sources
        assert "http://" not in page and "https://" not in page
        for src in sources:
            if src.startswith("/static/"):
                assert client.get(src).status_code == 200
