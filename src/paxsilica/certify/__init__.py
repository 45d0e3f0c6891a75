"""Certify: restricted-party screening, ownership (50% rule), BOM rule packs, certificates.

Data flows one way: list files (:mod:`paxsilica.io`) → :mod:`.lists` → screening
(:mod:`.screening`) and ownership (:mod:`.ownership`) → :mod:`.bom` + :mod:`.rules` →
:mod:`.check` → :mod:`.issue` (certificate body) → :mod:`.certificate` (Ed25519) and
:mod:`.attestation` (CycloneDX). Front ends call :mod:`.api` (``certify_bom``,
``verify_certificate``, ``read_queries``) and :func:`.screen.screen_names`. See
``docs/certify.md``.
"""

from paxsilica.certify.api import (
    Verification,
    certify_bom,
    check_queries,
    read_ownership_links,
    read_queries,
    verify_certificate,
)
from paxsilica.certify.bom import BillOfMaterials, load_bom
from paxsilica.certify.certificate import sign_certificate, verify_signature
from paxsilica.certify.check import BomCheck, check_bom
from paxsilica.certify.issue import certificate_body
from paxsilica.certify.lists import RestrictedList, load_list, resolve_lists
from paxsilica.certify.ownership import controlled_entities
from paxsilica.certify.rules import RulePack, load_pack
from paxsilica.certify.screen import match_records, screen_names
from paxsilica.certify.screening.screener import Screener

__all__ = ["BillOfMaterials", "BomCheck", "RestrictedList", "RulePack", "Screener",
           "Verification", "certificate_body", "certify_bom", "check_bom", "check_queries",
           "controlled_entities", "load_bom", "load_list", "load_pack", "match_records",
           "read_ownership_links", "read_queries", "resolve_lists", "screen_names",
           "sign_certificate", "verify_certificate", "verify_signature"]
