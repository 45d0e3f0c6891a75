"""Read-only commands on a database file build the network once per version of the file
(then read it from the result cache); a write to the file makes the next query rebuild it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from paxsilica.cli import common
from paxsilica.cli.app import app
from paxsilica.model.network import StackNetwork
from paxsilica.store import paths

runner = CliRunner()


@pytest.fixture()
def builds(monkeypatch, tmp_path):
    """A fresh cache folder, and a count of the networks built from a store."""
    monkeypatch.setenv("PAXSILICA_CACHE_DIR", str(tmp_path / "cache"))
    counted: list[int] = []
    original = StackNetwork.from_store.__func__

    def counting(cls, store):
        counted.append(1)
        return original(cls, store)

    monkeypatch.setattr(StackNetwork, "from_store", classmethod(counting))
    return counted


def _gallium(db: str) -> list[dict]:
    result = runner.invoke(app, ["--db", db, "exposure", "--item", "gallium", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_second_query_reads_the_kept_network_and_a_write_rebuilds_it(builds, tmp_path):
    db = str(tmp_path / "cache.duckdb")
    first = _gallium(db)                     # creates the database (nothing kept: no file yet)
    assert _gallium(db) == first             # built once more, and kept
    built = len(builds)
    assert _gallium(db) == first and len(builds) == built          # read back, same answer
    assert len(list((tmp_path / "cache").glob("network-*.pickle"))) == 1
    more = tmp_path / "more.csv"
    more.write_text("item_id,country,year,quantity,unit,source,confidence\n"
                    "gallium,Japan,2024,500000,kg Ga,test source,low\n", encoding="utf-8")
    assert runner.invoke(app, ["--db", db, "data", "import", "supplies", str(more)]).exit_code == 0
    after = _gallium(db)
    assert len(builds) == built + 1                                   # the new version is built
    japan = [r for r in after if r["country"] == "JPN" and r["year"] == 2024]
    assert japan and japan[0]["quantity"] >= 500000 and after != first


def test_in_memory_store_is_never_kept(builds, tmp_path):
    for _ in range(2):
        _gallium(":memory:")
    assert len(builds) == 2
    assert not list((tmp_path / "cache").glob("network-*.pickle"))


def test_only_the_latest_networks_are_kept(builds, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "NETWORKS_KEPT", 2)
    for name in ("a", "b", "c"):
        _gallium(str(tmp_path / f"{name}.duckdb"))
        _gallium(str(tmp_path / f"{name}.duckdb"))
    assert len(list((tmp_path / "cache").glob("network-*.pickle"))) == 2


def test_a_file_replaced_while_read_is_answered_but_not_kept(builds, tmp_path, monkeypatch):
    """The identity taken before reading differs from the store's: the answer is built from
    the store, and nothing is kept under the stale identity."""
    db = str(tmp_path / "moving.duckdb")
    expected = _gallium(db)
    for entry in (tmp_path / "cache").glob("network-*.pickle"):
        entry.unlink()
    monkeypatch.setattr(paths, "identity", lambda path: (1, 2, 3))   # what network_for sees
    assert _gallium(db) == expected
    assert not list((tmp_path / "cache").glob("network-*.pickle"))


def test_a_hit_does_not_open_the_database(builds, tmp_path, monkeypatch):
    db = str(tmp_path / "hit.duckdb")
    _gallium(db)
    _gallium(db)
    monkeypatch.setattr(common, "store_for", lambda *a, **k: (_ for _ in ()).throw(AssertionError("opened")))
    assert _gallium(db)
