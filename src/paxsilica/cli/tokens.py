"""``paxsilica tokens add|list|revoke``: access tokens of the service, with roles."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, emit, store_for
from paxsilica.service.roles import ROLES

__all__ = ["register"]

tokens_app = typer.Typer(help="Access tokens of the service (paxsilica serve).", no_args_is_help=True)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in this environment
        return "cli"


@tokens_app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Who or what holds the token, e.g. ministry-analyst")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}")],
    db: DbOption = None,
) -> None:
    """Create a token; it is printed once, as the last line (only its SHA-256 is stored)."""
    from paxsilica.service.access import add_token

    token = add_token(store_for(ctx, db), name, role, who=_who())
    typer.echo(f"token {name!r} ({role}) created; keep it secret, it is not shown again:")
    typer.echo(token)


@tokens_app.command("list")
def list_command(ctx: typer.Context, db: DbOption = None,
                 fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table) -> None:
    """Tokens by name, role, creation and revocation time (never the tokens)."""
    from paxsilica.service.access import list_tokens

    emit(list_tokens(store_for(ctx, db)), fmt, title="access tokens")


@tokens_app.command("revoke")
def revoke_command(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Token name")],
                   db: DbOption = None) -> None:
    """Stop a token from working at once."""
    from paxsilica.service.access import revoke_token

    revoke_token(store_for(ctx, db), name, who=_who())
    typer.echo(f"token {name!r} revoked")


def register(app: typer.Typer) -> None:
    """Add the ``tokens`` command group."""
    app.add_typer(tokens_app, name="tokens")
