"""The one atomic writer: every file paxsilica writes for a user (simulate, scenario export,
plan, report, certificates, ensemble members, data export) goes through a temporary file
in the target's folder and is renamed into place, so a reader never sees half a file and
a failure leaves the old file (or none).

:func:`check_outputs` runs *before any work*: a target that is a directory, lies under a
file, or sits in a folder that cannot be written is a one-line
:class:`~paxsilica.errors.PaxsilicaError` naming the parameter and the path, not a
traceback after minutes of simulation.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "out.txt", "hello\\n").read_text()
    'hello\\n'
    >>> write_atomic(folder, "x")
    Traceback (most recent call last):
    ...
    paxsilica.errors.PaxsilicaError: output ...: is a directory; give a file name
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from paxsilica.errors import PaxsilicaError

__all__ = ["Content", "atomic_stream", "check_output", "check_outputs", "write_atomic", "write_files_atomic"]

Content = bytes | str | Callable[[Path], object]
"""What to write: bytes, text (UTF-8) or a function that writes the file at the path it is
given (e.g. ``lambda p: frame.to_parquet(p)``)."""


def _existing_folder(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _temporary(folder: Path, name: str) -> Path:
    """A new empty file ``.NAME.RANDOM.tmp`` in ``folder``, created with mode 0666 less
    the umask (as an ordinary file would be; no process-wide umask juggling)."""
    temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    return temporary


def check_output(path: str | Path, name: str = "output") -> Path:
    """``path`` as a :class:`~pathlib.Path`, after checking a file can be written there
    (``name`` is what the message calls it).

    Raises:
        PaxsilicaError: ``path`` is a directory, lies under a file, is read-only, or its
            folder (the nearest one that exists) cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise PaxsilicaError(f"{name} {path}: is a directory; give a file name")
    folder = _existing_folder(path)
    if not folder.is_dir():
        raise PaxsilicaError(f"{name} {path}: {folder} is a file, not a directory")
    if path.exists() and not os.access(path, os.W_OK):
        raise PaxsilicaError(f"{name} {path}: the file is read-only")
    try:  # a real probe: permission bits do not tell root, read-only mounts or /proc
        _temporary(folder, "probe").unlink()
    except OSError as exc:
        raise PaxsilicaError(f"{name} {path}: cannot write in {folder} "
                             f"({exc.strerror or exc})") from None
    return path


def check_outputs(outputs: dict[str, str | Path | None]) -> list[Path]:
    """The given output paths (``{name: path}``; ``None`` skipped), after
    :func:`check_output` on each; run before any work.

    Raises:
        PaxsilicaError: as :func:`check_output`, or two names give the same file.
    """
    seen: dict[Path, str] = {}
    paths = []
    for name, path in outputs.items():
        if path is None:
            continue
        path = check_output(path, name)
        key = path.resolve()
        if key in seen:
            raise PaxsilicaError(f"{name} {path}: the same file as {seen[key]}")
        seen[key] = name
        paths.append(path)
    return paths


def _fill(temporary: Path, content: Content) -> None:
    if isinstance(content, bytes):
        temporary.write_bytes(content)
    elif isinstance(content, str):
        temporary.write_text(content, encoding="utf-8")
    else:
        content(temporary)


def write_files_atomic(files: list[tuple[Path, Content, int | None]], name: str = "output") -> None:
    """Write every ``(path, content, mode)`` to a temporary file next to its path, then
    rename them all into place; when any write fails, no file is renamed and the
    temporaries go. ``mode`` ``None`` leaves 0666 less the umask.

    Raises:
        PaxsilicaError: a file could not be written (the message names it).
    """
    temporaries: list[Path] = []
    current = files[0][0] if files else Path()
    try:
        for path, content, mode in files:
            current = path = Path(path)
            if path.is_dir():
                raise PaxsilicaError(f"{name} {path}: is a directory; give a file name")
            path.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append(_temporary(path.parent, path.name))
            _fill(temporaries[-1], content)
            if mode is not None:
                os.chmod(temporaries[-1], mode)
        for (path, _, _), temporary in zip(files, temporaries, strict=True):
            current = Path(path)
            os.replace(temporary, path)
    except OSError as exc:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise PaxsilicaError(f"cannot write {current}: {exc.strerror or exc}") from None
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, content: Content, mode: int | None = None,
                 name: str = "output") -> Path:
    """Write ``content`` to ``path`` through a temporary file renamed into place; the path.

    Raises:
        PaxsilicaError: ``path`` is a directory or cannot be written (named).
    """
    path = Path(path)
    write_files_atomic([(path, content, mode)], name)
    return path


@contextmanager
def atomic_stream(path: str | Path, name: str = "output") -> Iterator[BinaryIO]:
    """A binary handle on a temporary file next to ``path``, renamed to ``path`` when the
    block ends normally and removed when it raises (for output written as it is computed,
    e.g. a simulation's series).

    Raises:
        PaxsilicaError: ``path`` cannot be written (named).
    """
    path = Path(path)
    if path.is_dir():
        raise PaxsilicaError(f"{name} {path}: is a directory; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(path.parent, path.name)
    except OSError as exc:
        raise PaxsilicaError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with open(temporary, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except OSError as exc:
        raise PaxsilicaError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)
