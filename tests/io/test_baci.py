"""BACI reader and trade import on small files in the real BACI layout (made by the tests)."""

import pandas as pd
import pytest

from paxsilica.errors import ValidationError
from paxsilica.io.baci import read_baci
from paxsilica.io.hs_items import hs_item_map
from paxsilica.store import Store
from paxsilica.store.trade import import_trade_file, trade_flows

CODES = ("country_code,country_name,country_iso2,country_iso3\n"
         "36,Australia,AU,AUS\n156,China,CN,CHN\n392,Japan,JP,JPN\n490,\"Other Asia, nes\",,S19\n"
         "842,USA,US,USA\n899,\"Areas, nes\",,XXX\n")
GOOD = ("t,i,j,k,v,q\n"
        "2022,156,392,850511,1500.25,120.5\n"      # magnets CN -> JP
        "2022,36,392,284690,300,NA\n"              # REE compounds AU -> JP, quantity unknown
        "2022,490,842,854231,9000.5,2.1\n"         # processors Taiwan -> US
        "2022,156,842,10121,5.0,1\n")              # horses (leading zero lost): not mapped


@pytest.fixture()
def files(tmp_path):
    codes = tmp_path / "country_codes_V202401.csv"
    codes.write_text(CODES, encoding="utf-8")

    def write(text):
        path = tmp_path / "BACI_HS22_Y2022_V202401.csv"
        path.write_text(text, encoding="utf-8")
        return path, codes

    return write


def test_reads_mapped_rows_in_iso3_and_units(files):
    path, codes = files(GOOD)
    frame = read_baci(path, codes)
    magnets = frame[frame["item_id"] == "ndfeb_magnet"].iloc[0]
    assert (magnets["exporter"], magnets["importer"], magnets["hs6"]) == ("CHN", "JPN", "850511")
    assert magnets["value_kusd"] == 1500.25 and magnets["quantity_t"] == 120.5
    compounds = frame[frame["hs6"] == "284690"]
    # 2846.90 maps to NdPr oxide and (through heading 2846) to separated oxides
    assert sorted(compounds["item_id"]) == ["ndpr_oxide", "rare_earth_oxide"]
    assert compounds["quantity_t"].isna().all()
    chips = frame[frame["hs6"] == "854231"]
    assert set(chips["exporter"]) == {"TWN"}  # code 490 is Taiwan
    assert set(chips["item_id"]) == {"gpu_accelerator", "logic_die", "server_cpu"}
    assert "010121" not in set(frame["hs6"])


def test_every_mapping_code_is_in_the_catalogue(net):
    codes = dict(zip(net.items["item_id"], net.items["hs_codes"], strict=True))
    for row in hs_item_map().itertuples():
        assert row.hs_code in codes[row.item_id], (row.hs_code, row.item_id)
        assert row.source and row.confidence in {"high", "medium", "low"}


@pytest.mark.parametrize(("text", "line", "field", "reason"), [
    ("t,i,j,k,v,q\n2022,156,999,850511,1,1\n", 2, "j", "unknown BACI country code '999'"),
    ("t,i,j,k,v,q\n2022,156,392,850511,-4,1\n", 2, "v", "negative trade value"),
    ("t,i,j,k,v,q\n2022,156,392,850511,1,1\n2022,156,392,850511,1,-2\n", 3, "q", "negative quantity"),
    ("t,i,j,k,v,q\n2022,156,392,850511,abc,1\n", 2, "v", "not a number"),
    ("t,i,j,k,v,q\n2022,156,392,85051X,1,1\n", 2, "k", "not an HS6 product code"),
    ("t,i,j,k,v,q\n22x,156,392,850511,1,1\n", 2, "t", "not a year"),
    ("t,i,j,k,v,q\n2022,899,392,850511,1,1\n", 2, "i", "not a country paxsilica knows"),
])
def test_bad_rows_name_file_line_and_field(files, text, line, field, reason):
    path, codes = files(text)
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    error = info.value.errors[0]
    assert (error.row, error.field) == (line, field)
    assert reason in error.reason and error.file == str(path)


def test_missing_columns_are_listed(files):
    path, codes = files("t,i,j,k,value\n2022,156,392,850511,1\n")
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert {e.field for e in info.value.errors} == {"v", "q"}


def test_every_problem_is_collected(files):
    path, codes = files("t,i,j,k,v,q\n2022,156,999,850511,-1,1\n2022,156,392,850511,2,x\n")
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert {(e.row, e.field) for e in info.value.errors} == {(2, "j"), (2, "v"), (3, "q")}


def test_bad_file_imports_nothing_and_good_file_is_idempotent(files):
    store = Store(":memory:")
    path, codes = files(GOOD)
    first = import_trade_file(store, path, dataset="baci", codes=codes)
    assert first.rows == len(read_baci(path, codes)) and first.years == (2022,)
    import_trade_file(store, path, dataset="baci", codes=codes)
    assert len(trade_flows(store)) == first.rows
    bad, _ = files(GOOD + "2022,156,392,850511,-1,1\n")
    with pytest.raises(ValidationError):
        import_trade_file(store, bad, dataset="baci", codes=codes)
    assert len(trade_flows(store)) == first.rows
    log = store.imports()
    assert (log["kind"] == "trade_flows").sum() == 2


def test_streams_a_larger_file_through_duckdb(files):
    keys = pd.MultiIndex.from_product([range(1901, 2101), [36, 156, 392, 842], [36, 156, 392, 842],
                                       [850511, 280530, 999999]], names=["t", "i", "j", "k"])
    rows = keys.to_frame(index=False).assign(v=1.0, q="NA")  # 9,600 distinct (t, i, j, k)
    path, codes = files(rows.to_csv(index=False))
    frame = read_baci(path, codes)
    # 280530 maps to two items, 999999 to none
    assert len(frame) == 3200 + 2 * 3200


