"""Features of (query name, listed name) pairs, each in 0–1; the score model weights them.

=====================  =============================================================
feature                meaning
=====================  =============================================================
name_similarity        max(token-sort ratio of core names, ratio of core names without
                       spaces), stretched: 60 → 0, 100 → 1 — word order and
                       "Hik Vision"/"Hikvision" agnostic
distinct_similarity    token-sort ratio of the *distinct* names (places, generic words
                       such as "technology" removed), stretched the same way
distinct_edit          Damerau-Levenshtein similarity of the distinct names without spaces,
                       stretched: 0.75 → 0, 1 → 1 (one typo in a 10-letter name → 0.6)
token_overlap          cosine of the IDF-weighted blocking keys (rare shared words count)
acronym_match          one name is the acronym of the other ("SMIC")
alias_exact            normalised core names identical
country_match          the query's country is one of the entity's countries
country_mismatch       both have countries and none is shared
identifier_match       a shared identifier (LEI, registration number…)
short_query            a one-word query of at most 3 letters that is not an acronym of the
                       listed name (short names are ambiguous, even when equal to an alias)
=====================  =============================================================

Example:
    >>> import pandas as pd
    >>> from paxsilica.certify.screening.normalize import name_form
    >>> pairs = pd.DataFrame({"query": [0], "name": [0], "entity": [0], "overlap": [0.5]})
    >>> f = pair_features(pairs, [name_form("Hik Vision")], [name_form("HIKVISION Co Ltd")])
    >>> float(f.loc[0, "name_similarity"]), int(f.loc[0, "alias_exact"])
    (1.0, 0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

__all__ = ["FEATURES", "pair_features"]

FEATURES = ["name_similarity", "distinct_similarity", "distinct_edit", "token_overlap", "acronym_match",
            "alias_exact", "country_match", "country_mismatch", "identifier_match",
            "short_query"]


def _column(forms: list, attribute: str, positions: np.ndarray) -> np.ndarray:
    values = np.array([getattr(form, attribute) for form in forms], dtype=object)
    return values[positions]


def _stretch(ratio: np.ndarray) -> np.ndarray:
    """Rapidfuzz ratios (0-100) mapped so that 60 or less → 0 and 100 → 1 (linear between):
    unrelated names of similar shape already reach 50-60."""
    return np.clip((np.asarray(ratio, dtype=float) - 60.0) / 40.0, 0.0, 1.0)


def pair_features(pairs: pd.DataFrame, query_forms: list, name_forms: list,
                  query_countries: list[set[str]] | None = None,
                  entity_countries: list[set[str]] | None = None,
                  query_identifiers: list[set[str]] | None = None,
                  entity_identifiers: list[set[str]] | None = None) -> pd.DataFrame:
    """One row of :data:`FEATURES` per row of ``pairs`` (columns ``query, name, entity,
    overlap``: positions in ``query_forms``/``name_forms``/the entity lists)."""
    q, n = pairs["query"].to_numpy(), pairs["name"].to_numpy()
    q_core, n_core = _column(query_forms, "core", q), _column(name_forms, "core", n)
    q_flat = np.array([s.replace(" ", "") for s in q_core], dtype=object)
    n_flat = np.array([s.replace(" ", "") for s in n_core], dtype=object)
    sort_ratio = process.cpdist(list(q_core), list(n_core), scorer=fuzz.token_sort_ratio,
                                workers=-1)
    flat_ratio = process.cpdist(list(q_flat), list(n_flat), scorer=fuzz.ratio, workers=-1)
    q_distinct = _column(query_forms, "distinct", q)
    n_distinct = _column(name_forms, "distinct", n)
    distinct_ratio = process.cpdist(list(q_distinct), list(n_distinct),
                                    scorer=fuzz.token_sort_ratio, workers=-1)
    edit = process.cpdist([d.replace(" ", "") for d in q_distinct],
                          [d.replace(" ", "") for d in n_distinct],
                          scorer=DamerauLevenshtein.normalized_similarity, workers=-1)
    q_acronym, n_acronym = _column(query_forms, "acronym", q), _column(name_forms, "acronym", n)
    n_full_acronym = np.array(["".join(w[0] for w in form.full.split()) if len(form.tokens) > 1
                               else "" for form in name_forms], dtype=object)[n]
    acronym = (((q_flat == n_acronym) | (q_flat == n_full_acronym)) & (n_acronym != "")) | (
        (n_flat == q_acronym) & (q_acronym != ""))
    acronym &= np.array([2 <= len(s) <= 8 for s in q_flat]) | np.array(
        [2 <= len(s) <= 8 for s in n_flat])
    exact = q_core == n_core
    short = np.array([len(form.tokens) == 1 and len(form.core) <= 3 for form in query_forms],
                     dtype=bool)[q] & ~acronym
    features = pd.DataFrame({
        "name_similarity": _stretch(np.maximum(sort_ratio, flat_ratio)),
        "distinct_similarity": _stretch(distinct_ratio),
        "distinct_edit": np.clip((np.asarray(edit) - 0.75) / 0.25, 0.0, 1.0),
        "token_overlap": pairs["overlap"].to_numpy(),
        "acronym_match": acronym.astype(float),
        "alias_exact": exact.astype(float),
        "country_match": 0.0, "country_mismatch": 0.0, "identifier_match": 0.0,
        "short_query": short.astype(float),
    })
    entity = pairs["entity"].to_numpy()
    if query_countries is not None and entity_countries is not None:
        match = np.zeros(len(pairs))
        mismatch = np.zeros(len(pairs))
        for i, (qi, ei) in enumerate(zip(q, entity, strict=True)):
            mine, theirs = query_countries[qi], entity_countries[ei]
            if mine and theirs:
                if mine & theirs:
                    match[i] = 1.0
                else:
                    mismatch[i] = 1.0
        features["country_match"], features["country_mismatch"] = match, mismatch
    if query_identifiers is not None and entity_identifiers is not None:
        features["identifier_match"] = [
            float(bool(query_identifiers[qi] & entity_identifiers[ei]))
            for qi, ei in zip(q, entity, strict=True)]
    return features
