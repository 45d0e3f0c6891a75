"""What the faster screening must keep: the same keys, the same matches on several
processes, and memory in proportion to a name's length (measured with tracemalloc)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.certify.lists import BUNDLED_LISTS, bundled_list_path, combined_entities, load_list
from paxsilica.certify.screening.key_hashes import name_key_hashes, string_hashes
from paxsilica.certify.screening.keys import DELETION_MAX, name_keys
from paxsilica.certify.screening.normalize import name_form
from paxsilica.certify.screening.screener import Screener, best_per_row
from paxsilica.errors import ParameterError
from paxsilica.limits import MAX_NAME_LENGTH


def _string_keys(forms: list) -> list[tuple[int, int, float]]:
    rows, keys, weights = [], [], []
    for row, form in enumerate(forms):
        found = name_keys(form)
        rows += [row] * len(found)
        keys += list(found)
        weights += list(found.values())
    return sorted(zip(rows, string_hashes(keys).tolist(), weights, strict=True))


NAMES = ["Hik Vision Ltd", "HIKVISION Co Ltd", "Shenzhen DJI Sciences and Technologies Co., Ltd.",
         "China Electronics Technology Group Corporation", "C.E.T.C.", "ZTE", "aaaaaaa aaaaaaa",
         "Нuаwеі Technologies", "华为技术有限公司", "x" * (DELETION_MAX + 1) + " shenzhen", "A B",
         "Beijing Institute of Technology", "OOO Лаборатория Касперского", "Zhejiang Dahua Tech. Grp."]


def test_hashed_keys_are_the_string_keys():
    forms = [name_form(name) for name in NAMES]
    rows, hashes, weights = name_key_hashes(forms)
    assert sorted(zip(rows.tolist(), hashes.tolist(), weights.tolist(), strict=True)) == _string_keys(forms)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijk lmnoz-&.,()Шш中 ", min_size=0, max_size=60), min_size=1,
                max_size=8))
def test_hashed_keys_equal_the_string_keys_for_any_names(names):
    forms = [name_form(name) for name in names]
    rows, hashes, weights = name_key_hashes(forms)
    assert sorted(zip(rows.tolist(), hashes.tolist(), weights.tolist(), strict=True)) == _string_keys(forms)


def test_string_hashes_of_long_strings_match_the_short_path():
    text = "abcdefghij" * 10  # above the matrix width: hashed one by one
    assert string_hashes([text])[0] == string_hashes([text[:50] + text[50:]])[0]
    assert len(set(string_hashes([text, text[:-1], text + "a", "~" + text]).tolist())) == 4


@pytest.fixture(scope="module")
def screener() -> Screener:
    entities = combined_entities([load_list(bundled_list_path(n), name=n) for n in BUNDLED_LISTS])
    return Screener().fit(entities)


def test_one_key_per_row_and_no_duplicate_columns(screener):
    matrix = screener._query_matrix([name_form("Huawei Huawei Technologies Technologies")])
    assert len(set(matrix.indices.tolist())) == matrix.nnz


def _peak_bytes(screener: Screener, name: str) -> int:
    tracemalloc.start()
    try:
        screener.screen_one(pd.DataFrame({"query_id": ["q"], "name": [name]}))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("word", ["huaweitechnologies", "zz"])
def test_memory_grows_linearly_with_a_names_length(screener, word):
    """A name's keys grow linearly with its length (a long "word" gets only its own key; the
    one-letter deletions of every long word once made a 30 000-character name take 1 GB), the
    longest name screened (limits.MAX_NAME_LENGTH) takes little memory, and a longer one is
    refused before any work."""
    large_length = MAX_NAME_LENGTH
    small_length = large_length // 10

    def key_chars(name: str) -> int:
        return sum(len(key) for key in name_keys(name_form(name)))

    rng = np.random.default_rng(7)
    distinct = " ".join(word + "".join(rng.choice(list("abcdefghij"), 3)) for _ in range(large_length))
    for text in (distinct, (word + " ") * large_length, "q" * large_length):
        grown = key_chars(text[:large_length]) / max(key_chars(text[:small_length]), 1)
        assert grown < 20, grown  # quadratic keys would give ~100
    longest = ((word + " ") * large_length)[:large_length]
    _peak_bytes(screener, longest)  # warm
    assert _peak_bytes(screener, longest) - _peak_bytes(screener, "x") < 4_000_000
    with pytest.raises(ParameterError, match="at most"):
        _peak_bytes(screener, "q" * (large_length + 1))


SCRIPT = textwrap.dedent("""
    import json, sys
    import pandas as pd
    from paxsilica.certify.lists import BUNDLED_LISTS, bundled_list_path, combined_entities, load_list
    from paxsilica.certify.screening import parallel
    from paxsilica.certify.screening.screener import Screener, best_per_row
    entities = combined_entities([load_list(bundled_list_path(n), name=n) for n in BUNDLED_LISTS])
    screener = Screener().fit(entities)
    names = list(entities["name"]) * (1 + parallel.PARALLEL_MIN // len(entities))
    names = [n.upper() if i % 3 else n + " Shenzhen Branch" for i, n in enumerate(names)][:parallel.PARALLEL_MIN + 7]
    same = []
    # ids: unique text; repeated integers (the rows are put back in order by position, not id)
    for ids in ([f"q{i}" for i in range(len(names))], [i % 97 for i in range(len(names))]):
        queries = pd.DataFrame({"query_id": ids, "name": names})
        one = screener.screen_one(queries)
        many = screener.screen(queries, workers=2)
        same.append(one.drop(columns="explanation").equals(many.drop(columns="explanation"))
                    and one["explanation"].tolist() == many["explanation"].tolist()
                    and one["query_id"].dtype == many["query_id"].dtype)
    print(json.dumps({"forked": parallel.workers_for(len(queries), 2), "rows": len(one), "same": same}))
""")


def test_screening_on_two_processes_equals_one():
    """Run in a fresh single-threaded interpreter (the test process may have threads)."""
    found = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    result = json.loads(found.stdout.strip().splitlines()[-1])
    assert result["forked"] == 2 and result["rows"] > 1000 and result["same"] == [True, True]


def test_no_fork_with_threads_or_small_batches():
    import threading

    from paxsilica.certify.screening import parallel

    assert parallel.workers_for(10, 4) == 1
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.workers_for(10_000, 4) == 1   # another thread runs: never fork
    finally:
        stop.set()
        thread.join()
    assert np.all(np.diff([parallel.workers_for(n, 1) for n in (5_000, 50_000)]) == 0)


def _best_by_full_stable_sort(indptr: np.ndarray, overlap: np.ndarray, count: int) -> np.ndarray:
    """The reference: every entry sorted stably by (row, best first), the first ``count`` of each row."""
    query = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    order = np.argsort(query * 2.0 + (1.0 - np.clip(overlap, 0.0, 1.0)), kind="stable")
    return order[(np.arange(len(order)) - indptr[query[order]]) < count]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=30), st.integers(0, 15),
       st.integers(0, 2**16), st.sampled_from([3, 1000]))
def test_best_per_row_keeps_what_a_full_stable_sort_keeps(lengths, count, seed, levels):
    """Rows shorter and longer than ``count``, empty rows, many ties (3 overlap levels),
    values outside 0–1 (clipped)."""
    rng = np.random.default_rng(seed)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    overlap = rng.integers(-1, levels + 1, size=indptr[-1]) / levels
    np.testing.assert_array_equal(best_per_row(indptr, overlap, count),
                                  _best_by_full_stable_sort(indptr, overlap, count))
