"""Precision and recall of a screener on a labelled evaluation set.

The evaluation set has ``query_id, name, country, expected_entity_ids`` (``;``-joined
ids of the listed entities the query refers to; empty for a company that is not
listed). A query counts as a true positive when its best match (its first, as the
screener ranks them) is one of the
expected entities; any match for an unlisted company, or a best match outside
the expected set, is a false positive; a listed company without a correct best
match is a false negative.

Example:
    >>> import pandas as pd
    >>> labels = pd.DataFrame({"query_id": ["a", "b", "c"], "expected_entity_ids": ["e1", "", "e2"]})
    >>> found = pd.DataFrame({"query_id": ["a", "b"], "entity_id": ["e1", "e9"], "score": [0.9, 0.8]})
    >>> scores = precision_recall(labels, found)
    >>> scores["precision"], scores["recall"], scores["false_positives"]
    (0.5, 0.5, 1)
"""

from __future__ import annotations

import random

import pandas as pd

from paxsilica.certify.screening.disguise import KINDS, brand_lookalike, disguise
from paxsilica.certify.screening.normalize import name_form, vocabulary

__all__ = ["disguised_evaluation_set", "outcomes", "precision_recall"]


def outcomes(labels: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Per query: ``best_entity_id, best_score, expected, outcome`` (tp, fp, fn, tn, fp+fn)."""
    # the screener returns each query's matches best first (a listed name equal to the
    # query before one it only contains, then by score): the first is the best match
    best = matches.drop_duplicates("query_id").set_index("query_id")
    rows = []
    for record in labels.to_dict("records"):
        raw = record.get("expected_entity_ids")
        raw = "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw)
        expected = {e for e in raw.split(";") if e}
        qid = record["query_id"]
        found = best["entity_id"].get(qid) if qid in best.index else None
        score = float(best["score"].get(qid)) if qid in best.index else None
        if expected:
            outcome = "tp" if found in expected else ("fn" if found is None else "fp+fn")
        else:
            outcome = "tn" if found is None else "fp"
        rows.append({**record, "best_entity_id": found, "best_score": score, "outcome": outcome})
    return pd.DataFrame(rows)


def precision_recall(labels: pd.DataFrame, matches: pd.DataFrame) -> dict:
    """Precision, recall and counts (see module docstring)."""
    result = outcomes(labels, matches)["outcome"]
    tp = int((result == "tp").sum())
    fp = int(result.isin(["fp", "fp+fn"]).sum())
    fn = int(result.isin(["fn", "fp+fn"]).sum())
    positives = tp + fn
    return {"precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / positives if positives else 1.0,
            "true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "positives": positives, "negatives": int(len(result) - positives)}


def _as_names(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [] if value is None or value != value else [p.strip() for p in str(value).split(";")]


def disguised_evaluation_set(entities: pd.DataFrame, seed: int,
                             kinds: tuple[str, ...] = KINDS) -> pd.DataFrame:
    """Labels (``query_id, name, expected_entity_ids, kind``) made from ``entities``
    (``entity_id, name, aliases``): every entity's main name in every disguise of
    :mod:`.disguise`, and one unrelated firm per entity sharing its first distinctive
    word (kind ``brand_lookalike``, expected nothing). A disguised name expects every
    entity with a name or alias of the same normalised core (the same company listed
    on several lists).

    Example:
        >>> frame = pd.DataFrame({"entity_id": ["e1"], "name": ["Acme Robotics Ltd"],
        ...                       "aliases": [[]]})
        >>> labels = disguised_evaluation_set(frame, seed=1, kinds=("branch",))
        >>> labels[["expected_entity_ids", "kind"]].values.tolist()
        [['e1', 'branch'], ['', 'brand_lookalike']]
    """
    rng = random.Random(seed)
    by_core: dict[str, list[str]] = {}
    for entity_id, name, aliases in zip(entities["entity_id"], entities["name"],
                                        entities.get("aliases", [[]] * len(entities)),
                                        strict=True):
        for text in [name, *_as_names(aliases)]:
            ids = by_core.setdefault(name_form(text).core, [])
            if entity_id not in ids:
                ids.append(entity_id)
    weak = vocabulary().weak_words
    rows = []
    for number, (entity_id, name) in enumerate(zip(entities["entity_id"], entities["name"],
                                                   strict=True)):
        expected = ";".join(dict.fromkeys([entity_id, *by_core.get(name_form(name).core, [])]))
        for kind in kinds:
            rows.append({"query_id": f"d{seed}-{number}-{kind}",
                         "name": disguise(str(name), kind, rng),
                         "expected_entity_ids": expected, "kind": kind})
        distinct = [w for w in name_form(name).tokens if w not in weak]
        if distinct:
            rows.append({"query_id": f"d{seed}-{number}-lookalike",
                         "name": brand_lookalike(distinct[0], rng),
                         "expected_entity_ids": "", "kind": "brand_lookalike"})
    return pd.DataFrame(rows)
