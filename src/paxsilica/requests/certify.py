"""Certification: a BOM checked against restricted-party lists and a rule pack, issued as a
(signed) certificate document.

The BOM and an ownership file are files the front end hands over (the CLI: the user's;
the service: its copy of the upload). Lists and the rule pack are names: ``bundled:NAME``
or a stored list, a bundled pack; files too for local requests only.

**Safe defaults** (:mod:`paxsilica.certify.defaults`), so that every front end inherits
them: without ``lists``, every installed list; without ``rules``, the strictest bundled
pack that applies to the BOM (the certificate says how it was chosen). The certificate
always carries its warnings (sample lists, their versions and ages) and ``verdict_text``
says in words what a PASS on a sample or stale list is worth.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "bom.csv").write_text("part_id,parent_id,description,category,"
    ...     "manufacturer,country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n")
    >>> request = CertifyRequest(bom=folder / "bom.csv", lists=["bundled:fcc_covered"],
    ...                          rules="fcc-covered")
    >>> answer_certify(request)["certificate"]["verdict"]
    'pass'
    >>> body = answer_certify(CertifyRequest(bom=folder / "bom.csv"))["certificate"]
    >>> [lst["name"] for lst in body["lists"]], body["rule_pack"]["id"]
    (['fcc_covered', 'dod_1260h', 'csl_sample'], 'uas-ndaa848')
    >>> body["verdict_text"][:40]
    'PASS only against what was checked: scre'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field, StrictInt, ValidationInfo, model_validator

from paxsilica.certify.api import certify_bom
from paxsilica.certify.bom import load_bom
from paxsilica.certify.defaults import installed_list_specs, strictest_pack
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
    lists: Annotated[list[Name], Field(min_length=1, max_length=MAX_LISTS)] | None = None
    """Lists (``bundled:NAME``, a stored list, a file for local requests); default every
    installed list."""
    rules: Name | None = None
    """Rule pack: a bundled pack's name (uas-ndaa848, fcc-covered, magnets-tungsten) or,
    for local requests, a pack file; default the strictest bundled pack that applies."""
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
        if remote and self.rules is not None and self.rules not in bundled_packs():
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
    pack = load_pack(request.rules) if request.rules is not None else None
    parts = load_bom(request.bom)
    specs = (list(request.lists) if request.lists is not None
             else installed_list_specs(opened_store(store)))
    lists = restricted_lists(specs, store, local_files=request.local_files)
    links = node_names = record = None
    if request.store_ownership:
        opened = opened_store(store)
        if opened is None:
            raise ParameterError("store_ownership needs a database", field="store_ownership")
        links, node_names = store_ownership(opened)
        record = store_ownership_record(links, node_names)
    choice = None
    if pack is None:
        pack, choice = strictest_pack(parts, lists, threshold=request.threshold)
    return certify_bom(parts, lists, pack, key, threshold=request.threshold,
                       ownership=request.ownership_file, links=links, node_names=node_names,
                       store_record=record, subject=request.subject,
                       max_list_age_days=request.max_list_age_days, pack_choice=choice)
