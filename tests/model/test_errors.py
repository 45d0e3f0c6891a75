"""The one error hierarchy: user mistakes in model lookups are PaxsilicaErrors with clean text."""

import pytest

from paxsilica.errors import NotFoundError, ParameterError, PaxsilicaError
from paxsilica.model.country import resolve_country
from paxsilica.model.kinds import kind_named
from paxsilica.model.network import as_date


@pytest.mark.parametrize("call", [lambda: resolve_country("Atlantis"), lambda: resolve_country(""),
                                  lambda: kind_named("widgets")])
def test_unknown_names_are_not_found_errors_with_plain_messages(call) -> None:
    with pytest.raises(NotFoundError) as info:
        call()
    assert isinstance(info.value, PaxsilicaError)
    assert isinstance(info.value, KeyError)  # code catching KeyError keeps working
    assert not str(info.value).startswith(("'", '"'))  # not KeyError's repr quoting


def test_unknown_kind_lists_the_known_kinds() -> None:
    with pytest.raises(NotFoundError, match="known kinds: stages, items"):
        kind_named("widgets")


def test_malformed_date_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="malformed date '2026-13-01'"):
        as_date("2026-13-01")
