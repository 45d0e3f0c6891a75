"""The cable map reader: the fixture in TeleGeography's layout, every malformed-file path
named by file and field, and a fuzz test (clean error or valid answer, never a traceback,
NaN or hang)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.io.cables import read_cable_release
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store
from paxsilica.store.cables import import_cable_release

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cables"


def copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "release"
    shutil.copytree(FIXTURE, target)
    return target


def write_cable(root: Path, cable_id: str, text: str | bytes) -> Path:
    path = root / "cable" / f"{cable_id}.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def good(cable_id: str = "zeta", **changes: object) -> dict:
    cable = {"id": cable_id, "name": "Zeta", "length": "10 km", "owners": "A", "suppliers": None,
             "rfs": "2020", "rfs_year": 2020, "is_planned": False, "url": None, "notes": None,
             "landing_points": [{"id": "p-taiwan", "name": "P, Taiwan", "country": "Taiwan"},
                                {"id": "q-japan", "name": "Q, Japan", "country": "Japan"}]}
    cable.update(changes)
    return cable


def test_the_fixture_reads_into_the_three_kinds():
    release = read_cable_release(FIXTURE)
    cables = release.cables.frame.set_index("cable_id")
    assert sorted(cables.index) == ["alpha-express", "beta-link", "delta-future", "gamma-ring",
                                    "island-loop"]  # all.json is an index, skipped
    assert cables.loc["alpha-express", "length_km"] == "1250"
    assert cables.loc["beta-link", "owners"] == "China Telecom;Formosa Net"
    assert cables.loc["gamma-ring", "length_km"] is None and cables.loc["gamma-ring", "rfs_year"] is None
    assert cables.loc["delta-future", "is_planned"] == "true"
    points = release.landing_points.frame.set_index("landing_point_id")
    assert points.loc["north-bay-philippines", ["lat", "lon"]].tolist() == ["25.2", "121.4"]
    assert points.loc["bay-city-ca-united-states", "lat"] is None  # absent from the GeoJSON
    assert release.skipped == ("unused-point-nowhere",)
    assert len(release.cable_landings.frame) == 11


def test_import_is_typed_cited_and_replaces_the_landings_of_listed_cables(tmp_path):
    store = open_store(":memory:")
    report = import_cable_release(store, FIXTURE)
    assert (report.cables, report.landing_points, report.cable_landings, report.unlocated,
            report.unused) == (5, 6, 11, 1, 1)
    net = StackNetwork.from_store(store)
    cable = net.cables.set_index("cable_id").loc["beta-link"]
    assert cable["length_km"] == 270.0 and cable["rfs_year"] == 2013 and not cable["is_planned"]
    assert cable["suppliers"] == ["HMN Tech"] and "open_undersea_cable_map" in cable["source"]
    assert net.landing_points.set_index("landing_point_id").loc["west-port-china", "country"] == "CHN"
    # re-importing a changed release: a landing it no longer lists disappears
    root = copy_fixture(tmp_path)
    changed = json.loads((root / "cable" / "gamma-ring.json").read_text())
    changed["landing_points"] = changed["landing_points"][:2]
    (root / "cable" / "gamma-ring.json").write_text(json.dumps(changed))
    import_cable_release(store, root)
    links = StackNetwork.from_store(store).cable_landings
    assert sorted(links.loc[links["cable_id"] == "gamma-ring", "landing_point_id"]) == [
        "east-cove-japan", "south-head-philippines"]


@pytest.mark.parametrize(("text", "field", "reason"), [
    (b"\xff\xfe{}", None, "not valid UTF-8"),
    ("{not json", None, "not valid JSON"),
    ('{"id": "zeta", "id": "zeta"}', None, "duplicate key 'id'"),
    ("[1, 2]", None, "expected a JSON object"),
    ("[" * 5000 + "]" * 5000, None, "nested more than"),
    (json.dumps(good(length="ten miles")), "length", "not a length in km"),
    (json.dumps(good(rfs_year=[2020])), "rfs_year", "expected a year"),
    (json.dumps(good(is_planned="maybe")), "is_planned", "expected true or false"),
    (json.dumps(good(landing_points=[])), "landing_points", "non-empty list"),
    (json.dumps(good(landing_points=[{"id": "p-taiwan", "name": "P"}])), "landing_points.0",
     "landing point without country"),
    (json.dumps(good(id="other")), "id", "differs from the file name"),
    ('{"id": "zeta", "rfs_year": ' + "9" * 5000 + "}", None, "not valid JSON"),
    (json.dumps(good(owners={"a": 1})), "owners", "expected text"),
])
def test_a_bad_file_is_named_with_its_field_and_nothing_is_written(tmp_path, text, field, reason):
    root = copy_fixture(tmp_path)
    path = write_cable(root, "zeta", text)
    store = open_store(":memory:")
    before = len(store.table("cables"))
    with pytest.raises(ValidationError) as caught:
        import_cable_release(store, root)
    error = caught.value.errors[0]
    assert error.file == str(path) and error.field == field and reason in error.reason, error
    assert len(store.table("cables")) == before


def test_validation_errors_name_the_cable_file(tmp_path):
    root = copy_fixture(tmp_path)
    write_cable(root, "zeta", json.dumps(good(rfs_year=3000)))
    write_cable(root, "eta", json.dumps(good("eta", landing_points=[
        {"id": "x-atlantis", "name": "X, Atlantis", "country": "Atlantis"},
        {"id": "q-japan", "name": "Q, Japan", "country": "Japan"}])))
    with pytest.raises(ValidationError) as caught:
        import_cable_release(open_store(":memory:"), root)
    named = {(Path(e.file).name, e.field) for e in caught.value.errors}
    assert ("zeta.json", "rfs_year") in named and ("eta.json", "country") in named


def test_a_landing_point_described_two_ways_is_an_error(tmp_path):
    root = copy_fixture(tmp_path)
    write_cable(root, "zeta", json.dumps(good(landing_points=[
        {"id": "north-bay-philippines", "name": "North Bay, Japan", "country": "Japan"},
        {"id": "q-japan", "name": "Q, Japan", "country": "Japan"}])))
    with pytest.raises(ValidationError, match=r"north-bay-philippines.*is 'North Bay, Japan' in 'Japan' here"):
        read_cable_release(root)


@pytest.mark.parametrize("setup", ["missing", "no-cable-folder", "empty", "bad-geo"])
def test_bad_folders(tmp_path, setup):
    root = tmp_path / "release"
    if setup != "missing":
        root.mkdir()
    if setup in ("empty", "bad-geo"):
        (root / "cable").mkdir()
    if setup == "bad-geo":
        write_cable(root, "zeta", json.dumps(good()))
        (root / "landing-point").mkdir()
        (root / "landing-point" / "landing-point-geo.json").write_text(
            '{"type": "FeatureCollection", "features": [{"properties": {"id": "p"}, '
            '"geometry": {"coordinates": ["x", 1]}}]}')
    with pytest.raises(ValidationError) as caught:
        read_cable_release(root)
    assert str(root) in str(caught.value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                      max_size=4),
    max_leaves=25)


@st.composite
def cable_documents(draw):
    """Near-valid cables with fields swapped for odd values, or arbitrary JSON."""
    if draw(st.booleans()):
        return json.dumps(draw(JSON_VALUES), allow_nan=True)
    cable = good()
    for key in draw(st.lists(st.sampled_from([*cable, "extra"]), max_size=4, unique=True)):
        cable[key] = draw(JSON_VALUES)
    return json.dumps(cable, allow_nan=True)


@pytest.fixture(scope="module")
def fuzz_store():
    """One store for every example: a refused import must leave it as it was (checked), and
    an accepted one replaces the same cable ids, so examples do not depend on each other."""
    return open_store(":memory:")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=cable_documents())
def test_fuzz_clean_error_or_valid_import(tmp_path_factory, fuzz_store, document):
    root = copy_fixture(tmp_path_factory.mktemp("fuzz"))
    write_cable(root, "zeta", document)
    before = fuzz_store.table("cables")
    try:
        import_cable_release(fuzz_store, root)
    except ValidationError as exc:
        assert all(error.reason for error in exc.errors)
        after = fuzz_store.table("cables")  # all or nothing: a refused import wrote no row
        assert after.drop(columns=["import_id"], errors="ignore").equals(
            before.drop(columns=["import_id"], errors="ignore"))
        return
    cables = fuzz_store.table("cables")
    numbers = cables[["length_km"]].astype(float)
    assert not numbers.isin([float("inf"), float("-inf")]).any().any()
    assert set(cables["cable_id"]) >= {"zeta", "alpha-express"}
