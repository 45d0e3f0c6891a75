"""UN Comtrade (Comtrade Plus) CSV reader on small files in the real column layout."""

import pytest

from paxsilica.errors import ValidationError
from paxsilica.io.comtrade import read_comtrade
from paxsilica.store import Store
from paxsilica.store.trade import import_trade_file, trade_flows

HEADER = ("typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,"
          "flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,"
          "classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,"
          "isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,"
          "isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,"
          "grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,"
          "isAggregate\n")


def row(reporter, flow, partner, cmd, value, weight="1000", customs="C00", mot="0", year="2023"):
    codes = {"JPN": "392", "CHN": "156", "USA": "842", "W00": "0", "S19": "490", "XYZ": "999"}
    return (f"C,A,{year}0101,{year},52,{year},{codes[reporter]},{reporter},{reporter} desc,{flow},"
            f"{'Import' if flow == 'M' else 'Export'},{codes[partner]},{partner},\"{partner}, desc\","
            f"0,W00,World,H6,HS,FALSE,{cmd},\"Permanent magnets, of metal\",6,TRUE,{customs},TOTAL,0,"
            f"{mot},TOTAL,8,kg,{weight},FALSE,-1,N/A,0,FALSE,{weight},FALSE,0,FALSE,{value},{value},"
            f"{value},0,TRUE,FALSE\n")


def write(tmp_path, *rows):
    path = tmp_path / "TradeData_2023.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_import_reports_win_and_export_reports_fill_gaps(tmp_path):
    path = write(tmp_path,
                 row("JPN", "M", "CHN", "850511", "2000000", "50000"),   # Japan's imports from China
                 row("CHN", "X", "JPN", "850511", "1900000", "48000"),   # China's mirror report: ignored
                 row("CHN", "X", "USA", "850511", "700000", "15000"),    # no US import report: used
                 row("JPN", "M", "W00", "850511", "9999999"),            # World total: skipped
                 row("JPN", "M", "S19", "854231", "3000000", "2000"),    # Taiwan processors
                 row("JPN", "M", "CHN", "850511", "5", customs="C01"),   # customs breakdown: skipped
                 row("JPN", "M", "CHN", "8505", "123"))                  # 4-digit aggregate: skipped
    frame = read_comtrade(path)
    magnets = frame[frame["item_id"] == "ndfeb_magnet"].set_index(["exporter", "importer"])
    assert magnets.loc[("CHN", "JPN"), "value_kusd"] == pytest.approx(2000.0)
    assert magnets.loc[("CHN", "JPN"), "quantity_t"] == pytest.approx(50.0)
    assert magnets.loc[("CHN", "USA"), "value_kusd"] == pytest.approx(700.0)
    assert len(magnets) == 2
    assert set(frame.loc[frame["hs6"] == "854231", "exporter"]) == {"TWN"}


@pytest.mark.parametrize(("bad", "field", "reason"), [
    (row("JPN", "M", "XYZ", "850511", "10"), "partnerISO", "unknown partner code 'XYZ'"),
    (row("JPN", "M", "CHN", "850511", "-10"), "primaryValue", "negative trade value"),
    (row("JPN", "M", "CHN", "850511", "10", weight="-3"), "netWgt", "negative net weight"),
    (row("JPN", "M", "CHN", "850511", "ten"), "primaryValue", "not a number"),
])
def test_bad_rows_give_line_and_field(tmp_path, bad, field, reason):
    path = write(tmp_path, row("JPN", "M", "CHN", "850511", "1"), bad)
    with pytest.raises(ValidationError) as info:
        read_comtrade(path)
    error = info.value.errors[0]
    assert (error.row, error.field) == (3, field)
    assert reason in error.reason


