"""Fuzz the ``item_parameters`` record format (issue 18's economy data, attacked per issue 22):
any file is a clean error naming its file (and row) or imports rows whose figures are
finite, inside their parameter's range and ordered ``low <= value <= high``; never a
traceback, a NaN or a hang."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork, network_rows
from paxsilica.model.parameters import item_parameter, parameter_specs
from paxsilica.store import open_store
from paxsilica.store.importer import import_file

from .conftest import bounded

COLUMNS = ["item_id", "parameter", "year", "value", "unit", "source", "confidence", "country",
           "low", "high", "basis", "source_url", "note"]
VALID = {"item_id": "gallium", "parameter": "price", "year": "2024", "value": "520",
         "unit": "USD/kg Ga", "source": "fuzz", "confidence": "medium", "country": "WLD",
         "low": "", "high": "", "basis": "estimate", "source_url": "", "note": ""}
CELLS = st.sampled_from(["", " ", "0", "-1", "0.5", "1", "1e15", "1e16", "1e308", "-1e308", "nan",
                         "inf", "-inf", "NaN", "true", "2024", "2100", "2101", "1899", "1e3",
                         "0x10", "١٢٣", "5,5", "WLD", "USA", "CHN", "XXX", "world_output", "price",
                         "value_added_ratio", "consumption_share", "service_life_years", "share",
                         "t", "kg Ga", "USD/kg Ga", "USD/t", "days", "years", "gallium",
                         "ai_server", "electricity", "unknown_item", "high", "low", "projection",
                         "assumption", "=cmd|' /C calc'!A0", "\u202egallium", "x" * 5_000])


def _rows() -> st.SearchStrategy[list[dict]]:
    """Valid rows with some cells replaced by hostile ones."""
    row = st.builds(lambda year, cells, keep: {**VALID, "year": str(year), **({} if keep else cells)},
                    st.integers(2000, 2030), st.dictionaries(st.sampled_from(COLUMNS), CELLS, max_size=2),
                    st.booleans())
    return st.lists(row, min_size=1, max_size=4, unique_by=lambda r: r["year"])


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def memory_store():
    return open_store(":memory:")


@pytest.fixture(scope="module")
def base_net(memory_store):
    return StackNetwork.from_store(memory_store)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(_rows())
def test_any_item_parameter_file_is_an_error_or_sound_rows(memory_store, base_net, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("ip") / "params.csv"
    path.write_bytes(_csv(rows))
    before = len(memory_store.read("item_parameters"))
    with bounded(60):
        try:
            with memory_store.transaction():  # rolled back below: every example starts clean
                report = import_file(memory_store, "item_parameters", path)
                stored = memory_store.read("item_parameters")
                # the network as from_store reads it, only the imported table new (cheaper
                # than rebuilding every table per example)
                net = replace(base_net, item_parameters=network_rows(memory_store.table("item_parameters")))
                figures = {name: item_parameter(net, name, as_of=2100) for name in parameter_specs()}
                raise _RollBackError
        except _RollBackError:
            pass
        except PaxsilicaError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            event("refused")
            return
    event("imported")
    assert report.rows == len(rows) and len(memory_store.read("item_parameters")) == before
    new = stored.tail(len(rows))
    for name, spec in parameter_specs().items():
        for column in ("value", "low", "high"):
            values = pd.to_numeric(figures[name][column], errors="coerce").dropna()
            assert values.map(math.isfinite).all()
            assert spec.range_problem(float(values.min())) is None if len(values) else True
    ordered = new.dropna(subset=["low"])
    assert (ordered["low"].astype(float) <= ordered["value"].astype(float)).all()


class _RollBackError(Exception):
    """Ends an example's transaction without keeping its rows."""
