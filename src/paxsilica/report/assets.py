"""The vendored plotly.js partial bundle (``report/vendor/PLOTLY.md``): read, checked, compressed.

The report embeds it gzip-compressed and base64-encoded (:func:`plotly_gzip_base64`, about a
third of its size) and unpacks it in the browser; the dashboard serves it as is
(:func:`plotly_path`). Both are offline: nothing is fetched from a CDN.

Example:
    >>> plotly_js()[:22]
    b'/* plotly.js v4.1.1 (t'
    >>> import base64, gzip
    >>> gzip.decompress(base64.b64decode(plotly_gzip_base64())) == plotly_js()
    True
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from functools import cache
from importlib import resources
from importlib.abc import Traversable

__all__ = ["PLOTLY_FILE", "PLOTLY_SHA256", "PLOTLY_TRACES", "plotly_gzip_base64", "plotly_js", "plotly_path"]

PLOTLY_FILE = "plotly-paxsilica-4.1.1.min.js"
PLOTLY_SHA256 = "e1cc7cab54cebe92637bb4ad66330ca1ed1ed51b3e4d85fec8d1b4c40f75ee82"
PLOTLY_TRACES = frozenset({"scatter", "bar", "heatmap", "sankey", "scattergeo", "choropleth"})
"""The trace types the bundle draws (``scripts/plotly_bundle/entry.js``)."""


def plotly_path() -> Traversable:
    """The bundle's file inside the installed package."""
    return resources.files("paxsilica.report").joinpath("vendor", PLOTLY_FILE)


@cache
def plotly_js() -> bytes:
    """The bundle's bytes, checked against :data:`PLOTLY_SHA256`.

    Raises:
        RuntimeError: the installed file was altered (reinstall paxsilica).
    """
    data = plotly_path().read_bytes()
    if hashlib.sha256(data).hexdigest() != PLOTLY_SHA256:
        raise RuntimeError(f"report/vendor/{PLOTLY_FILE} does not match its SHA-256 (reinstall paxsilica)")
    return data


@cache
def plotly_gzip_base64() -> str:
    """The bundle gzip-compressed (level 9, no timestamp: the same text every time), base64."""
    return base64.b64encode(gzip.compress(plotly_js(), compresslevel=9, mtime=0)).decode("ascii")
