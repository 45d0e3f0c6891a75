"""Ed25519 signing: canonical bytes, tampering, wrong and corrupt keys, key files."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from paxsilica.certify.certificate import (
    CertificateError,
    canonical_bytes,
    load_private_key,
    load_public_key,
    new_key_pair,
    sign_certificate,
    verify_signature,
    write_key_pair,
)

BODY = {"verdict": "pass", "findings": [{"part_id": "A", "score": 0.91}], "subject": "Drone é"}


def test_canonical_bytes_are_sorted_and_compact():
    assert canonical_bytes({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == b'{"a":[1,{"c":3,"d":2}],"b":1}'
    assert canonical_bytes({"x": "é"}) == '{"x":"é"}'.encode()


def test_signature_verifies_with_the_library_directly():
    private, public = new_key_pair()
    signed = sign_certificate(BODY, private)
    # independent check: cryptography's verify on the documented canonical form
    raw = json.dumps(BODY, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    public.verify(base64.b64decode(signed["signature"]["value"]), raw.encode("utf-8"))
    assert verify_signature(json.loads(json.dumps(signed)), public) == BODY


@pytest.mark.parametrize("change", [
    lambda d: d["certificate"].update(verdict="fail"),
    lambda d: d["certificate"]["findings"][0].update(score=0.5),
    lambda d: d["certificate"].update(extra=1),
    lambda d: d["signature"].update(value=base64.b64encode(b"x" * 64).decode()),
    lambda d: d["signature"].update(value="not base64!"),
])
def test_any_change_is_detected(change):
    private, public = new_key_pair()
    signed = json.loads(json.dumps(sign_certificate(BODY, private)))
    change(signed)
    with pytest.raises(CertificateError):
        verify_signature(signed, public)


def test_other_key_and_unsigned():
    private, _ = new_key_pair()
    _, other = new_key_pair()
    with pytest.raises(CertificateError, match="another key"):
        verify_signature(sign_certificate(BODY, private), other)
    with pytest.raises(CertificateError, match="not signed"):
        verify_signature({"certificate": BODY, "signature": None}, other)


def test_key_files(tmp_path):
    private_path, public_path = write_key_pair(tmp_path)
    assert oct(private_path.stat().st_mode & 0o777) == "0o600"
    assert isinstance(load_public_key(public_path), Ed25519PublicKey)
    signed = sign_certificate(BODY, load_private_key(private_path))
    assert verify_signature(signed, load_public_key(public_path)) == BODY
    with pytest.raises(CertificateError, match="refusing to overwrite"):
        write_key_pair(tmp_path)


def test_corrupt_and_wrong_type_keys(tmp_path):
    corrupt = tmp_path / "bad.key"
    corrupt.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(CertificateError, match="cannot read private key"):
        load_private_key(corrupt)
    _, public_path = write_key_pair(tmp_path, "k")
    with pytest.raises(CertificateError):
        load_private_key(public_path)  # a public key is not a private key
    with pytest.raises(CertificateError, match="cannot read public key"):
        load_public_key(tmp_path / "missing.pub")


def test_write_files_atomic_writes_all_or_nothing(tmp_path):
    from paxsilica.certify.certificate import write_files_atomic
    from paxsilica.errors import PaxsilicaError

    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    first = tmp_path / "first.json"
    with pytest.raises(PaxsilicaError, match=r"cannot write .*second\.html"):
        write_files_atomic([(first, b"{}", 0o644), (blocker / "second.html", b"<p>", 0o644)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]  # no file, no temporary
    write_files_atomic([(first, b"{}", 0o600)])
    assert first.read_bytes() == b"{}" and (first.stat().st_mode & 0o777) == 0o600
