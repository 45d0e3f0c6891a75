"""Benchmark: screen 10 000 names against 100 000 list entities (with aliases).

Run: ``.venv/bin/python -m bench.bench_screening [--entities N] [--queries N]``.

* The 100 000-entity list is **synthetic**, generated deterministically from a seed:
  invented words shaped like company names (place + distinctive word(s) + generic words +
  legal form), each with 0-2 aliases (acronym, short form, legal-form variant); the real
  bundled list entities (FCC Covered List, DoD 1260H, CSL sample) are added to it.
* The 10 000 queries: the real labelled evaluation set
  (``tests/fixtures/certify/screening_eval.csv``), variants of synthetic entities (typos,
  legal-form changes, word order, abbreviations, a place dropped or added) and synthetic
  unlisted names that share generic and place words with listed ones. Evaluation queries keep their country column
  (where the file gives one); synthetic queries have none.
* Timed batches are new to the screener (it caches normalised words and names): the
  10 000 queries on all cores, then the one-process rate on another 10 000 synthetic
  names (seed 8); a batch screened a second time runs faster than a user's new batch.
* Quality figures are reported on the real evaluation set (screened against the full
  100 000-entity list, so synthetic names are extra distractors) and on the synthetic queries.
* Disguised names (issue 14): every real listed entity in every disguise of
  :mod:`paxsilica.certify.screening.disguise` (places, branches, divisions, countries,
  tails after the legal form, c/o, homoglyphs, zero-width, full-width) plus unrelated firms
  sharing a brand word, screened against the full list; quality only (not timed).
* Peer: rapidfuzz ``process.cdist`` with ``fuzz.token_sort_ratio`` over every name and
  alias (best-F1 threshold chosen on the evaluation set, which favours the peer). Its speed
  is measured on a sample of queries and reported per name.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from bench.table import record
from paxsilica.certify.lists import BUNDLED_LISTS, bundled_list_path, combined_entities, load_list
from paxsilica.certify.screening.evaluate import (
    disguised_evaluation_set,
    outcomes,
    precision_recall,
)
from paxsilica.certify.screening.normalize import name_form
from paxsilica.certify.screening.parallel import workers_for
from paxsilica.certify.screening.screener import Screener
from paxsilica.io.tables import read_table
from paxsilica.limits import MAX_NAME_LENGTH

EVAL = Path(__file__).parents[1] / "tests" / "fixtures" / "certify" / "screening_eval.csv"
SYLLABLES = ["ka", "lo", "mi", "ra", "zen", "tor", "vex", "qua", "lin", "sha", "dor", "mak",
             "pri", "nov", "tel", "bri", "cor", "fen", "gal", "hux", "jor", "kel", "mur",
             "nex", "ost", "pel", "rin", "sol", "tam", "ul", "var", "wen", "xo", "yar", "zul"]
GENERIC = ["technology", "electronics", "industrial", "group", "holding", "international",
           "trading", "precision", "materials", "systems", "communications", "semiconductor",
           "aerospace", "machinery", "optics", "energy", "robotics", "software", "devices"]
PLACES = ["shenzhen", "beijing", "shanghai", "hangzhou", "moscow", "tehran", "wuhan", "tianjin",
          "guangzhou", "novosibirsk", "isfahan", "chengdu", "xiamen", "nanjing"]
FORMS = ["Co., Ltd.", "Limited", "Corporation", "LLC", "JSC", "GmbH", "Inc.", "Group Co. Ltd."]
ABBREVIATIONS = {"technology": "Tech", "international": "Intl", "group": "Grp",
                 "electronics": "Elec", "communications": "Comms", "holding": "Hldgs"}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_entities(count: int, seed: int = 20260101) -> pd.DataFrame:
    """``count`` invented entities with aliases (deterministic for a seed)."""
    rng = random.Random(seed)
    rows = []
    seen: set[str] = set()
    while len(rows) < count:
        i = len(rows)
        parts = []
        if rng.random() < 0.4:
            parts.append(rng.choice(PLACES).title())
        parts += [_word(rng).title() for _ in range(rng.choice([1, 1, 2]))]
        parts += [rng.choice(GENERIC).title() for _ in range(rng.choice([0, 1, 1, 2]))]
        if " ".join(parts) in seen:  # one entity per name
            continue
        seen.add(" ".join(parts))
        name = " ".join(parts) + " " + rng.choice(FORMS)
        aliases = []
        if rng.random() < 0.5:
            aliases.append(" ".join(parts[:2]))
        if rng.random() < 0.4 and len(parts) > 1:
            aliases.append("".join(p[0] for p in parts).upper())
        rows.append({"entity_id": f"syn-{i}", "schema": "Company", "name": name,
                     "aliases": aliases, "countries": [rng.choice(["CHN", "RUS", "IRN"])],
                     "identifiers": [], "programs": None, "dataset": "synthetic",
                     "listed_on": None})
    return pd.DataFrame(rows)


def _typo(rng: random.Random, text: str) -> str:
    """One typo in a word of the name proper (not in the legal form)."""
    legal = set(" ".join(FORMS).split())
    spans, position = [], 0
    for word in text.split(" "):
        if word not in legal:
            spans += range(position, position + len(word))
        position += len(word) + 1
    letters = [i for i in spans if text[i].isalpha()]
    i = rng.choice(letters)
    op = rng.choice(["drop", "swap", "replace"])
    if op == "drop":
        return text[:i] + text[i + 1:]
    if op == "swap" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice("aeiou") + text[i + 1:]


def synthetic_queries(entities: pd.DataFrame, listed: int, unlisted: int,
                      seed: int = 7) -> pd.DataFrame:
    """Variants of listed entities (expected id known) and unlisted look-alikes.

    A place variant ("Korix Optics" for "Shenzhen Korix Optics") also expects every
    entity with a name or alias that is the same without places ("Korix Optics",
    "Wuhan Korix Optics"): the query names them as well.
    """
    rng = random.Random(seed)
    rows = []
    picks = rng.sample(range(len(entities)), listed)
    places = {place.title() for place in PLACES}
    same_placeless: dict[str, list[str]] | None = None
    for n, i in enumerate(picks):
        name = entities.at[i, "name"]
        words = name.split()
        expected = entities.at[i, "entity_id"]
        kind = rng.choice(["typo", "form", "order", "abbrev", "exact", "place"])
        if kind == "place":  # the place dropped, or a place added (Shenzhen DJI)
            query = (" ".join(words[1:]) if words[0] in places
                     else rng.choice(PLACES).title() + " " + name)
            if same_placeless is None:
                same_placeless = {}
                for entity_id, entity_name, aliases in zip(
                        entities["entity_id"], entities["name"], entities["aliases"],
                        strict=True):
                    for text in [entity_name, *aliases]:
                        same_placeless.setdefault(name_form(text).placeless,
                                                  []).append(entity_id)
            expected = ";".join(dict.fromkeys([expected, *same_placeless.get(
                name_form(query).placeless, [])]))
        elif kind == "typo":
            query = _typo(rng, name)
        elif kind == "form":
            core = [w for w in words if w not in " ".join(FORMS).split()]
            query = " ".join(core) + " " + rng.choice(FORMS)
        elif kind == "order":
            query = " ".join(words[::-1])
        elif kind == "abbrev":
            query = " ".join(ABBREVIATIONS.get(w.lower(), w) for w in words)
        else:
            query = name.upper()
        rows.append({"query_id": f"sq{n}", "name": query, "expected_entity_ids": expected})
    rng2 = random.Random(seed + 1)
    for n in range(unlisted):
        parts = [rng2.choice(PLACES).title()] if rng2.random() < 0.4 else []
        parts += [_word(rng2).title() + rng2.choice(["ix", "on", "ar"])]
        parts += [rng2.choice(GENERIC).title()]
        rows.append({"query_id": f"su{n}", "name": " ".join(parts) + " " + rng2.choice(FORMS),
                     "expected_entity_ids": None})
    return pd.DataFrame(rows)


def baseline_matches(queries: pd.DataFrame, names: list[str], owners: list[str]) -> pd.DataFrame:
    """Peer: best token_sort_ratio over all names (score 0-1)."""
    best_ids, best_scores = [], []
    for start in range(0, len(queries), 200):
        chunk = queries["name"].iloc[start:start + 200].tolist()
        matrix = process.cdist(chunk, names, scorer=fuzz.token_sort_ratio, workers=-1,
                               dtype=np.uint8)
        arg = matrix.argmax(axis=1)
        best_ids += [owners[i] for i in arg]
        best_scores += (matrix[np.arange(len(chunk)), arg] / 100.0).tolist()
    return pd.DataFrame({"query_id": queries["query_id"].to_numpy(), "entity_id": best_ids,
                         "score": best_scores})


def _memory_growth(screener: Screener) -> tuple[float, float]:
    """tracemalloc peak (MB) of screening one name of a tenth of the longest name screened
    (limits.MAX_NAME_LENGTH; longer ones are refused) and of the longest."""
    import tracemalloc

    peaks = []
    for length in (MAX_NAME_LENGTH // 10, MAX_NAME_LENGTH):
        name = ("Shenzhen Huaweitechnology " * (length // 26 + 1))[:length]
        tracemalloc.start()
        screener.screen_one(pd.DataFrame({"query_id": ["q"], "name": [name]}))
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return peaks[0], peaks[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=500)
    args = parser.parse_args()

    real = combined_entities([load_list(bundled_list_path(n), name=n) for n in BUNDLED_LISTS])
    entities = pd.concat([synthetic_entities(args.entities), real], ignore_index=True)
    names_total = len(entities) + int(entities["aliases"].map(len).sum())
    labels = read_table(EVAL).frame
    synthetic_count = args.queries - len(labels)
    synthetic = synthetic_queries(entities.iloc[:args.entities], synthetic_count // 2,
                                  synthetic_count - synthetic_count // 2)
    queries = pd.concat([labels[["query_id", "name", "country", "expected_entity_ids"]],
                         synthetic], ignore_index=True)

    started = time.perf_counter()
    screener = Screener().fit(entities)
    fit_seconds = time.perf_counter() - started
    # warm-up on a different batch (fills caches of the normaliser for the vocabulary)
    screener.screen(synthetic_queries(entities.iloc[:args.entities], 200, 200, seed=99))
    # each timed batch is new to the screener: the normaliser caches words and names, so a
    # batch screened a second time (as the parallel run once was, after the one-process run)
    # is faster than a user's new batch
    started = time.perf_counter()
    matches = screener.screen(queries)   # all cores (forked processes) when this process has one thread
    screen_seconds = time.perf_counter() - started
    ours_rate = len(queries) / screen_seconds
    other = synthetic_queries(entities.iloc[:args.entities], len(queries) // 2, len(queries) - len(queries) // 2,
                              seed=8)
    started, cpu_started = time.perf_counter(), time.process_time()
    screener.screen_one(other)
    one_seconds, one_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    alone = screener.screen_one(queries)  # not timed: the same matches as the processes'
    same = alone.drop(columns="explanation").equals(matches.drop(columns="explanation"))
    ours_eval = precision_recall(labels, matches[matches["query_id"].isin(labels["query_id"])])
    ours_syn = precision_recall(synthetic, matches[matches["query_id"].isin(
        synthetic["query_id"])])

    names, owners = [], []
    for row in entities.itertuples():
        for name in [row.name, *row.aliases]:
            names.append(name)
            owners.append(row.entity_id)
    sample = queries.sample(n=min(args.baseline_sample, len(queries)), random_state=1)
    started = time.perf_counter()
    baseline_matches(sample, names, owners)
    base_rate = len(sample) / (time.perf_counter() - started)
    base_all = baseline_matches(labels, names, owners)
    best = (0.0, 0.0, {})
    for cut in np.arange(0.50, 1.001, 0.02):
        scores = precision_recall(labels, base_all[base_all["score"] >= cut])
        p, r = scores["precision"], scores["recall"]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            best = (f1, float(cut), scores)
    _, base_cut, base_eval = best

    disguised = disguised_evaluation_set(real, seed=20260101)
    ours_disguised = precision_recall(disguised, screener.screen(disguised[["query_id", "name"]]))

    cores = os.cpu_count()
    print(f"list: {len(entities):,} entities, {names_total:,} names and aliases "
          f"({args.entities:,} synthetic, seed 20260101); queries: {len(queries):,}; "
          f"cores: {cores}")
    print(f"index build (fit): {fit_seconds:.1f} s")
    print()
    print(f"{'method':42} {'names/s':>10} {'eval P':>7} {'eval R':>7} {'synth P':>8} "
          f"{'synth R':>8}")
    print(f"{f'paxsilica Screener, {workers_for(len(queries), None)} processes':42} {ours_rate:10,.0f} "
          f"{ours_eval['precision']:7.3f} {ours_eval['recall']:7.3f} "
          f"{ours_syn['precision']:8.3f} {ours_syn['recall']:8.3f}")
    print(f"{f'rapidfuzz cdist token_sort (best cut {base_cut:.2f})':42} {base_rate:10,.0f} "
          f"{base_eval['precision']:7.3f} {base_eval['recall']:7.3f} {'-':>8} {'-':>8}")
    print(f"{'paxsilica Screener, one process':42} {len(other) / one_seconds:10,.0f} "
          f"(CPU {len(other) / one_cpu:,.0f} names per CPU-second, another batch of {len(other):,} new names; "
          f"same matches as the processes: {same})")
    print()
    print(f"speed ratio (paxsilica / peer): {ours_rate / base_rate:,.1f}x")
    memory = _memory_growth(screener)
    print(f"memory of one name (tracemalloc peak): {MAX_NAME_LENGTH // 10:,} characters {memory[0]:.2f} MB, "
          f"{MAX_NAME_LENGTH:,} characters {memory[1]:.2f} MB ({memory[1] / max(memory[0], 1e-9):.1f}x "
          "for 10x the length)")
    quality = (f"eval P {ours_eval['precision']:.3f} R {ours_eval['recall']:.3f}; synthetic P "
               f"{ours_syn['precision']:.3f} R {ours_syn['recall']:.3f}")
    case = f"{len(queries):,} names x {len(entities):,} entities"
    record("screening", case, ours_rate, "names/s", peer=base_rate, peer_name="rapidfuzz cdist token_sort",
           better="higher", goal="min>=10000", shape="best",
           note=f"{workers_for(len(queries), None)} processes; {quality}")
    record("screening, one process", case, len(other) / one_seconds, "names/s", peer=base_rate,
           peer_name="rapidfuzz cdist token_sort", better="higher", goal="min>=10000", shape="worst",
           note=f"{len(other) / one_cpu:,.0f} names per CPU-second")
    per_kind = outcomes(labels, matches[matches["query_id"].isin(labels["query_id"])])
    per_kind["correct"] = per_kind["outcome"].isin(["tp", "tn"])
    summary = per_kind.groupby("kind")["correct"].agg(["sum", "count"])
    print("paxsilica on the evaluation set by kind (correct/total): " + ", ".join(
        f"{kind} {int(row['sum'])}/{int(row['count'])}" for kind, row in summary.iterrows()))
    record("screening, disguised-name recall", f"{ours_disguised['positives']} disguised listed names",
           ours_disguised["recall"], "recall", better="higher", goal="report",
           note=f"precision {ours_disguised['precision']:.3f}")
    print(f"disguised names ({ours_disguised['positives']} disguised listed names, "
          f"{ours_disguised['negatives']} brand look-alikes): precision "
          f"{ours_disguised['precision']:.3f}, recall {ours_disguised['recall']:.3f}")
    print(f"evaluation set: {ours_eval['positives']} listed-company queries, "
          f"{ours_eval['negatives']} unlisted (incl. hard negatives); "
          f"paxsilica FP={ours_eval['false_positives']} FN={ours_eval['false_negatives']}; "
          f"peer FP={base_eval['false_positives']} FN={base_eval['false_negatives']}")


if __name__ == "__main__":
    main()
