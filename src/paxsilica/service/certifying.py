"""The library calls behind ``/screen``, ``/certify`` and ``/verify``.

Lists are bundled (``bundled:NAME``) or stored ones, rule packs are the bundled ones:
a request never names a file on the server.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.certify.api import (
    certify_bom,
    check_queries,
    read_ownership_links,
    verify_certificate,
)
from paxsilica.certify.bom import load_bom
from paxsilica.certify.certificate import fingerprint
from paxsilica.certify.check import check_threshold
from paxsilica.certify.lists import RestrictedList, load_stored_list, resolve_lists
from paxsilica.certify.ownership import store_ownership, store_ownership_record
from paxsilica.certify.rules import bundled_packs, load_pack
from paxsilica.certify.screen import match_records, screen_names
from paxsilica.errors import PaxsilicaError, RowError, ValidationError
from paxsilica.io.restricted import check_ownership
from paxsilica.service.problems import ProblemError
from paxsilica.store import Store

__all__ = ["certificate_text", "certify_upload", "restricted_lists", "safe_name", "screen_records",
           "verify_document"]

SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
T = TypeVar("T")


def restricted_lists(specs: list[str], store: Store) -> list[RestrictedList]:
    """``bundled:NAME`` or a stored list's name for each spec (422 naming ``lists``)."""
    if not specs:
        raise ProblemError(422, "give at least one list (bundled:NAME or a stored list name)", "lists")
    found = []
    for position, spec in enumerate(specs):
        try:
            found.extend(resolve_lists([spec]) if spec.startswith("bundled:")
                         else [load_stored_list(store, spec)])
        except PaxsilicaError as exc:
            raise ProblemError(422, str(exc), f"lists[{position}]") from None
    return found


def _threshold(threshold: float | None) -> float | None:
    try:
        return check_threshold(threshold, "threshold")
    except PaxsilicaError as exc:
        raise ProblemError(422, str(exc), "threshold") from None


def screen_records(store: Store, names: list[dict], specs: list[str], threshold: float | None,
                   use_store_ownership: bool, ownership: list[dict] | None = None) -> list[dict]:
    """What ``paxsilica screen --format json`` prints for these names (``names[i]`` is row i);
    ``ownership`` rows (``owner, owned, percentage``) as ``--ownership`` gives them."""
    _threshold(threshold)
    frame = pd.DataFrame(names, columns=["query_id", "name", "country", "identifiers"])
    frame = frame.astype(object).where(frame.notna(), None)
    frame = frame[[c for c in frame.columns
                   if c in ("query_id", "name") or frame[c].notna().any()]]
    frame = check_queries(frame, "names", rows=list(range(len(frame))))  # names[i] is row i
    lists = restricted_lists(specs, store)
    links, node_names = [], {}
    if ownership is not None:
        frame_links = pd.DataFrame(ownership, columns=["owner", "owned", "percentage"])
        links.append(check_ownership(frame_links, "ownership", first_row=0))
    if use_store_ownership:
        stored, node_names = store_ownership(store)
        links.append(stored)
    matches = screen_names(frame, lists, threshold=threshold, links=links, names=node_names)
    return match_records(frame, matches)


def certificate_text(document: dict) -> str:
    """The certificate file's text, exactly as ``paxsilica certify -o`` writes it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _pack(rules: str):
    if rules not in bundled_packs():
        raise ProblemError(422, f"no rule pack {rules!r}: bundled packs are "
                                f"{', '.join(bundled_packs())}", "rules")
    return load_pack(rules)


def safe_name(filename: str | None, default: str) -> str:
    """An uploaded file's name without folders or leading dots (what the temporary copy is called).

    >>> safe_name("../../etc/bom list.csv", "bom.csv"), safe_name("", "bom.csv")
    ('bom_list.csv', 'bom.csv')
    """
    return SAFE_NAME.sub("_", Path(filename or default).name).lstrip(".") or default


def _read_upload(folder: str, filename: str | None, data: bytes, default: str,
                 read: Callable[[Path], T]) -> tuple[Path, T]:
    """``read(path)`` of an upload saved under its own name; errors name the upload, not the copy."""
    path = Path(folder) / safe_name(filename, default)
    path.write_bytes(data)
    shown = filename or path.name
    try:
        return path, read(path)
    except ValidationError as exc:
        raise ValidationError([replace(e, file=e.file.replace(str(path), shown))
                               for e in exc.errors]) from None
    except (UnicodeDecodeError, ValueError) as exc:  # a reader's own complaint about bytes
        raise ValidationError([RowError(shown, None, default.split(".")[0], str(exc))]) from None


def certify_upload(store: Store, filename: str, data: bytes, *, rules: str, specs: list[str],
                   threshold: float | None, subject: str | None, use_store_ownership: bool,
                   key: Ed25519PrivateKey | None, ownership: tuple[str, bytes] | None = None) -> dict:
    """Check an uploaded BOM and issue the certificate document (signed with ``key`` if given),
    as ``paxsilica certify`` does; ``ownership`` is an uploaded links file (name, bytes).

    Errors name the uploaded file (not the server's temporary copy), row and field.
    """
    _threshold(threshold)
    pack = _pack(rules)
    links, node_names, record = None, None, None
    if use_store_ownership:
        links, node_names = store_ownership(store)
        record = store_ownership_record(links, node_names)
    with tempfile.TemporaryDirectory(prefix="paxsilica-bom-") as folder:
        _, parts = _read_upload(folder, filename, data, "bom.csv", load_bom)
        lists = restricted_lists(specs, store)
        path = None
        if ownership is not None:  # read here first so that errors name the upload
            path, _ = _read_upload(folder, ownership[0], ownership[1], "ownership.csv",
                                   read_ownership_links)
        return certify_bom(parts, lists, pack, key, threshold=threshold, ownership=path,
                           links=links, node_names=node_names, store_record=record,
                           subject=subject)


def verify_document(raw: bytes | str, keys: list[Ed25519PublicKey]) -> dict:
    """``{"valid", "reason"}`` (plus subject, verdict and issued_at when valid) for a
    certificate's bytes as sent, checked against the service's keys.

    The bytes themselves are verified (:func:`~paxsilica.certify.api.verify_certificate`:
    strict JSON, no duplicate keys), never a re-serialisation: a certificate with a second
    ``"verdict"`` is invalid here as in ``paxsilica verify``. Bytes that are not JSON at
    all are a 422 problem naming ``certificate``.
    """
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested too deep
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 JSON text"
        raise ProblemError(422, f"the certificate is not JSON: {reason}", "certificate") from None
    if not keys:
        return {"valid": False, "reason": "the service has no public key to verify with "
                                          "(start it with --sign KEY or --trust PUB)"}
    signature = document.get("signature") if isinstance(document, dict) else None
    wanted = signature.get("public_key_sha256") if isinstance(signature, dict) else None
    key = next((k for k in keys if fingerprint(k) == wanted), keys[0])
    result = verify_certificate(raw, key)
    if not result.valid:
        return {"valid": False, "reason": result.reason}
    body = result.certificate or {}
    return {"valid": True, "reason": f"the signature verifies with key {fingerprint(key)}",
            "subject": body.get("subject"), "verdict": body.get("verdict"),
            "issued_at": body.get("issued_at")}
