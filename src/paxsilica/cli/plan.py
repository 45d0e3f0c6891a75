"""``paxsilica plan``: solve a planning problem; ``paxsilica plan expand``: rank new members.

``paxsilica plan PROBLEM.yaml`` is short for ``paxsilica plan solve PROBLEM.yaml``. The
answer (JSON or tables) goes to standard output; HiGHS progress and steps to standard
error. Exit status 1 when the problem is infeasible or no plan was found in time.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, emit, err_console, store_for
from paxsilica.requests.choices import CostMethod

if TYPE_CHECKING:  # the planner (linopy) loads only when a command runs
    import click
    import pandas as pd

    from paxsilica.model.network import StackNetwork

__all__ = ["register"]


class PlanFormat(StrEnum):
    json = "json"
    table = "table"


class _DefaultSolve(typer.core.TyperGroup):
    """``plan FILE`` runs ``plan solve FILE``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["solve", *args]
        return super().parse_args(ctx, args)


def _network(ctx: typer.Context, db: Path | None) -> StackNetwork:
    from paxsilica.model.network import StackNetwork

    return StackNetwork.from_store(store_for(ctx, db, read_only=True))


def solve_command(
    ctx: typer.Context,
    problem_file: Annotated[Path, typer.Argument(metavar="PROBLEM.yaml",
                                                 help="Planning problem (see docs/plan.md)")],
    fmt: Annotated[PlanFormat, typer.Option("--format", help="json or table")] = PlanFormat.json,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Seconds")] = None,
    mip_gap: Annotated[float | None, typer.Option(
        "--mip-gap", help="Relative MIP gap (default 0.0001)")] = None,
    costs: Annotated[CostMethod | None, typer.Option(
        "--costs", help="Also share costs: partners, benefit or shapley")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No solver log")] = False,
    db: DbOption = None,
) -> None:
    """Which projects, where, when and paid by whom, at least expected cost (HiGHS)."""
    from rich.progress import Progress

    from paxsilica.requests.plan import PlanRequest, answer_plan

    request = PlanRequest.parse(problem=str(problem_file), time_limit=time_limit,
                                mip_gap=mip_gap, costs=costs, log=not quiet)
    net = _network(ctx, db)

    def told(step: int, message: str) -> None:
        err_console.print(f"[{step}/3] {message}", markup=False)

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Shapley: plans for each subset of members", total=None,
                            visible=False)

        def counted(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        answer = answer_plan(net, request, steps=told, counts=counted)
    if fmt is PlanFormat.json:
        sys.stdout.write(json.dumps(answer.to_dict(), indent=2, default=str) + "\n")
    else:
        _tables(answer.result, answer.shares)
    if not answer.solved:
        err_console.print(f"[bold red]{answer.result.message or answer.result.status}[/]",
                          highlight=False)
        raise typer.Exit(1)


def _tables(result: object, shares: pd.DataFrame | None) -> None:
    print(f"status: {result.status}; objective: {result.objective}")  # type: ignore[attr-defined]
    for title, frame in (("Builds", result.builds), ("Targets", result.targets),  # type: ignore[attr-defined]
                         ("Unmet demand", result.unmet),  # type: ignore[attr-defined]
                         ("Projects not built", result.projects_not_built),  # type: ignore[attr-defined]
                         ("Conflicts", result.conflicts), ("Cost shares", shares)):  # type: ignore[attr-defined]
        if frame is not None and not frame.empty:
            emit(frame, OutputFormat.table, title)


def expand_command(
    ctx: typer.Context,
    item: Annotated[list[str], typer.Option("--item", help="Item id or alias (repeatable)")],
    k: Annotated[int, typer.Option("--k", help="How many countries join")] = 1,
    stage: Annotated[str | None, typer.Option(help="Only this stage")] = None,
    threshold: Annotated[float, typer.Option(help="Coverage that counts an item covered")] = 0.5,
    group: Annotated[str, typer.Option(help="Coalition group id")] = "pax_silica",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Membership date")] = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="json or table")] = PlanFormat.json,
    db: DbOption = None,
) -> None:
    """Rank candidate countries by coverage gained; best set of k (MILP) and greedy."""
    from paxsilica.requests.expand import ExpandRequest, answer_expand

    request = ExpandRequest.parse(item=item, k=k, stage=stage, threshold=threshold, group=group,
                                  as_of=as_of)
    out = answer_expand(_network(ctx, db), request)
    if fmt is PlanFormat.json:
        sys.stdout.write(json.dumps(out.to_dict(), indent=2, default=str) + "\n")
        return
    print(f"best {k} (MILP): {', '.join(out.chosen)}; greedy: {', '.join(out.greedy)}")
    emit(out.items, OutputFormat.table, "Coverage per item")
    emit(out.ranking, OutputFormat.table, "Candidates")


def register(app: typer.Typer) -> None:
    plan_app = typer.Typer(cls=_DefaultSolve, no_args_is_help=True,
                           help="Plan co-investment (plan PROBLEM.yaml) and coalition "
                                "expansion (plan expand).")
    plan_app.command("solve")(solve_command)
    plan_app.command("expand")(expand_command)
    app.add_typer(plan_app, name="plan")
