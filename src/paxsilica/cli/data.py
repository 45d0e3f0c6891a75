"""``paxsilica data …``: import, validate, export and inspect the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, WideOption, console, emit, store_for
from paxsilica.errors import PaxsilicaError

__all__ = ["register"]

data_app = typer.Typer(help="Import, validate, export and inspect the data store.",
                       no_args_is_help=True)

KINDS_HELP = ("Record kind, e.g. supplies, recipes, items, memberships (docs/data.md lists "
              "them; an unknown one is an error that names every kind)")
"""Help of a record-kind argument (the kinds themselves load with the record models, which
``--help`` does not import)."""
KindArgument = Annotated[str, typer.Argument(help=KINDS_HELP)]
FilesArgument = Annotated[list[Path] | None, typer.Argument(
    help="CSV, TSV, Parquet, YAML or JSONL files", show_default=False)]
SourceOption = Annotated[str | None, typer.Option(
    "--source", help="Source title for rows whose 'source' cell is empty")]


def _kind(name: str) -> str:
    """The kind's table name; an unknown one is a one-line user error listing the kinds."""
    from paxsilica.model.kinds import kind_named

    return kind_named(name).name


@data_app.command("import")
def import_command(ctx: typer.Context,
                   kind: Annotated[str, typer.Argument(
                       help=f"{KINDS_HELP}; or a folder written by 'data export' to restore "
                            "every table from")],
                   files: FilesArgument = None,
                   source: SourceOption = None, db: DbOption = None) -> None:
    """Import FILES of one record kind, all or nothing: a bad row in any file imports none
    of them; re-imports are idempotent. Given a folder written by 'data export' instead,
    replace the database's contents with it (every table, trade flows and lists included)."""
    from paxsilica.store.importer import import_files
    from paxsilica.store.transfer import is_export, restore_store

    if not files and (is_export(kind) or Path(kind).is_dir()):
        store = restore_store(store_for(ctx, db), kind)
        console.print(f"restored {kind} into {store.path}", markup=False)
        return
    kind = _kind(kind)
    if not files:
        raise PaxsilicaError(f"give at least one {kind} file to import")
    store = store_for(ctx, db)
    for path, report in zip(files, import_files(store, kind, files, source=source), strict=True):
        console.print(f"imported {report.rows} {report.kind} row(s) from {path} "
                      f"(import #{report.import_id})", markup=False)


@data_app.command("validate")
def validate_command(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Argument(help="Record kind; omit to check the whole store")] = None,
    files: Annotated[list[Path] | None, typer.Argument(help="Files to check")] = None,
    source: SourceOption = None,
    db: DbOption = None,
) -> None:
    """Check FILES against the schema and the store's contents (write nothing);
    without arguments, re-check every table already in the store."""
    from paxsilica.store.importer import validate_file, validate_store

    store = store_for(ctx, db, read_only=True)
    if kind is None:
        counts = validate_store(store)
        console.print(f"store {store.path}: {sum(counts.values())} valid row(s) in "
                      f"{sum(1 for c in counts.values() if c)} table(s)", markup=False)
        return
    kind = _kind(kind)
    if not files:
        raise PaxsilicaError(f"give at least one {kind} file to validate")
    for path in files:
        frame = validate_file(store, kind, path, source=source)
        console.print(f"{path}: {len(frame)} valid {kind} row(s)", markup=False)


@data_app.command("export")
def export_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory to write into")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV: write cells as stored; by default text starting with = + - @ "
                      "(a spreadsheet formula) gets a leading ' (OWASP CSV injection)")] = False,
    db: DbOption = None,
) -> None:
    """Write one file per table (CSV or Parquet) and a manifest into a directory;
    'data import DIR' restores it.

    CSV text cells starting with = + - @ (or a tab or carriage return) are written with a
    leading ' so that a spreadsheet shows them instead of running them (restore takes it off);
    numbers are left alone. --raw (here or before the command) writes the cells unchanged."""
    from paxsilica.store.transfer import export_store

    store = store_for(ctx, db, read_only=True)
    raw = raw or bool((ctx.find_root().obj or {}).get("raw"))
    for path in export_store(store, output, fmt, raw=raw):
        console.print(f"wrote {path}", markup=False)


@data_app.command("status")
def status_command(ctx: typer.Context, db: DbOption = None,
                   fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
                   ) -> None:
    """Row counts per table and the database path."""
    store = store_for(ctx, db, read_only=True)
    frame = store.counts()
    if fmt is OutputFormat.table:
        console.print(f"database: {store.path}", markup=False)
    emit(frame, fmt, title="paxsilica store")


@data_app.command("show")
def show_command(ctx: typer.Context, kind: KindArgument, db: DbOption = None,
                 fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
                 limit: Annotated[int, typer.Option(help="At most this many rows")] = 50,
                 wide: WideOption = False) -> None:
    """Print the rows of one table: its key columns first, sources and notes last (in a
    table, sources as numbered footnotes and notes only with --wide)."""
    from paxsilica.cli.output import provenance_last
    from paxsilica.model.kinds import kind_named

    kind = _kind(kind)
    frame = store_for(ctx, db, read_only=True).table(kind).drop(columns="import_id").head(limit)
    key = list(kind_named(kind).key)
    frame = provenance_last(frame[key + [column for column in frame.columns if column not in key]])
    emit(frame, fmt, title=kind, wide=wide)


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    app.add_typer(data_app, name="data")
