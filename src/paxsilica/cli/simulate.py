"""``paxsilica simulate`` (one run or an ensemble) and ``paxsilica scenarios`` (the library)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from paxsilica.cli.common import RAW_CSV, DbOption, OutputFormat, emit, err_console, store_for
from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.io.atomic import Content, atomic_stream, check_outputs, write_atomic

if TYPE_CHECKING:  # the simulator (numpy, pandas, pyarrow, dask) loads only when a command runs
    import pandas as pd
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


def _write_atomic(path: Path, content: Content) -> None:
    write_atomic(path, content)
    err_console.print(f"wrote {path}", markup=False)


class SeriesOption(StrEnum):
    """Which daily series ``simulate`` writes."""

    industries = "industries"
    regions = "regions"
    none = "none"


@contextmanager
def _destination(path: Path | None) -> Iterator[BinaryIO]:
    """A binary handle on stdout, or on a temporary file renamed to ``path`` once complete."""
    if path is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_stream(path, "-o") as stream:
        yield stream
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
    series: Annotated[SeriesOption, typer.Option(
        help="Daily series written with json, csv or parquet: per industry, per region, or none "
             "(csv and parquet then hold the summary); streamed to the output as the run goes")]
        = SeriesOption.industries,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout")] = None,
    db: DbOption = None,
) -> None:
    """Simulate a disruption scenario day by day (ARIO model); print or write the result."""
    from paxsilica.model.network import StackNetwork
    from paxsilica.requests.simulate import SimulateRequest, prepare_simulation

    if fmt is SimFormat.parquet and output is None:
        raise ValidationError([RowError("<arguments>", None, "--output", "parquet needs -o PATH")])
    check_outputs({"-o": output})  # before any work
    folder = Path(f"{output}.members") if output is not None and ensemble is not None else None
    request = SimulateRequest.parse(scenario=scenario_path, days=days, ensemble=ensemble,
                                    scheduler=scheduler, workers=workers if ensemble else None,
                                    seed=seed if ensemble else None, folder=folder,
                                    series="none" if fmt is SimFormat.table else series.value)
    prepared = prepare_simulation(request, lambda: StackNetwork.from_store(store_for(ctx, db)))
    if ensemble is not None:
        _ensemble(prepared, fmt, output)
        return
    name = prepared.scenario.name

    def run(sink: object = None) -> object:
        with _progress(prepared.days, f"simulating {name}") as bar:
            task = bar.add_task("steps", total=prepared.days)
            return prepared.run(lambda done, _total: bar.update(task, completed=done), sink=sink,  # type: ignore[arg-type]
                                keep=False)

    if fmt is SimFormat.table:
        result = run()
        summary = result.summary().sort_values("loss_share", ascending=False)  # type: ignore[attr-defined]
        emit(summary.head(30), OutputFormat.table, output=output,
             title=f"{name}: {result.days} days, output lost (largest first; "  # type: ignore[attr-defined]
                   f"units: {result.unit or 'network units'}; "  # type: ignore[attr-defined]
                   "loss_usd, value_added_loss_usd in USD)")
        totals = result.economy_totals()  # type: ignore[attr-defined]
        if not totals.empty and output is None:
            emit(totals, OutputFormat.table, title=f"{name}: losses in the economy-wide table "
                                                  f"({result.economy_table}), USD")  # type: ignore[attr-defined]
    else:
        from paxsilica.simulate.output import ResultWriter

        with _destination(output) as handle:  # the series is written as the run goes
            writer = ResultWriter(fmt.value, handle, scenario=name, days=prepared.days,
                                  industries=prepared.network.industries, regions=prepared.network.regions,
                                  series=series.value, raw=RAW_CSV.get(), money=_money(prepared),
                                  rounded=fmt is SimFormat.json)
            result = run(writer.rows)
            writer.finish(result)  # type: ignore[arg-type]
    for line in result.warnings:  # type: ignore[attr-defined]
        err_console.print(f"warning: {line}", markup=False)


def _money(prepared: PreparedSimulation) -> object:
    """What each industry's lost output is worth, for the streamed series' USD columns."""
    from paxsilica.simulate.output import SeriesMoney

    return SeriesMoney.of_network(prepared.network, prepared.params.x0)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Records with NaN as ``None`` (JSON ``null``)."""
    cleaned = frame.astype(object)
    return cleaned.where(cleaned.notna(), None).to_dict(orient="records")


