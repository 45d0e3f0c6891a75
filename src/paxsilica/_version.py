"""The package version, in a module of its own so that any module can read it without
importing the package root (``paxsilica/__init__.py``); keep it equal to pyproject.toml's."""

__version__ = "0.1.0"
