"""Certification: a BOM checked against restricted-party lists and a rule pack, issued as a
(signed) certificate document.

The BOM and an ownership file are files the front end hands over (the CLI: the user's;
the service: its copy of the upload). Lists and the rule pack are names: ``bundled:NAME``
or a stored list, a bundled pack; files too for local requests only.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "bom.csv").write_text("part_id,parent_id,description,category,"
    ...     "manufacturer,country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n")
    >>> request = CertifyRequest(bom=folder / "bom.csv", lists=["bundled:fcc_covered"],
    ...                          rules="fcc-covered")
    >>> answer_certify(request)["certificate"]["verdict"]
    'pass'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field, StrictInt, ValidationInfo, model_validator

from paxsilica.certify.api import certify_bom
from paxsilica.certify.bom import load_bom
from paxsilica.certify.issue import DEFAULT_MAX_LIST_AGE_DAYS
from paxsilica.certify.ownership import store_ownership, store_ownership_record
from paxsilica.certify.rules import bundled_packs, load_pack
from paxsilica.errors import ParameterError
from paxsilica.requests.base import Fraction, Name, Request, StrictBool
from paxsilica.requests.limits import MAX_LISTS, MAX_TEXT_CHARS
from paxsilica.requests.screen import StoreSource, opened_store, restricted_lists

__all__ = ["CertifyRequest", "answer_certify"]


class CertifyRequest(Request):
    """``paxsilica certify`` / ``POST /api/v1/certify``."""

    bom: Path
    """BOM file: CSV (part_id,parent_id,description,category,manufacturer,
    country_of_origin,quantity) or CycloneDX JSON."""
    lists: Annotated[list[Name], Field(min_length=1, max_length=MAX_LISTS)]
    rules: Name
    """Rule pack: a bundled pack's name (uas-ndaa848, fcc-covered, magnets-tungsten) or,
    for local requests, a pack file."""
    threshold: Fraction | None = None
    """Screening threshold 0-1 (default: the model's)."""
    subject: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)] | None = None
    """Product name on the certificate."""
    ownership_file: Path | None = None
    """Ownership links (CSV or FtM), recorded by name and digest."""
    store_ownership: StrictBool = False
    """Also use the store's ownership and companies."""
    max_list_age_days: Annotated[StrictInt, Field(ge=0)] | None = DEFAULT_MAX_LIST_AGE_DAYS
    """Warn (on the certificate too) when a list's version is older than this."""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        remote = info.context is not None and not info.context.get("local_files", True)
        if remote and self.rules not in bundled_packs():
            raise ParameterError(f"no rule pack {self.rules!r}: bundled packs are "
                                 f"{', '.join(bundled_packs())}", field="rules")
        return self


def answer_certify(request: CertifyRequest, *, key: Ed25519PrivateKey | None = None,
                   store: StoreSource = None) -> dict:
    """The certificate document ``{"certificate": body, "signature": …}`` (signed with
    ``key`` when given); a ``fail`` verdict is a result, not an error.

    Raises:
        PaxsilicaError: a bad BOM, list, rule pack or ownership file (checked in that
            order: pack, BOM, lists, ownership, before any screening).
    """
    pack = load_pack(request.rules)
    parts = load_bom(request.bom)
    lists = restricted_lists(list(request.lists), store, local_files=request.local_files)
    links = node_names = record = None
    if request.store_ownership:
        opened = opened_store(store)
        if opened is None:
            raise ParameterError("store_ownership needs a database", field="store_ownership")
        links, node_names = store_ownership(opened)
        record = store_ownership_record(links, node_names)
    return certify_bom(parts, lists, pack, key, threshold=request.threshold,
                       ownership=request.ownership_file, links=links, node_names=node_names,
                       store_record=record, subject=request.subject,
                       max_list_age_days=request.max_list_age_days)
