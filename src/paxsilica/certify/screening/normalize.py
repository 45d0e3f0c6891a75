"""Normalise organisation names for matching: script, case, punctuation, legal forms.

First, disguise is undone (:mod:`.confusables`): invisible characters go and letters of
another script that imitate Latin ones inside a Latin name (Cyrillic ``Н`` in ``Нuаwеі``)
become their TR39 skeleton. Then a name becomes a :class:`NameForm` with

* ``full``  — ASCII, lower case, punctuation removed, abbreviations expanded;
* ``core``  — ``full`` without leading/trailing legal forms and stopwords (what is compared);
* ``tokens`` — the words of ``core``;
* ``distinct`` — ``core`` without weak words (places, generic words such as *technology*);
* ``placeless`` — ``core`` without localities (cities, provinces: *Shenzhen*, *Zhejiang*),
  unless only weak words would remain; ``regions`` — the regions of those localities;
* ``acronym`` — first letters of the core words (``"china electronics technology group"`` →
  ``"cetg"``), used to recognise short forms such as *CETC* or *AVIC*.

The vocabulary (legal forms in many languages, abbreviations, stopwords) is data:
``vocabulary.yaml`` next to this module.

Example:
    >>> form = name_form("HUAWEI TECHNOLOGIES CO., LTD.")
    >>> form.core, form.tokens
    ('huawei technology', ('huawei', 'technology'))
    >>> name_form("华为技术有限公司").core
    'hua wei ji shu'
    >>> name_form("Zhejiang Dahua Tech. Grp.").core
    'zhejiang dahua technology group'
    >>> name_form("OOO Лаборатория Касперского").core
    'laboratoriya kasperskogo'
    >>> name_form("C.E.T.C.").core
    'cetc'
    >>> form = name_form("Shenzhen DJI Co., Ltd.")
    >>> form.placeless, sorted(form.regions)
    ('dji', ['guangdong'])
    >>> name_form("Beijing Institute of Technology").placeless  # nothing distinctive left
    'beijing institute technology'
    >>> form = name_form("Нuаwеі Technologies")  # Cyrillic Н, а, е, і
    >>> form.core, form.mixed_script, form.disguised
    ('huawei technology', True, 4)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from anyascii import anyascii
from rapidfuzz import fuzz, process

from paxsilica.certify.screening.confusables import reveal
from paxsilica.errors import ParameterError
from paxsilica.io.yamlfile import load_yaml
from paxsilica.limits import MAX_NAME_LENGTH

__all__ = ["NameForm", "Vocabulary", "name_form", "vocabulary"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_NON_WORD = re.compile(r"[^a-z0-9&]+")
_CAMEL = re.compile(r"[A-Z][a-z]*|[a-z]+|[0-9]+")


NO_WORDS: frozenset[str] = frozenset()
"""The one empty word set: most names have no region or place, and one shared object (not
one per name) keeps the index of a 100 000-entity list to fewer objects for Python's
garbage collector to walk (each full collection walks them all)."""


def word_set(words: Iterable[str]) -> frozenset[str]:
    """``frozenset(words)``, the shared :data:`NO_WORDS` when empty."""
    found = frozenset(words)
    return found if found else NO_WORDS


@dataclass(frozen=True)
class Vocabulary:
    """Legal forms (as word tuples), CJK legal forms, abbreviations and stopwords."""

    legal_forms: frozenset[tuple[str, ...]]
    legal_suffixes: frozenset[tuple[str, ...]]
    """Legal forms removed only at the end of a name (``SE``, ``CC``: common initials)."""
    longest_form: int
    cjk_legal_forms: tuple[str, ...]
    abbreviations: dict[str, str]
    stopwords: frozenset[str]
    weak_words: frozenset[str]
    localities: dict[tuple[str, ...], str]
    """Locality (as words) → its region (province, or the city itself)."""
    longest_locality: int
    locality_starts: frozenset[str]
    """First words of the localities (a quick test)."""


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary (``vocabulary.yaml``)."""
    text = resources.files("paxsilica.certify.screening").joinpath("vocabulary.yaml")
    data = load_yaml(text.read_text("utf-8"), "vocabulary.yaml").data
    stopwords = frozenset(data["stopwords"])

    def words(entry: str) -> tuple[str, ...]:  # an entry normalised like a name
        text = anyascii(unicodedata.normalize("NFKC", str(entry))).lower().replace("'", "")
        return tuple(w for w in _join_initials(_NON_WORD.sub(" ", text).split())
                     if w not in stopwords)

    forms = frozenset(words(form) for form in data["legal_forms"]) - {()}
    suffixes = frozenset(words(form) for form in data.get("legal_suffixes") or []) - {()}
    localities: dict[tuple[str, ...], str] = {}
    for region, places in (data.get("localities") or {}).items():
        for place in [region, *(places or [])]:
            if words(place):
                localities[words(place)] = " ".join(words(region))
    return Vocabulary(
        legal_forms=forms,
        legal_suffixes=suffixes,
        longest_form=max(len(form) for form in forms | suffixes),
        cjk_legal_forms=tuple(sorted(data["cjk_legal_forms"], key=len, reverse=True)),
        abbreviations={str(k): str(v) for k, v in data["abbreviations"].items()},
        stopwords=stopwords,
        weak_words=frozenset(data["weak_words"]) | {w[0] for w in localities if len(w) == 1},
        localities=localities,
        longest_locality=max((len(w) for w in localities), default=1),
        locality_starts=frozenset(w[0] for w in localities),
    )


