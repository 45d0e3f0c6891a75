"""Screen organisation names against restricted-party list entities.

Pipeline (all steps vectorised over the whole batch of queries):

1. **Normalise** every name and alias (:mod:`.normalize`).
2. **Block**: each name becomes a sparse vector of IDF-weighted keys (:mod:`.keys`);
   one sparse product ``Q · Nᵀ`` gives every query's candidate names with their key
   cosine; keys held by more than ``max_key_share`` of all names are not used to block.
   Names that *contain* a listed name with qualifiers (``… Shenzhen Branch``,
   ``… (USA)``; :mod:`.containment`) are joined on an exact key and always kept.
3. **Score** the best ``candidates`` names per query with rapidfuzz (``cpdist``, pairwise
   in C++) and the features of :mod:`.features`; a logistic model (``model.yaml``) turns
   them into a score in 0–1, and each feature's contribution is kept as the explanation.
4. Keep, per query and entity, the best-scoring name; drop scores below the threshold.

Like scikit-learn estimators, the constructor stores parameters, :meth:`Screener.fit`
indexes the list and learned attributes end in ``_``.

Example:
    >>> import pandas as pd
    >>> entities = pd.DataFrame({"entity_id": ["e1", "e2"],
    ...     "name": ["Huawei Technologies Co., Ltd.", "Chunghwa Telecom Co., Ltd."],
    ...     "aliases": [["华为技术有限公司"], []], "countries": [["CHN"], ["TWN"]],
    ...     "identifiers": [[], []]})
    >>> screener = Screener().fit(entities)
    >>> found = screener.screen(pd.DataFrame({"query_id": ["q1", "q2"],
    ...     "name": ["HUAWEI TECHNOLOGIES CO LTD", "Siemens AG"]}))
    >>> found[["query_id", "entity_id"]].to_dict("records")
    [{'query_id': 'q1', 'entity_id': 'e1'}]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from scipy import sparse

from paxsilica.certify.screening.containment import (
    contained_names,
    extra_words,
    listed_signature,
)
from paxsilica.certify.screening.features import name_columns, pair_features
from paxsilica.certify.screening.key_hashes import name_key_hashes, string_hashes
from paxsilica.certify.screening.keys import name_keys
from paxsilica.certify.screening.normalize import name_form, word_set
from paxsilica.certify.screening.parallel import screen_in_parallel, workers_for
from paxsilica.io.restricted import country_codes
from paxsilica.io.yamlfile import load_yaml

__all__ = ["MATCH_COLUMNS", "ScoreModel", "Screener", "best_per_row", "identifier_values", "score_model"]

MATCH_COLUMNS = ["query_id", "query_name", "entity_id", "entity_name", "matched_name",
                 "score", "explanation"]

_EXTRA_COLUMNS = ("schema", "dataset", "list_name", "countries", "programs")
_ID_SCHEME = re.compile(r"^[a-z][a-z_ -]*:")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class ScoreModel:
    """Logistic score model: ``score = sigmoid(bias + Σ weight·feature)``."""

    version: str
    threshold: float
    bias: float
    weights: dict[str, float]


@cache
def score_model() -> ScoreModel:
    """The bundled model (``model.yaml``): version, default threshold, bias and weights."""
    text = resources.files("paxsilica.certify.screening").joinpath("model.yaml")
    data = load_yaml(text.read_text("utf-8"), "model.yaml").data
    return ScoreModel(version=data["version"], threshold=float(data["threshold"]),
                      bias=float(data["bias"]), weights={k: float(v)
                                                         for k, v in data["weights"].items()})


def _flatten_keys(forms: list) -> tuple[list[int], list[str], list[float]]:
    rows: list[int] = []
    keys: list[str] = []
    weights: list[float] = []
    for row, form in enumerate(forms):
        found = name_keys(form)
        rows.extend([row] * len(found))
        keys.extend(found)
        weights.extend(found.values())
    return rows, keys, weights


def _as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value if v is not None and str(v)]
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def identifier_values(value: object) -> set[str]:
    """Comparable identifier values of a cell: the scheme prefix that FollowTheMoney and
    OpenSanctions put before a value (``registrationNumber:``, ``leiCode:``, ``LEI:``) is
    dropped, and case, spaces and punctuation are ignored.

    Example:
        >>> sorted(identifier_values("registrationNumber:9144-0300; LEI:5299000EXAMPLE00001"))
        ['5299000example00001', '91440300']
    """
    values = set()
    for raw in _as_list(value):
        found = _NOT_ALNUM.sub("", _ID_SCHEME.sub("", raw.strip().lower(), count=1))
        if found:
            values.add(found)
    return values


def best_per_row(indptr: np.ndarray, overlap: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest ``overlap`` values (clipped to 0–1) of each CSR row,
    row by row, best first, ties in stored order — what a stable sort of every entry by
    ``(row, −overlap)`` keeps, without sorting every entry stably: the ``count``-th best key of
    each row is found by one unstable sort (rows stay in blocks), then only the entries at or
    above it are sorted stably (a tenth of them for 10 000 names: 2.5× faster).

    >>> best_per_row(np.array([0, 3, 4]), np.array([0.2, 0.9, 0.2, 0.5]), 2).tolist()
    [1, 0, 3]
    """
    rows = len(indptr) - 1
    counts = np.diff(indptr)
    query = np.repeat(np.arange(rows), counts)
    rank_key = query * 2.0 + (1.0 - np.clip(overlap, 0.0, 1.0))   # by row, best first
    if count <= 0 or not len(rank_key):
        return np.empty(0, dtype=np.int64)
    threshold = np.full(rows, np.inf)
    long = counts > count
    threshold[long] = np.sort(rank_key)[indptr[:-1][long] + count - 1]
    chosen = np.flatnonzero(rank_key <= threshold[query])
    order = chosen[np.argsort(rank_key[chosen], kind="stable")]
    ranked = query[order]
    return order[(np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")) < count]


class Screener:
    """Index list entities once, then screen batches of names.

    Parameters:
        model: score model (default: the bundled ``model.yaml``).
        candidates: names scored per query after blocking (more = slower, higher recall).
        max_key_share: keys held by a larger share of names (and by more than 200 names)
            are not used for blocking.
    """

    def __init__(self, model: ScoreModel | None = None, candidates: int = 12,
                 max_key_share: float = 0.01) -> None:
        self.model = model or score_model()
        self.candidates = candidates
        self.max_key_share = max_key_share

    # -- indexing -----------------------------------------------------------------------
    def fit(self, entities: pd.DataFrame) -> Screener:
        """Index ``entities`` (columns ``entity_id, name`` and optional ``aliases,
        countries, identifiers``, list cells or ``;``-joined text)."""
        entities = entities.reset_index(drop=True)
        names, owners, is_alias = [], [], []
        for position, (name, aliases) in enumerate(zip(
                entities["name"], entities.get("aliases", pd.Series([[]] * len(entities))),
                strict=True)):
            for rank, text in enumerate(dict.fromkeys([str(name), *_as_list(aliases)])):
                names.append(text)
                owners.append(position)
                is_alias.append(rank > 0)
        forms = [name_form(text) for text in names]
        self.entities_ = entities
        # frozen, and one shared empty set: a 100 000-entity list is fewer objects for the
        # garbage collector to walk (see normalize.NO_WORDS)
        self.entity_countries_ = [word_set(country_codes(_as_list(v))) for v in
                                  entities.get("countries", pd.Series([[]] * len(entities)))]
        self.entity_identifiers_ = [word_set(identifier_values(v)) for v in
                                    entities.get("identifiers", pd.Series([[]] * len(entities)))]
        self.names_ = np.array(names, dtype=object)
        self.name_owner_ = np.array(owners, dtype=np.int64)
        self.name_forms_ = forms
        self.name_columns_ = {**name_columns(forms), "alias": np.array(is_alias, dtype=bool)}
        rows, keys, weights = _flatten_keys(forms)
        cols, uniques = pd.factorize(np.asarray(keys, dtype=object))
        # queries find their keys by hash (key_hashes.py): sorted hashes and their columns
        hashes = string_hashes(uniques.tolist())
        order = np.argsort(hashes)
        self.key_hashes_, self.key_columns_ = hashes[order], order.astype(np.int64)
        self.keys_ = len(uniques)
        matrix = sparse.csr_matrix((weights, (rows, cols)), shape=(len(names), self.keys_))
        frequency = np.bincount(cols, minlength=self.keys_)
        self.idf_ = np.log((1 + len(names)) / (1 + frequency)) + 1.0
        limit = max(200, self.max_key_share * len(names))
        self.blocking_ = frequency <= limit
        # once, not per batch: a product over every key (3.6 million for 100 000 entities)
        # was 9 ms of the 27 ms a one-name screen took
        self.key_weights_ = self.idf_ * self.blocking_
        self.name_matrix_ = self._normalise(matrix).T.tocsr()
        self.signatures_ = [listed_signature(form) for form in forms]
        contain_index: dict[str, list[int]] = {}
        for position, signature in enumerate(self.signatures_):
            if signature.key:
                contain_index.setdefault(signature.key, []).append(position)
        # tuples of ints, which the garbage collector stops walking after its first pass
        self.contain_index_ = {key: tuple(found) for key, found in contain_index.items()}
        return self

    def _normalise(self, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        """Rows weighted by IDF (0 for keys that do not block) and scaled to unit length."""
        matrix = matrix.tocsr()
        data = matrix.data * self.key_weights_[matrix.indices]
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=matrix.shape[0]))
        norms[norms == 0] = 1.0
        weighted = sparse.csr_matrix((data / norms[rows], matrix.indices, matrix.indptr),
                                     shape=matrix.shape)
        weighted.eliminate_zeros()
        return weighted

    def _query_matrix(self, forms: list) -> sparse.csr_matrix:
        rows, hashes, weights = name_key_hashes(forms)
        known, cols = np.zeros(len(hashes), dtype=bool), np.zeros(len(hashes), dtype=np.int64)
        if len(self.key_hashes_):
            unique, inverse = np.unique(hashes, return_inverse=True)
            position = np.minimum(np.searchsorted(self.key_hashes_, unique), len(self.key_hashes_) - 1)
            known = (self.key_hashes_[position] == unique)[inverse]
            cols = self.key_columns_[position][inverse]
        matrix = sparse.csr_matrix((weights[known], (rows[known], cols[known])),
                                   shape=(len(forms), self.keys_))
        return self._normalise(matrix)

    # -- screening ----------------------------------------------------------------------
    def contained_pairs(self, names: list[str]) -> np.ndarray:
        """``(query, name)`` positions where the query contains the listed name with
        qualifiers (see :mod:`.containment`), as an ``(n, 2)`` integer array."""
        found: list[tuple[int, int]] = []
        index, signatures = self.contain_index_, self.signatures_
        for position, name in enumerate(names):
            found += [(position, listed) for listed in contained_names(name, index, signatures)]
        return np.array(sorted(set(found)), dtype=np.int64).reshape(-1, 2)

    def candidates_for(self, forms: list, names: list[str] | None = None) -> pd.DataFrame:
        """Top candidate names per query: columns ``query, name, overlap, contained``
        (positions); every name a query contains (``names``: the raw query names) is a
        candidate whatever its rank."""
        products = (self._query_matrix(forms) @ self.name_matrix_).tocsr()
        query = np.repeat(np.arange(len(forms)), np.diff(products.indptr))
        best = best_per_row(products.indptr, products.data, self.candidates)
        query, name, overlap = query[best], products.indices[best], products.data[best]
        contained = (self.contained_pairs(names) if names is not None
                     else np.empty((0, 2), dtype=np.int64))
        is_contained = np.zeros(len(query), dtype=bool)
        if len(contained):
            size = len(self.names_)
            codes = contained[:, 0] * size + contained[:, 1]
            is_contained = np.isin(query * size + name, codes)
            extra = ~np.isin(codes, (query * size + name)[is_contained])
            if extra.any():  # below the top candidates, or joined on a common key
                row = products[contained[extra, 0]]
                found = np.asarray(row[np.arange(int(extra.sum())), contained[extra, 1]])
                query = np.concatenate([query, contained[extra, 0]])
                name = np.concatenate([name, contained[extra, 1]])
                overlap = np.concatenate([overlap, found.ravel()])
                is_contained = np.concatenate([is_contained, np.ones(int(extra.sum()), bool)])
        return pd.DataFrame({"query": query, "name": name,
                             "overlap": np.clip(overlap, 0.0, 1.0), "contained": is_contained})

    @staticmethod
    def _notes(query: str, form: object, listed: str, features: dict) -> dict:
        """Plain-language notes on a match: a contained listed name, a disguised query."""
        notes = []
        if features.get("contained"):
            extra = extra_words(query, listed)
            notes.append(f"listed name + {extra!r}" if extra else "listed name")
        scripts = getattr(form, "scripts", ())
        if len(scripts) > 1:
            notes.append(f"mixed-script name ({' + '.join(s.title() for s in scripts)}): "
                         "compared as its Unicode TR39 confusable skeleton")
        disguised = getattr(form, "disguised", 0)
        if disguised and len(scripts) <= 1:
            notes.append(f"{disguised} disguised character(s) (invisible or look-alike) "
                         "undone before comparing")
        return {"notes": notes} if notes else {}

    def _empty(self) -> pd.DataFrame:
        extra = [c for c in _EXTRA_COLUMNS if c in self.entities_]
        return pd.DataFrame(columns=[*MATCH_COLUMNS, *extra])

    def screen(self, queries: pd.DataFrame, threshold: float | None = None,
               limit: int = 5, workers: int | None = None) -> pd.DataFrame:
        """Matches of ``queries`` (columns ``query_id, name`` and optional ``country``,
        ``identifiers``) at or above ``threshold`` (default: the model's), best first,
        at most ``limit`` entities per query. Columns: :data:`MATCH_COLUMNS`.

        A batch of 2 000 names or more is split over ``workers`` forked processes (default:
        the CPU count) when the calling process has a single thread (see :mod:`.parallel`);
        the result is the same either way."""
        count = workers_for(len(queries), workers)
        if count > 1:
            return screen_in_parallel(self, queries, threshold, limit, count)
        return self.screen_one(queries, threshold, limit)

    def screen_one(self, queries: pd.DataFrame, threshold: float | None = None,
                   limit: int = 5) -> pd.DataFrame:
        """:meth:`screen` in this process."""
        threshold = self.model.threshold if threshold is None else threshold
        queries = queries.reset_index(drop=True)
        query_names = [str(name) for name in queries["name"]]
        forms = [name_form(name) for name in query_names]
        pairs = self.candidates_for(forms, query_names)
        if pairs.empty:
            return self._empty()
        pairs["entity"] = self.name_owner_[pairs["name"].to_numpy()]
        countries = queries.get("country", None)
        identifiers = queries.get("identifiers", None)
        features = pair_features(
            pairs, name_columns(forms), self.name_columns_,
            query_countries=None if countries is None else
            [set(country_codes(_as_list(c))) for c in countries],
            entity_countries=self.entity_countries_,
            query_identifiers=None if identifiers is None else
            [identifier_values(v) for v in identifiers],
            entity_identifiers=self.entity_identifiers_)
        weights = self.model.weights
        contributions = pd.DataFrame({name: features[name] * weight
                                      for name, weight in weights.items()})
        logit = self.model.bias + contributions.sum(axis=1).to_numpy()
        pairs["score"] = 1.0 / (1.0 + np.exp(-logit))
        pairs["row"] = np.arange(len(pairs))
        pairs = pairs[pairs["score"] >= threshold]
        if pairs.empty:
            return self._empty()
        # a listed name equal to the query (once normalised) ranks before one the query
        # merely contains ("China Mobile Intl USA" is China Mobile International USA, not
        # "China Mobile" + "Intl USA"); then the score, rounded as reported, then the
        # stronger evidence
        rows = pairs["row"].to_numpy()
        pairs = pairs.assign(exact=features["alias_exact"].to_numpy()[rows],
                             rounded=pairs["score"].round(4),
                             contained=pairs["contained"].astype(bool), logit=logit[rows])
        best = (pairs.sort_values(["query", "exact", "rounded", "contained", "logit"],
                                  ascending=[True, False, False, True, False])
                .drop_duplicates(["query", "entity"]))
        best = best[best.groupby("query").cumcount() < limit]
        feature_rows = features.iloc[best["row"].to_numpy()]
        contribution_rows = contributions.iloc[best["row"].to_numpy()]
        explanation = [
            {"features": {k: round(float(v), 4) for k, v in f.items() if v},
             "contributions": {k: round(float(v), 3) for k, v in c.items() if v},
             "bias": self.model.bias, "model": self.model.version,
             **self._notes(query_names[q], forms[q], self.names_[n], f)}
            for f, c, q, n in zip(feature_rows.to_dict("records"),
                                  contribution_rows.to_dict("records"),
                                  best["query"].to_numpy(), best["name"].to_numpy(),
                                  strict=True)]
        entity_rows = self.entities_.iloc[best["entity"].to_numpy()]
        result = pd.DataFrame({
            "query_id": queries["query_id"].to_numpy()[best["query"].to_numpy()],
            "query_name": np.array(query_names, dtype=object)[best["query"].to_numpy()],
            "entity_id": entity_rows["entity_id"].to_numpy(),
            "entity_name": entity_rows["name"].to_numpy(),
            "matched_name": self.names_[best["name"].to_numpy()],
            "score": best["score"].round(4).to_numpy(),
            "explanation": explanation,
        })
        for column in _EXTRA_COLUMNS:
            if column in entity_rows:
                result[column] = entity_rows[column].array  # the list's dtype, whatever the values
        return result.reset_index(drop=True)
