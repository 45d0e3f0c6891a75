"""Names that contain a listed name: the listed name plus places, units, countries.

A supplier may write a listed company's name with extra words that say which part or
place of it is meant: ``Huawei Technologies Co Ltd Shenzhen Branch``, ``Hikvision USA``,
``SZ DJI Technology Co Ltd - Camera Division``, ``Acme Ltd c/o Huawei``. Such a query
*names the listed company*; string similarity alone scores it low because of the extra
words. This module recognises it:

1. The query is cut into **segments** at separators (parentheses, brackets, commas,
   `` - ``, ``c/o``, ``a.k.a.``…); the whole query and each segment are tried.
2. In each, words after a legal form that follows the name are a free **tail**
   (``… Co Ltd x``); a trailing unit phrase (``Camera Division``) or a leading one
   (``Camera Division of …``) is dropped too.
3. What remains, without **qualifiers** (localities, countries and regions, unit words,
   legal forms; ``vocabulary.yaml``), must equal the listed name's own words without
   localities and legal forms (as a multiset): every word of the listed name, generic
   ones such as *technology* included, and no other word. So ``Huawei Shenzhen Branch``
   contains the alias ``Huawei`` but ``Pacific Networks Solutions`` does not contain
   ``Pacific Networks``, and ``China Mobile Games`` does not contain ``China Mobile``.
4. Places must agree: a query naming only localities of other regions than the listed
   name's does not contain it (``Chengdu`` vs ``Xi'an Aircraft Industry``).

Candidates are found by an exact join on a **key** (the distinctive words: not weak,
not qualifiers), so blocking always produces them.

Example:
    >>> from paxsilica.certify.screening.normalize import name_form
    >>> listed = listed_signature(name_form("Huawei Technologies Co., Ltd."))
    >>> listed.key, listed.need
    ('huawei', ('huawei', 'technology'))
    >>> any(contains(v, listed) for v in query_variants("Huawei Technologies Co Ltd Shenzhen Branch"))
    True
    >>> any(contains(v, listed) for v in query_variants("Huawei Technologies Foods"))
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import pycountry
import yaml

from paxsilica.certify.screening.normalize import name_form, vocabulary

__all__ = ["ListedSignature", "QueryVariant", "contains", "extra_words", "has_qualifiers",
           "listed_signature", "qualifiers", "query_variants"]

_SEPARATORS = re.compile(
    r"\bc\s*/\s*o\b|\bcare\s+of\b|\ba\.?\s?k\.?\s?a\.?(?=\s)|\bf\.?\s?k\.?\s?a\.?(?=\s)"
    r"|\bd\s*/\s*b\s*/\s*a\b|\bformerly\b|\bprev(?:iously)?\b|[()\[\]{}<>,;:|/\\]"
    r"|\s[-\u2010-\u2015]+\s|\s[-\u2010-\u2015]+$|^[-\u2010-\u2015]+\s",
    re.IGNORECASE)


@dataclass(frozen=True)
class Qualifiers:
    """Word phrases (as tuples) by kind: ``locality``, ``country``, ``unit``, ``legal``."""

    phrases: dict[tuple[str, ...], str]
    longest: int
    starts: frozenset[str]
    countries: frozenset[str]
    """Words of country and region phrases (kept in a listed name's words)."""


@cache
def qualifiers() -> Qualifiers:
    """Qualifier phrases: ``vocabulary.yaml`` (units, regions, localities, legal forms)
    and the country names of ISO 3166 (pycountry)."""
    vocab = vocabulary()
    text = resources.files("paxsilica.certify.screening").joinpath("vocabulary.yaml")
    data = yaml.safe_load(text.read_text("utf-8"))["qualifiers"]
    phrases: dict[tuple[str, ...], str] = {}
    for form in vocab.legal_forms | vocab.legal_suffixes:
        phrases[form] = "legal"
    for country in pycountry.countries:
        for label in {country.name, getattr(country, "common_name", country.name),
                      getattr(country, "official_name", country.name)}:
            words = name_form(label).full.split()
            words = [w for w in words if w not in vocab.stopwords]
            if words:
                phrases.setdefault(tuple(words), "country")
    for region in data["regions"]:
        phrases.setdefault(tuple(name_form(region).full.split()), "country")
    for place in vocab.localities:
        phrases[place] = "locality"
    for unit in data["units"]:
        phrases[tuple(str(unit).split())] = "unit"
    phrases.pop((), None)
    countries = frozenset(w for phrase, kind in phrases.items() if kind == "country"
                          for w in phrase)
    return Qualifiers(phrases=phrases, longest=max(len(p) for p in phrases),
                      starts=frozenset(p[0] for p in phrases), countries=countries)


@lru_cache(maxsize=200_000)
def _kinds(tokens: tuple[str, ...]) -> tuple[tuple[str | None, ...], frozenset[str]]:
    """The qualifier kind of every token (longest phrase first; ``None`` for others) and
    the regions of the localities among them."""
    table = qualifiers()
    kinds: list[str | None] = [None] * len(tokens)
    if not table.starts.intersection(tokens):
        return tuple(kinds), frozenset()
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
    return tuple(kinds), frozenset(regions)


@dataclass(frozen=True)
class ListedSignature:
    """What a query must contain to contain a listed name."""

    key: str
    """Distinctive words (sorted, space-joined): not weak, not qualifiers; ``""`` when the
    name has none (it is never contained)."""
    need: tuple[str, ...]
    """Every word of the name but localities and legal forms, sorted."""
    regions: frozenset[str]


def _key(words: list[str]) -> str:
    vocab, table = vocabulary(), qualifiers()
    return " ".join(sorted(w for w in words if w not in vocab.weak_words
                           and w not in table.countries))


@lru_cache(maxsize=1_000_000)
def listed_signature(form: object) -> ListedSignature:
    """The signature of a listed name's :class:`~.normalize.NameForm`."""
    tokens = form.tokens  # type: ignore[attr-defined]
    kinds, _ = _kinds(tokens)
    need = [t for t, k in zip(tokens, kinds, strict=True) if k not in ("locality", "legal")]
    return ListedSignature(key=_key(need), need=tuple(sorted(need)),
                           regions=form.regions)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QueryVariant:
    """One reading of a query: its words (qualifiers marked) and what was set aside."""

    key: str
    words: tuple[str, ...]
    """Words that are not localities, units or legal forms (countries kept), sorted."""
    countries: frozenset[str]
    """Country and region words among ``words`` (they may be left over)."""
    regions: frozenset[str]


def _variant(tokens: tuple[str, ...]) -> QueryVariant:
    kinds, regions = _kinds(tokens)
    words = [t for t, k in zip(tokens, kinds, strict=True) if k in (None, "country")]
    countries = frozenset(t for t, k in zip(tokens, kinds, strict=True) if k == "country")
    return QueryVariant(key=_key(words), words=tuple(sorted(words)), countries=countries,
                        regions=regions)


def _readings(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The tokens, and the tokens with a free tail after a legal form, or with a
    trailing or leading unit phrase, set aside."""
    kinds, _ = _kinds(tokens)
    found = [tokens]
    if not any(kinds):
        return found
    named = False
    for i, kind in enumerate(kinds):  # a legal form after the name ends it
        if kind is None:
            named = True
        elif kind == "legal" and named:
            end = i
            while end < len(tokens) and kinds[end] == "legal":
                end += 1
            if end < len(tokens):
                found.append(tokens[:end])
            break
    for words in list(found):
        unit_kinds = _kinds(words)[0]
        if len(words) > 1 and unit_kinds[-1] == "unit":  # "... Camera Division"
            found += [words[:-size] for size in (1, 2, 3) if len(words) > size]
        units = [i for i, k in enumerate(unit_kinds[:4]) if k == "unit"]
        if units and units[-1] < len(words) - 1:  # "Camera Division of ..."
            found.append(words[units[-1] + 1:])
    return found


_SEPARATOR_CHARS = frozenset("()[]{}<>,;:|/\\-\u2010\u2011\u2012\u2013\u2014\u2015")
_SEPARATOR_WORDS = ("care of", "formerly", "prev", "aka", "a.k.a", "fka", "f.k.a")


def has_qualifiers(name: str) -> bool:
    """Whether ``name`` may contain a listed name with more: it has a separator or a
    qualifier word (a quick test; names without either are compared as they are)."""
    if not _SEPARATOR_CHARS.isdisjoint(name):
        return True
    lower = name.lower()
    if any(word in lower for word in _SEPARATOR_WORDS):
        return True
    return any(_kinds(name_form(name).tokens)[0])


@lru_cache(maxsize=200_000)
def query_variants(name: str) -> tuple[QueryVariant, ...]:
    """Every reading of a query name (see the module docstring), whole name first."""
    if _SEPARATOR_CHARS.isdisjoint(name) and not any(w in name.lower()
                                                     for w in _SEPARATOR_WORDS):
        pieces = [name]
    else:
        pieces = [p for p in _SEPARATORS.split(name) if p and p.strip()]
    texts = [name] if len(pieces) <= 1 else [" ".join(pieces), *pieces]
    variants: dict[tuple, QueryVariant] = {}
    for text in texts:
        for words in _readings(name_form(text).tokens):
            if not words:
                continue
            variant = _variant(words)
            if variant.key:
                variants.setdefault((variant.key, variant.words), variant)
    return tuple(variants.values())


def contains(variant: QueryVariant, listed: ListedSignature) -> bool:
    """Whether ``variant`` contains the listed name: its words, less country words the
    listed name does not have, are the listed name's words, and the places named are
    not of different regions only."""
    if not listed.key or variant.key != listed.key:
        return False
    need, words = listed.need, variant.words
    if words != need and tuple(w for w in words if w in need
                               or w not in variant.countries) != need:
        return False
    return not (variant.regions and listed.regions and not variant.regions & listed.regions)


def extra_words(query: str, listed: str) -> str:
    """The words of ``query`` that ``listed`` lacks (normalised), for explanations.

    Example:
        >>> extra_words("Huawei Technologies Co Ltd Shenzhen Branch", "Huawei Technologies Co., Ltd.")
        'Shenzhen Branch'
    """
    have = set(name_form(listed).full.split())
    return " ".join(w.title() if len(w) > 3 else w.upper()
                    for w in name_form(query).full.split() if w not in have)