@dataclass(frozen=True, slots=True)
class NameForm:
    """The normalised forms of one name (see module docstring)."""

    full: str
    core: str
    tokens: tuple[str, ...]
    acronym: str
    legal_form: str
    distinct: str
    """``core`` without weak words (places, generic words); ``core`` if nothing would remain."""
    placeless: str
    """``core`` without localities; ``core`` if only weak words would remain."""
    regions: frozenset[str]
    """Regions of the localities in ``core`` (``shenzhen`` → ``guangdong``)."""
    scripts: tuple[str, ...] = ()
    """Scripts of the letters of the raw name (``('CYRILLIC', 'LATIN')`` for ``Нuаwеі``)."""
    disguised: int = 0
    """Characters undone before normalising: confusables mapped to Latin, invisible ones
    removed (0 for an ordinary name)."""

    @property
    def mixed_script(self) -> bool:
        """The raw name mixes letters of several scripts."""
        return len(self.scripts) > 1


def _romanise(text: str) -> str:
    """ASCII text; CJK runs become space-separated syllables (``华为`` → ``Hua Wei``)."""
    vocab = vocabulary()
    for form in vocab.cjk_legal_forms:
        text = text.replace(form, " ")
    text = _CJK.sub(lambda run: " " + " ".join(_CAMEL.findall(anyascii(run.group()))) + " ",
                    text)
    text = unicodedata.normalize("NFKC", text)
    return anyascii(text)


def _strip_forms(words: list[str], forms: frozenset[tuple[str, ...]],
                 suffixes: frozenset[tuple[str, ...]],
                 longest: int) -> tuple[list[str], list[str]]:
    """Remove legal forms at the start and end of ``words`` (``suffixes`` only at the
    end); return (rest, removed)."""
    removed: list[str] = []
    changed = True
    while changed and words:
        changed = False
        for size in range(min(longest, len(words) - 1), 0, -1):
            if tuple(words[-size:]) in forms or tuple(words[-size:]) in suffixes:
                removed = words[-size:] + removed
                words = words[:-size]
                changed = True
                break
            if tuple(words[:size]) in forms:
                removed = removed + words[:size]
                words = words[size:]
                changed = True
                break
    inner = [w for w in words if (w,) in forms and len(w) >= 4]
    if inner and len(inner) < len(words):
        words = [w for w in words if w not in inner]
        removed = removed + inner
    return words, removed


