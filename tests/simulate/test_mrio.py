"""The pymrio text-folder reader: the columnar path equals pandas', bad cells are named, fuzzed
files give a clean error or a valid network."""

from __future__ import annotations

import json
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.simulate import mrio
from paxsilica.simulate.mrio import read_mrio_folder


def _folder(tmp_path: Path, labels: pd.MultiIndex, z: np.ndarray, y: np.ndarray) -> Path:
    regions = list(dict.fromkeys(labels.get_level_values(0)))
    columns = pd.MultiIndex.from_product([regions, ["hh", "gov"]], names=["region", "category"])
    system = pymrio.IOSystem(Z=pd.DataFrame(z, index=labels, columns=labels),
                             Y=pd.DataFrame(y, index=labels, columns=columns))
    folder = tmp_path / "mrio"
    system.save(folder)
    return folder


def _random(regions: list[str], sectors: list[str], seed: int = 0, density: float = 0.6):
    rng = np.random.default_rng(seed)
    labels = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    n = len(labels)
    z = rng.lognormal(size=(n, n)) * (rng.random((n, n)) < density)
    y = rng.lognormal(size=(n, 2 * len(regions))) + 1.0
    return labels, z, y


def _through_pandas(folder: Path, monkeypatch) -> object:
    monkeypatch.setattr(mrio, "_columnar_table", lambda path: None)
    return read_mrio_folder(folder)


@pytest.mark.parametrize(("regions", "sectors"), [
    (["r1", "r2", "r3"], ["food", "mining", "chips"]),
    (["DE", "CN"], ["01", "1.5", "x y", "naïve", "=cmd"]),   # labels that look like numbers, odd text
])
def test_columnar_reader_equals_the_pandas_reader(tmp_path, monkeypatch, regions, sectors):
    folder = _folder(tmp_path, *_random(regions, sectors))
    fast = read_mrio_folder(folder)
    slow = _through_pandas(folder, monkeypatch)
    if sectors[0] == "01":  # pandas reads numeric-looking row labels as numbers; the columnar reader keeps the text
        assert fast.industries["sector"].tolist()[:2] == ["01", "1.5"]
    else:
        assert fast.industries.equals(slow.industries)
    assert (fast.z != slow.z).nnz == 0 or np.allclose(fast.z.toarray(), slow.z.toarray(), rtol=1e-15)
    assert np.allclose(fast.final, slow.final, rtol=1e-15)
    assert fast.regions == slow.regions


def test_reader_equals_pymrio_on_its_test_system(tmp_path):
    system = pymrio.load_test()
    system.save(tmp_path / "t")
    net = read_mrio_folder(tmp_path / "t")
    z = system.Z.to_numpy()
    assert np.array_equal(net.z.toarray(), z)
    assert np.allclose(net.output(), system.Z.sum(axis=1) + system.Y.sum(axis=1), rtol=1e-14)


def _edit_cell(folder: Path, name: str, line: int, cell: int, text: str) -> None:
    path = folder / name
    lines = path.read_text().splitlines()
    cells = lines[line].split("\t")
    cells[cell] = text
    lines[line] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(("text", "reason"), [
    ("lots", "not a number: 'lots'"), ("", "empty cell"), ("inf", "infinite value"),
    ("-3", "negative flow"), ("nan", "empty cell"),
])
def test_bad_cells_are_named_by_file_and_key(tmp_path, text, reason):
    folder = _folder(tmp_path, *_random(["r1", "r2"], ["a", "b"]))
    _edit_cell(folder, "Z.txt", 4, 3, text)
    with pytest.raises(ValidationError) as caught:
        read_mrio_folder(folder)
    message = str(caught.value)
    assert "Z.txt" in message and reason in message
    if reason != "infinite value":
        assert "('r1', 'b')/('r1', 'b')" in message   # line 4 = second row; cell 3 = second column


def test_ragged_row_is_refused(tmp_path):
    folder = _folder(tmp_path, *_random(["r1", "r2"], ["a", "b"]))
    path = folder / "Z.txt"
    lines = path.read_text().splitlines()
    lines[5] = lines[5] + "\t7"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationError, match=r"Z\.txt"):
        read_mrio_folder(folder)


LABEL = st.text(alphabet=string.ascii_letters + string.digits + " -_.=é", min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), LABEL,
                                st.just(""), st.just("\t"), st.just('"')), min_size=1, max_size=6),
       positions=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 6)), min_size=1, max_size=6))
def test_fuzzed_tables_give_a_clean_error_or_a_valid_network(tmp_path_factory, cells, positions):
    folder = _folder(tmp_path_factory.mktemp("fuzz"), *_random(["r1", "r2"], ["a", "b", "c"], seed=3))
    path = folder / "Z.txt"
    lines = path.read_text().splitlines()
    for text, (line, cell) in zip(cells, positions, strict=False):
        parts = lines[line].split("\t")
        parts[min(cell, len(parts) - 1)] = text
        lines[line] = "\t".join(parts)
    path.write_text("\n".join(lines) + "\n")
    try:
        net = read_mrio_folder(folder)
    except ValidationError as error:
        assert "Z.txt" in str(error) or "Y.txt" in str(error)
        return
    assert np.isfinite(net.z.data).all() and (net.z.data >= 0).all() and (net.output() > 0).all()
    assert net.z.shape == (net.n, net.n) == (6, 6)


def test_missing_parameters_file_is_named(tmp_path):
    folder = _folder(tmp_path, *_random(["r1"], ["a", "b"]))
    (folder / "file_parameters.json").write_text(json.dumps({"files": {"Z": {"name": "Z.txt"}}}))
    with pytest.raises(ValidationError, match=r"files\.Y\.name"):
        read_mrio_folder(folder)
