"""Commands of the Certify verb: screen, certify, verify, keys new, lists import/list."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from paxsilica.cli.common import RAW_CSV, DbOption, OutputFormat, emit, err_console, flat, store_for

__all__ = ["register"]

ListOption = Annotated[list[str], typer.Option(
    "--list", help="A list file (OpenSanctions targets.simple.csv, FtM JSON lines, CSL, FCC "
                   "Covered List or DoD 1260H CSV), 'bundled:NAME', or a stored list name. "
                   "Repeatable.")]
CertifyListOption = Annotated[list[str] | None, typer.Option(
    "--list", help="As for screen (repeatable); default: every installed list (each stored "
                   "list, and each bundled sample no stored list of the same name replaces)",
    show_default=False)]


class ScreenFormat(StrEnum):
    json = "json"
    csv = "csv"


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
    from paxsilica.certify.certificate import check_outputs, write_files_atomic
    from paxsilica.io.csv_safety import neutralised_frame
    from paxsilica.requests.screen import ScreenRequest, answer_screen

    request = ScreenRequest.parse(names_file=names, lists=lists, threshold=threshold,
                                  ownership_file=ownership,
                                  store_ownership=store_ownership_links)
    check_outputs({"-o": output})
    answer = answer_screen(request, lambda: store_for(ctx, db, read_only=True))
    records, matches = answer.records(), answer.matches
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
    lists: CertifyListOption = None,
    rules: Annotated[str | None, typer.Option(
        "--rules", help="Rule pack name (uas-ndaa848, fcc-covered, magnets-tungsten) or file; "
                        "default: the strictest bundled pack that applies to the BOM",
        show_default=False)] = None,
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
    max_list_age_days: Annotated[int | None, typer.Option(
        "--max-list-age-days", min=0, help="Warn (on the certificate too) when a list's version "
                                           "is older than this many days (default 90)")] = None,
    db: DbOption = None,
) -> None:
    """Check a BOM against lists and a rule pack; issue a (signed) pass/fail certificate.

    Exit status: 0 PASS, 1 FAIL (the certificate is still written), 2 bad input."""
    from paxsilica.certify.attestation import cyclonedx_attestation
    from paxsilica.certify.bom import load_bom
    from paxsilica.certify.certificate import check_outputs, load_private_key, write_files_atomic
    from paxsilica.certify.rules import load_pack
    from paxsilica.report.certificate import certificate_html
    from paxsilica.requests.certify import CertifyRequest, answer_certify

    request = CertifyRequest.parse(bom=bom, lists=lists or None, rules=rules, threshold=threshold,
                                   ownership_file=ownership,
                                   store_ownership=store_ownership_links, subject=subject,
                                   max_list_age_days=max_list_age_days)
    check_outputs({"-o": output, "--html": html, "--cyclonedx": cyclonedx})
    private = load_private_key(sign) if sign else None  # bad key: fail before any work
    document = answer_certify(request, key=private,
                              store=lambda: store_for(ctx, db, read_only=True))
    body = document["certificate"]
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    files: list[tuple[Path, bytes, int]] = []  # everything rendered before anything is written
    if output:
        files.append((output, text.encode("utf-8"), 0o644))
    if html:
        files.append((html, certificate_html(document).encode("utf-8"), 0o644))
    if cyclonedx:
        attestation = cyclonedx_attestation(
            document, load_bom(bom).parts.to_dict("records"),
            [(rule.id, rule.severity, rule.reason)
             for rule in load_pack(rules or body["rule_pack"]["id"]).rules])
        files.append((cyclonedx, (json.dumps(attestation, indent=2, ensure_ascii=False)
                                  + "\n").encode("utf-8"), 0o644))
    write_files_atomic(files)
    for path, _, _ in files:
        err_console.print(f"wrote {path}")
    if not output:
        typer.echo(text, nl=False)
    if body["rule_pack"].get("chosen"):
        err_console.print(f"rule pack {body['rule_pack']['id']}: {body['rule_pack']['chosen']}",
                          markup=False, highlight=False)
    for warning in body["warnings"]:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    err_console.print(f"verdict: {body['verdict'].upper()} ({body['summary']['fail']} fail, "
                      f"{body['summary']['warn']} warn): {body['verdict_text']}",
                      markup=False, highlight=False)
    if body["verdict"] != "pass":
        raise typer.Exit(1)


def verify_command(
    certificate: Annotated[Path, typer.Argument(help="Certificate JSON")],
    public_key: Annotated[Path, typer.Option("--public-key", help="Ed25519 public key (PEM)")],
    bom: Annotated[Path | None, typer.Option("--bom", help="Also check this BOM file's hash")] = None,
) -> None:
    """Verify a certificate's signature (and optionally that a BOM still matches it).

    Exit status: 0 VALID, 1 INVALID, 2 bad input (unreadable key or BOM)."""
    from paxsilica.certify.api import verify_certificate

    try:
        data = certificate.read_bytes()
    except OSError as exc:
        err_console.print(f"[bold red]INVALID:[/] cannot read certificate {certificate}: "
                          f"{exc.strerror or exc}", highlight=False)
        raise typer.Exit(1) from None
    result = verify_certificate(data, public_key, bom=bom, source=str(certificate))
    if not result.valid:
        err_console.print(f"[bold red]INVALID:[/] {result.reason}", highlight=False)
        raise typer.Exit(1)
    body = result.certificate or {}
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
    from paxsilica.certify.certificate import write_key_pair

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
    from paxsilica.certify.lists import import_list, load_list

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
    from paxsilica.certify.lists import stored_lists

    emit(stored_lists(store_for(ctx, db, read_only=True)), fmt, title="restricted-party lists")


def register(app: typer.Typer) -> None:
    """Add the certify commands to ``app``."""
    app.command("screen")(screen_command)
    app.command("certify")(certify_command)
    app.command("verify")(verify_command)
    app.add_typer(keys_app, name="keys")
    app.add_typer(lists_app, name="lists")
