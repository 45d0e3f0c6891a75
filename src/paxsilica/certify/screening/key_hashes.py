"""The blocking keys of :mod:`.keys` as 64-bit hashes, for a whole batch of names at once.

Screening a batch looks up every key of every query name in the list's vocabulary of
keys (millions: each listed word with each one-letter deletion). Building those key
strings one by one in Python and hashing them into a dictionary took most of the time
of a screen. Here the same keys are hashed *numerically*: each key's hash is a pair of
polynomial hashes of its characters modulo two primes below 2³²
(``h = Σ (code + 1)·B^(len−1−k) mod p``), so the hash of a one-letter deletion follows from
the prefix and suffix hashes of its word, and the hashes of a batch's keys are a few
numpy operations on a matrix of character codes. :func:`name_key_hashes` gives exactly
the keys and weights of :func:`~.keys.name_keys` (a test checks it), as hashes; the list
side hashes its vocabulary of key strings with :func:`string_hashes`, and a sorted
search maps query hashes to vocabulary columns (two strings sharing a hash: probability
about n²/2⁶⁵, 3·10⁻⁷ for a vocabulary of 3.6 million keys).

Example:
    >>> from paxsilica.certify.screening.keys import name_keys
    >>> from paxsilica.certify.screening.normalize import name_form
    >>> form = name_form("Hik Vision Ltd")
    >>> rows, hashes, weights = name_key_hashes([form])
    >>> expected = name_keys(form)
    >>> sorted(zip(hashes.tolist(), weights.tolist())) == sorted(zip(string_hashes(list(expected)).tolist(),
    ...                                                               expected.values()))
    True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from paxsilica.certify.screening.keys import DELETION_MAX, DELETION_MIN, KEY_WEIGHTS

__all__ = ["name_key_hashes", "string_hashes"]

PRIMES = (np.uint64(4294967291), np.uint64(4294967279))
"""The two largest primes below 2³² (products of residues fit in 64 bits)."""
BASES = (np.uint64(1_000_003), np.uint64(2_654_435_761 % 4294967279))
WIDE = 64
"""Strings up to this length are hashed as rows of one character matrix; longer ones one
by one (so a 30 000-character name costs memory in proportion to its length)."""


def _powers(count: int) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for prime, base in zip(PRIMES, BASES, strict=True):
        power = np.ones(count + 1, dtype=np.uint64)
        for i in range(1, count + 1):
            power[i] = power[i - 1] * base % prime
        out.append(power)
    return out[0], out[1]


_POWERS = _powers(max(WIDE, DELETION_MAX) + 2)


def _codes(strings: Sequence[str], width: int) -> np.ndarray:
    """Character codes + 1 of ``strings`` (each at most ``width`` long) as a padded matrix."""
    matrix = np.array(strings, dtype=f"<U{max(width, 1)}").view(np.uint32).reshape(len(strings), -1)
    return matrix.astype(np.uint64) + np.uint64(1)


def _prefixes(codes: np.ndarray) -> list[np.ndarray]:
    """Per prime, prefix hashes ``P[:, i]`` of the first ``i`` characters (``i`` ≤ width).
    A prefix never depends on later columns, so padding needs no mask: ``P[:, len]`` is
    the hash of the whole string."""
    rows, width = codes.shape
    out = []
    for prime, base in zip(PRIMES, BASES, strict=True):
        prefix = np.zeros((rows, width + 1), dtype=np.uint64)
        for i in range(width):
            np.multiply(prefix[:, i], base, out=prefix[:, i + 1])
            prefix[:, i + 1] += codes[:, i]
            prefix[:, i + 1] %= prime
        out.append(prefix)
    return out


def _combine(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return (first << np.uint64(32)) | second


def _long_hash(text: str) -> int:
    """The hash of one string of any length (plain Python arithmetic: linear time and memory)."""
    parts = []
    for prime, base in zip(PRIMES, BASES, strict=True):
        value, p, b = 0, int(prime), int(base)
        for char in text:
            value = (value * b + ord(char) + 1) % p
        parts.append(value)
    return (parts[0] << 32) | parts[1]


def string_hashes(strings: Sequence[str]) -> np.ndarray:
    """The 64-bit hash of each string (``uint64``)."""
    strings = list(strings)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    out = np.zeros(len(strings), dtype=np.uint64)
    short = np.flatnonzero(lengths <= WIDE)
    short = short[np.argsort(lengths[short], kind="stable")]  # chunks of similar width
    for start in range(0, short.size, 1 << 16):  # chunks keep the character matrix small
        chosen = short[start:start + (1 << 16)]
        width = int(lengths[chosen].max(initial=0))
        codes = _codes([strings[i] for i in chosen], width)
        first, second = _prefixes(codes)
        rows = np.arange(chosen.size)
        out[chosen] = _combine(first[rows, lengths[chosen]], second[rows, lengths[chosen]])
    for i in np.flatnonzero(lengths > WIDE):
        out[i] = _long_hash(strings[i])
    return out


_TILDE = np.uint64(ord("~") + 1)


def _deletion_hashes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(word position, hash)`` of ``"~" + word`` and of ``"~"`` + each one-letter deletion
    of ``word`` (words of :data:`~.keys.DELETION_MIN`–:data:`~.keys.DELETION_MAX` letters;
    longer words get only ``"~" + word``), duplicates included."""
    all_lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    long = np.flatnonzero(all_lengths > DELETION_MAX)
    short = np.flatnonzero(all_lengths <= DELETION_MAX)
    positions = [long]
    hashes = [string_hashes(["~" + words[i] for i in long])]
    if short.size == 0:
        return np.concatenate(positions), np.concatenate(hashes)
    lengths = all_lengths[short]
    width = int(lengths.max())
    codes = _codes([words[i] for i in short], width)
    prefixes = _prefixes(codes)
    rows = np.arange(short.size)
    # "~" + word: the tilde's code times B^len, plus the word's hash
    whole = [(tilde_power[lengths] * _TILDE + prefix[rows, lengths]) % prime
             for prefix, tilde_power, prime in zip(prefixes, _POWERS, PRIMES, strict=True)]
    positions.append(short)
    hashes.append(_combine(*whole))
    # every deletion at once: position i of each word (a words × width matrix)
    at = np.arange(width)
    valid = at[None, :] < lengths[:, None]
    exponent = np.clip(lengths[:, None] - 1 - at[None, :], 0, None)
    parts = []
    for prefix, power, prime in zip(prefixes, _POWERS, PRIMES, strict=True):
        scale = power[exponent]
        full = prefix[rows, lengths][:, None]
        tail = (full + prime - prefix[:, 1:] * scale % prime) % prime           # word[i+1:]
        deleted = (prefix[:, :width] * scale + tail) % prime                   # word[:i] + word[i+1:]
        parts.append((power[lengths - 1][:, None] * _TILDE + deleted) % prime)
    positions.append(np.broadcast_to(short[:, None], valid.shape)[valid])
    hashes.append(_combine(parts[0][valid], parts[1][valid]))
    return np.concatenate(positions), np.concatenate(hashes)


