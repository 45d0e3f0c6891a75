"""Checks of input tables; every check collects all problems before raising."""

from paxsilica.validate.records import validate_table

__all__ = ["validate_table"]
