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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.certify.api import read_ownership_links, verify_certificate
from paxsilica.certify.bom import load_bom
from paxsilica.certify.certificate import fingerprint
from paxsilica.errors import ParameterError, RowError, ValidationError
from paxsilica.requests.certify import CertifyRequest, answer_certify
from paxsilica.requests.screen import ScreenRequest, answer_screen
from paxsilica.store import Store

__all__ = ["certificate_text", "certify_upload", "safe_name", "screen_records", "verify_document"]

SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
T = TypeVar("T")


def screen_records(store: Store, request: ScreenRequest) -> list[dict]:
    """What ``paxsilica screen --format json`` prints for these names (``names[i]`` is row i)."""
    return answer_screen(request, store).records()


def certificate_text(document: dict) -> str:
    """The certificate file's text, exactly as ``paxsilica certify -o`` writes it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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


def certify_upload(store: Store, filename: str, data: bytes, *, options: dict,
                   key: Ed25519PrivateKey | None, ownership: tuple[str, bytes] | None = None) -> dict:
    """Check an uploaded BOM and issue the certificate document (signed with ``key`` if given),
    as ``paxsilica certify`` does; ``options`` are the request's other fields (lists, rules,
    threshold, subject, store_ownership); ``ownership`` is an uploaded links file (name, bytes).

    Errors name the uploaded file (not the server's temporary copy), row and field.
    """
    CertifyRequest.parse(options, bom=filename, local_files=False)  # options first, no file yet
    with tempfile.TemporaryDirectory(prefix="paxsilica-bom-") as folder:
        path, _ = _read_upload(folder, filename, data, "bom.csv", load_bom)
        links = None
        if ownership is not None:  # read here first so that errors name the upload
            links, _ = _read_upload(folder, ownership[0], ownership[1], "ownership.csv",
                                    read_ownership_links)
        request = CertifyRequest.parse(options, bom=path, ownership_file=links,
                                       local_files=False)
        return answer_certify(request, key=key, store=store)


def verify_document(raw: bytes | str, keys: list[Ed25519PublicKey]) -> dict:
    """``{"valid", "reason"}`` (plus subject, verdict and issued_at when valid) for a
    certificate's bytes as sent, checked against the service's keys.

    The bytes themselves are verified (:func:`~paxsilica.certify.api.verify_certificate`:
    strict JSON, no duplicate keys), never a re-serialisation: a certificate with a second
    ``"verdict"`` is invalid here as in ``paxsilica verify``. Bytes that are not JSON at
    all are a :class:`~paxsilica.errors.ParameterError` naming ``certificate`` (422).
    """
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested too deep
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 JSON text"
        raise ParameterError(f"the certificate is not JSON: {reason}", field="certificate") from None
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
