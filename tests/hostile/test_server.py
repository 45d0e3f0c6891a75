"""Hostile requests that only a real server shows (issue 22): `paxsilica serve` runs in a
subprocess with a memory cap (the audit's 4 GB), on loopback.

* requests the HTTP parser refuses (a bad Content-Length) get problem+json 400;
* a body that never arrives in full gets 408 once the body time is up;
* 1 MB names are refused and the server's memory stays bounded (RSS, not timing);
* a token added with the CLI while the server runs is accepted.
"""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import audit


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-server")
    db = folder / "server.duckdb"
    token = audit.add_token(db, "hostile-analyst", "analyst")
    process, base = audit.start_server(db, folder, "--body-timeout", "2")
    yield process, base, token, db
    process.terminate()
    process.wait(timeout=60)


def _head(answer: bytes) -> tuple[int, str, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = {k.strip().lower().decode(): v.strip().decode()
               for k, _, v in (line.partition(b":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers.get("content-type", ""), json.loads(body or b"{}")


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "5, 6"])
def test_bad_content_length_is_problem_json(server, length):
    _, base, token, _ = server
    request = (f"POST /api/v1/screen HTTP/1.1\r\nHost: {base[7:]}\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{}}").encode()
    status, kind, body = _head(audit.raw_request(base, request))
    assert status == 400 and kind.startswith("application/problem+json")
    assert body["status"] == 400 and "Content-Length" in body["detail"]


def test_a_body_that_never_arrives_is_408(server):
    _, base, token, _ = server
    request = (f"POST /api/v1/screen HTTP/1.1\r\nHost: {base[7:]}\r\nAuthorization: Bearer {token}\r\n"
               "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{}").encode()
    status, kind, body = _head(audit.raw_request(base, request))
    assert status == 408 and kind.startswith("application/problem+json")
    assert "did not arrive within 2 s" in body["detail"]
    assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200  # still serving


def test_one_megabyte_names_are_refused_with_memory_bounded(server):
    process, base, token, _ = server
    headers = {"Authorization": f"Bearer {token}"}
    before = audit.server_rss(process.pid)
    big = "A" * 1_000_000
    for names in ([big], [{"query_id": "q", "name": big}], ["x"] * 3 + [big[:5_000]]):
        answer = httpx.post(f"{base}/api/v1/screen", json={"names": names, "lists": ["bundled:fcc_covered"]},
                            headers=headers, timeout=120)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "1000" in answer.text or "1,000" in answer.text
    grown = audit.server_rss(process.pid) - before
    # before the fix one such name grew the server to 24 GB; parsing 1 MB of JSON costs a few
    assert grown < 256 << 20, f"the server grew by {grown / 2**20:.0f} MB"
    assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200


def test_a_token_added_while_serving_is_accepted(server):
    _, base, _, db = server
    token = audit.add_token(db, "late-reader", "reader")
    answer = httpx.get(f"{base}/api/v1/groups", headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert answer.status_code == 200
