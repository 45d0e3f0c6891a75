"""``paxsilica simulate`` (one run or an ensemble) and ``paxsilica scenarios`` (the library)."""

from __future__ import annotations

import json
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, emit, err_console, store_for
from paxsilica.errors import NotFoundError, RowError, ValidationError

if TYPE_CHECKING:  # the simulator (numpy, pandas, dask) loads only when a command runs
    from rich.progress import Progress

    from paxsilica.model.network import StackNetwork
    from paxsilica.requests.simulate import PreparedSimulation

__all__ = ["register"]


class SimFormat(StrEnum):
    """Output of ``simulate``."""

    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


def _write_atomic(path: Path, write: object) -> None:
    """Write through a temporary file in the same folder, so a failure leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))  # type: ignore[operator]
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    err_console.print(f"wrote {path}", markup=False)


def _progress(total: int, what: str) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err_console, transient=True)


def _library(ctx: typer.Context, db: Path | None) -> tuple[StackNetwork, dict[str, dict]]:
    from paxsilica.model.network import StackNetwork
    from paxsilica.simulate.library import scenario_library

    net = StackNetwork.from_store(store_for(ctx, db))
    return net, scenario_library(net)


def simulate_command(
    ctx: typer.Context,
    scenario_path: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario YAML file or a library name")],
    days: Annotated[int | None, typer.Option(help="Days to simulate (default: the scenario's)")] = None,
    ensemble: Annotated[int | None, typer.Option(help="Run N Monte Carlo members on Dask")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://host:port "
                                                  "(default: a local cluster)")] = None,
    workers: Annotated[int, typer.Option(help="Workers of the local cluster")] = 2,
    seed: Annotated[int, typer.Option(help="Seed of the ensemble draws")] = 0,
    fmt: Annotated[SimFormat, typer.Option("--format", help="table, json, csv or parquet")] = SimFormat.table,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout")] = None,
    db: DbOption = None,
) -> None:
    """Simulate a disruption scenario day by day (ARIO model); print or write the result."""
    from paxsilica.model.network import StackNetwork
    from paxsilica.requests.simulate import SimulateRequest, prepare_simulation

    if fmt is SimFormat.parquet and output is None:
        raise ValidationError([RowError("<arguments>", None, "--output", "parquet needs -o PATH")])
    folder = Path(f"{output}.members") if output is not None and ensemble is not None else None
    request = SimulateRequest.parse(scenario=scenario_path, days=days, ensemble=ensemble,
                                    scheduler=scheduler, workers=workers if ensemble else None,
                                    seed=seed if ensemble else None, folder=folder)
    prepared = prepare_simulation(request, lambda: StackNetwork.from_store(store_for(ctx, db)))
    if ensemble is not None:
        _ensemble(prepared, fmt, output)
        return
    name = prepared.scenario.name
    with _progress(prepared.days, f"simulating {name}") as bar:
        task = bar.add_task("steps", total=prepared.days)
        result = prepared.run(lambda done, _total: bar.update(task, completed=done))
    if fmt is SimFormat.json:
        from paxsilica.io.records import rounded_document

        text = json.dumps(rounded_document(result.to_json_dict()), ensure_ascii=False, default=float)
        _text_out(text, output)
    elif fmt is SimFormat.parquet:
        _write_atomic(output, lambda tmp: result.series().to_parquet(tmp, index=False))  # type: ignore[arg-type]
    elif fmt is SimFormat.csv:
        _text_out(result.series().to_csv(index=False), output)
    else:
        summary = result.summary().sort_values("loss_share", ascending=False)
        emit(summary.head(30), OutputFormat.table, output=output,
             title=f"{name}: {result.days} days, output lost (largest first; "
                   f"units: {result.unit or 'network units'})")


def _text_out(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text.rstrip("\n"))
    else:
        _write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _ensemble(prepared: PreparedSimulation, fmt: SimFormat, output: Path | None) -> None:
    name, members = prepared.scenario.name, prepared.request.ensemble or 1
    with _progress(members, f"ensemble {name}") as bar:
        task = bar.add_task("members", total=members)
        result = prepared.run_ensemble(lambda done, _total: bar.update(task, completed=done))
    err_console.print(f"members in {prepared.members_folder}", markup=False)
    if fmt is SimFormat.json:
        document = {"scenario": name, "days": int(result.bands["step"].max()) + 1,
                    "members": members, "bands": result.bands.to_dict(orient="records"),
                    "draws": result.draws.to_dict(orient="records")}
        _text_out(json.dumps(document, default=float), output)
    elif fmt is SimFormat.parquet:
        _write_atomic(output, lambda tmp: result.bands.to_parquet(tmp, index=False))  # type: ignore[arg-type]
    elif fmt is SimFormat.csv:
        _text_out(result.bands.to_csv(index=False), output)
    else:
        peak = result.bands.loc[result.bands.groupby("region")["p50"].idxmax()]
        emit(peak.sort_values("p50", ascending=False).head(30), OutputFormat.table, output=output,
             title=f"{name}: {members} members, worst day per region (loss share p5/p50/p95)")


scenarios_app = typer.Typer(help="Ready scenarios from the bundled export controls.",
                            no_args_is_help=True)


@scenarios_app.command("list")
def list_command(ctx: typer.Context,
                 fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
                 db: DbOption = None) -> None:
    """List the library's scenarios."""
    import pandas as pd

    _, library = _library(ctx, db)
    rows = [{"name": name, "start_date": doc.get("start_date"),
             "events": ", ".join(e["kind"] for e in doc["events"]) or "(none)",
             "description": doc.get("description", "")[:100]} for name, doc in library.items()]
    emit(pd.DataFrame(rows), fmt, title="Scenario library")


@scenarios_app.command("show")
def show_command(ctx: typer.Context, name: str, db: DbOption = None,
                 as_of: Annotated[str | None, typer.Option("--as-of", help="Date of coalition-ban")] = None) -> None:
    """Print one scenario as YAML."""
    import yaml

    typer.echo(yaml.safe_dump(_document(ctx, name, db, as_of), sort_keys=False, allow_unicode=True))


@scenarios_app.command("export")
def export_command(ctx: typer.Context, name: str,
                   output: Annotated[Path, typer.Option("-o", "--output", help="YAML file to write")],
                   as_of: Annotated[str | None, typer.Option("--as-of", help="Date of coalition-ban")] = None,
                   db: DbOption = None) -> None:
    """Write one scenario to a YAML file (edit it, then run paxsilica simulate on it)."""
    import yaml

    document = _document(ctx, name, db, as_of)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    _write_atomic(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _document(ctx: typer.Context, name: str, db: Path | None, as_of: str | None) -> dict:
    from paxsilica.simulate.library import COALITION_BAN, coalition_ban

    if name == COALITION_BAN and as_of is not None:
        return coalition_ban(as_of)
    _, library = _library(ctx, db)
    if name not in library:
        raise NotFoundError(f"unknown scenario {name!r} (see paxsilica scenarios list)")
    return library[name]


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``scenarios``."""
    app.command("simulate")(simulate_command)
    app.add_typer(scenarios_app, name="scenarios")
