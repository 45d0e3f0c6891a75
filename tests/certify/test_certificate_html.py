"""The printable certificate: self-contained, escapes content, shows verdict and signature."""

from __future__ import annotations

import re

from paxsilica.certify.certificate import new_key_pair, sign_certificate
from paxsilica.report.certificate import certificate_html

BODY = {"format": "paxsilica-certificate/1", "issued_at": "2026-01-01T00:00:00Z",
        "subject": "Drone <X>", "verdict": "fail", "summary": {"fail": 1, "warn": 0},
        "bom": {"file": "bom.csv", "format": "csv", "parts": 3, "sha256": "ab" * 32},
        "lists": [{"name": "dod_1260h", "format": "dod_1260h", "version": "2025-01-07",
                   "rows": 23, "sha256": "cd" * 32}],
        "rule_pack": {"id": "uas-ndaa848", "version": "2026.1", "sha256": "ef" * 32},
        "screening": {"model": "paxsilica-screening/v1", "threshold": 0.7},
        "findings": [{"part_id": "CAM-1", "rule": "covered-component-from-listed-entity",
                      "severity": "fail", "entity_id": "dod1260h-x", "entity_name": "SZ DJI",
                      "score": 0.99, "reason": "camera by SZ DJI"}],
        "tool": {"name": "paxsilica", "version": "0.1.0"}}


def test_html_is_self_contained_and_escaped():
    private, _ = new_key_pair()
    html = certificate_html(sign_certificate(BODY, private))
    assert "FAIL" in html and "CAM-1" in html and "Ed25519" in html
    assert "Drone &lt;X&gt;" in html and "<X>" not in html
    assert not re.search(r"<(script|link|img)\b", html)
    assert "http://" not in html and "https://" not in html


def test_html_shows_the_ownership_inputs():
    body = {**BODY, "ownership": {"file": {"file": "own.csv", "format": "table",
                                           "sha256": "12" * 32, "links": 4},
                                  "store": None, "from_lists": 0}}
    html = certificate_html({"certificate": body, "signature": None})
    assert "own.csv" in html and "12" * 32 in html and "database" not in html
