"""The ``paxsilica`` command line: thin callers of the library functions."""

from paxsilica.cli.app import app, main

__all__ = ["app", "main"]
