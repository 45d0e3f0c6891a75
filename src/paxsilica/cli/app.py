"""The Typer application; each verb lives in its own module with a ``register(app)``.

User mistakes (:class:`~paxsilica.errors.PaxsilicaError`) print one line on
stderr and exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from paxsilica._version import __version__
from paxsilica.cli.common import RAW_CSV, err_console
from paxsilica.errors import PaxsilicaError, ValidationError

__all__ = ["app", "main"]


class _Group(typer.core.TyperGroup):
    """Runs a command; a user error becomes a one-line message and exit status 2."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except PaxsilicaError as exc:
            # the message holds user text (cells, paths): print it literally, not as markup
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                              soft_wrap=True)
            if isinstance(exc, ValidationError) and len(exc.errors) > 1:
                for error in exc.errors[1:20]:
                    err_console.print(f"  {escape(str(error))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Group,
    name="paxsilica",
    help="Map, stress-test, plan and certify the AI technology stack supply chain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# One module per verb; each defines register(app). Add a line to plug in a verb.
COMMAND_MODULES = [
    "paxsilica.cli.data",
    "paxsilica.cli.exposure",
    "paxsilica.cli.report",
    "paxsilica.cli.certify",
    "paxsilica.cli.criticality",
    "paxsilica.cli.chokepoints",
    "paxsilica.cli.trade",
    "paxsilica.cli.simulate",
    "paxsilica.cli.plan",
    "paxsilica.cli.serve",
    "paxsilica.cli.tokens",
    "paxsilica.cli.infra",
    "paxsilica.cli.telecom",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paxsilica {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB file for every command",
                                            show_default=False)] = None,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV output: write text cells as stored, without the leading ' that "
                      "keeps spreadsheets from running cells starting with = + - @ as formulas")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit")] = False,
) -> None:
    ctx.obj = {"db": db, "raw": raw}
    RAW_CSV.set(raw)


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Console-script entry point."""
    app()
