"""JSON records written column-wise read back as ``json.dumps`` of the same rows would."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.io.arrow_json import write_json_records


def _parsed(table: pa.Table) -> list[dict]:
    out = io.BytesIO()
    write_json_records(table, out)
    return json.loads("[" + out.getvalue().decode("utf-8") + "]")


def _expected(table: pa.Table) -> list[dict]:
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None   # JSON has no NaN or infinity
    return rows


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=8), st.floats(), st.one_of(st.none(), st.integers(-2**62, 2**62)),
                          st.booleans()), min_size=0, max_size=30))
def test_any_rows_read_back_equal(rows):
    table = pa.table({"name": [r[0] for r in rows], "x": pa.array([r[1] for r in rows], pa.float64()),
                      "count": pa.array([r[2] for r in rows], pa.int64()), "flag": [r[3] for r in rows]})
    parsed = _parsed(table)
    expected = _expected(table)
    assert len(parsed) == len(expected)
    for got, want in zip(parsed, expected, strict=True):
        assert got == want
        assert got["x"] is None or isinstance(got["x"], float)   # 15.0 stays a float


def test_escapes_and_round_trips_every_double():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.lognormal(0, 20, 5000), [0.0, -0.0, 5e-324, 1.7976931348623157e308, 1e22, 3.0]])
    labels = ['a"b', "back\\slash", "tab\tnew\nline", "nul\x00", "é中文", "\u2028"] * 1001
    table = pa.table({"label": pa.array(labels[:values.size]).dictionary_encode(), "value": values})
    parsed = _parsed(table)
    assert [row["value"] for row in parsed] == values.tolist()
    assert [row["label"] for row in parsed] == labels[:values.size]


def test_chunks_continue_one_array():
    import paxsilica.io.arrow_json as module

    table = pa.table({"i": np.arange(10)})
    out = io.BytesIO()
    first = module.write_json_records(table.slice(0, 4), out)
    module.write_json_records(table.slice(4), out, first=first)
    assert json.loads("[" + out.getvalue().decode() + "]") == [{"i": i} for i in range(10)]