def name_key_hashes(forms: Sequence[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, hash, weight)`` of every key of every form (row = position in ``forms``),
    each key once per row — the keys and weights of :func:`~.keys.name_keys`."""
    token_lists = [form.tokens for form in forms]  # type: ignore[attr-defined]
    counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(forms))
    tokens = list(itertools.chain.from_iterable(token_lists))
    token_rows = np.repeat(np.arange(len(forms)), counts)
    pairs = np.flatnonzero(token_rows[1:] == token_rows[:-1])   # neighbours in one name
    joined = [tokens[i] + tokens[i + 1] for i in pairs]
    joined_rows = token_rows[pairs]
    extra_rows: list[int] = []
    extra: list[str] = []
    extra_weights: list[float] = []
    for row, form in enumerate(forms):
        found = _at_keys(form)
        if form.placeless != form.core:  # type: ignore[attr-defined]
            placeless = form.placeless.split()  # type: ignore[attr-defined]
            found += [a + b for a, b in itertools.pairwise(placeless)]
            extra_weights += [KEY_WEIGHTS["acronym"]] * (len(found) - len(placeless) + 1)
            extra_weights += [KEY_WEIGHTS["joined"]] * (len(placeless) - 1)
        else:
            extra_weights += [KEY_WEIGHTS["acronym"]] * len(found)
        extra += found
        extra_rows += [row] * len(found)
    rows = np.concatenate([token_rows, joined_rows, np.asarray(extra_rows, dtype=np.int64)])
    hashes = string_hashes([*tokens, *joined, *extra])
    weights = np.concatenate([np.full(len(tokens), KEY_WEIGHTS["token"]),
                              np.full(len(joined), KEY_WEIGHTS["joined"]), np.asarray(extra_weights)])
    # deletion keys of the tokens and joined neighbours (duplicates go below)
    words = [*tokens, *joined]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    long_enough = np.flatnonzero(lengths >= DELETION_MIN)
    if long_enough.size:
        position, deleted = _deletion_hashes([words[i] for i in long_enough])
        word_rows = np.concatenate([token_rows, joined_rows])[long_enough]
        rows = np.concatenate([rows, word_rows[position]])
        hashes = np.concatenate([hashes, deleted])
        weights = np.concatenate([weights, np.full(deleted.size, KEY_WEIGHTS["deletion"])])
    # each key once per row: a stable sort on a hash of (row, key) keeps the first of equal
    # ones, and tokens come first, so a token's weight wins over a joined pair equal to it
    pair = hashes ^ (rows.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    order = np.argsort(pair, kind="stable")
    first = order[np.r_[True, pair[order[1:]] != pair[order[:-1]]]] if order.size else order
    return rows[first], hashes[first], weights[first]


def _at_keys(form: object) -> list[str]:
    """The ``@`` keys of :func:`~.keys.name_keys` (acronyms and short one-word names)."""
    keys = []
    tokens = form.tokens  # type: ignore[attr-defined]
    if form.acronym:  # type: ignore[attr-defined]
        keys.append("@" + form.acronym)  # type: ignore[attr-defined]
        full_acronym = "".join(word[0] for word in form.full.split())  # type: ignore[attr-defined]
        if len(full_acronym) > 1:
            keys.append("@" + full_acronym)
    if len(tokens) == 1 and 2 <= len(tokens[0]) <= 6:
        keys.append("@" + tokens[0])
    if form.placeless != form.core:  # type: ignore[attr-defined]
        placeless = form.placeless.split()  # type: ignore[attr-defined]
        if len(placeless) == 1 and 2 <= len(placeless[0]) <= 6:
            keys.append("@" + placeless[0])
    return keys
