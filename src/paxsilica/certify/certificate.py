"""Signed certificates: canonical JSON body, Ed25519 signature, offline verification.

The certificate body (verdict, findings, BOM hash, list versions, rule-pack hash…)
is serialised canonically — ``json.dumps(body, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8 — and signed with Ed25519 (``cryptography``).
The file holds ``{"certificate": body, "signature": {"algorithm": "Ed25519",
"public_key_sha256": …, "value": base64}}`` and nothing else (:data:`ENVELOPE`): a
verifier refuses any other field, since an unsigned extra ``verdict`` beside the signed
body could mislead a reader. :func:`verify_signature` recomputes the canonical bytes, so
any change to the body breaks the signature.

Example:
    >>> private, public = new_key_pair()
    >>> signed = sign_certificate({"verdict": "pass"}, private)
    >>> verify_signature(signed, public)["verdict"]
    'pass'
    >>> signed["certificate"]["verdict"] = "fail"
    >>> try:
    ...     verify_signature(signed, public)
    ... except CertificateError as exc:
    ...     print(str(exc)[:48])
    signature does not match the certificate (it was
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.errors import CertificateError
from paxsilica.io.atomic import check_outputs, write_atomic, write_files_atomic

__all__ = ["CERTIFICATE_FORMAT", "ENVELOPE", "SIGNATURE_FIELDS", "CertificateError",
           "canonical_bytes", "check_outputs", "fingerprint", "load_private_key",
           "load_public_key", "new_key_pair", "sign_certificate", "unsigned_certificate",
           "verify_signature", "write_atomic", "write_files_atomic", "write_key_pair"]

CERTIFICATE_FORMAT = "paxsilica-certificate/1"
ENVELOPE = ("certificate", "signature")
"""The only top-level fields of a certificate file."""
SIGNATURE_FIELDS = ("algorithm", "public_key_sha256", "value")
"""The only fields of its ``signature``."""


def canonical_bytes(body: dict) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def new_key_pair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    """A fresh Ed25519 key pair."""
    private = Ed25519PrivateKey.generate()
    return private, private.public_key()


def write_key_pair(directory: Path, name: str = "paxsilica") -> tuple[Path, Path]:
    """Write ``NAME.key`` (private, PKCS#8 PEM, mode 600) and ``NAME.pub`` (public PEM).

    Raises:
        CertificateError: ``directory`` is a file, or either key file already exists (keys
            are never overwritten).
    """
    if directory.exists() and not directory.is_dir():
        raise CertificateError(f"{directory} is a file, not a directory; give -o a directory "
                               "for the key files")
    private_path, public_path = directory / f"{name}.key", directory / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise CertificateError(f"{path} already exists; refusing to overwrite a key")
    private, public = new_key_pair()
    write_files_atomic([
        (private_path, private.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()), 0o600),
        (public_path, public.public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo),
         0o644)])
    return private_path, public_path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file.

    Raises:
        CertificateError: missing file, not PEM, or not an Ed25519 private key.
    """
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CertificateError(f"cannot read private key {path}: "
                               f"{str(exc).splitlines()[0] if str(exc) else 'corrupt'}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CertificateError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (raises :class:`CertificateError`)."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise CertificateError(f"cannot read public key {path}: "
                               f"{str(exc).splitlines()[0] if str(exc) else 'corrupt'}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CertificateError(f"{path} is not an Ed25519 public key")
    return key


def unsigned_certificate(body: dict) -> dict:
    """The file form of a certificate without a signature."""
    return {"certificate": body, "signature": None}


def sign_certificate(body: dict, private: Ed25519PrivateKey) -> dict:
    """``{"certificate": body, "signature": {...}}`` signed over :func:`canonical_bytes`."""
    signature = private.sign(canonical_bytes(body))
    return {"certificate": body,
            "signature": {"algorithm": "Ed25519",
                          "public_key_sha256": fingerprint(private.public_key()),
                          "value": base64.b64encode(signature).decode("ascii")}}


def verify_signature(document: dict, public: Ed25519PublicKey) -> dict:
    """Return the certificate body if its signature verifies with ``public``.

    Raises:
        CertificateError: malformed document, a field outside :data:`ENVELOPE` or
            :data:`SIGNATURE_FIELDS`, unsigned, other key, or changed content.
    """
    if not isinstance(document, dict) or not isinstance(document.get("certificate"), dict):
        raise CertificateError("not a paxsilica certificate (no 'certificate' object)")
    extra = sorted(set(document) - set(ENVELOPE))
    if extra:
        raise CertificateError(f"unexpected top-level field(s) {', '.join(map(repr, extra))}: "
                               "a certificate file holds only 'certificate' and 'signature' "
                               "(anything else is unsigned)")
    signature = document.get("signature")
    if not isinstance(signature, dict) or "value" not in signature:
        raise CertificateError("the certificate is not signed")
    extra = sorted(set(signature) - set(SIGNATURE_FIELDS))
    if extra:
        raise CertificateError(f"unexpected signature field(s) {', '.join(map(repr, extra))} "
                               "(a signature holds only algorithm, public_key_sha256 and "
                               "value)")
    if signature.get("algorithm") != "Ed25519":
        raise CertificateError(f"unsupported signature algorithm {signature.get('algorithm')!r}")
    if signature.get("public_key_sha256") != fingerprint(public):
        raise CertificateError("the certificate was signed with another key "
                               f"(fingerprint {signature.get('public_key_sha256')})")
    try:
        value = base64.b64decode(signature["value"], validate=True)
        public.verify(value, canonical_bytes(document["certificate"]))
    except (InvalidSignature, ValueError, TypeError):
        raise CertificateError("signature does not match the certificate (it was changed "
                               "after signing, or signed with another key)") from None
    return document["certificate"]