def test_wrong_columns_and_nothing_imported(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("year,reporter,partner,value\n2023,JPN,CHN,1\n", encoding="utf-8")
    store = Store(":memory:")
    with pytest.raises(ValidationError) as info:
        import_trade_file(store, path, dataset="comtrade")
    assert {e.field for e in info.value.errors} >= {"refYear", "flowCode", "cmdCode", "primaryValue"}
    assert trade_flows(store).empty


def test_files_per_reporter_add_up_and_mirror_reports_resolve_across_files(tmp_path):
    store = Store(":memory:")
    japan = tmp_path / "TradeData_JPN_2023.csv"
    japan.write_text(HEADER + row("JPN", "M", "CHN", "850511", "2000000"), encoding="utf-8")
    china = tmp_path / "TradeData_CHN_2023.csv"
    china.write_text(HEADER + row("CHN", "X", "JPN", "850511", "1900000")     # mirror of Japan's report
                     + row("CHN", "X", "USA", "850511", "700000"), encoding="utf-8")
    usa = tmp_path / "TradeData_USA_2023.csv"
    usa.write_text(HEADER + row("USA", "M", "JPN", "850511", "7000000"), encoding="utf-8")
    for path in (japan, china, usa):
        import_trade_file(store, path, dataset="comtrade")
    flows = trade_flows(store).set_index(["exporter", "importer"])["value_kusd"]
    # Japan's own import report wins over China's export report of the same flow
    assert flows.to_dict() == {("CHN", "JPN"): 2000.0, ("CHN", "USA"): 700.0, ("JPN", "USA"): 7000.0}
    # re-importing one reporter's file replaces only that reporter's rows
    japan.write_text(HEADER + row("JPN", "M", "CHN", "850511", "2500000"), encoding="utf-8")
    import_trade_file(store, japan, dataset="comtrade")
    flows = trade_flows(store).set_index(["exporter", "importer"])["value_kusd"]
    assert flows.to_dict() == {("CHN", "JPN"): 2500.0, ("CHN", "USA"): 700.0, ("JPN", "USA"): 7000.0}


@pytest.mark.parametrize("bad", ["nan", "inf", "1e400", "-inf"])
def test_values_must_be_finite(tmp_path, bad):
    path = write(tmp_path, row("JPN", "M", "CHN", "850511", bad))
    with pytest.raises(ValidationError) as info:
        read_comtrade(path)
    assert {(e.row, e.field) for e in info.value.errors} == {(2, "primaryValue")}


def test_numeric_comtrade_codes_and_non_country_partners(tmp_path):
    path = tmp_path / "codes_only.csv"
    path.write_text("refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n"
                    "2023,842,156,M,850511,1000\n"      # 842: Comtrade's code for the USA
                    "2023,699,251,M,850511,2000\n"      # India from France (Comtrade codes)
                    "2023,842,899,M,850511,5000\n",     # 899 "Areas, nes": not a country, skipped
                    encoding="utf-8")
    frame = read_comtrade(path)
    assert sorted(zip(frame["exporter"], frame["importer"], strict=True)) == [("CHN", "USA"), ("FRA", "IND")]
    iso = write(tmp_path, row("JPN", "M", "CHN", "850511", "1000")).read_text(encoding="utf-8")
    path.write_text(iso + iso.splitlines()[1].replace(",CHN,", ",_X,") + "\n", encoding="utf-8")
    assert list(read_comtrade(path)["exporter"]) == ["CHN"]


def test_tab_separated_and_gzip_bulk_files(tmp_path):
    import gzip

    text = HEADER + row("JPN", "M", "CHN", "850511", "2000000")
    tabbed = "\n".join(line.replace('"Permanent magnets, of metal"', "Permanent magnets of metal")
                       .replace('"CHN, desc"', "CHN desc").replace(",", "\t")
                       for line in text.splitlines()) + "\n"
    path = tmp_path / "TradeData.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(tabbed)
    frame = read_comtrade(path)
    assert frame["value_kusd"].tolist() == [2000.0]


@pytest.mark.parametrize(("text", "row_number", "reason"), [
    (HEADER, None, "no data rows"),
    (HEADER + row("JPN", "M", "CHN", "850511", "1") + "2023,392,JPN\n", 3, "fields, found 3"),
    ("", None, "empty"),
])
def test_unreadable_files_say_where(tmp_path, text, row_number, reason):
    path = tmp_path / "TradeData.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_comtrade(path)
    error = info.value.errors[0]
    assert error.row == row_number and reason in error.reason and error.file == str(path)


def test_area_partners_are_skipped_and_chapter_files_add_up(tmp_path):
    numeric = tmp_path / "areas.csv"
    numeric.write_text("refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n"
                       "2023,392,156,M,850511,1000\n"
                       "2023,392,568,M,850511,7\n"     # Other Europe, nes
                       "2023,392,492,M,850511,8\n",    # Europe EU, nes (not Monaco)
                       encoding="utf-8")
    assert read_comtrade(numeric)["exporter"].tolist() == ["CHN"]
    iso = tmp_path / "iso.csv"
    iso.write_text(HEADER + row("JPN", "M", "CHN", "850511", "1000")
                   + row("JPN", "M", "CHN", "850511", "5").replace(",CHN,", ",E19,"), encoding="utf-8")
    assert read_comtrade(iso)["value_kusd"].tolist() == [1.0]
    store = Store(":memory:")
    chapter85 = write(tmp_path, row("JPN", "M", "CHN", "850511", "2000000"))
    import_trade_file(store, chapter85, dataset="comtrade")
    chapter28 = tmp_path / "TradeData_JPN_2023_ch28.csv"
    chapter28.write_text(HEADER + row("JPN", "M", "CHN", "284690", "300000"), encoding="utf-8")
    import_trade_file(store, chapter28, dataset="comtrade")
    assert set(trade_flows(store)["hs6"]) == {"850511", "284690"}


def test_rows_stored_before_reporters_were_kept_are_replaced_not_doubled(tmp_path):
    from paxsilica.store.trade import import_trade

    store = Store(":memory:")
    legacy = read_comtrade(write(tmp_path, row("JPN", "M", "CHN", "850511", "2500000"))).drop(columns="reporter")
    import_trade(store, legacy, dataset="comtrade", file="old.csv")        # as older versions stored it
    assert trade_flows(store)["reporter"].isna().all()
    import_trade_file(store, write(tmp_path, row("JPN", "M", "CHN", "850511", "2500000")), dataset="comtrade")
    assert trade_flows(store)["value_kusd"].sum() == pytest.approx(2500.0)
