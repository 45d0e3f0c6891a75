"""docs/data.md's confidence and basis rules, enforced on every bundled row.

The rules (docs/data.md, "Confidence and basis"): ``high`` means read in the primary
document (or an archived copy), so a row whose source names a relay ("X via Y",
"as reported by", a summary, a forum post, a transcription) is at most ``medium``;
``estimate`` is our judgement, never ``high``, with a central value and a range;
``derived`` says in its note how it was derived; figures for years after the data
were compiled are ``projection`` or ``target``; a share for one quarter is not an
annual share; every row cites a source, and a URL (never a path outside the
package) unless it is paxsilica's own estimate or derivation.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from paxsilica.store.bundled import BUNDLED_FILES, bundled_path

CONFIDENCE = {"high", "medium", "low"}
BASIS = {"reported", "derived", "estimate", "target", "projection", "assumption"}
COMPILED = 2026
"""The year the bundled tables were compiled: later years are forward-looking."""
RELAY = re.compile(r"\bvia\b|as relayed|relayed by|as reported by|as quoted by|as cited by|"
                   r"as summari[sz]ed|summary|transcri|forum|as charted", re.IGNORECASE)
SECONDARY_NOTE = re.compile(r"secondary|third-party|not checked against", re.IGNORECASE)
CORROBORATED = re.compile(r"corroborated|several consistent reports", re.IGNORECASE)
RANGE = re.compile(r"\d[\d.,]*\s*(?:-|–|to)\s*\d")
QUARTER = re.compile(r"\bQ[1-4] \d{4} only\b|single[- ]quarter|quarterly \(", re.IGNORECASE)
DERIVED = re.compile(r"deriv|=|\bx\b|/|per ", re.IGNORECASE)

CSV_FILES = [(kind, name) for kind, _, name in BUNDLED_FILES if name.endswith(".csv")]


def _rows() -> list[tuple[str, int, dict[str, str]]]:
    out = []
    for _, name in CSV_FILES:
        with bundled_path(name).open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                out.append((name, number, row))
    return out


ROWS = _rows()


def _where(name: str, number: int, row: dict[str, str]) -> str:
    return f"{name} line {number}: {row.get('source', '')[:70]}"


def test_every_csv_row_has_known_confidence_and_basis():
    assert len(ROWS) > 500
    bad = [_where(*r) for r in ROWS if r[2].get("confidence") not in CONFIDENCE
           or (r[2].get("basis") or "reported") not in BASIS]
    assert not bad, bad


def test_every_row_cites_a_source_and_no_path_outside_the_package():
    bad = []
    for name, number, row in ROWS:
        url = (row.get("source_url") or "").strip()
        if not row.get("source", "").strip():
            bad.append(_where(name, number, row) + " (no source)")
        elif url and not url.startswith(("http://", "https://")):
            bad.append(_where(name, number, row) + f" (source_url {url!r} is not a URL)")
        elif not url and not (row.get("basis") in ("derived", "estimate", "assumption")
                              and row["source"].lower().startswith("paxsilica")):
            bad.append(_where(name, number, row) + " (no URL, and not our own estimate)")
    assert not bad, bad


def test_high_confidence_rows_do_not_rest_on_a_relay():
    bad = []
    for name, number, row in ROWS:
        if row["confidence"] != "high":
            continue
        text = f"{row['source']} {row.get('note') or ''}"
        if SECONDARY_NOTE.search(row.get("note") or ""):
            bad.append(_where(name, number, row) + " (note says secondary)")
        # coalition events may be high on several consistent reports (docs/data.md)
        elif RELAY.search(row["source"]) and not (name == "memberships.csv"
                                                 and CORROBORATED.search(text)):
            bad.append(_where(name, number, row) + " (source is a relay)")
    assert not bad, bad


def test_assumptions_are_never_high_and_give_their_reasoning():
    assumptions = [r for r in ROWS if r[2].get("basis") == "assumption"]
    bad = [_where(*r) for r in assumptions
           if r[2]["confidence"] == "high" or len(r[2].get("note") or "") < 40]
    assert not bad, bad


def test_estimates_are_never_high_and_state_a_range():
    estimates = [r for r in ROWS if r[2].get("basis") == "estimate"]
    assert estimates, "the bundled recipes hold estimates"
    bad = [_where(*r) for r in estimates
           if r[2]["confidence"] == "high" or not RANGE.search(r[2].get("note") or "")]
    assert not bad, bad


def test_derived_rows_say_how():
    bad = [_where(*r) for r in ROWS
           if r[2].get("basis") == "derived" and not DERIVED.search(r[2].get("note") or "")]
    assert not bad, bad


def test_future_years_are_projections_or_targets():
    bad = []
    for name, number, row in ROWS:
        year = (row.get("year") or "").strip()
        if year.isdigit() and int(year) > COMPILED and row.get("basis") not in (
                "projection", "target"):
            bad.append(_where(name, number, row) + f" ({year}, basis {row.get('basis')})")
    assert not bad, bad


def test_supply_shares_are_annual_not_one_quarter():
    bad = [_where(*r) for r in ROWS
           if r[0] == "supplies.csv" and QUARTER.search(r[2].get("note") or "")]
    assert not bad, bad


@pytest.mark.parametrize(("source", "note", "ok"), [
    ("IDC via TelecomLead", "", False),
    ("USGS Mineral Commodity Summaries 2025", "", True),
    ("TrendForce press release (14 Dec 2023)", "Third-party transcription", False),
])
def test_relay_rule_recognises_disguised_relays(source, note, ok):
    relayed = bool(RELAY.search(source)) or bool(SECONDARY_NOTE.search(note))
    assert relayed is not ok


def test_rules_are_those_the_docs_state():
    docs = Path(__file__).resolve().parents[2] / "docs" / "data.md"
    text = docs.read_text(encoding="utf-8")
    for phrase in ("never graded `high`", "tests/data/test_bundled_labels.py", "single quarter"):
        assert phrase in text, phrase


def test_policy_targets_are_cited_with_urls():
    # not loaded into the store (context only), but bundled: same citation rules
    with bundled_path("policy_targets.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["confidence"] in CONFIDENCE, row["source_title"]
        assert row["source_url"].startswith(("http://", "https://")), row["source_url"]
