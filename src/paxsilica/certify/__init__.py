"""Certify: restricted-party screening, ownership (50% rule), BOM rule packs, certificates.

Data flows one way: list files (:mod:`paxsilica.io`) → :mod:`.lists` → screening
(:mod:`.screening`) and ownership (:mod:`.ownership`) → :mod:`.bom` + :mod:`.rules` →
:mod:`.check` → :mod:`.issue` (certificate body) → :mod:`.certificate` (Ed25519) and
:mod:`.attestation` (CycloneDX). See ``docs/certify.md``.
"""

from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from paxsilica.certify.bom import BillOfMaterials, load_bom
from paxsilica.certify.certificate import (
    load_private_key,
    sign_certificate,
    unsigned_certificate,
    verify_certificate,
)
from paxsilica.certify.check import BomCheck, check_bom
from paxsilica.certify.issue import certificate_body
from paxsilica.certify.lists import RestrictedList, load_list, resolve_lists
from paxsilica.certify.ownership import controlled_entities
from paxsilica.certify.rules import RulePack, load_pack
from paxsilica.certify.screening.screener import Screener

__all__ = ["BillOfMaterials", "BomCheck", "RestrictedList", "RulePack", "Screener",
           "certificate_body", "certify_bom", "check_bom", "controlled_entities", "load_bom",
           "load_list", "load_pack", "resolve_lists", "sign_certificate", "verify_certificate"]


def certify_bom(bom: BillOfMaterials | str | Path, lists: list[RestrictedList | str],
                pack: RulePack | str | Path, *, private_key: Ed25519PrivateKey | str | Path | None = None,
                threshold: float | None = None, ownership: pd.DataFrame | None = None,
                issued_at: str | None = None, subject: str | None = None) -> dict:
    """Check a bill of materials against restricted-party lists and a rule pack and issue
    the certificate: ``{"certificate": body, "signature": …}``, signed with ``private_key``
    (a key or a PEM file) when given, else with ``"signature": None``.

    ``bom`` is a loaded BOM or a file; ``lists`` are loaded lists or specs
    (``bundled:NAME`` or a file); ``pack`` a loaded pack, a bundled pack name or a file;
    ``ownership`` extra ``owner, owned, percentage`` links (50% rule).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n")
    >>> document = certify_bom(path, ["bundled:fcc_covered"], "fcc-covered")
    >>> document["certificate"]["verdict"], document["signature"]
    ('pass', None)
    """
    if not isinstance(bom, BillOfMaterials):
        bom = load_bom(bom)
    loaded = [item for item in lists if isinstance(item, RestrictedList)]
    specs = [str(item) for item in lists if not isinstance(item, RestrictedList)]
    loaded += resolve_lists(specs) if specs else []
    if not isinstance(pack, RulePack):
        pack = load_pack(pack)
    if private_key is not None and not isinstance(private_key, Ed25519PrivateKey):
        private_key = load_private_key(private_key)
    body = certificate_body(bom, loaded, pack, threshold=threshold, ownership=ownership,
                            issued_at=issued_at, subject=subject)
    return sign_certificate(body, private_key) if private_key else unsigned_certificate(body)
