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
   legal forms; :mod:`.qualifiers`), must equal the listed name's own words without
   localities and legal forms (as a multiset): every word of the listed name, generic
   ones such as *technology* included, and no other word. So ``Huawei Shenzhen Branch``
   contains the alias ``Huawei`` but ``Pacific Networks Solutions`` does not contain
   ``Pacific Networks``, and ``China Mobile Games`` does not contain ``China Mobile``.
4. Places must agree: a query naming only localities of other regions than the listed
   name's does not contain it (``Chengdu`` vs ``Xi'an Aircraft Industry``).

Country and place words (ISO 3166 countries and subdivisions, GeoNames cities of
15 000+) are *optional*: part of the name when the listed name has them (``Phoenix
Contact``), qualifiers otherwise. Candidates are found by an exact join on a **key** (the
distinctive words, with each choice of optional ones), so blocking always produces them.

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

import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from paxsilica.certify.screening.normalize import NO_WORDS, name_form, vocabulary, word_set
from paxsilica.certify.screening.qualifiers import OPTIONAL as _OPTIONAL
from paxsilica.certify.screening.qualifiers import WORDS as _WORDS
from paxsilica.certify.screening.qualifiers import kinds as _kinds

__all__ = ["ListedSignature", "QueryVariant", "contained_names", "contains", "extra_words",
           "has_qualifiers", "listed_signature", "query_variants"]

_SEPARATORS = re.compile(
    r"\bc\s*/\s*o\b|\bcare\s+of\b|\ba\.?\s?k\.?\s?a\.?(?=\s)|\bf\.?\s?k\.?\s?a\.?(?=\s)"
    r"|\bd\s*/\s*b\s*/\s*a\b|\bformerly\b|\bprev(?:iously)?\b|[,;:|/\\]"
    r"|\s[-\u2010-\u2015]+\s|\s[-\u2010-\u2015]+$|^[-\u2010-\u2015]+\s",
    re.IGNORECASE)
_BRACKETS = re.compile(r"[()\[\]{}<>]")
_NAMED_UNITS = frozenset({"division", "department", "dept", "unit"})


@dataclass(frozen=True, slots=True)
class ListedSignature:
    """What a query must contain to contain a listed name."""

    key: str
    """Distinctive words of ``need`` (not weak), sorted and space-joined; ``""`` when the
    name has none or only generic ones such as *manufacturing* (it is never contained)."""
    need: tuple[str, ...]
    """Every word of the name but localities and legal forms, sorted."""
    regions: frozenset[str]
    places: frozenset[str] = NO_WORDS
    """Its locality words (a query naming only these adds no place)."""


@cache
def _generic_words() -> frozenset[str]:
    """Words the vocabulary expands abbreviations to (manufacturing, electronics…)."""
    vocab = vocabulary()
    return frozenset(w for value in vocab.abbreviations.values() for w in value.split())


def _key(words: list[str] | tuple[str, ...]) -> str:
    weak = vocabulary().weak_words
    return " ".join(sorted(w for w in words if w not in weak))


@lru_cache(maxsize=1_000_000)
def listed_signature(form: object) -> ListedSignature:
    """The signature of a listed name's :class:`~.normalize.NameForm`."""
    tokens = form.tokens  # type: ignore[attr-defined]
    kinds, _ = _kinds(tokens)
    need = [t for t, k in zip(tokens, kinds, strict=True) if k not in ("locality", "legal")]
    places = word_set(t for t, k in zip(tokens, kinds, strict=True) if k == "locality")
    key = _key(need)
    if all(w in _generic_words() for w in key.split()):
        key = ""  # only generic words ("MFG" → manufacturing): too common to be contained
    return ListedSignature(key=key, need=tuple(sorted(need)),
                           regions=form.regions, places=places)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class QueryVariant:
    """One reading of a query: its words, less localities, units and legal forms."""

    keys: tuple[str, ...]
    """Join keys: the distinctive required words with each choice of optional ones."""
    required: tuple[str, ...]
    optional: tuple[str, ...]
    """Country and place words: part of a listed name that has them, else qualifiers."""
    regions: frozenset[str]
    head_dropped: bool = False
    """Up to three leading words were set aside (only for listed names of 2+ words)."""
    qualified: bool = False
    """The reading holds a unit, or is part of the name with something set aside (a
    tail, a unit phrase, leading words, other parts)."""
    places: frozenset[str] = NO_WORDS
    """Its locality words."""


