"""Commands of the Certify verb: screen, certify, verify, keys new, lists import/list."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from paxsilica.certify.attestation import cyclonedx_attestation
from paxsilica.certify.bom import load_bom
from paxsilica.certify.certificate import (
    CertificateError,
    check_outputs,
    load_private_key,
    load_public_key,
    sign_certificate,
    unsigned_certificate,
    verify_certificate,
    write_files_atomic,
    write_key_pair,
)
from paxsilica.certify.check import check_threshold
from paxsilica.certify.issue import certificate_body
from paxsilica.certify.lists import (
    import_list,
    load_list,
    resolve_lists,
    stored_lists,
)
from paxsilica.certify.ownership import (
    check_ownership,
    ownership_file_record,
    store_ownership,
    store_ownership_record,
)
from paxsilica.certify.rules import load_pack
from paxsilica.certify.screen import match_records, screen_names
from paxsilica.cli.common import RAW_CSV, DbOption, OutputFormat, emit, err_console, flat, store_for
from paxsilica.errors import RowError, ValidationError
from paxsilica.io.csv_safety import neutralised_frame
from paxsilica.io.ftm import read_ftm
from paxsilica.io.tables import Table, read_table
from paxsilica.report.certificate import certificate_html
from paxsilica.store import Store

__all__ = ["register"]

ListOption = Annotated[list[str], typer.Option(
    "--list", help="A list file (OpenSanctions targets.simple.csv, FtM JSON lines, CSL, FCC "
                   "Covered List or DoD 1260H CSV), 'bundled:NAME', or a stored list name. "
                   "Repeatable.")]


class ScreenFormat(StrEnum):
    json = "json"
    csv = "csv"


def _store_if_needed(ctx: typer.Context, db: Path | None, specs: list[str]) -> Store | None:
    if all(spec.startswith("bundled:") or Path(spec).is_file() for spec in specs):
        return None
    return store_for(ctx, db)


def _read_ownership(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        return read_ftm(path)[1]
    table = read_table(path)
    return check_ownership(table.frame, table.file, rows=table.rows())


def _check_names(table: Table) -> None:
    """Every query needs a unique ``query_id`` (results are grouped by it) and a name."""
    errors, seen = [], {}
    file, frame = table.file, table.frame
    for line, query, name in zip(table.rows(), frame["query_id"], frame["name"], strict=True):
        if query is None:
            errors.append(RowError(file, line, "query_id", "empty"))
        elif query in seen:
            errors.append(RowError(file, line, "query_id",
                                   f"duplicate query_id {query!r} (first on row {seen[query]})"))
        else:
            seen[query] = line
        if name is None:
            errors.append(RowError(file, line, "name", "empty"))
    if errors:
        raise ValidationError(errors)


def screen_command(
    ctx: typer.Context,
    names: Annotated[Path, typer.Argument(help="CSV with query_id,name[,country]")],
    lists: ListOption,
    threshold: Annotated[float | None, typer.Option(help="Minimum score 0-1 "
                                                         "(default: the model's, 0.70)")] = None,
    ownership: Annotated[Path | None, typer.Option(
        "--ownership", help="Ownership links (CSV owner,owned,percentage or FtM JSON lines): "
                            "also flag names controlled 50%+ by listed parties")] = None,
    store_ownership_links: Annotated[bool, typer.Option(
        "--store-ownership", help="Also use the ownership and companies tables of the "
                                  "database (--db)")] = False,
    fmt: Annotated[ScreenFormat, typer.Option("--format")] = ScreenFormat.json,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    db: DbOption = None,
) -> None:
    """Screen names against restricted-party lists; best matches first, with explanations."""
    check_threshold(threshold)
    check_outputs({"-o": output})
    table = read_table(names)
    missing = [c for c in ("query_id", "name") if c not in table.frame.columns]
    if missing:
        raise ValidationError([RowError(table.file, 1, c, "missing column") for c in missing])
    _check_names(table)
    restricted = resolve_lists(lists, _store_if_needed(ctx, db, lists))
    links, node_names = [], {}
    if ownership is not None:
        links.append(_read_ownership(ownership))
    if store_ownership_links:
        stored, node_names = store_ownership(store_for(ctx, db))
        links.append(stored)
    matches = screen_names(table.frame, restricted, threshold=threshold, links=links, names=node_names)
    records = match_records(table.frame, matches)
    if fmt is ScreenFormat.json:
        text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    else:
        cells = flat(matches.drop(columns=["explanation"])).assign(
            explanation=[json.dumps(e["contributions"]) for e in matches["explanation"]])
        text = (cells if RAW_CSV.get() else neutralised_frame(cells)).to_csv(index=False)
    if output:
        write_files_atomic([(output, text.encode("utf-8"), 0o644)])
        err_console.print(f"wrote {output}")
    else:
        typer.echo(text, nl=False)


def certify_command(
    ctx: typer.Context,
    bom: Annotated[Path, typer.Argument(help="BOM: CSV (part_id,parent_id,description,category,"
                                             "manufacturer,country_of_origin,quantity) or "
                                             "CycloneDX JSON")],
    lists: ListOption,
    rules: Annotated[str, typer.Option("--rules", help="Rule pack name (uas-ndaa848, "
                                                       "fcc-covered, magnets-tungsten) or file")],
    sign: Annotated[Path | None, typer.Option("--sign", help="Ed25519 private key (PEM)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Certificate JSON")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write a printable HTML")] = None,
    cyclonedx: Annotated[Path | None, typer.Option(
        "--cyclonedx", help="Also write a CycloneDX 1.6 attestation (CDXA) JSON")] = None,
    threshold: Annotated[float | None, typer.Option(help="Screening threshold 0-1")] = None,
    ownership: Annotated[Path | None, typer.Option(help="Ownership links (CSV or FtM)")] = None,
    store_ownership_links: Annotated[bool, typer.Option(
        "--store-ownership", help="Also use the database's ownership and companies")] = False,
    subject: Annotated[str | None, typer.Option(help="Product name on the certificate")] = None,
    db: DbOption = None,
) -> None:
    """Check a BOM against lists and a rule pack; issue a (signed) pass/fail certificate."""
    check_threshold(threshold)
    check_outputs({"-o": output, "--html": html, "--cyclonedx": cyclonedx})
    private = load_private_key(sign) if sign else None  # bad key: fail before any work
    pack = load_pack(rules)
    parts = load_bom(bom)
    restricted = resolve_lists(lists, _store_if_needed(ctx, db, lists))
    frames = [_read_ownership(ownership)] if ownership else []
    inputs: dict = {"file": ownership_file_record(ownership, frames[0]) if ownership else None,
                    "store": None}
    node_names: dict[str, str] = {}
    if store_ownership_links:
        stored, node_names = store_ownership(store_for(ctx, db))
        frames.append(stored)
        inputs["store"] = store_ownership_record(stored, node_names)
    links = pd.concat(frames, ignore_index=True) if frames else None
    body = certificate_body(parts, restricted, pack, threshold=threshold, ownership=links,
                            subject=subject, node_names=node_names, ownership_inputs=inputs)
    document = sign_certificate(body, private) if private else unsigned_certificate(body)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    files: list[tuple[Path, bytes, int]] = []  # everything rendered before anything is written
    if output:
        files.append((output, text.encode("utf-8"), 0o644))
    if html:
        files.append((html, certificate_html(document).encode("utf-8"), 0o644))
    if cyclonedx:
        attestation = cyclonedx_attestation(
            document, parts.parts.to_dict("records"),
            [(rule.id, rule.severity, rule.reason) for rule in pack.rules])
        files.append((cyclonedx, (json.dumps(attestation, indent=2, ensure_ascii=False)
                                  + "\n").encode("utf-8"), 0o644))
    write_files_atomic(files)
    for path, _, _ in files:
        err_console.print(f"wrote {path}")
    if not output:
        typer.echo(text, nl=False)
    err_console.print(f"verdict: {body['verdict'].upper()} ({body['summary']['fail']} fail, "
                      f"{body['summary']['warn']} warn)")


def verify_command(
    certificate: Annotated[Path, typer.Argument(help="Certificate JSON")],
    public_key: Annotated[Path, typer.Option("--public-key", help="Ed25519 public key (PEM)")],
    bom: Annotated[Path | None, typer.Option("--bom", help="Also check this BOM file's hash")] = None,
) -> None:
    """Verify a certificate's signature (and optionally that a BOM still matches it)."""
    key = load_public_key(public_key)
    if bom is not None and not bom.is_file():
        raise ValidationError([RowError(str(bom), None, "--bom",
                                        "is a directory" if bom.is_dir() else "no such file")])
    try:
        try:
            document = json.loads(certificate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CertificateError(f"cannot read certificate {certificate}: {exc}") from None
        body = verify_certificate(document, key)
        if bom is not None:
            try:
                digest = hashlib.sha256(bom.read_bytes()).hexdigest()
            except OSError as exc:
                raise ValidationError([RowError(str(bom), None, "--bom",
                                                f"cannot read: {exc.strerror}")]) from None
            if digest != body.get("bom", {}).get("sha256"):
                raise CertificateError(f"BOM {bom} does not match the certificate (its SHA-256 "
                                       "differs: the BOM changed since certification)")
    except CertificateError as exc:
        err_console.print(f"[bold red]INVALID:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    typer.echo(f"VALID: {body.get('subject')} - verdict {str(body.get('verdict')).upper()}, "
               f"issued {body.get('issued_at')}"
               + (", BOM matches" if bom is not None else ""))


keys_app = typer.Typer(help="Signing keys for certificates.", no_args_is_help=True)


@keys_app.command("new")
def keys_new_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory for the key files")],
    name: Annotated[str, typer.Option(help="File name stem")] = "paxsilica",
) -> None:
    """Create an Ed25519 key pair: NAME.key (private, keep secret) and NAME.pub."""
    private_path, public_path = write_key_pair(output, name)
    typer.echo(f"wrote {private_path} (private) and {public_path} (public)")


lists_app = typer.Typer(help="Restricted-party lists kept in the database.",
                        no_args_is_help=True)


@lists_app.command("import")
def lists_import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="List file (format detected from its header)")],
    name: Annotated[str | None, typer.Option(help="List name (default: file name)")] = None,
    version: Annotated[str | None, typer.Option(help="Version (default: latest date)")] = None,
    db: DbOption = None,
) -> None:
    """Import (or replace) one version of a list."""
    lst = load_list(file, name=name, version=version)
    import_list(store_for(ctx, db), lst, file=str(file))
    typer.echo(f"imported {lst.name} version {lst.version}: {len(lst.entities)} entities, "
               f"{len(lst.ownership)} ownership links ({lst.format})")


@lists_app.command("list")
def lists_list_command(
    ctx: typer.Context, db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Show stored lists and versions."""
    emit(stored_lists(store_for(ctx, db)), fmt, title="restricted-party lists")


def register(app: typer.Typer) -> None:
    """Add the certify commands to ``app``."""
    app.command("screen")(screen_command)
    app.command("certify")(certify_command)
    app.command("verify")(verify_command)
    app.add_typer(keys_app, name="keys")
    app.add_typer(lists_app, name="lists")
