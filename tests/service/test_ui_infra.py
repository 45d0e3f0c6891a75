"""The dashboard's cable page (issue 21): the map, the what-if boxes, the vendored outline
served locally, and clean errors (TestClient; tests/service/test_browser.py drives it in
Chromium)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from paxsilica.analytics.connectivity import connectivity
from paxsilica.model.network import StackNetwork
from paxsilica.report.maps import OUTLINE_SHA256
from paxsilica.store import open_store


@pytest.fixture()
def browser(client, tokens):
    response = client.post("/login", data={"token": tokens["reader"]}, follow_redirects=False)
    assert response.status_code == 303
    yield client
    client.cookies.clear()


def _figure(text: str, name: str) -> dict:
    return json.loads(re.search(rf'id="{name}">(.*?)</script>', text, re.S).group(1))


def test_the_outline_is_served_locally_and_unchanged(client):
    outline = client.get("/static/vendor/geo/world_110m.json")
    assert outline.status_code == 200
    assert hashlib.sha256(outline.content).hexdigest() == OUTLINE_SHA256
    assert set(json.loads(outline.content)["objects"]) >= {"land", "countries", "coastlines", "ocean"}


def test_the_page_needs_a_session(client):
    assert client.get("/infra", follow_redirects=False).headers["location"] == "/login"


def test_the_page_shows_the_country_and_its_isolating_sites(browser):
    page = browser.get("/infra", params={"country": "TWN", "year": 2024})
    assert page.status_code == 200
    oracle = connectivity(StackNetwork.from_store(open_store(":memory:")), "TWN", 2024)
    note = re.search(r'id="infra-note"[^>]*>(.*?)</p>', page.text, re.S).group(1)
    assert f"{len(oracle.cables)} cable(s) abroad through {len(oracle.sites)} landing site(s)" in note
    world = _figure(page.text, "infra-map-figure")
    assert world["layout"]["geo"]["resolution"] == 110
    rings = [t for t in world["data"] if t["name"].startswith("Isolating")]
    assert len(rings) == 1 and len(rings[0]["lat"]) >= 1
    assert "Toucheng" in re.search(r'id="infra-unlocated"[^>]*>(.*?)</p>', page.text, re.S).group(1)
    assert page.text.count('name="close"') == len(set(oracle.sites) | set(oracle.isolating_sites))
    assert "cdn.plot.ly" not in page.text and "Cables</a>" in page.text


def test_closing_every_isolating_site_isolates_it(browser):
    oracle = connectivity(StackNetwork.from_store(open_store(":memory:")), "TWN", 2024)
    fragment = browser.get("/ui/infra", params={"country": "TWN", "year": 2024, "shown": "TWN",
                                                "close": oracle.isolating_sites})
    assert fragment.status_code == 200
    assert 'data-isolated="true"' in fragment.text and "100% lost" in fragment.text
    # another country: the boxes of the previous one no longer apply
    other = browser.get("/ui/infra", params={"country": "JPN", "year": 2024, "shown": "TWN",
                                             "close": oracle.isolating_sites})
    assert 'data-isolated="false"' in other.text and "lost)" not in other.text


@pytest.mark.parametrize(("params", "needle"), [
    ({"country": "Atlantis"}, "Atlantis"),
    ({"country": "TWN", "cut": ["no-such-cable"], "shown": "TWN"}, "no-such-cable"),
    ({"country": "TWN", "year": 1200}, "year"),
])
def test_bad_choices_are_one_clear_message(browser, params, needle):
    response = browser.get("/ui/infra", params=params, headers={"HX-Request": "true"})
    assert 400 <= response.status_code < 500
    assert "text/html" in response.headers["content-type"] and needle in response.text
    assert "Traceback" not in response.text