def _variant(tokens: tuple[str, ...], head_dropped: bool = False,
             qualified: bool = False) -> QueryVariant:
    kinds, regions = _kinds(tokens)
    required = tuple(t for t, k in zip(tokens, kinds, strict=True) if k is None)
    optional = tuple(t for t, k in zip(tokens, kinds, strict=True) if k in _OPTIONAL)
    qualified = qualified or "unit" in kinds
    places = word_set(t for t, k in zip(tokens, kinds, strict=True) if k == "locality")
    return QueryVariant(keys=_keys(required, optional), required=required, optional=optional,
                        regions=regions, head_dropped=head_dropped, qualified=qualified,
                        places=places)


def _keys(required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[str, ...]:
    weak = vocabulary().weak_words
    base = [w for w in required if w not in weak]
    choices = [w for w in dict.fromkeys(optional) if w not in weak][:3]
    if not choices:
        return (" ".join(sorted(base)),) if base else ()
    keys = [" ".join(sorted([*base, *subset])) for size in range(len(choices) + 1)
            for subset in itertools.combinations(choices, size)]
    return tuple(dict.fromkeys(k for k in keys if k))


def _spans(tokens: tuple[str, ...],
           kinds: tuple[str | None, ...]) -> list[tuple[int, int, bool, bool]]:
    """Readings of ``tokens`` as ``(start, end, head dropped, something dropped)``: all
    of them; without a free tail after a legal form; without a trailing or leading unit
    phrase; and, when they end in a legal form, without up to three leading words
    (``North Kingstown ZTE Corporation``)."""
    size = len(tokens)
    if not any(kinds):
        return [(0, size, False, False)]
    ends = [size]
    named = False
    for i, kind in enumerate(kinds):  # a legal form after the name ends it
        if kind is None or kind in _OPTIONAL:
            named = True
        elif kind == "legal" and named:
            end = i
            while end < size and kinds[end] == "legal":
                end += 1
            if end < size:
                ends.append(end)
            break
    spans = [(0, end) for end in ends]
    for start, end in list(spans):
        if end - start > 1 and kinds[end - 1] == "unit" and tokens[end - 1] in _NAMED_UNITS:
            spans += [(start, end - cut) for cut in (1, 2, 3) if end - start > cut]
        units = [i for i in range(start, min(start + 4, end)) if kinds[i] == "unit"]
        if units and units[-1] < end - 1:  # "Camera Division of ..."
            spans.append((units[-1] + 1, end))
    readings = [(start, end, False, (start, end) != (0, size)) for start, end in spans]
    for start, end in spans:  # leading words that are not qualifiers already
        if end - start > 2 and kinds[end - 1] == "legal" and kinds[start] != "locality":
            readings += [(start + cut, end, True, True) for cut in (1, 2, 3)
                         if end - start - cut > 1]
    return readings


_SEPARATOR_CHARS = frozenset("()[]{}<>,;:|/\\-\u2010\u2011\u2012\u2013\u2014\u2015")
_SEPARATOR_WORDS = ("care of", "formerly", "prev", "aka", "a.k.a", "fka", "f.k.a")


@cache
def _legal_words() -> frozenset[str]:
    vocab = vocabulary()
    return frozenset(w for form in vocab.legal_forms | vocab.legal_suffixes for w in form)


def _is_legal(piece: str) -> bool:
    """Whether ``piece`` is only a legal form (``" Ltd."`` after ``"Co.,"``)."""
    words = _WORDS.findall(piece.lower())
    legal = _legal_words()
    return bool(words) and all(w in legal or len(w) == 1 for w in words)


@lru_cache(maxsize=200_000)
def _texts(name: str) -> tuple[tuple[str, bool], ...]:
    """``(text, is a part)``: the name, then its parts between separators and brackets
    (a part that is only a legal form stays with the part before it)."""
    lower = name.lower()
    if _SEPARATOR_CHARS.isdisjoint(name) and not any(w in lower for w in _SEPARATOR_WORDS):
        return ((name, False),)
    pieces: list[str] = []
    for piece in _SEPARATORS.split(name):
        if not piece or not piece.strip():
            continue
        if pieces and _is_legal(piece):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    texts = [(name, False)] + ([(p, True) for p in pieces] if len(pieces) > 1 else [])
    for piece in pieces:  # then inside and around brackets: "Huawei (Shenzhen)"
        inner = [p for p in _BRACKETS.split(piece) if p and p.strip()]
        if len(inner) > 1:
            texts += [(p, True) for p in inner]
    return tuple(dict.fromkeys(texts))




def _qualified(words: tuple[str, ...]) -> bool:
    """Whether ``words`` hold a locality, unit, country or place word, or words after a
    legal form."""
    kinds, _ = _kinds(words)
    if any(k is not None and k != "legal" for k in kinds):
        return True
    return "legal" in kinds and None in kinds[kinds.index("legal"):]


def has_qualifiers(name: str) -> bool:
    """Whether ``name`` may contain a listed name with more (a quick test; names without
    it are compared as they are): a locality, unit, country or place word; words after a
    legal form; a separator other than the commas and dots of a legal form
    (``Co., Ltd.``)."""
    stopwords = vocabulary().stopwords
    words = tuple(w for w in name_form(name).full.split() if w not in stopwords)
    return _qualified(words) or len(_texts(name)) > 1


def _words(text: str) -> tuple[str, ...]:
    stopwords = vocabulary().stopwords
    return tuple(w for w in name_form(text).full.split() if w not in stopwords)


@lru_cache(maxsize=200_000)
def query_variants(name: str) -> tuple[QueryVariant, ...]:
    """Every reading of a query name (see the module docstring), whole name first."""
    variants: dict[tuple, QueryVariant] = {}
    for text, part in _texts(name):
        words = _words(text)
        for start, end, head_dropped, dropped in _spans(words, _kinds(words)[0]):
            if end > start:
                variant = _variant(words[start:end], head_dropped, part or dropped)
                if variant.keys:
                    variants.setdefault((variant.required, variant.optional, head_dropped,
                                         variant.qualified), variant)
    return tuple(variants.values())


def contained_names(name: str, index: dict[str, list[int]],
                    signatures: list[ListedSignature]) -> list[int]:
    """Positions (in ``signatures``) of the listed names that query ``name`` contains;
    ``index`` maps each signature key to the positions with it. The join runs on keys
    first; a reading is built in full only when one of its keys is in the index."""
    found: list[int] = []
    texts = _texts(name)
    for text, part in texts:
        words = _words(text)
        kinds, _ = _kinds(words)
        if len(texts) == 1 and not _qualified(words):
            return found
        for start, end, head_dropped, dropped in _spans(words, kinds):
            required = [t for t, k in zip(words[start:end], kinds[start:end], strict=True)
                        if k is None]
            optional = [t for t, k in zip(words[start:end], kinds[start:end], strict=True)
                        if k in _OPTIONAL]
            hits = [n for key in _keys(tuple(required), tuple(optional))
                    for n in index.get(key, ())]
            if hits:
                variant = _variant(words[start:end], head_dropped, part or dropped)
                found += [n for n in hits if contains(variant, signatures[n])]
    return found


def contains(variant: QueryVariant, listed: ListedSignature) -> bool:
    """Whether ``variant`` contains the listed name *with more*: its required words and
    the optional ones the listed name has are exactly the listed name's words, something
    else was there (a qualifier, a country or place the listed name lacks, a part set
    aside), and the places named are not of different regions only. A query equal to the
    listed name is left to the similarity features (``ZTE Corp.`` and an alias ``ZTE``
    are no containment)."""
    if not listed.key or (variant.head_dropped and len(listed.need) < 2):
        return False
    need = listed.need
    kept = [w for w in variant.optional if w in need]
    if tuple(sorted([*variant.required, *kept])) != need:
        return False
    if (not variant.qualified and len(kept) == len(variant.optional)
            and variant.places <= listed.places):
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
