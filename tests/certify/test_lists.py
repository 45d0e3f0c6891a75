"""List loading, format detection and versioned storage in DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxsilica.certify.lists import (
    bundled_list_path,
    detect_list_format,
    import_list,
    load_list,
    load_stored_list,
    resolve_lists,
    stored_lists,
)
from paxsilica.errors import NotFoundError, ValidationError
from paxsilica.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


@pytest.mark.parametrize(("path", "fmt"), [
    (FIXTURES / "targets.simple.csv", "opensanctions"),
    (FIXTURES / "entities.ftm.json", "ftm"),
    (bundled_list_path("csl_sample"), "csl"),
    (bundled_list_path("fcc_covered"), "fcc_covered"),
    (bundled_list_path("dod_1260h"), "dod_1260h"),
])
def test_format_detected_from_header(path, fmt):
    assert detect_list_format(path) == fmt


def test_unknown_format(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("company,notes\nA,B\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown list format"):
        detect_list_format(path)


def test_versions_are_stored_and_replaced():
    store = Store(":memory:")
    first = load_list(FIXTURES / "targets.simple.csv", name="os", version="2025-01")
    import_list(store, first)
    import_list(store, first)  # same version again: replaced, not duplicated
    second = load_list(FIXTURES / "targets.simple.csv", name="os", version="2025-02")
    import_list(store, second)
    versions = stored_lists(store)
    assert versions["version"].tolist() == ["2025-01", "2025-02"]
    assert versions["rows"].tolist() == [4, 4]
    assert store.connection.execute(
        "SELECT count(*) FROM restricted_entities WHERE list_name = 'os'").fetchall()[0][0] == 8
    latest = load_stored_list(store, "os")
    assert latest.version == "2025-02"
    assert latest.entities.set_index("entity_id").loc["px-dji", "aliases"] == [
        "DJI", "Da-Jiang Innovations"]
    assert latest.sha256 == first.sha256


def test_ftm_ownership_round_trips_through_the_store():
    store = Store(":memory:")
    import_list(store, load_list(FIXTURES / "entities.ftm.json", name="ftm"))
    stored = load_stored_list(store, "ftm")
    assert len(stored.ownership) == 4
    assert stored.version == "2024-06-01"  # latest first_seen in the file


def test_failed_import_leaves_store_unchanged(tmp_path):
    store = Store(":memory:")
    import_list(store, load_list(bundled_list_path("fcc_covered")))
    bad = tmp_path / "fcc.csv"
    bad.write_text("entity,date_of_inclusion\nA,2021-01-01\n,2021-01-01\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        import_list(store, load_list(bad))
    assert stored_lists(store)["list_name"].tolist() == ["fcc_covered"]


def test_resolve_lists_by_path_bundled_and_name():
    store = Store(":memory:")
    import_list(store, load_list(bundled_list_path("dod_1260h")))
    found = resolve_lists(["bundled:fcc_covered", str(FIXTURES / "targets.simple.csv"),
                           "dod_1260h"], store)
    assert [lst.format for lst in found] == ["fcc_covered", "opensanctions", "dod_1260h"]
    with pytest.raises(NotFoundError, match="stored lists: dod_1260h"):
        resolve_lists(["nosuchlist"], store)


@pytest.mark.parametrize(("text", "reason"), [
    ("entity,aliases,country,covered_equipment_or_services,date_of_inclusion,fcc_document\n",
     "the list has no entities"),
    ("name,date_listed\n", "the list has no entities"),
    ('{"id": "c", "schema": "Company", "target": false, "properties": {"name": ["C"]}}\n',
     "no listed entities"),
])
def test_a_list_without_entities_is_an_error(tmp_path, text, reason):
    path = tmp_path / ("list.ftm.json" if text.startswith("{") else "list.csv")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_list(path)
    assert caught.value.errors[0].file == str(path) and reason in str(caught.value)


def test_bundled_fcc_sample_is_dated_by_its_citation_not_its_last_entry():
    from datetime import date

    from paxsilica.certify.lists import bundled_list_as_of, bundled_list_sources, list_scope

    as_of = bundled_list_as_of("fcc_covered")
    lst = load_list(bundled_list_path("fcc_covered"))
    assert lst.version == as_of.isoformat() == "2026-03-23"
    # every entry was listed on or before the date the sample stands for
    assert (lst.entities["listed_on"].map(date.fromisoformat) <= as_of).all()
    assert lst.entities["listed_on"].max() == "2025-12-22"  # DJI, Autel (FY25 NDAA s.1709)
    record, warnings = list_scope(lst, date(2026, 12, 7), 90)
    assert record["as_of"] == "2026-03-23" and record["age_days"] == 259
    assert any("259 days old" in w for w in warnings)
    # a list without an as_of keeps its latest listing date as version
    assert bundled_list_as_of("dod_1260h") is None
    assert set(bundled_list_sources()) == {"fcc_covered", "dod_1260h", "csl_sample"}
    assert "pillsburylaw.com" in bundled_list_sources()["fcc_covered"]["notes"]
