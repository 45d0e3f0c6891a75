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

from paxsilica.cli.common import DbOption, OutputFormat, emit, err_console, network_for
from paxsilica.errors import PaxsilicaError
from paxsilica.requests.choices import CostMethod

if TYPE_CHECKING:  # the planner (linopy) loads only when a command runs
    import click
    import pandas as pd

    from paxsilica.plan.results import PlanResult

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
    net = network_for(ctx, db)

    def told(step: int, message: str) -> None:
        err_console.print(f"[{step}/3] {message}", markup=False)

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Shapley: plans for the coalitions of members", total=None,
                            visible=False)

        def counted(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        answer = answer_plan(net, request, steps=told, counts=counted)
    if fmt is PlanFormat.json:
        sys.stdout.write(json.dumps(answer.to_dict(), indent=2, default=str) + "\n")
    else:
        _tables(answer.result, answer.shares)
    if not answer.solved:
        from rich.markup import escape

        # one line, however narrow the terminal: scripts grep it
        err_console.print(f"[bold red]{escape(answer.result.message or answer.result.status)}[/]",
                          highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def _tables(result: PlanResult, shares: pd.DataFrame | None) -> None:
    print(f"status: {result.status}; objective: {result.objective}")
    if result.message:
        print(result.message)
    for warning in result.warnings:
        print(f"warning: {warning}")
    if not result.unmet.empty:
        print(f"shortfall rule: {result.shortfall_rule}")
    rules = result.stockpile_rules
    if not rules.empty:
        rules = rules[["stockpile", "scenario", "drawn", "first_year", "last_year", "rule"]]
    for title, frame in (("Builds", result.builds), ("Targets", result.targets),
                         ("Unmet demand", result.unmet), ("Stockpile rules", rules),
                         ("Loss avoided per unit cost", result.values),
                         ("Projects not built", result.projects_not_built),
                         ("Conflicts", result.conflicts), ("Cost shares", shares)):
        if frame is not None and not frame.empty:
            emit(frame, OutputFormat.table, title)


def _use_option(values: list[str]) -> dict[str, str]:
    """``ITEM=SHARE`` pairs (the request model checks the shares)."""
    out = {}
    for value in values:
        item, sign, share = value.partition("=")
        if not sign or not item.strip():
            raise PaxsilicaError(f"use {value!r}: write ITEM=SHARE, e.g. gallium=0.2")
        out[item.strip()] = share.strip()
    return out


def expand_command(
    ctx: typer.Context,
    item: Annotated[list[str], typer.Option("--item", help="Item id or alias (repeatable)")],
    k: Annotated[int, typer.Option("--k", help="How many countries join")] = 1,
    stage: Annotated[str | None, typer.Option(help="Only this stage")] = None,
    threshold: Annotated[float, typer.Option(help="Share of an item's need that counts it "
                                                  "covered")] = 0.5,
    group: Annotated[str, typer.Option(help="Coalition group id")] = "pax_silica",
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Group whose members are not eligible (repeatable; default "
                          "sanctioned; 'none' for no group)")] = None,
    use: Annotated[list[str] | None, typer.Option(
        "--use", help="ITEM=SHARE: the coalition's use, share of world output "
                      "(default: consumption data)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Membership date")] = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="json or table")] = PlanFormat.json,
    db: DbOption = None,
) -> None:
    """Rank eligible countries by the coalition's unmet need they cover; best set of k."""
    from paxsilica.requests.expand import ExpandRequest, answer_expand

    options: dict[str, object] = {}
    if exclude is not None:
        options["exclude"] = [g for g in exclude if g != "none"]
    if use:
        options["use"] = _use_option(use)
    request = ExpandRequest.parse(item=item, k=k, stage=stage, threshold=threshold, group=group,
                                  as_of=as_of, **options)
    out = answer_expand(network_for(ctx, db), request)
    for warning in out.warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    if fmt is PlanFormat.json:
        sys.stdout.write(json.dumps(out.to_dict(), indent=2, default=str) + "\n")
        return
    print(f"best {k} (MILP): {', '.join(out.chosen)}; greedy: {', '.join(out.greedy)}")
    emit(out.items, OutputFormat.table, "Unmet need per item")
    emit(out.ranking, OutputFormat.table, "Candidates")
    if not out.excluded.empty:
        emit(out.excluded, OutputFormat.table, "Not eligible")


def register(app: typer.Typer) -> None:
    plan_app = typer.Typer(cls=_DefaultSolve, no_args_is_help=True,
                           help="Plan co-investment (plan PROBLEM.yaml) and coalition "
                                "expansion (plan expand).")
    plan_app.command("solve")(solve_command)
    plan_app.command("expand")(expand_command)
    app.add_typer(plan_app, name="plan")
