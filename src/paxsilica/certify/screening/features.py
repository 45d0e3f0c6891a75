"""Features of (query name, listed name) pairs, each in 0–1; the score model weights them.

=====================  =============================================================
feature                meaning
=====================  =============================================================
name_similarity        max(token-sort ratio of core names, ratio of core names without
                       spaces), stretched: 60 → 0, 100 → 1 — word order and
                       "Hik Vision"/"Hikvision" agnostic; the same ratios of the
                       *placeless* names (localities such as "Shenzhen" removed) count
                       when the two names do not name localities of different regions
locality_dropped       name_similarity came from the placeless names ("Shenzhen DJI" vs
                       "DJI"): a small penalty, so a name with the same place wins ties
locality_mismatch      both names name localities, of different regions ("Chengdu" vs
                       "Xi'an"): in China the same trade name is registered by unrelated
                       companies in different places, and the distinct names ignore places
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
alias_match            the listed name matched is an alias, not the entity's main name
                       (breaks ties between entities in favour of the main name)
contained              the query contains the listed name plus only qualifiers (places,
                       units such as "Shenzhen Branch", countries, a tail after its legal
                       form; see containment.py)
short_query            a one-word query of at most 3 letters that is not an acronym of the
                       listed name (short names are ambiguous, even when equal to an alias;
                       "Shenzhen ZTE" is not short: the locality is information)
=====================  =============================================================

Example:
    >>> import pandas as pd
    >>> from paxsilica.certify.screening.normalize import name_form
    >>> pairs = pd.DataFrame({"query": [0], "name": [0], "entity": [0], "overlap": [0.5]})
    >>> f = pair_features(pairs, name_columns([name_form("Hik Vision")]),
    ...                   name_columns([name_form("HIKVISION Co Ltd")]))
    >>> float(f.loc[0, "name_similarity"]), int(f.loc[0, "alias_exact"])
    (1.0, 0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

__all__ = ["FEATURES", "name_columns", "pair_features"]

FEATURES = ["name_similarity", "distinct_similarity", "distinct_edit", "token_overlap",
            "acronym_match", "alias_exact", "country_match", "country_mismatch",
            "identifier_match", "short_query", "alias_match", "locality_dropped",
            "locality_mismatch", "contained"]


def name_columns(forms: list) -> dict[str, np.ndarray]:
    """Arrays of the normalised forms used by the features (compute once per list)."""
    def column(values: list) -> np.ndarray:
        return np.array(values, dtype=object)

    return {
        "core": column([f.core for f in forms]),
        "flat": column([f.core.replace(" ", "") for f in forms]),
        "flat_length": np.fromiter((len(f.core) - f.core.count(" ") for f in forms), dtype=np.int64,
                                   count=len(forms)),
        "distinct": column([f.distinct for f in forms]),
        "distinct_flat": column([f.distinct.replace(" ", "") for f in forms]),
        "acronym": column([f.acronym for f in forms]),
        "full_acronym": column(["".join(w[0] for w in f.full.split()) if len(f.tokens) > 1
                                else "" for f in forms]),
        "short": np.array([len(f.tokens) == 1 and len(f.core) <= 3 for f in forms], dtype=bool),
        "placeless": column([f.placeless for f in forms]),
        "placeless_flat": column([f.placeless.replace(" ", "") for f in forms]),
        "has_place": np.array([f.placeless != f.core for f in forms], dtype=bool),
        "has_regions": np.array([bool(f.regions) for f in forms], dtype=bool),
        "regions": column([f.regions for f in forms]),
    }


def _stretch(ratio: np.ndarray) -> np.ndarray:
    """Rapidfuzz ratios (0-100) mapped so that 60 or less → 0 and 100 → 1 (linear between):
    unrelated names of similar shape already reach 50-60."""
    return np.clip((np.asarray(ratio, dtype=float) - 60.0) / 40.0, 0.0, 1.0)


def _locality_mismatch(q: np.ndarray, n: np.ndarray, qc: dict, nc: dict) -> np.ndarray:
    """Pairs whose two names both name localities, of different regions."""
    result = np.zeros(len(q), dtype=bool)
    subset = np.flatnonzero(qc["has_regions"][q] & nc["has_regions"][n])
    result[subset] = np.fromiter(
        (not a & b for a, b in zip(qc["regions"][q[subset]], nc["regions"][n[subset]],
                                   strict=True)), dtype=bool, count=len(subset))
    return result


def _placeless_similarity(q: np.ndarray, n: np.ndarray, qc: dict, nc: dict,
                          mismatch: np.ndarray) -> np.ndarray:
    """Best ratio (0-100) of the placeless names, for pairs where one side has a locality
    and the two do not name localities of different regions; 0 elsewhere."""
    result = np.zeros(len(q))
    subset = np.flatnonzero((qc["has_place"][q] | nc["has_place"][n]) & ~mismatch)
    if subset.size:
        qs, ns = q[subset], n[subset]
        sort = process.cpdist(qc["placeless"][qs], nc["placeless"][ns],
                              scorer=fuzz.token_sort_ratio, workers=-1)
        flat = process.cpdist(qc["placeless_flat"][qs], nc["placeless_flat"][ns],
                              scorer=fuzz.ratio, workers=-1)
        result[subset] = np.maximum(sort, flat)
    return result


def pair_features(pairs: pd.DataFrame, query_columns: dict, name_columns: dict,
                  query_countries: list[set[str]] | None = None,
                  entity_countries: list[set[str]] | None = None,
                  query_identifiers: list[set[str]] | None = None,
                  entity_identifiers: list[set[str]] | None = None) -> pd.DataFrame:
    """One row of :data:`FEATURES` per row of ``pairs`` (columns ``query, name, entity,
    overlap``: positions in the query/name columns of :func:`name_columns` and in the
    entity lists)."""
    q, n = pairs["query"].to_numpy(), pairs["name"].to_numpy()
    qc, nc = query_columns, name_columns
    q_core, n_core = qc["core"][q], nc["core"][n]
    q_flat, n_flat = qc["flat"][q], nc["flat"][n]
    sort_ratio = process.cpdist(q_core, n_core, scorer=fuzz.token_sort_ratio, workers=-1)
    flat_ratio = process.cpdist(q_flat, n_flat, scorer=fuzz.ratio, workers=-1)
    distinct_ratio = process.cpdist(qc["distinct"][q], nc["distinct"][n],
                                    scorer=fuzz.token_sort_ratio, workers=-1)
    edit = process.cpdist(qc["distinct_flat"][q], nc["distinct_flat"][n],
                          scorer=DamerauLevenshtein.normalized_similarity, workers=-1)
    q_acronym, n_acronym = qc["acronym"][q], nc["acronym"][n]
    n_full_acronym = nc["full_acronym"][n]
    acronym = (((q_flat == n_acronym) | (q_flat == n_full_acronym)) & (n_acronym != "")) | (
        (n_flat == q_acronym) & (q_acronym != ""))
    q_len, n_len = qc["flat_length"][q], nc["flat_length"][n]
    acronym &= ((q_len >= 2) & (q_len <= 8)) | ((n_len >= 2) & (n_len <= 8))
    exact = q_core == n_core
    core_similarity = _stretch(np.maximum(sort_ratio, flat_ratio))
    mismatch = _locality_mismatch(q, n, qc, nc)
    placeless_similarity = _stretch(_placeless_similarity(q, n, qc, nc, mismatch))
    dropped = placeless_similarity > core_similarity
    short = qc["short"][q] & ~acronym
    features = pd.DataFrame({
        "name_similarity": np.maximum(core_similarity, placeless_similarity),
        "distinct_similarity": _stretch(distinct_ratio),
        "distinct_edit": np.clip((np.asarray(edit) - 0.75) / 0.25, 0.0, 1.0),
        "token_overlap": pairs["overlap"].to_numpy(),
        "acronym_match": acronym.astype(float),
        "alias_exact": exact.astype(float),
        "country_match": 0.0, "country_mismatch": 0.0, "identifier_match": 0.0,
        "short_query": short.astype(float),
        "alias_match": (nc["alias"][n].astype(float) if "alias" in nc
                        else np.zeros(len(pairs))),
        "locality_dropped": dropped.astype(float),
        "locality_mismatch": mismatch.astype(float),
        "contained": (pairs["contained"].to_numpy(dtype=float) if "contained" in pairs
                      else np.zeros(len(pairs))),
    })
    entity = pairs["entity"].to_numpy()
    if query_countries is not None and entity_countries is not None:
        match = np.zeros(len(pairs))
        mismatch = np.zeros(len(pairs))
        for i in _pairs_with(query_countries, q):
            mine, theirs = query_countries[q[i]], entity_countries[entity[i]]
            if theirs:
                if mine & theirs:
                    match[i] = 1.0
                else:
                    mismatch[i] = 1.0
        features["country_match"], features["country_mismatch"] = match, mismatch
    if query_identifiers is not None and entity_identifiers is not None:
        shared = np.zeros(len(pairs))
        for i in _pairs_with(query_identifiers, q):
            shared[i] = float(bool(query_identifiers[q[i]] & entity_identifiers[entity[i]]))
        features["identifier_match"] = shared
    return features


def _pairs_with(values: list[set[str]], q: np.ndarray) -> np.ndarray:
    """Positions of the pairs whose query has a non-empty set in ``values``."""
    has = np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))
    return np.flatnonzero(has[q])
