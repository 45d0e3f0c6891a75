"""Country codes: resolve what people write to ISO 3166-1 alpha-3.

"South Korea", "Korea, Rep.", "KOR", "KR" and "410" all resolve to ``KOR``.
Codes that are not countries but occur in cited data (``WLD`` world, ``ROW``
rest of world, ``EUU`` European Union, region labels) are listed in
``catalog/regions.yaml`` and resolve to themselves.

Example:
    >>> resolve_country("Korea, Rep.")
    'KOR'
    >>> resolve_country("tw")
    'TWN'
    >>> resolve_country("world")
    'WLD'
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources

import pycountry
import yaml
from pydantic import BaseModel, Field

from paxsilica.errors import NotFoundError

__all__ = ["Region", "country_name", "is_country", "region_kind", "regions", "resolve_country"]


class Region(BaseModel):
    """A non-country code that appears in cited data (world total, region, union)."""

    code: str = Field(description="Upper-case code, e.g. WLD")
    name: str
    kind: str = Field(description="world | rest_of_world | union | organisation | region")
    description: str = ""


@cache
def regions() -> dict[str, Region]:
    """The non-country codes of ``catalog/regions.yaml``, by code."""
    text = resources.files("paxsilica.catalog").joinpath("regions.yaml").read_text("utf-8")
    # a bundled file (floor 2 cannot use io/yamlfile, which every user's YAML goes through)
    entries = yaml.safe_load(text)["regions"]
    return {entry["code"]: Region(**entry) for entry in entries}


def region_kind(code: str) -> str | None:
    """``'world'``, ``'region'``… for a non-country code, ``None`` for a country."""
    region = regions().get(code)
    return region.kind if region else None


def is_country(code: str) -> bool:
    """True when ``code`` is an ISO alpha-3 country (or a code pycountry does not know but
    country_converter does, such as ``XKX``), not a region or aggregate."""
    return code not in regions()


@cache
def _converter():
    import country_converter
    import pandas as pd

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    # country_converter's own loader turns Namibia's ISO2 code "NA" into a missing
    # value under pandas 3; loading its table with only blank cells as missing avoids it.
    table = pd.read_csv(
        country_converter.country_converter.COUNTRY_DATA_FILE,
        sep="\t",
        encoding="utf-8",
        keep_default_na=False,
        na_values=[""],
        dtype=str,
    )
    return country_converter.CountryConverter(country_data=table)


def resolve_country(text: str) -> str:
    """Return the ISO 3166-1 alpha-3 code (or listed aggregate code) for ``text``.

    Raises:
        NotFoundError: when the name or code is not recognised; the message says why
            (also a ``KeyError``).

    >>> resolve_country("Atlantis")
    Traceback (most recent call last):
    ...
    paxsilica.errors.NotFoundError: unknown country 'Atlantis' (use an ISO code or an English name)
    """
    code = _resolved(str(text))
    if code.startswith("!"):  # failures are cached too: lists repeat unknown values
        raise NotFoundError(code[1:])
    return code


@cache
def _resolved(text: str) -> str:
    """The code for ``text``, or ``'!'`` + the reason it is not recognised."""
    try:
        return _resolve_uncached(text)
    except KeyError as exc:
        return "!" + str(exc.args[0])


def _resolve_uncached(text: str) -> str:
    raw = str(text).strip()
    if not raw:
        raise KeyError("empty country")
    upper = raw.upper()
    if upper in regions():
        return upper
    for region in regions().values():
        if region.name.casefold() == raw.casefold():
            return region.code
    country = None
    if upper.isdigit():
        country = pycountry.countries.get(numeric=upper.zfill(3))
    elif len(upper) == 2 and upper.isalpha():
        country = pycountry.countries.get(alpha_2=upper)
    elif len(upper) == 3 and upper.isalpha():
        country = pycountry.countries.get(alpha_3=upper)
    if country is None and len(raw) > 3:
        country = pycountry.countries.get(name=raw) or pycountry.countries.get(official_name=raw)
    if country is not None:
        return country.alpha_3
    if len(raw) > 3:
        converted = _converter().convert(names=raw, to="ISO3", not_found=None)
        if isinstance(converted, str) and len(converted) == 3:
            return converted
    raise KeyError(f"unknown country {raw!r} (use an ISO code or an English name)")


@cache
def country_name(code: str) -> str:
    """A short English name for a code (ISO alpha-3 or a listed aggregate).

    >>> country_name("KOR")
    'South Korea'
    """
    if code in regions():
        return regions()[code].name
    name = _converter().convert(names=code, src="ISO3", to="name_short", not_found=None)
    if isinstance(name, str) and name:
        return name
    country = pycountry.countries.get(alpha_3=code)
    return country.name if country else code
