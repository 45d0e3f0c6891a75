"""Imports run one way: no cycle inside a package, nothing below ``requests/`` imports it,
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
