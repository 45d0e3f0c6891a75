"""Imports run one way: each package imports only packages on lower floors (the picture in
docs/architecture.md), no cycle inside a package, nothing below ``requests/`` imports it,
no module imports the package root (``__version__`` has its own module)."""

from __future__ import annotations

import ast
import tomllib
from functools import cache
from pathlib import Path

import pytest

import paxsilica
from paxsilica._version import __version__

PACKAGE = Path(paxsilica.__file__).parent
ROOT = PACKAGE.parents[1]
BELOW_REQUESTS = ["model", "io", "validate", "store", "linalg", "analytics", "simulate", "plan",
                  "certify", "catalog", "data"]


FLOORS = {
    "errors": 1, "_version": 1, "_lazy": 1, "testing": 1, "limits": 1,
    "model": 2, "linalg": 2,
    "io": 3,
    "validate": 4, "analytics": 4,
    "store": 5,
    "simulate": 6, "certify": 6,
    "plan": 6.5,  # the planner reads simulator scenarios and ownership control (issue 20)
    "requests": 7, "report": 7,
    "service": 8,
    "cli": 9,
    "__main__": 10,
}
"""Floor of each package (docs/architecture.md draws the same): a package imports only
packages on lower floors; ``paxsilica/__init__.py`` (the public API) stands above all, and
``__main__.py`` (``python -m paxsilica``) above the CLI it runs."""


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ``paxsilica`` module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "paxsilica" or name.startswith("paxsilica.")}


@cache
def modules() -> dict[str, set[str]]:
    return {_module(path): imports(path) for path in PACKAGE.rglob("*.py")}


def test_each_package_imports_only_lower_floors():
    upward = set()
    for name, found in modules().items():
        parts = name.split(".")
        if len(parts) < 2:
            continue  # the package root: the public API, above every floor
        for target in found:
            below = target.split(".")[1] if "." in target else target
            if below != parts[1] and FLOORS[below] >= FLOORS[parts[1]]:
                upward.add(f"{name} -> {target}")
    assert sorted(upward) == []
    packages = {path.name.removesuffix(".py") for path in PACKAGE.iterdir()
                if (path.suffix == ".py" and path.name != "__init__.py")
                or (path / "__init__.py").exists()}
    assert packages == set(FLOORS)


def test_no_module_imports_the_package_root():
    importers = sorted(name for name, found in modules().items() if "paxsilica" in found)
    assert importers == []


def test_the_version_is_pyproject_s():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == project["project"]["version"] == paxsilica.__version__


@pytest.mark.parametrize("package", BELOW_REQUESTS)
def test_nothing_below_requests_imports_it(package):
    offenders = sorted(name for name, found in modules().items()
                       if name.startswith(f"paxsilica.{package}")
                       and any(f.startswith("paxsilica.requests") for f in found))
    assert offenders == []


@pytest.mark.parametrize("package", ["store", "requests", "simulate", "plan", "certify", "io",
                                     "analytics", "model", "service", "cli"])
def test_no_import_cycle_inside_a_package(package):
    graph = {name: {f for f in found if f.startswith(f"paxsilica.{package}.")}
             for name, found in modules().items() if name.startswith(f"paxsilica.{package}.")}
    visiting, done = set(), set()

    def visit(node: str, path: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*path, node])
        visiting.add(node)
        for target in sorted(graph.get(node, ())):
            visit(target, [*path, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
