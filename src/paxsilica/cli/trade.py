"""``paxsilica trade …``: import bilateral trade files (BACI, UN Comtrade) and list what is stored."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, console, emit, store_for
from paxsilica.cli.progress import progress_bar

__all__ = ["register"]

trade_app = typer.Typer(help="Import and inspect bilateral trade flows (BACI, UN Comtrade).",
                        no_args_is_help=True)


class TradeFormat(StrEnum):
    """Supported trade file formats."""

    baci = "baci"
    comtrade = "comtrade"


@trade_app.command("import")
def import_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="BACI year files or Comtrade CSV exports")],
    fmt: Annotated[TradeFormat, typer.Option("--format", help="baci or comtrade")],
    codes: Annotated[Path | None, typer.Option(
        "--codes", help="BACI country table (country_codes_V….csv); needed for --format baci")] = None,
    db: DbOption = None,
) -> None:
    """Validate and import trade FILES, all or nothing: a bad file imports none of them.

    Re-imports replace what they supersede: a BACI year, or a Comtrade (year, reporter).
    """
    from paxsilica.store.trade import import_trade_files

    store = store_for(ctx, db)
    sizes = [path.stat().st_size if path.is_file() else 0 for path in files]
    with progress_bar(counts=False) as progress:
        task = progress.add_task(f"reading {len(files)} file(s)", total=max(sum(sizes), 1))

        def told(number: int, fraction: float, rows: int) -> None:
            last = number == len(files) - 1 and fraction >= 1.0
            so_far = f", {rows:,} mapped rows so far" if rows else ""
            text = (f"writing {rows:,} mapped rows" if last else
                    f"file {number + 1}/{len(files)} {files[number].name}{so_far}")
            progress.update(task, completed=sum(sizes[:number]) + fraction * sizes[number],
                            description=text)

        reports = import_trade_files(store, files, dataset=fmt.value, codes=codes, progress=told)
    for path, report in zip(files, reports, strict=True):
        years = ", ".join(str(y) for y in report.years) or "no mapped rows"
        console.print(f"imported {report.rows} mapped trade row(s) ({years}) from {path} "
                      f"(import #{report.import_id})", markup=False)


@trade_app.command("status")
def status_command(
    ctx: typer.Context,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Stored flows per dataset, year and item: rows, importers and value (thousand USD)."""
    from paxsilica.store.trade import trade_flows, trade_summary

    flows = trade_flows(store_for(ctx, db, read_only=True))
    if flows.empty:
        console.print("no trade flows imported (see: paxsilica trade import --help)")
        return
    emit(trade_summary(flows), fmt, title="Trade flows")


def register(app: typer.Typer) -> None:
    """Add the ``trade`` command group."""
    app.add_typer(trade_app, name="trade")
