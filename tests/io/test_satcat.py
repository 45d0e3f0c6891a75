"""The CelesTrak SATCAT reader and the constellation counts, against a hand-counted fixture."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.io.satcat import SATCAT_REQUIRED, constellation_counts, read_satcat

FIXTURE = Path(__file__).parents[1] / "fixtures" / "telecom" / "satcat.csv"
CONSTELLATIONS = pd.DataFrame({
    "constellation_id": ["starlink", "oneweb", "qianfan", "guowang"],
    "orbit": ["LEO"] * 4,
    "name_patterns": [["STARLINK"], ["ONEWEB"], ["QIANFAN"], []]})


def _counts(day: date) -> dict[str, int]:
    table = constellation_counts(read_satcat(FIXTURE), CONSTELLATIONS, day)
    return dict(zip(table["constellation_id"], table["satellites"], strict=True))


def test_fixture_reads_every_object_with_types():
    frame = read_satcat(FIXTURE)
    assert len(frame) == 10 and frame["norad_id"].is_unique
    row = frame.set_index("norad_id").loc[44715]
    assert row["decay_date"] == date(2024, 3, 2) and row["launch_date"] == date(2019, 11, 11)
    assert frame.set_index("norad_id").loc[60379, "name"] == 'QIANFAN-1, "THOUSAND SAILS"'
    assert pd.isna(frame.set_index("norad_id").loc[44715, "apogee_km"])


@pytest.mark.parametrize(("day", "expected"), [
    # hand count: payloads only, launched on or before the day, not decayed by it
    (date(2025, 1, 1), {"starlink": 3, "oneweb": 2, "qianfan": 1}),
    (date(2024, 1, 1), {"starlink": 3, "oneweb": 2, "qianfan": 0}),   # 1009 not yet decayed
    (date(2019, 11, 10), {"starlink": 0, "oneweb": 2, "qianfan": 0}),
])
def test_counts_follow_launch_and_decay_dates(day, expected):
    assert _counts(day) == expected  # guowang has no pattern: not counted at all


def test_more_specific_pattern_wins_and_geo_objects_leave_leo_counts():
    cat = pd.DataFrame({"name": ["STARLINK-DTC-1", "STARLINK-2", "STARLINK-GEO"],
                        "object_type": ["PAY"] * 3, "launch_date": [date(2024, 1, 1)] * 3,
                        "decay_date": [None] * 3, "apogee_km": [360.0, 550.0, 35786.0]})
    cons = pd.DataFrame({"constellation_id": ["starlink", "dtc"], "orbit": ["LEO", "LEO"],
                         "name_patterns": [["STARLINK"], ["STARLINK-DTC"]]})
    table = constellation_counts(cat, cons, date(2025, 1, 1)).set_index("constellation_id")
    assert table["satellites"].to_dict() == {"starlink": 1, "dtc": 1}


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "satcat.csv"
    path.write_bytes(text.encode(encoding))
    return path


HEAD = "OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,LAUNCH_DATE,DECAY_DATE,APOGEE,PERIGEE\n"


@pytest.mark.parametrize(("body", "line", "field", "reason"), [
    ("A,1,PAY,2020-01-01,,550,540\nB,1,PAY,2020-01-01,,550,540\n", 3, "NORAD_CAT_ID",
     "also on row 2"),
    ("A,-4,PAY,2020-01-01,,550,540\n", 2, "NORAD_CAT_ID", "1-999999999"),
    ("A,４４７１３,PAY,2020-01-01,,550,540\n", 2, "NORAD_CAT_ID", "catalogue number"),
    ("A,1,PAY,2020-13-01,,550,540\n", 2, "LAUNCH_DATE", "YYYY-MM-DD"),
    ("A,1,PAY,2020-01-01,2019-01-01,550,540\n", 2, "DECAY_DATE", "before launch"),
    ("A,1,PAY,2020-01-01,,inf,540\n", 2, "APOGEE", "finite"),
    ("A,1,PAY,2020-01-01,,1e309,540\n", 2, "APOGEE", "finite"),
    ("A,1,PAY,2020-01-01,,550,NaN\n", 2, "PERIGEE", "finite"),
    ("A,1,PAY,2020-01-01,,five hundred,540\n", 2, "APOGEE", "number of km"),
    (",1,PAY,2020-01-01,,550,540\n", 2, "OBJECT_NAME", "empty"),
])
def test_bad_cells_name_line_and_column(tmp_path, body, line, field, reason):
    path = _write(tmp_path, HEAD + body)
    with pytest.raises(ValidationError) as caught:
        read_satcat(path)
    error = caught.value.errors[0]
    assert (error.file, error.row, error.field) == (str(path), line, field)
    assert reason in error.reason


def test_missing_columns_and_empty_files_are_clean_errors(tmp_path):
    with pytest.raises(ValidationError, match=r"missing column\(s\) 'DECAY_DATE'"):
        read_satcat(_write(tmp_path, "OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,LAUNCH_DATE\n"))
    with pytest.raises(ValidationError, match="no data rows"):
        read_satcat(_write(tmp_path, HEAD))
    with pytest.raises(ValidationError, match="no such file"):
        read_satcat(tmp_path / "absent.csv")


def test_byte_order_mark_and_extra_columns_are_read(tmp_path):
    path = _write(tmp_path, "\ufeff" + HEAD.rstrip("\n") + ",EXTRA\nA,7,PAY,2020-01-01,,550,540,x\n")
    assert read_satcat(path)["norad_id"].tolist() == [7]


CELL = st.one_of(st.none(), st.text(max_size=10), st.sampled_from(
    ["1", "0", "-1", "99999999999", "2020-01-01", "2019-12-31", "2020-02-30", "nan", "inf",
     "1e400", "550", "PAY", "DEB", "STARLINK-1", "", "٣", "١٢٣"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=7, max_size=7), min_size=1, max_size=5))
def test_fuzzed_catalogues_give_a_clean_error_or_a_valid_frame(tmp_path, rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*SATCAT_REQUIRED, "APOGEE", "PERIGEE"])
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    path = _write(tmp_path, out.getvalue())
    try:
        frame = read_satcat(path)
    except ValidationError as error:
        assert error.errors and all(e.file == str(path) for e in error.errors)
        return
    assert frame["norad_id"].between(1, 999_999_999).all() and frame["norad_id"].is_unique
    for column in ("apogee_km", "perigee_km"):
        values = frame[column].dropna()
        assert values.map(lambda v: abs(v) <= 1e7).all()
    launched = frame.dropna(subset=["decay_date"])
    assert (launched["decay_date"] >= launched["launch_date"]).all()
    constellation_counts(frame, CONSTELLATIONS, date(2025, 1, 1))  # never raises
