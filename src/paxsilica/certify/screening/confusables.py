"""Disguised characters: invisible format characters and Unicode confusables (TR39).

Adversarial names hide a listed name behind characters that look the same but are
different code points: Cyrillic ``Н`` for Latin ``H``, Greek ``Η``, Cyrillic ``Ѕ`` for
``S``; or insert invisible characters (zero-width space, joiners, soft hyphen, bidi
marks). :func:`reveal` removes the invisible ones and maps confusable letters to their
Latin prototype, using the confusables table of Unicode Technical Standard #39 as shipped
by the maintained ``confusable-homoglyphs`` package (not a hand-written table).

Only *disguise* is undone: a word is reduced to its skeleton when it mixes Latin
letters with letters of another script (``Нuаwеі``), or when every letter of the other
script in the name has a Latin twin (``ТЕСН Huawei``, ``ВОЕ``). A name
genuinely written in Cyrillic or Greek (``Лаборатория Касперского``) keeps its letters and
is transliterated later by the normaliser. CJK, Hangul and kana are never reduced.

Example:
    >>> reveal("Нuаwеі Technologies").text
    'Huawei Technologies'
    >>> found = reveal("ЅZ DJI")
    >>> found.text, found.scripts, found.changed
    ('SZ DJI', ('CYRILLIC', 'LATIN'), 1)
    >>> reveal("Hua\\u200bwei").text, reveal("Hua\\u200bwei").invisible
    ('Huawei', 1)
    >>> reveal("Лаборатория Касперского").text  # a real Cyrillic name is left alone
    'Лаборатория Касперского'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii
from confusable_homoglyphs import categories, confusables

__all__ = ["Revealed", "latin_prototypes", "reveal"]

_LETTERS = re.compile(r"\w+")
_NEVER = ("CJK", "HAN", "HIRAGANA", "KATAKANA", "HANGUL")
_NEUTRAL = {"COMMON", "INHERITED"}


@dataclass(frozen=True, slots=True)
class Revealed:
    """The name with disguise undone, and what was found (for the explanation)."""

    text: str
    scripts: tuple[str, ...]
    """Scripts of the letters of the original name (sorted; ``COMMON`` left out)."""
    changed: int
    """Characters replaced by their Latin prototype."""
    invisible: int
    """Invisible (format) characters removed."""

    @property
    def mixed_script(self) -> bool:
        """The original name mixes letters of several scripts."""
        return len(self.scripts) > 1


@cache
def latin_prototypes() -> dict[str, str]:
    """``{character: ASCII letter or digit}`` for every non-ASCII character the TR39
    confusables table maps to a single ASCII letter or digit."""
    table: dict[str, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in glyphs:
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[char] = target
                break
    return table


def _script(char: str) -> str:
    try:
        return categories.alias(char)
    except (KeyError, IndexError, TypeError):  # a code point outside the package's table
        return "COMMON"


def _strip_invisible(text: str) -> tuple[str, int]:
    kept = [c for c in text if unicodedata.category(c) != "Cf"]
    return "".join(kept), len(text) - len(kept)


@lru_cache(maxsize=1_000_000)
def reveal(name: str, keep: frozenset[str] = frozenset()) -> Revealed:
    """``name`` with invisible characters removed and disguising confusables mapped to
    Latin (see the module docstring); cached.

    ``keep``: lower-case ASCII transliterations of words written in their own script on
    purpose (legal forms such as ``ТОВ`` after a Latin name), left alone when a whole
    word is foreign."""
    if name.isascii():
        return Revealed(name, ("LATIN",) if any(c.isalpha() for c in name) else (), 0, 0)
    text, invisible = _strip_invisible(name)
    # NFKC (full-width, mathematical letters) comes after: it would turn some look-alikes
    # into letters without a Latin twin (lunate sigma ϲ → final sigma ς)
    scripts = sorted({s for c in text if c.isalpha() and (s := _script(c)) not in _NEUTRAL})
    prototypes = latin_prototypes()
    reducible = [s for s in scripts if s != "LATIN" and not s.startswith(_NEVER)]
    if not reducible:
        return Revealed(unicodedata.normalize("NFKC", text), tuple(scripts), 0, invisible)
    foreign_letters = [c for c in text if c.isalpha() and _script(c) in reducible]
    # the other script is used only for look-alikes (no letter of it lacks a Latin twin):
    # a disguise, not a name genuinely written in that script
    lookalikes_only = all(c in prototypes for c in foreign_letters)
    changed = 0

    def word(match: re.Match) -> str:
        nonlocal changed
        chars = match.group()
        foreign = [c for c in chars if c.isalpha() and _script(c) in reducible]
        if not foreign:
            return chars
        # reduce a word when disguise is plausible: it mixes scripts, or every letter of
        # the other script in the name has a Latin twin; and every foreign letter of the
        # word has a Latin prototype (a real Cyrillic word such as "Лаборатория" does not)
        mixed_word = any(c.isalpha() and _script(c) == "LATIN" for c in chars)
        if not (mixed_word or lookalikes_only):
            return chars
        if not mixed_word and keep and anyascii(chars).lower() in keep:
            return chars
        if not all(c in prototypes for c in foreign):
            return chars
        changed += len(foreign)
        return "".join(prototypes.get(c, c) if c in foreign else c for c in chars)

    text = unicodedata.normalize("NFKC", _LETTERS.sub(word, text))
    return Revealed(text, tuple(scripts), changed, invisible)
