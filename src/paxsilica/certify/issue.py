"""Assemble a certificate body from a BOM check.

Example:
    >>> import tempfile, pathlib
    >>> from paxsilica.certify.bom import load_bom
    >>> from paxsilica.certify.lists import bundled_list_path, load_list
    >>> from paxsilica.certify.rules import load_pack
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n")
    >>> body = certificate_body(load_bom(path), [load_list(bundled_list_path("fcc_covered"))],
    ...                         load_pack("fcc-covered"), issued_at="2026-01-01T00:00:00Z")
    >>> body["verdict"], body["findings"], body["lists"][0]["rows"]
    ('pass', [], 11)
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd

from paxsilica._version import __version__
from paxsilica.certify.bom import BillOfMaterials
from paxsilica.certify.certificate import CERTIFICATE_FORMAT
from paxsilica.certify.check import check_bom, check_threshold
from paxsilica.certify.lists import RestrictedList, list_scope
from paxsilica.certify.ownership import links_digest
from paxsilica.certify.rules import RulePack
from paxsilica.certify.screening.screener import Screener
from paxsilica.errors import PaxsilicaError

__all__ = ["DEFAULT_MAX_LIST_AGE_DAYS", "certificate_body", "verdict_text"]

DEFAULT_MAX_LIST_AGE_DAYS = 90
"""Lists older than this (days between their version date and the issue date) are named
in the certificate's warnings: restricted-party lists change every few weeks."""


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value


def _check_age_limit(days: object) -> int | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise PaxsilicaError(f"max_list_age_days: expected a whole number of days >= 0, "
                             f"got {days!r}")
    return days


def verdict_text(verdict: str, lists: list[dict], max_list_age_days: int | None,
                 failing: int = 0) -> str:
    """The verdict in words, with what limits it: a PASS against sample, stale or undated
    lists says it is no clearance.

    >>> verdict_text("pass", [{"name": "fcc_covered", "bundled_sample": True, "age_days": 1539}], 90)
    'PASS only against what was checked: screened against bundled SAMPLE lists (fcc_covered), \
not the complete, current lists; lists older than 90 days (fcc_covered: 1539 days). Not a \
clearance: import the current lists and certify again.'
    >>> verdict_text("fail", [], 90, failing=2)
    'FAIL: 2 failing finding(s).'
    """
    samples = [lst["name"] for lst in lists if lst.get("bundled_sample")]
    stale = [f"{lst['name']}: {lst['age_days']} days" for lst in lists
             if max_list_age_days is not None and lst.get("age_days") is not None
             and lst["age_days"] > max_list_age_days]
    undated = [lst["name"] for lst in lists if lst.get("age_days") is None]
    limits = ([f"screened against bundled SAMPLE lists ({', '.join(samples)}), not the "
               "complete, current lists"] if samples else [])
    limits += [f"lists older than {max_list_age_days} days ({', '.join(stale)})"] if stale else []
    limits += [f"lists of unknown age ({', '.join(undated)})"] if undated else []
    if verdict != "pass":
        return f"FAIL: {failing} failing finding(s)." + (
            f" Checked against limited lists too: {'; '.join(limits)}." if limits else "")
    if not limits:
        return "PASS against current lists."
    return (f"PASS only against what was checked: {'; '.join(limits)}. Not a clearance: "
            "import the current lists and certify again.")


def certificate_body(bom: BillOfMaterials, lists: list[RestrictedList], pack: RulePack,
                     threshold: float | None = None, ownership: pd.DataFrame | None = None,
                     issued_at: str | None = None, subject: str | None = None,
                     node_names: dict[str, str] | None = None,
                     ownership_inputs: dict | None = None,
                     max_list_age_days: int | None = DEFAULT_MAX_LIST_AGE_DAYS,
                     pack_choice: str | None = None) -> dict:
    """The unsigned certificate: verdict, findings, BOM hash, list versions, pack hash.

    Each list names its version, the date it stands for (``as_of``), its age in days
    when issued and whether it is a bundled sample; ``warnings`` says plainly when a list
    is a sample, older than ``max_list_age_days`` (``None``: no limit) or of unknown age.

    ``ownership_inputs`` records where ``ownership`` came from (``{"file": …, "store":
    …}``, see :func:`~paxsilica.certify.ownership.ownership_file_record` and
    :func:`~paxsilica.certify.ownership.store_ownership_record`); without it, links given
    in ``ownership`` are recorded by their count and digest. ``verdict_text`` gives the
    verdict in words (:func:`verdict_text`); ``pack_choice`` says how the pack was chosen
    when the caller did not name it (recorded as ``rule_pack.chosen``)."""
    screener = Screener()
    threshold = check_threshold(threshold, "threshold")
    threshold = screener.model.threshold if threshold is None else threshold
    result = check_bom(bom, lists, pack, threshold=threshold, ownership=ownership,
                       screener=screener, node_names=node_names)
    findings = [{key: _plain(value) for key, value in row.items() if key != "row"}
                for row in result.findings.to_dict("records")]
    root = bom.parts[bom.parts["parent_id"].isna()]
    recorded = {"file": None, "store": None, **(ownership_inputs or {})}
    if ownership is not None and not ownership.empty and ownership_inputs is None:
        recorded["links"] = {"links": len(ownership), "sha256": links_digest(ownership,
                                                                             node_names)}
    recorded["from_lists"] = int(sum(len(lst.ownership) for lst in lists))
    issued_at = issued_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    max_list_age_days = _check_age_limit(max_list_age_days)
    scopes = [list_scope(lst, date.fromisoformat(issued_at[:10]), max_list_age_days)
              for lst in lists]
    records = [record for record, _ in scopes]
    fails = int((result.findings["severity"] == "fail").sum())
    return {
        "format": CERTIFICATE_FORMAT,
        "issued_at": issued_at,
        "subject": subject or (str(root["description"].iloc[0]) if len(root) else bom.file),
        "verdict": result.verdict,
        "verdict_text": verdict_text(result.verdict, records, max_list_age_days, fails),
        "bom": bom.summary(),
        "lists": records,
        "max_list_age_days": max_list_age_days,
        "warnings": [warning for _, found in scopes for warning in found],
        "rule_pack": {**pack.summary(), **({"chosen": pack_choice} if pack_choice else {})},
        "screening": {"model": screener.model.version, "threshold": threshold},
        "ownership": recorded,
        "summary": {"fail": fails,
                    "warn": int((result.findings["severity"] == "warn").sum())},
        "findings": findings,
        "tool": {"name": "paxsilica", "version": __version__},
    }