def test_cli_trade_import_reports_bad_rows_and_imports_good_files(files, tmp_path):
    from typer.testing import CliRunner

    from paxsilica.cli.app import app

    runner = CliRunner()
    db = str(tmp_path / "t.duckdb")
    bad, codes = files("t,i,j,k,v,q\n2022,156,999,850511,1,1\n")
    result = runner.invoke(app, ["--db", db, "trade", "import", "--format", "baci", str(bad),
                                 "--codes", str(codes)])
    assert result.exit_code == 2
    assert "row 2, field 'j'" in result.output and "Traceback" not in result.output
    good, codes = files(GOOD)
    result = runner.invoke(app, ["--db", db, "trade", "import", "--format", "baci", str(good),
                                 "--codes", str(codes)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", db, "trade", "status", "--format", "csv"])
    assert "ndfeb_magnet" in result.stdout


@pytest.mark.parametrize(("text", "field"), [
    ("t,i,j,k,v,q\n2022,156,392,850511,nan,1\n", "v"),
    ("t,i,j,k,v,q\n2022,156,392,850511,inf,1\n", "v"),
    ("t,i,j,k,v,q\n2022,156,392,850511,1e400,1\n", "v"),
    ("t,i,j,k,v,q\n2022,156,392,850511,1,nan\n", "q"),
])
def test_values_and_quantities_must_be_finite(files, text, field):
    path, codes = files(text)
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert {(e.row, e.field) for e in info.value.errors} == {(2, field)}


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("t,i,j,k,v,q\n2022,156,392,850511,1\n", 2, "expected 6 fields, found 5"),
    ("t,i,j,k,v,q\n2022,156,392,850511,1,1\n2022,156,392,850511,1,1,9\n", 3, "expected 6 fields, found 7"),
    ("t,i,j,k,v,q\n", None, "no data rows"),
])
def test_rows_with_the_wrong_number_of_fields(files, text, line, reason):
    path, codes = files(text)
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    error = info.value.errors[0]
    assert (error.row, error.field) == (line, None) and reason in error.reason


def test_encoding_errors_name_the_line_anywhere_in_the_file(files, tmp_path):
    path, codes = files(GOOD)
    # a Latin-1 name far below the first 8 KB of the country table
    filler = "".join(f"{900 + n},Place {n},,\n" for n in range(800))
    latin = tmp_path / "country_codes_latin1.csv"
    latin.write_bytes((CODES + filler).encode("utf-8") + "384,Côte d'Ivoire,CI,CIV\n".encode("latin-1"))
    lines = (CODES + filler).count("\n") + 1
    with pytest.raises(ValidationError) as info:
        read_baci(path, latin)
    error = info.value.errors[0]
    assert (error.file, error.row) == (str(latin), lines) and "UTF-8" in error.reason
    bad = tmp_path / "BACI_latin1.csv"
    bad.write_bytes(GOOD.encode() + "2022,156,392,850511,1,\xe9\n".encode("latin-1"))
    with pytest.raises(ValidationError) as info:
        read_baci(bad, codes)
    assert info.value.errors[0].row == GOOD.count("\n") + 1


def test_several_files_import_all_or_nothing(files, tmp_path):
    from paxsilica.store.trade import import_trade_files

    store = Store(":memory:")
    good, codes = files(GOOD)
    bad = tmp_path / "BACI_HS22_Y2023_V202401.csv"
    bad.write_text("t,i,j,k,v,q\n2023,156,999,850511,1,1\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        import_trade_files(store, [good, bad], dataset="baci", codes=codes)
    assert trade_flows(store).empty
    assert (store.imports()["kind"] == "trade_flows").sum() == 0


def test_former_countries_of_early_baci_years_are_kept(tmp_path):
    codes = tmp_path / "country_codes_V202401.csv"
    codes.write_text(CODES + "530,Netherlands Antilles,AN,ANT\n", encoding="utf-8")
    path = tmp_path / "BACI_HS92_Y1996_V202401.csv"
    path.write_text("t,i,j,k,v,q\n1996,530,392,850511,4,1\n", encoding="utf-8")
    assert read_baci(path, codes)["exporter"].tolist() == ["ANT"]


def test_header_with_a_trailing_comma_or_a_repeated_column(files):
    path, codes = files("t,i,j,k,v,q,\n2022,156,392,850511,1.5,1,\n")
    assert read_baci(path, codes)["value_kusd"].tolist() == [1.5]
    path, codes = files("t,i,j,k,v,q,v\n2022,156,392,850511,1.5,1,2\n")
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert [(e.row, e.field) for e in info.value.errors] == [(1, "v")]
    assert "more than once" in info.value.errors[0].reason


def test_row_numbers_count_blank_lines_and_quoted_line_breaks(files):
    path, codes = files("t,i,j,k,v,q\n2022,156,392,850511,1,1\n\n2022,156,392,850512,-4,1\n")
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert [(e.row, e.field) for e in info.value.errors] == [(4, "v")]
    path, codes = files('t,i,j,k,v,q\n2022,156,392,"8505\n11",1,1\n2022,156,392,850512,-4,1\n')
    with pytest.raises(ValidationError) as info:
        read_baci(path, codes)
    assert sorted((e.row, e.field) for e in info.value.errors) == [(2, "k"), (4, "v")]
