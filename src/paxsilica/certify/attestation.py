"""A CycloneDX 1.6 attestation (CDXA) for a certificate.

The BOM's parts become CycloneDX components (built with cyclonedx-python-lib), the rule
pack becomes a *standard* whose *requirements* are its rules (``definitions``), and
``declarations`` hold the assessor, one claim per rule ("no part of the product meets
this rule") and an attestation mapping each requirement to its claim with a conformance
score of 1 (no finding) or 0 (findings, listed in the rationale). The certificate's
SHA-256 (of its canonical bytes) and signature fingerprint are BOM properties, so the
attestation points at the signed certificate that backs it.

Example:
    >>> doc = cyclonedx_attestation(
    ...     {"certificate": {"verdict": "pass", "subject": "Drone", "findings": [],
    ...                      "issued_at": "2026-01-01T00:00:00Z",
    ...                      "rule_pack": {"id": "p", "version": "1", "sha256": "0" * 64}},
    ...      "signature": None},
    ...     parts=[{"part_id": "D", "parent_id": None, "description": "Drone",
    ...             "manufacturer": "Acme", "category": "system"}],
    ...     rules=[("r1", "fail", "no listed makers")])
    >>> doc["specVersion"], doc["declarations"]["attestations"][0]["map"][0]["conformance"]
    ('1.6', {'score': 1.0, 'rationale': 'No finding for rule r1.'})
"""

from __future__ import annotations

import hashlib
import json
import warnings

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.definition import Definitions, Requirement, Standard
from cyclonedx.output.json import JsonV1Dot6

from paxsilica.certify.certificate import canonical_bytes

__all__ = ["cyclonedx_attestation"]

_TYPES = {"software": ComponentType.APPLICATION, "ml-model": ComponentType.MACHINE_LEARNING_MODEL}


def _ref(part_id: str) -> str:
    return f"part:{part_id}"


def cyclonedx_attestation(document: dict, parts: list[dict],
                          rules: list[tuple[str, str, str]],
                          assessor: str = "paxsilica certifier") -> dict:
    """CycloneDX 1.6 JSON (as a dict) attesting ``document`` (a certificate file's content).

    ``parts``: BOM rows (``part_id, parent_id, description, manufacturer, category``,
    optional ``component_type``); ``rules``: ``(rule id, severity, reason template)``.
    """
    body = document["certificate"]
    pack = body["rule_pack"]
    components: dict[str, Component] = {}
    for part in parts:
        properties = [Property(name="paxsilica:category", value=str(part["category"]))]
        if part.get("country_of_origin"):
            properties.append(Property(name="paxsilica:country_of_origin",
                                       value=str(part["country_of_origin"])))
        components[part["part_id"]] = Component(
            name=str(part.get("description") or part["part_id"]), bom_ref=_ref(part["part_id"]),
            type=_TYPES.get(str(part.get("component_type")), ComponentType.DEVICE),
            supplier=OrganizationalEntity(name=str(part["manufacturer"])),
            properties=properties)
    bom = Bom()
    roots = [p for p in parts if not p.get("parent_id")]
    root = components[roots[0]["part_id"]] if len(roots) == 1 else None
    if root is not None:
        bom.metadata.component = root
    for part in parts:
        component = components[part["part_id"]]
        if component is root:
            continue
        parent = components.get(part.get("parent_id") or "")
        if parent is not None and parent is not root:
            parent.components.add(component)
        else:
            bom.components.add(component)
    standard_ref = f"standard:{pack['id']}"
    bom.definitions = Definitions(standards=[Standard(
        bom_ref=standard_ref, name=pack["id"], version=str(pack["version"]),
        description=f"paxsilica rule pack {pack['id']} (sha256 {pack['sha256']})",
        requirements=[Requirement(bom_ref=f"requirement:{rule_id}", identifier=rule_id,
                                  title=f"{severity}: {rule_id}", text=reason)
                      for rule_id, severity, reason in rules])])
    bom.properties.add(Property(name="paxsilica:certificate:sha256",
                                value=hashlib.sha256(canonical_bytes(body)).hexdigest()))
    bom.properties.add(Property(name="paxsilica:certificate:verdict", value=body["verdict"]))
    signature = document.get("signature") or {}
    if signature.get("public_key_sha256"):
        bom.properties.add(Property(name="paxsilica:certificate:public_key_sha256",
                                    value=signature["public_key_sha256"]))
    with warnings.catch_warnings():  # the library warns about an incomplete dependency graph
        warnings.simplefilter("ignore", UserWarning)
        data = json.loads(JsonV1Dot6(bom).output_as_string())
    target = _ref(roots[0]["part_id"]) if root is not None else None
    claims, mapping = [], []
    for rule_id, _severity, _reason in rules:
        found = [f for f in body["findings"] if f["rule"] == rule_id]
        claim = {"bom-ref": f"claim:{rule_id}",
                 "predicate": f"No part of {body['subject']} meets rule {rule_id} of "
                              f"{pack['id']} {pack['version']}."}
        if target:
            claim["target"] = target
        claims.append(claim)
        rationale = (f"No finding for rule {rule_id}." if not found else
                     f"{len(found)} finding(s): " + "; ".join(
                         f"{f['part_id']}: {f['reason']}" for f in found))
        mapping.append({"requirement": f"requirement:{rule_id}",
                        "claims": [f"claim:{rule_id}"],
                        "conformance": {"score": 0.0 if found else 1.0,
                                        "rationale": rationale}})
    data["declarations"] = {
        "assessors": [{"bom-ref": "assessor", "thirdParty": False,
                       "organization": {"name": assessor}}],
        "attestations": [{"summary": f"paxsilica certificate of {body['issued_at']}: verdict "
                                     f"{body['verdict']} under {pack['id']} {pack['version']}",
                          "assessor": "assessor", "map": mapping}],
        "claims": claims,
    }
    return data
