"""Blocking keys of a normalised name: tokens, joined neighbours, deletion variants, acronyms.

Two names become candidates when they share a key. Deletion variants
(``~`` prefix; the token and every string with one character removed, for tokens
of 5–32 characters) catch one-character typos; joined neighbours catch
``"Hik Vision"`` vs ``"Hikvision"``; ``@`` keys hold acronyms and short one-word names.
A name with a locality also gets the keys of its placeless form that its own words do
not give (``"Shenzhen DJI"`` → ``@dji``, the key of the alias ``"DJI"``).

Example:
    >>> from paxsilica.certify.screening.normalize import name_form
    >>> keys = name_keys(name_form("Hik Vision Ltd"))
    >>> keys["hik"], keys["hikvision"], keys["~hikvision"], keys["@hv"]
    (1.0, 0.8, 0.3, 0.8)
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from paxsilica.certify.screening.normalize import NameForm

__all__ = ["DELETION_MAX", "DELETION_MIN", "KEY_WEIGHTS", "name_keys"]

KEY_WEIGHTS = {"token": 1.0, "joined": 0.8, "deletion": 0.3, "acronym": 0.8}
DELETION_MIN = 5
"""Words (tokens and joined neighbours) this long or longer get deletion keys ..."""
DELETION_MAX = 32
"""... up to this length; a longer word gets only its ``~`` key. No company-name word is
this long, and deletion keys grow with the square of a word's length (a 30 000-letter
word would need 900 million characters of keys): this keeps a name's keys linear in its
length."""


@lru_cache(maxsize=1_000_000)
def _deletions(token: str) -> tuple[str, ...]:
    if len(token) < DELETION_MIN:
        return ()
    if len(token) > DELETION_MAX:
        return ("~" + token,)
    return tuple(dict.fromkeys(["~" + token,
                                *["~" + token[:i] + token[i + 1:] for i in range(len(token))]]))


@lru_cache(maxsize=1_000_000)
def name_keys(form: NameForm) -> dict[str, float]:
    """Blocking keys of ``form`` with their weights (before IDF); cached, do not mutate."""
    keys: dict[str, float] = {}
    tokens = form.tokens
    for token in tokens:
        keys[token] = KEY_WEIGHTS["token"]
    for left, right in itertools.pairwise(tokens):
        keys.setdefault(left + right, KEY_WEIGHTS["joined"])
    joined = [a + b for a, b in itertools.pairwise(tokens)]
    # "~" keys never collide with the others, so no setdefault is needed
    keys.update(dict.fromkeys(itertools.chain.from_iterable(
        _deletions(token) for token in dict.fromkeys([*tokens, *joined])),
        KEY_WEIGHTS["deletion"]))
    if form.acronym:
        keys["@" + form.acronym] = KEY_WEIGHTS["acronym"]
        full_acronym = "".join(word[0] for word in form.full.split())
        if len(full_acronym) > 1:
            keys.setdefault("@" + full_acronym, KEY_WEIGHTS["acronym"])
    if len(tokens) == 1 and 2 <= len(tokens[0]) <= 6:
        keys["@" + tokens[0]] = KEY_WEIGHTS["acronym"]
    if form.placeless != form.core:
        placeless = form.placeless.split()
        for left, right in itertools.pairwise(placeless):
            keys.setdefault(left + right, KEY_WEIGHTS["joined"])
        if len(placeless) == 1 and 2 <= len(placeless[0]) <= 6:
            keys.setdefault("@" + placeless[0], KEY_WEIGHTS["acronym"])
    return keys
