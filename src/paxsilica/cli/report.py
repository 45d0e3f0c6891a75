"""``paxsilica report``: the self-contained HTML report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from paxsilica.cli.common import DbOption, console, network_for
from paxsilica.cli.progress import progress_bar

__all__ = ["register"]


def report_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write")] = Path(
        "paxsilica-report.html"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Membership date YYYY-MM-DD (default today)")] = None,
    group: Annotated[str, typer.Option(help="Coalition group")] = "pax_silica",
    concern: Annotated[str, typer.Option(help="Countries-of-concern group")] = "countries_of_concern",
    section: Annotated[list[str] | None, typer.Option(
        "--section", help="Only this section (repeat for more; e.g. coverage, controls, plan; default all)")] = None,
    db: DbOption = None,
) -> None:
    """Write the HTML dashboard of the stack (one file, works offline) and say where."""
    from paxsilica.model.network import as_date
    from paxsilica.report.data import STEPS
    from paxsilica.report.html import check_report_path, chosen_sections, render_report

    check_report_path(output)  # arguments first: a bad one fails before the database is opened
    as_date(as_of)
    sections = chosen_sections(section or None)
    with progress_bar() as progress:
        # steps: loading the data, each computed table, then each section; counted when done
        task = progress.add_task("loading data", total=1 + len(STEPS) + len(sections))
        net = network_for(ctx, db)
        progress.advance(task)

        def advance(kind: str) -> Callable[[str], None]:
            def on(name: str) -> None:
                progress.update(task, description=f"{kind}: {name}")
                progress.advance(task)
            return on

        path = render_report(net, output, as_of=as_of, group=group, concern=concern, sections=sections,
                             on_step=advance("computing"), on_section=advance("section"))
    console.print(f"report written to [bold]{escape(str(path.resolve()))}[/]")


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report_command)
