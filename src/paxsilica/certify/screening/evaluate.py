"""Precision and recall of a screener on a labelled evaluation set.

The evaluation set has ``query_id, name, country, expected_entity_ids`` (``;``-joined
ids of the listed entities the query refers to; empty for a company that is not
listed). A query counts as a true positive when its best match is one of the
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

import pandas as pd

__all__ = ["outcomes", "precision_recall"]


def outcomes(labels: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Per query: ``best_entity_id, best_score, expected, outcome`` (tp, fp, fn, tn, fp+fn)."""
    best = (matches.sort_values("score", ascending=False).drop_duplicates("query_id")
            .set_index("query_id"))
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
