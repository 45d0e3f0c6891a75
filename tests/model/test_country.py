import pytest

from paxsilica.model.country import country_name, is_country, resolve_country


@pytest.mark.parametrize("text", ["South Korea", "Korea, Rep.", "KOR", "KR", "kr", "410",
                                  "Republic of Korea"])
def test_many_spellings_of_korea_resolve_to_kor(text):
    assert resolve_country(text) == "KOR"


@pytest.mark.parametrize(("text", "code"), [
    ("Taiwan", "TWN"), ("Burma", "MMR"), ("Congo (Kinshasa)", "COD"), ("Namibia", "NAM"),
    ("NA", "NAM"), ("United States", "USA"), ("Russia", "RUS"), ("Hong Kong", "HKG"),
])
def test_names_used_by_usgs_and_world_bank(text, code):
    assert resolve_country(text) == code


def test_aggregates_resolve_to_themselves_and_are_not_countries():
    assert resolve_country("world") == "WLD"
    assert resolve_country("row") == "ROW"
    assert not is_country("WLD")
    assert not is_country("EUROPE_MIDEAST")
    assert is_country("CHN")


@pytest.mark.parametrize("text", ["Atlantis", "XX", "", "QQQ"])
def test_unknown_countries_raise_with_the_value(text):
    with pytest.raises(KeyError):
        resolve_country(text)


def test_country_name_short_form():
    assert country_name("KOR") == "South Korea"
    assert country_name("WLD") == "World"
