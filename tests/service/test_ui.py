"""The dashboard's pages and fragments through the TestClient (the browser tests drive them too)."""

from __future__ import annotations

import json
import re

import pytest
from tests.service.conftest import FIXTURES, auth


@pytest.fixture()
def browser(client):
    """The module's client, signed out at the end."""
    yield client
    client.cookies.clear()


def sign_in(client, token):
    response = client.post("/login", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert "samesite=strict" in response.headers["set-cookie"].lower()


def figure(html: str) -> dict:
    return json.loads(re.search(r'id="exposure-figure">(.*?)</script>', html, re.S).group(1))


def test_pages_need_a_session(browser):
    for page in ("/", "/scenarios", "/verify", "/bom"):
        response = browser.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    fragment = browser.get("/ui/exposure", headers={"HX-Request": "true"})
    assert fragment.status_code == 401 and "sign in" in fragment.text
    assert browser.post("/login", data={"token": "nope"}).status_code == 401


def test_dashboard_filters_change_the_chart(browser, tokens):
    sign_in(browser, tokens["reader"])
    page = browser.get("/")
    assert page.status_code == 200
    for control in ('name="item"', 'name="stage"', 'name="group"', 'name="as_of"', "htmx-2.0.11.min.js",
                    "/static/vendor/plotly.min.js"):
        assert control in page.text
    everything = figure(page.text)
    mines = figure(browser.get("/ui/exposure", params={"stage": "mine"}).text)
    assert 0 < len(mines["data"][0]["y"]) < len(everything["data"][0]["y"])
    gallium = browser.get("/ui/exposure", params={"item": "gallium", "as_of": "2026-01-01"}).text
    assert len(figure(gallium)["data"][0]["y"]) == 1 and "2026-01-01" in gallium
    bad = browser.get("/ui/exposure", params={"stage": "moon"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"] and "moon" in bad.text


def test_plotly_and_htmx_are_served_offline(browser):
    plotly = browser.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert b"htmx" in browser.get("/static/vendor/htmx-2.0.11.min.js").content
    page_text = browser.get("/login").text
    assert "http://" not in page_text.replace("http://www.w3.org", "") and "https://cdn" not in page_text


def test_bom_page_is_for_certifiers(browser, tokens):
    sign_in(browser, tokens["analyst"])
    assert browser.get("/bom").status_code == 403
    assert "BOM check" not in browser.get("/").text
    browser.cookies.clear()
    sign_in(browser, tokens["certifier"])
    assert "bundled:fcc_covered" in browser.get("/bom").text
    bom = FIXTURES / "drone_bom_red.csv"
    result = browser.post("/ui/certify", files={"bom": (bom.name, bom.read_bytes())},
                          data={"rules": "uas-ndaa848", "list": ["bundled:fcc_covered", "bundled:dod_1260h"]})
    assert result.status_code == 200 and 'data-verdict="fail"' in result.text and "signed" in result.text
    broken = browser.post("/ui/certify", files={"bom": ("b.csv", b"part_id\nA\n")},
                          data={"rules": "uas-ndaa848", "list": ["bundled:fcc_covered"]})
    assert broken.status_code == 422 and "b.csv" in broken.text


def test_bom_defaults_are_the_safe_ones(browser, tokens):
    """No list ticked and no pack chosen: every installed list and the strictest pack; the
    red drone BOM (DJI camera, CATL battery) fails; a PASS on sample lists says so."""
    sign_in(browser, tokens["certifier"])
    page = browser.get("/bom").text
    assert 'checked' not in page and "every installed list" in page and "strictest pack" in page
    red = FIXTURES / "drone_bom_red.csv"
    result = browser.post("/ui/certify", files={"bom": (red.name, red.read_bytes())}, data={"rules": ""})
    assert result.status_code == 200 and 'data-verdict="fail"' in result.text
    for name in ("fcc_covered", "dod_1260h"):
        assert name in re.search(r'id="bom-scope">(.*?)</p>', result.text, re.S).group(1)
    assert 'id="bom-warnings"' in result.text and "SAMPLE" in result.text
    clean = FIXTURES / "drone_bom.csv"
    passed = browser.post("/ui/certify", files={"bom": (clean.name, clean.read_bytes())})
    assert 'data-verdict="pass"' in passed.text
    words = re.search(r'id="bom-verdict-text">(.*?)</p>', passed.text, re.S).group(1)
    assert "PASS only against what was checked" in words and "SAMPLE" in words
    # the warnings sit inside the verdict box, beside PASS
    box = passed.text[passed.text.index('id="bom-verdict"'):]
    assert box.index('id="bom-warnings"') < box.index("</div>")


def test_verify_page(browser, client, tokens):
    bom = FIXTURES / "drone_bom.csv"
    certificate = client.post("/api/v1/certify", headers=auth(tokens["certifier"]),
                              files={"bom": (bom.name, bom.read_bytes())},
                              data={"rules": "uas-ndaa848", "list": ["bundled:fcc_covered"]}).content
    sign_in(browser, tokens["reader"])
    valid = browser.post("/ui/verify", files={"certificate": ("c.json", certificate)})
    assert 'data-valid="true"' in valid.text
    invalid = browser.post("/ui/verify", files={"certificate": ("c.json", certificate.replace(b"pass", b"fail"))})
    assert 'data-valid="false"' in invalid.text
    junk = browser.post("/ui/verify", files={"certificate": ("c.json", b"\xff")})
    assert junk.status_code == 200 and 'data-valid="false"' in junk.text


def _job_ids(html: str) -> list[str]:
    return re.findall(r'data-job="([0-9a-f]{32})"', html)


def test_scenarios_page_runs_and_compares(browser, client, tokens):
    sign_in(browser, tokens["analyst"])
    page = browser.get("/scenarios", params={"kind": "exposure"})
    assert 'value="exposure"' in page.text and 'id="exposure-fields"' in page.text
    browser.post("/ui/jobs", data={"kind": "exposure", "item": "gallium"})
    browser.post("/ui/jobs", data={"kind": "exposure", "item": "gallium", "group": "pax_silica_signatories"})
    jobs = browser.get("/ui/jobs").text
    ids = _job_ids(jobs)
    assert len(ids) >= 2
    for job_id in ids[:2]:
        client.app.state.jobs.wait(job_id)
    jobs = browser.get("/ui/jobs").text
    # runs are named by what they asked; ids are shown short (8 characters), whole in the title
    assert "exposure: gallium, pax_silica_signatories" in jobs
    assert f'title="{ids[0]}">{ids[0][:8]}</code>' in jobs
    # both newest runs are pre-selected as A (older) and B (newer)
    assert re.search(rf'name="a" value="{ids[1]}"[^>]*checked', jobs)
    assert re.search(rf'name="b" value="{ids[0]}"[^>]*checked', jobs)
    compared = browser.get("/ui/compare", params={"a": ids[0], "b": ids[1]})
    assert compared.status_code == 200 and compared.text.count('class="run"') == 2
    assert "pax_silica_signatories" in compared.text
    bad = browser.post("/ui/jobs", data={"kind": "exposure", "as_of": "moonday"})
    assert bad.status_code == 422 and "as_of" in bad.text
    unknown = browser.post("/ui/jobs", data={"kind": "teleport"})
    assert unknown.status_code == 422 and "teleport" in unknown.text


def test_switching_kind_resets_the_parameters(browser, tokens):
    sign_in(browser, tokens["analyst"])
    simulate = browser.get("/ui/run-form", params={"kind": "simulate"}).text
    plan = browser.get("/ui/run-form", params={"kind": "plan"}).text
    exposure = browser.get("/ui/run-form", params={"kind": "exposure"}).text
    assert 'id="simulate-fields"' in simulate and 'name="scenario"' in simulate and 'name="days"' in simulate
    assert 'id="plan-fields"' in plan and 'name="scenario"' not in plan and 'name="item"' not in plan
    assert 'id="exposure-fields"' in exposure and 'name="problem"' not in exposure
    assert browser.get("/ui/run-form", params={"kind": "nope"}).status_code == 422


def test_cookie_posts_from_another_origin_are_refused(browser, tokens):
    sign_in(browser, tokens["analyst"])
    body = {"names": [{"query_id": "q", "name": "Acme"}], "lists": ["bundled:fcc_covered"]}
    assert browser.post("/api/v1/screen", json=body).status_code == 200  # same origin, cookie
    evil = browser.post("/api/v1/screen", json=body, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert browser.post("/logout", follow_redirects=False).status_code == 303


def test_hostile_item_names_stay_text(tmp_path):
    from tests.service.conftest import make_client

    from paxsilica.service.access import add_token

    with make_client(tmp_path / "x.duckdb", None) as client:
        admin = add_token(client.app.state.service.store, "a", "admin", who="test")
        name = "</script><script>alert(1)</script>"
        items = f"item_id,name,kind,stage,unit\nevil_item,\"{name}\",material,mine,t\n".encode()
        supplies = (b"source,confidence,basis,item_id,stage,country,year,share\n"
                    b"Test,low,estimate,evil_item,mine,CHN,2024,1.0\n")
        for kind, data in (("items", items), ("supplies", supplies)):
            answer = client.post(f"/api/v1/imports/{kind}", headers=auth(admin), files={"file": (f"{kind}.csv", data)})
            assert answer.status_code == 201, answer.text
        sign_in(client, admin)
        fragment = client.get("/ui/exposure", params={"item": "evil_item"}).text
        assert "<script>alert(1)" not in fragment
        assert figure(fragment)["data"][0]["y"] == [name]