def _join_initials(words: list[str]) -> list[str]:
    """Runs of single letters become one word: ``S. M. I. C.`` → ``smic``."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out.append("".join(run))
            run = []
        if word:
            out.append(word)
    return out


def _drop_localities(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """``tokens`` without localities (longest first), and the regions of those removed."""
    vocab = vocabulary()
    if not any(token in vocab.locality_starts for token in tokens):
        return tokens, NO_WORDS
    rest: list[str] = []
    regions: set[str] = set()
    i = 0
    while i < len(tokens):
        for size in range(min(vocab.longest_locality, len(tokens) - i), 0, -1):
            region = vocab.localities.get(tokens[i:i + size])
            if region is not None:
                regions.add(region)
                i += size
                break
        else:
            rest.append(tokens[i])
            i += 1
    return tuple(rest), word_set(regions)


_TYPO_CUTOFF = 88


@cache
def _generic_words() -> tuple[str, ...]:
    vocab = vocabulary()
    words = {*vocab.abbreviations.values(), *vocab.weak_words,
             *(w for form in vocab.legal_forms for w in form)}
    return tuple(sorted(w for w in words if len(w) >= 7 and " " not in w))


@cache
def _generic_words_near(length: int) -> tuple[str, ...]:
    """Generic words long enough or short enough to reach the typo cutoff for a word of
    ``length`` letters (fuzz.ratio is at most 200·min(a, b) / (a + b))."""
    return tuple(w for w in _generic_words()
                 if 200 * min(length, len(w)) >= _TYPO_CUTOFF * (length + len(w)))


@lru_cache(maxsize=1_000_000)
def _known(word: str) -> str:
    """Expand abbreviations; a long word one typo away from a generic word becomes it."""
    vocab = vocabulary()
    if word in vocab.abbreviations:
        return vocab.abbreviations[word]
    if len(word) >= 7 and word not in vocab.weak_words:
        found = process.extractOne(word, _generic_words_near(len(word)), scorer=fuzz.ratio,
                                   score_cutoff=_TYPO_CUTOFF)
        if found is not None:
            return vocab.abbreviations.get(found[0], found[0])
    return word


@cache
def _own_script_words() -> frozenset[str]:
    """One-word legal forms: a foreign word in a Latin name that transliterates to one of
    them (``ТОВ`` → ``tov``) is the company's legal form, not a disguise."""
    vocab = vocabulary()
    return frozenset(form[0] for form in vocab.legal_forms | vocab.legal_suffixes
                     if len(form) == 1)


@lru_cache(maxsize=1_000_000)
def name_form(name: str) -> NameForm:
    """Normalise one organisation name (cached; pure).

    Raises:
        ParameterError: ``name`` is longer than :data:`~paxsilica.limits.MAX_NAME_LENGTH`
            (readers report it at its row first; this keeps every path bounded).
    """
    if len(name) > MAX_NAME_LENGTH:
        raise ParameterError(f"a name of {len(name):,} characters; at most {MAX_NAME_LENGTH:,} "
                             "are screened")
    vocab = vocabulary()
    revealed = reveal(name, _own_script_words())
    text = _romanise(revealed.text).lower().replace("'", "")
    words = _join_initials([w for w in _NON_WORD.sub(" ", text).split() if w])
    words = [part for w in words for part in _known(w).split()]
    full = " ".join(words)
    core_words, removed = _strip_forms(
        [w for w in words if w not in vocab.stopwords], vocab.legal_forms,
        vocab.legal_suffixes, vocab.longest_form)
    if not core_words:  # the name is only a legal form or stopwords: keep it whole
        core_words = words
    tokens = tuple(core_words)
    acronym = "".join(w[0] for w in tokens) if len(tokens) > 1 else ""
    distinct = [w for w in tokens if w not in vocab.weak_words]
    placeless, regions = _drop_localities(tokens)
    if all(w in vocab.weak_words for w in placeless):
        placeless = tokens
    return NameForm(full=full, core=" ".join(tokens), tokens=tokens, acronym=acronym,
                    legal_form=" ".join(removed), distinct=" ".join(distinct or tokens),
                    placeless=" ".join(placeless), regions=regions,
                    scripts=revealed.scripts if revealed.mixed_script else (),
                    disguised=revealed.changed + revealed.invisible)
