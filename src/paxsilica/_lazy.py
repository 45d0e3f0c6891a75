"""Names of a package loaded on first use (PEP 562), declared as ``name -> module``.

A package whose ``__init__`` imports every submodule makes importing one light submodule
cost all of them; the CLI's ``--help`` must not load pandas through ``paxsilica.store``.
Such a package declares its public names and gets ``__getattr__`` and ``__dir__`` here.

Example (in a package's ``__init__.py``)::

    NAMES = {"open_store": "paxsilica.store.bundled"}
    __all__ = sorted(NAMES)
    __getattr__, __dir__ = lazy_names(__name__, NAMES)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module

__all__ = ["lazy_names"]


def lazy_names(package: str, names: dict[str, str]) -> tuple[Callable[[str], object],
                                                              Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: a declared name is imported from its
    module on first use and kept in the package's namespace.

    >>> getattr_, dir_ = lazy_names("paxsilica", {"ParameterError": "paxsilica.errors"})
    >>> getattr_("ParameterError").__name__, "ParameterError" in dir_()
    ('ParameterError', True)
    """

    def attribute(name: str) -> object:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(names[name]), name)
        setattr(sys.modules[package], name, value)  # later look-ups skip this function
        return value

    def listing() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return attribute, listing