def _text_out(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text.rstrip("\n"))
    else:
        _write_atomic(output, text)


def _ensemble(prepared: PreparedSimulation, fmt: SimFormat, output: Path | None) -> None:
    import pandas as pd

    name, members = prepared.scenario.name, prepared.request.ensemble or 1
    with _progress(members, f"ensemble {name}") as bar:
        task = bar.add_task("members", total=members)
        result = prepared.run_ensemble(lambda done, _total: bar.update(task, completed=done))
    err_console.print(f"members in {result.folder}", markup=False)  # the run's keyed folder
    if fmt is SimFormat.json:
        item_bands = result.item_bands if result.item_bands is not None else pd.DataFrame()
        document = {"scenario": name, "days": int(result.bands["step"].max()) + 1,
                    "members": members, "bands": _records(result.bands),
                    "item_bands": _records(item_bands), "draws": _records(result.draws)}
        _text_out(json.dumps(document, default=float), output)
    elif fmt is SimFormat.parquet:
        _write_atomic(output, lambda tmp: result.bands.to_parquet(tmp, index=False))  # type: ignore[arg-type]
    elif fmt is SimFormat.csv:
        _text_out(result.bands.to_csv(index=False), output)
    else:
        valid = result.bands.dropna(subset=["p50"])
        peak = valid.loc[valid.groupby("region")["p50"].idxmax()]
        emit(peak.sort_values("p50", ascending=False).head(30), OutputFormat.table, output=output,
             title=f"{name}: {members} members, worst day per region (value lost / baseline, p5/p50/p95)")
        if result.item_bands is not None and output is None:
            usd = result.item_bands[result.item_bands["measure"] == "loss_usd"].dropna(subset=["p50"])
            emit(usd.sort_values("p50", ascending=False).head(30), OutputFormat.table,
                 title=f"{name}: value of output lost per item over the run, USD (p5/p50/p95)")


scenarios_app = typer.Typer(help="Ready scenarios from the bundled export controls.",
                            no_args_is_help=True)


@scenarios_app.command("list")
def list_command(ctx: typer.Context,
                 fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
                 db: DbOption = None) -> None:
    """List the library's scenarios, each run once: whether it reaches a located industry and
    its headline loss (USD, priced items only); refused measures say why."""
    from paxsilica.simulate.library import library_overview

    net, library = _library(ctx, db)
    with _progress(len(library), "running the library") as bar:
        task = bar.add_task("scenarios", total=len(library))
        table = library_overview(net, progress=lambda n: bar.advance(task, n))
    if fmt is OutputFormat.table:
        table = table.assign(description=table["description"].str.slice(0, 100))
    emit(table, fmt, title="Scenario library (loss over each scenario's days, USD, priced items only)")


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

    check_outputs({"-o": output})
    document = _document(ctx, name, db, as_of)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    _write_atomic(output, text)


def _document(ctx: typer.Context, name: str, db: Path | None, as_of: str | None) -> dict:
    from paxsilica.simulate.library import COALITION_BAN, coalition_ban, refused_measures

    net, library = _library(ctx, db)
    if name == COALITION_BAN and as_of is not None:
        return coalition_ban(as_of, items=library[COALITION_BAN]["events"][0].get("items"))
    if name not in library:
        reason = refused_measures(net).get(name)
        if reason:
            raise ValidationError([RowError(name, None, None, f"refused: {reason}")])
        raise NotFoundError(f"unknown scenario {name!r} (see paxsilica scenarios list)")
    return library[name]


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``scenarios``."""
    app.command("simulate")(simulate_command)
    app.add_typer(scenarios_app, name="scenarios")
