"""Name normalisation: scripts, legal forms in several languages, abbreviations."""

from __future__ import annotations

import pytest

from paxsilica.certify.screening.normalize import name_form


@pytest.mark.parametrize(("raw", "core"), [
    ("HUAWEI TECHNOLOGIES CO., LTD.", "huawei technology"),
    ("Huawei Technologies Company Limited", "huawei technology"),
    ("Siemens Aktiengesellschaft", "siemens"),
    ("Example Werke GmbH & Co. KG", "example werke"),
    ("Société Exemple S.A.", "societe exemple"),
    ("Exemplo Ltda.", "exemplo"),
    ("OOO Romashka", "romashka"),
    ("PT Contoh Tbk", "contoh"),
    ("Rei Kabushiki Kaisha", "rei"),
    ("ＺＴＥ　Ｃｏｒｐｏｒａｔｉｏｎ", "zte"),
    ("Zhejiang Dahua Tech. Grp.", "zhejiang dahua technology group"),
    ("Quectel Wireless Sol.", "quectel wireless solutions"),
    ("China Electronics Tech Grp Corp", "china electronics technology group"),
    ("Huawei Technolgies", "huawei technology"),  # a typo in a generic word is corrected
    ("S.M.I.C.", "smic"),                            # initials joined
    ("A. O. Kaspersky Lab", "kaspersky lab"),
])
def test_core_names(raw, core):
    assert name_form(raw).core == core


@pytest.mark.parametrize("form", [
    "Sp. z o.o.", "sp. z o. o.", "sp. k.", "S.A.", "s.r.o.", "spol. s r.o.", "a.s.", "S.p.A.",
    "S.r.l.", "B.V.", "N.V.", "A/S", "AB", "AB (publ)", "Oy", "Oyj", "Pte. Ltd.", "Sdn. Bhd.",
    "Berhad", "LLC", "JSC", "PJSC", "K.K.", "Pty Ltd", "(Pty) Ltd", "S.A. de C.V.",
    "S. de R.L. de C.V.", "Ltda.", "Cía. Ltda.", "Lda.", "SE", "KGaA", "Kft.", "d.o.o.",
    "d.d.", "UAB", "OÜ", "Ltd. Şti.", "Limitada", "S.L.U.", "SASU", "W.L.L.", "FZE", "PSC",
    "ТОВ", "Общество с ограниченной ответственностью", "Youxian Gongsi",
])
def test_legal_forms_of_many_countries_are_removed(form):
    assert name_form(f"Example Werke {form}").core == "example werke"


def test_short_forms_that_are_also_initials_are_removed_only_at_the_end():
    assert name_form("Example SE").core == "example"
    assert name_form("SE Example").core == "se example"
    assert name_form("UAB Example").core == "example"  # written before the name


def test_chinese_legal_forms_are_removed_before_transliteration():
    assert name_form("华为技术有限公司").core == name_form("华为技术股份有限公司").core
    assert name_form("华为技术有限公司").tokens == ("hua", "wei", "ji", "shu")


def test_distinct_name_drops_places_and_generic_words():
    assert name_form("Hangzhou Hikvision Digital Technology Co., Ltd.").distinct == "hikvision"
    # a name made only of weak words keeps them
    assert name_form("China Technology Group").distinct == "china technology group"


def test_placeless_name_drops_cities_and_provinces_not_countries():
    form = name_form("Shenzhen DJI Co., Ltd.")
    assert (form.core, form.placeless, form.regions) == ("shenzhen dji", "dji",
                                                         frozenset({"guangdong"}))
    assert name_form("Hikvision (Hangzhou)").placeless == "hikvision"
    assert name_form("Hong Kong Telecom").placeless == "telecommunications"  # two words
    assert name_form("China Mobile").placeless == "china mobile"  # a country stays
    assert name_form("Huawei Technologies").regions == frozenset()


def test_place_is_kept_when_only_weak_words_would_remain():
    form = name_form("Beijing Institute of Technology")
    assert form.placeless == form.core == "beijing institute technology"
    assert form.regions == frozenset({"beijing"})


def test_legal_form_inside_a_name_is_dropped_only_when_long():
    assert name_form("State Corporation Rostec").core == "state rostec"
    assert name_form("AS Example AS").core == "example"
    assert "as" in name_form("Example AS Trading").tokens
