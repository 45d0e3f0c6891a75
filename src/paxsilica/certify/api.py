"""The certify verb's entry points for every front end (CLI, service, Python users).

* :func:`read_queries` / :func:`check_queries` — a names file (``query_id, name`` and
  optional ``country``) read and checked: unique ids, names present, countries known;
* :func:`read_ownership_links` — ownership links from a CSV or an FtM stream;
* :func:`certify_bom` — BOM + lists + rule pack (+ key) → the certificate document, exactly
  what ``paxsilica certify -o`` writes;
* :func:`verify_certificate` — certificate JSON + public key (+ BOM) → a
  :class:`Verification` (valid, reason, body).

:func:`~paxsilica.certify.screen.screen_names` screens names (it checks its queries with
:func:`check_queries`).

Example:
    >>> import json, tempfile, pathlib
    >>> from paxsilica.certify.certificate import new_key_pair
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "bom.csv").write_text("part_id,parent_id,description,category,"
    ...     "manufacturer,country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n")
    >>> private, public = new_key_pair()
    >>> document = certify_bom(folder / "bom.csv", ["bundled:fcc_covered"], "fcc-covered",
    ...                        key=private)
    >>> document["certificate"]["verdict"], document["certificate"]["lists"][0]["bundled_sample"]
    ('pass', True)
    >>> text = json.dumps(document)
    >>> verify_certificate(text, public, bom=folder / "bom.csv").valid
    True
    >>> result = verify_certificate(text.replace('"pass"', '"fail"'), public)
    >>> result.valid, result.reason[:30]
    (False, 'signature does not match the c')
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.certify.bom import BillOfMaterials, load_bom
from paxsilica.certify.certificate import (
    CertificateError,
    load_private_key,
    load_public_key,
    sign_certificate,
    unsigned_certificate,
    verify_signature,
)
from paxsilica.certify.issue import DEFAULT_MAX_LIST_AGE_DAYS, certificate_body
from paxsilica.certify.lists import RestrictedList, resolve_lists
from paxsilica.certify.ownership import check_ownership, ownership_file_record
from paxsilica.certify.rules import RulePack, load_pack
from paxsilica.errors import RowError, ValidationError
from paxsilica.io.ftm import read_ftm
from paxsilica.io.restricted import (
    check_columns,
    list_countries,
    name_length_problem,
    split_multi,
    strict_json,
)
from paxsilica.io.tables import read_table
from paxsilica.store import Store

__all__ = ["Verification", "certify_bom", "check_queries", "read_ownership_links",
           "read_queries", "verify_certificate"]


def check_queries(queries: pd.DataFrame, file: str = "queries",
                  rows: list[int] | None = None) -> pd.DataFrame:
    """``queries`` with ``country`` resolved to ISO3 codes, after checking every row:
    a non-empty, unique ``query_id`` and a ``name`` of at most
    :data:`~paxsilica.limits.MAX_NAME_LENGTH` characters; each ``country`` (``;``-joined codes or
    names) known — an unknown one is an error, never silently dropped (it would drop the
    country evidence and, with it, a match).

    Raises:
        ValidationError: every problem, naming ``file``, the row (``rows``, default the
            CSV line: position + 2) and the field.
    """
    missing = [c for c in ("query_id", "name") if c not in queries.columns]
    if missing:
        raise ValidationError([RowError(file, 1, c, "missing column") for c in missing])
    frame = queries.reset_index(drop=True)
    lines = list(rows) if rows is not None else list(range(2, len(frame) + 2))
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    countries = []
    for line, query, name, country in zip(
            lines, frame["query_id"], frame["name"],
            frame["country"] if "country" in frame else [None] * len(frame), strict=True):
        if _blank(query):
            errors.append(RowError(file, line, "query_id", "empty"))
        elif query in seen:
            errors.append(RowError(file, line, "query_id",
                                   f"duplicate query_id {query!r} (first on row {seen[query]})"))
        else:
            seen[query] = line
        if _blank(name):
            errors.append(RowError(file, line, "name", "empty"))
        elif (reason := name_length_problem(name)) is not None:
            errors.append(RowError(file, line, "name", reason))
        countries.append(";".join(list_countries(split_multi(country), file, line, "country",
                                                 errors)) or None)
    if errors:
        raise ValidationError(errors)
    if "country" in frame:
        frame = frame.assign(country=countries)
    return frame


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == ""


def read_queries(path: str | Path) -> pd.DataFrame:
    """A names file (CSV, or any table format :func:`~paxsilica.io.tables.read_table`
    reads) checked by :func:`check_queries`; errors name its lines."""
    table = read_table(path)
    check_columns(table, ["query_id", "name"], "names")
    return check_queries(table.frame, table.file, rows=table.rows())


def read_ownership_links(path: str | Path) -> pd.DataFrame:
    """Ownership links ``owner, owned, percentage`` from a CSV (or other table) or, for
    ``.json``/``.jsonl``/``.ndjson``, the ``Ownership`` records of an FtM stream."""
    path = Path(path)
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        return read_ftm(path)[1]
    table = read_table(path)
    return check_ownership(table.frame, table.file, rows=table.rows())


def certify_bom(bom: str | Path | BillOfMaterials, lists: list[str | RestrictedList],
                rules: str | Path | RulePack, key: str | Path | Ed25519PrivateKey | None = None,
                *, threshold: float | None = None, ownership: str | Path | None = None,
                links: pd.DataFrame | None = None, node_names: dict[str, str] | None = None,
                store_record: dict | None = None, subject: str | None = None,
                store: Store | None = None,
                max_list_age_days: int | None = DEFAULT_MAX_LIST_AGE_DAYS,
                issued_at: str | None = None, pack_choice: str | None = None) -> dict:
    """The certificate document ``{"certificate": body, "signature": …}`` for ``bom``
    (a path or a loaded BOM), checked against ``lists`` (paths, ``bundled:NAME``, stored
    list names — with ``store`` — or loaded lists) and ``rules`` (a pack name, file or
    loaded pack), signed with ``key`` (a PEM path or a key) when given.

    ``ownership``: an ownership file (recorded by name and digest); ``links`` and
    ``node_names``: further links (e.g. the store's, with ``store_record`` describing them,
    see :func:`~paxsilica.certify.ownership.store_ownership_record`). The verdict is in
    ``document["certificate"]["verdict"]``; a ``fail`` verdict is a result, not an error.

    Raises:
        PaxsilicaError: a bad key, BOM, list, rule pack, ownership file or parameter
            (checked in that order, before any screening).
    """
    private = (key if isinstance(key, Ed25519PrivateKey) or key is None
               else load_private_key(key))
    pack = rules if isinstance(rules, RulePack) else load_pack(rules)
    parts = bom if isinstance(bom, BillOfMaterials) else load_bom(bom)
    specs = [item for item in lists if not isinstance(item, RestrictedList)]
    loaded = iter(resolve_lists([str(spec) for spec in specs], store) if specs else [])
    restricted = [item if isinstance(item, RestrictedList) else next(loaded) for item in lists]
    frames, inputs = [], {"file": None, "store": store_record}
    if ownership is not None:
        frames.append(read_ownership_links(ownership))
        inputs["file"] = ownership_file_record(ownership, frames[0])
    if links is not None and not links.empty:
        frames.append(links)
    combined = pd.concat(frames, ignore_index=True) if frames else None
    body = certificate_body(parts, restricted, pack, threshold=threshold, ownership=combined,
                            subject=subject, node_names=node_names,
                            ownership_inputs=inputs if (ownership or store_record) else None,
                            max_list_age_days=max_list_age_days, issued_at=issued_at,
                            pack_choice=pack_choice)
    return sign_certificate(body, private) if private else unsigned_certificate(body)


@dataclass(frozen=True)
class Verification:
    """What :func:`verify_certificate` found: ``valid`` and, when not, ``reason``;
    ``certificate`` is the signed body when the signature verified."""

    valid: bool
    reason: str
    certificate: dict | None = None
    bom_matches: bool | None = None
    """``None`` when no BOM was given."""


def verify_certificate(certificate: str | bytes, public_key: str | Path | Ed25519PublicKey,
                       bom: str | Path | bytes | None = None,
                       source: str = "certificate") -> Verification:
    """Check a certificate file's text: strict JSON (no duplicate keys, bounded
    nesting), only the documented envelope fields, an Ed25519 signature by
    ``public_key`` over the canonical body and, with ``bom`` (a path or the file's
    bytes), that the BOM's SHA-256 is the certified one.

    A certificate that fails any check is a result (``valid`` False, ``reason``); a
    public key or BOM file that cannot be read is an error.

    Raises:
        CertificateError: the public key cannot be read. ValidationError: ``bom`` is a
            path that is not a readable file.
    """
    key = (public_key if isinstance(public_key, Ed25519PublicKey)
           else load_public_key(public_key))
    bom_bytes = _bom_bytes(bom)
    try:
        text = certificate.decode("utf-8") if isinstance(certificate, bytes) else certificate
    except UnicodeDecodeError:
        return Verification(False, f"{source} is not UTF-8 text")
    try:
        document = strict_json(text, source)
        body = verify_signature(document, key)  # type: ignore[arg-type]
    except ValidationError as exc:
        return Verification(False, f"cannot read the certificate: {exc}")
    except CertificateError as exc:
        return Verification(False, str(exc))
    if bom_bytes is None:
        return Verification(True, "", body)
    certified = body.get("bom", {}).get("sha256") if isinstance(body.get("bom"), dict) else None
    if hashlib.sha256(bom_bytes).hexdigest() != certified:
        return Verification(False, "the BOM does not match the certificate (its SHA-256 "
                                   "differs: the BOM changed since certification)", body, False)
    return Verification(True, "", body, True)


def _bom_bytes(bom: str | Path | bytes | None) -> bytes | None:
    if bom is None or isinstance(bom, bytes):
        return bom
    path = Path(bom)
    if not path.is_file():
        raise ValidationError([RowError(str(path), None, "bom",
                                        "is a directory" if path.is_dir() else "no such file")])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError([RowError(str(path), None, "bom",
                                        f"cannot read: {exc.strerror}")]) from None
