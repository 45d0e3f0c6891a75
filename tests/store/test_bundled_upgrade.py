"""A database filled by an older bundle is brought to the new bundle: rows the new bundle
no longer ships are gone, the user's own rows stay."""

from __future__ import annotations

from paxsilica.store import import_file, open_store
from paxsilica.store.bundled import ensure_bundled

HEADER = "item_id,stage,country,year,quantity,unit,share,source,confidence\n"


def test_upgrade_retires_withdrawn_bundled_rows_and_keeps_user_rows(tmp_path):
    store = open_store(tmp_path / "old.duckdb")
    shipped = store.count("supplies")
    # a row "the old bundle" shipped that the current one withdrew (same import as the bundle)
    bundled_import = int(store.connection.execute(
        "SELECT max(import_id) FROM imports WHERE kind = 'supplies' AND file LIKE 'bundled %'"
    ).fetchone()[0])
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO supplies SELECT * REPLACE (2019 AS year, 'withdrawn figure' AS note) "
            "FROM supplies WHERE item_id = 'cobalt_ore' AND country = 'COD' LIMIT 1")
        connection.execute("UPDATE supplies SET import_id = ? WHERE note = 'withdrawn figure'",
                           [bundled_import])
    mine = tmp_path / "mine.csv"
    mine.write_text(HEADER + "cobalt_ore,,USA,2018,100,t Co,,My ministry,high\n", encoding="utf-8")
    import_file(store, "supplies", mine)
    assert store.count("supplies") == shipped + 2
    store.set_meta("bundled_version", "an older bundle")

    assert ensure_bundled(store) is True
    supplies = store.table("supplies")
    assert "withdrawn figure" not in set(supplies["note"].dropna())
    assert ((supplies["country"] == "USA") & (supplies["year"] == 2018)
            & (supplies["item_id"] == "cobalt_ore")).sum() == 1  # the user's row stays
    assert len(supplies) == shipped + 1


def test_a_second_empty_store_gets_the_same_rows_without_validating_again(monkeypatch):
    """The validated rows of the first empty store are written again: same tables, same
    import log; a store that already holds rows is validated as before."""
    import paxsilica.store.importer as importer
    from paxsilica.model.network import StackNetwork
    from paxsilica.store import open_store

    first = open_store(":memory:")
    calls = []
    monkeypatch.setattr(importer, "validate_table",
                        lambda *a, **k: calls.append(a[0]) or _validate(*a, **k))
    second = open_store(":memory:")
    assert calls == []
    for name in ("supplies", "item_parameters", "cables", "companies"):
        left, right = first.table(name), second.table(name)
        assert left.equals(right), name
    log = "SELECT kind, file, sha256, rows FROM imports ORDER BY import_id"
    assert first.connection.execute(log).fetchall() == second.connection.execute(log).fetchall()
    assert StackNetwork.from_store(second).supplies.shape == StackNetwork.from_store(first).supplies.shape


def _validate(*args, **kwargs):
    from paxsilica.validate.records import validate_table

    return validate_table(*args, **kwargs)
