"""Progress bars for the CLI's long steps: what is being done, counts, elapsed time, ETA.

Bars go to stderr (stdout stays the result, e.g. JSON piped on) and vanish when the step
ends. Library functions take a plain callback; this module turns it into a rich bar.

Example:
    >>> with step_progress("checking", total=3) as advance:
    ...     for name in ["a", "b", "c"]:
    ...         advance(1, f"checking {name}")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from paxsilica.cli.common import err_console

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

__all__ = ["progress_bar", "step_progress"]


def progress_bar(counts: bool = True, console: Console | None = None) -> Progress:
    """A bar on stderr (or ``console``): description, bar, ``done/total`` (or percent),
    elapsed time and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    amount = MofNCompleteColumn() if counts else TaskProgressColumn()
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), amount,
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=console or err_console, transient=True)


@contextmanager
def step_progress(description: str, total: int) -> Iterator[Callable[[int, str | None], None]]:
    """A bar over ``total`` steps; yields ``advance(steps, description=None)``."""
    with progress_bar() as progress:
        task = progress.add_task(description, total=total)

        def advance(steps: int = 1, text: str | None = None) -> None:
            progress.update(task, advance=steps, description=text or description)

        yield advance
