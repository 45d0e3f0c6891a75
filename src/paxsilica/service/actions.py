"""What the service does that writes or is audited: certify, import, lists, tokens.

The API routes and the dashboard both call these, so an action is audited the same
way whichever front end asked for it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from paxsilica.certify.lists import import_list, load_list
from paxsilica.errors import ValidationError
from paxsilica.model.kinds import kind_named
from paxsilica.service.access import Principal, digest, record_audit
from paxsilica.service.certifying import certificate_text, certify_upload, safe_name
from paxsilica.service.problems import ProblemError
from paxsilica.service.state import ServiceState
from paxsilica.store.importer import import_file

__all__ = ["certify_action", "import_action", "list_import_action", "who"]


def who(principal: Principal) -> str:
    """How the audit trail names a token's holder."""
    return f"token:{principal.name}"


def certify_action(state: ServiceState, principal: Principal, filename: str, data: bytes, *,
                   options: dict, ownership: tuple[str, bytes] | None = None) -> str:
    """Certify an uploaded BOM with the request's ``options`` (lists, rules, threshold,
    subject, store_ownership: fields of
    :class:`~paxsilica.requests.certify.CertifyRequest`); the certificate file's text.
    Audited with its SHA-256."""
    document = certify_upload(state.reader(), filename, data, options=options,
                              key=state.private_key, ownership=ownership)
    text = certificate_text(document)
    body = document["certificate"]
    with state.writer() as store:
        record_audit(store, who(principal), "certify", digest(text),
                     f"{body['subject']}: {body['verdict']}, BOM sha256 {body['bom']['sha256']}")
    return text


def _upload(folder: str, filename: str, data: bytes) -> Path:
    path = Path(folder) / safe_name(filename, "upload.csv")
    path.write_bytes(data)
    return path


def _named(exc: ValidationError, path: Path, filename: str) -> ValidationError:
    return ValidationError([replace(e, file=e.file.replace(str(path), filename or path.name))
                            for e in exc.errors])


def import_action(state: ServiceState, principal: Principal, kind: str, filename: str, data: bytes,
                  source: str | None) -> dict:
    """Import one uploaded file of a record kind (all or nothing). Audited."""
    try:
        kind = kind_named(kind).name
    except KeyError as exc:
        raise ProblemError(404, exc.args[0], "kind") from None
    with tempfile.TemporaryDirectory(prefix="paxsilica-import-") as folder:
        path = _upload(folder, filename, data)
        with state.writer() as store:
            try:
                report = import_file(store, kind, path, source=source)
            except ValidationError as exc:
                raise _named(exc, path, filename) from None
            record_audit(store, who(principal), "import", digest(data),
                         f"{kind} {filename}: {report.rows} row(s), import #{report.import_id}")
    return {"kind": report.kind, "file": filename, "rows": report.rows, "import_id": report.import_id}


def list_import_action(state: ServiceState, principal: Principal, filename: str, data: bytes,
                       name: str | None, version: str | None) -> dict:
    """Import (or replace) one version of a restricted-party list. Audited."""
    with tempfile.TemporaryDirectory(prefix="paxsilica-list-") as folder:
        path = _upload(folder, filename, data)
        try:
            lst = load_list(path, name=name, version=version)
        except ValidationError as exc:
            raise _named(exc, path, filename) from None
        with state.writer() as store:
            import_list(store, lst, file=filename)
            record_audit(store, who(principal), "lists.import", lst.sha256,
                         f"{lst.name} version {lst.version}: {len(lst.entities)} entities")
    return {**lst.summary(), "ownership_links": len(lst.ownership)}
