"""Store versions: ``Store.version`` moves with every commit; ``data_version`` only with what
the network is built from (imports, restores, bundled upgrades), not with tokens or audit."""

from __future__ import annotations

from paxsilica.service.access import add_token, revoke_token
from paxsilica.store import Store, export_store, import_file, open_store, restore_store
from paxsilica.store.versions import data_version

SUPPLIES = ("source,confidence,basis,item_id,stage,country,year,share\n"
            "Test,low,estimate,gallium,refining,JPN,2031,0.5\n")


def test_memory_store_versions(tmp_path):
    store = open_store(":memory:")
    version, data = store.version, data_version(store)
    add_token(store, "alice", "reader", who="test")
    assert store.version != version and data_version(store) == data
    path = tmp_path / "supplies.csv"
    path.write_text(SUPPLIES, encoding="utf-8")
    import_file(store, "supplies", path)
    assert data_version(store) != data


def test_file_store_sees_another_writer(tmp_path):
    db = tmp_path / "a.duckdb"
    open_store(db).close()
    reader, writer = Store(db, read_only=True), Store(db)
    version, data = reader.version, data_version(reader)
    add_token(writer, "bob", "admin", who="test")
    revoke_token(writer, "bob", who="test")
    assert reader.version != version  # a commit by another store object (another process)
    assert data_version(reader) == data  # tokens and audit rows are not data
    path = tmp_path / "supplies.csv"
    path.write_text(SUPPLIES, encoding="utf-8")
    import_file(writer, "supplies", path)
    changed = data_version(reader)
    assert changed != data
    folder = tmp_path / "export"
    export_store(reader, folder)
    restore_store(writer, folder)  # the same data back: its log too
    assert data_version(reader) == changed
    other = open_store(tmp_path / "other.duckdb")
    restore_store(writer, export_store(other, tmp_path / "other") and tmp_path / "other")
    assert data_version(reader) == data_version(other) != changed
