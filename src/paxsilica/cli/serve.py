"""``paxsilica serve``: the HTTP API and web dashboard (FastAPI on uvicorn)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, err_console
from paxsilica.errors import PaxsilicaError
from paxsilica.limits import BODY_TIMEOUT_SECONDS

__all__ = ["register"]


def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb",
                                                 help="Largest request body, in MB (413 above)")] = 32,
    sign: Annotated[Path | None, typer.Option(
        "--sign", help="Ed25519 private key (PEM): certificates are signed with it")] = None,
    trust: Annotated[list[Path] | None, typer.Option(
        "--trust", help="Also verify certificates signed with this public key (repeatable)")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address for jobs (default: a LocalCluster)")] = None,
    rate_limit: Annotated[float, typer.Option(
        "--rate-limit", help="Requests per second per token on expensive routes (screen, certify, "
                             "chokepoints, jobs); bursts of 4x that")] = 5.0,
    body_timeout: Annotated[float, typer.Option(
        "--body-timeout", help="Seconds a request body may take to arrive (408 after)")] = BODY_TIMEOUT_SECONDS,
    db: DbOption = None,
) -> None:
    """Serve the API (/api/v1, /openapi.json, /docs) and the dashboard (/) until Ctrl-C."""
    import uvicorn

    from paxsilica.certify.certificate import load_private_key, load_public_key
    from paxsilica.service import RateLimit, ServiceConfig, create_app
    from paxsilica.service.http import ProblemH11Protocol
    from paxsilica.store import default_db_path, open_store

    if not (math.isfinite(max_upload_mb) and 0 < max_upload_mb <= 1024 * 1024):
        raise PaxsilicaError(f"--max-upload-mb must be a positive number of MB, not {max_upload_mb}")
    if not (math.isfinite(rate_limit) and 0 < rate_limit <= 1e6):
        raise PaxsilicaError(f"--rate-limit must be a positive number per second, not {rate_limit}")
    if not (math.isfinite(body_timeout) and 0 < body_timeout <= 3600):
        raise PaxsilicaError(f"--body-timeout must be 0-3600 seconds, not {body_timeout}")
    if not 0 < port < 65536:
        raise PaxsilicaError(f"--port must be 1-65535, not {port}")
    if sign is not None:
        load_private_key(sign)  # a bad key is a one-line error before the server starts
    for path in trust or []:
        load_public_key(path)
    config = ServiceConfig(db=db or (ctx.obj or {}).get("db") or default_db_path(),
                           max_upload_bytes=int(max_upload_mb * 1024 * 1024), sign_key=sign,
                           trusted_keys=tuple(trust or ()), scheduler=scheduler,
                           rate_limit=RateLimit(rate=rate_limit, burst=max(1, int(4 * rate_limit))),
                           body_timeout=body_timeout)
    open_store(config.db).close()  # a locked or foreign database file: one line, before serving
    err_console.print(f"paxsilica serving {config.db} on http://{host}:{port}/ "
                      f"(API docs at /docs; certificates {'signed' if sign else 'unsigned'})",
                      highlight=False, soft_wrap=True)
    # problem+json also for requests the HTTP parser refuses (a bad Content-Length)
    uvicorn.run(create_app(config), host=host, port=port, log_level="info", http=ProblemH11Protocol)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""
    app.command("serve")(serve_command)
