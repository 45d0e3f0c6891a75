"""paxsilica: map, stress-test, plan and certify the AI technology stack supply chain.

The public entry points are plain functions; see the subpackages:

- :mod:`paxsilica.model` - typed records and the immutable :class:`StackNetwork`;
- :mod:`paxsilica.store` - the embedded DuckDB store (transactional imports);
- :mod:`paxsilica.analytics` - concentration, exposure and coverage tables;
- :mod:`paxsilica.report` - the self-contained HTML report.
"""

from paxsilica.errors import PaxsilicaError, RowError, StoreError, ValidationError

__all__ = ["PaxsilicaError", "RowError", "StoreError", "ValidationError", "__version__"]
__version__ = "0.1.0"
