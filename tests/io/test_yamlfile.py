"""The one YAML loader: hostile documents give one ValidationError naming file, line and key;
ordinary documents load exactly as PyYAML's safe loader loads them (the oracle)."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.yamlfile import YamlDocument, load_yaml, with_lines
from paxsilica.limits import MAX_NESTING


def _bomb(width: int = 9, depth: int = 10) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def _merge_bomb(depth: int = 25) -> str:
    lines = ["m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i}\n  <<: [" + ", ".join([f"*m{i - 1}"] * 9) + "]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "expected"), [
    (_bomb(), "s.yaml row 7, field 'a6': more than 1,000,000 values once aliases are expanded"),
    (_merge_bomb(), "s.yaml row 13, field 'm6': more than 1,000,000 values"),
    ("[" * 20_000, "s.yaml row 1: nested more than 32 levels deep"),
    ("a:\n  " + "[" * 40 + "]" * 40 + "\n", "s.yaml row 2: nested more than 32 levels deep"),
    ("a: &a [*a]\n", "s.yaml row 1, field 'a[0]': an alias refers to a node that contains it"),
    ("a: &a\n  b: *a\n", "field 'a.b': an alias refers to a node that contains it"),
    ("start_date: 2026-02-30\n", "s.yaml row 1, field 'start_date': cannot read the value: day is out of range"),
    ("days: " + "9" * 100_000 + "\n", "s.yaml row 1, field 'days': cannot read the value"),
    ("a: 1\nb: 2\na: 3\n", "s.yaml row 3, field 'a': duplicate key 'a' (first on line 1)"),
    ("x:\n  a: 1\n  'a': 2\n", "s.yaml row 3, field 'x.a': duplicate key 'a' (first on line 2)"),
    ("x: [{k: 1, k: 2}]\n", "field 'x[0].k': duplicate key 'k'"),
    ("? 1\n: a\n? 0x1\n: b\n", "duplicate key '0x1'"),
    ("!!python/object/apply:os.system [echo hi]\n", "s.yaml row 1: not valid YAML: could not determine a constructor"),
    ("name: x\nevents: [\n", "s.yaml row 3: not valid YAML:"),
    ("a: 1\n---\nb: 2\n", "s.yaml row 2: not valid YAML: expected a single document in the stream, but found another"),
    ("a: *nowhere\n", "not valid YAML: found undefined alias 'nowhere'"),
    ("? [a, b]\n: 1\n", "not valid YAML: found unhashable key"),
])
def test_hostile_documents_are_one_line_errors(text, expected):
    with pytest.raises(ValidationError) as caught:
        load_yaml(text, "s.yaml")
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and len(caught.value.errors) == 1


def test_bytes_must_be_utf8_and_a_bom_is_dropped():
    with pytest.raises(ValidationError, match=r"s.yaml row 2: not valid UTF-8 \(byte 0xe9 at offset 15\)"):
        load_yaml(b"name: plain\nnam\xe9: latin-1\n", "s.yaml")
    assert load_yaml("\ufeffa: 1\n".encode(), "s.yaml").data == {"a": 1}


def test_files_are_named(tmp_path):
    with pytest.raises(ValidationError, match=r"missing\.yaml: cannot read: file not found"):
        load_yaml(tmp_path / "missing.yaml")
    with pytest.raises(ValidationError, match="is a directory, not a file"):
        load_yaml(tmp_path)
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a: 1\na: 2\n")
    with pytest.raises(ValidationError, match=rf"{path} row 2, field 'a': duplicate key"):
        load_yaml(path)


def test_merge_keys_may_be_overridden_and_aliases_share_values():
    document = load_yaml("base: &b {x: 1, y: [1, 2]}\nc:\n  <<: *b\n  x: 2\nd: *b\n")
    assert document.data == {"base": {"x": 1, "y": [1, 2]}, "c": {"x": 2, "y": [1, 2]},
                             "d": {"x": 1, "y": [1, 2]}}


def test_dates_are_dates_unless_asked_for_text():
    assert load_yaml("d: 2026-01-02\n").data == {"d": datetime.date(2026, 1, 2)}
    assert load_yaml("d: 2026-02-30\n", dates=False).data == {"d": "2026-02-30"}


def test_nesting_at_the_bound_is_read_and_the_bound_is_configurable():
    at_bound = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert load_yaml(at_bound).data is not None
    with pytest.raises(ValidationError, match="nested more than 3 levels"):
        load_yaml("[[[[1]]]]", max_depth=3)
    # through aliases: each anchor is shallow, the expansion is not
    chained = "a: &a [[[1]]]\nb: &b [[*a]]\nc: [[*b]]\n"
    with pytest.raises(ValidationError, match=r"field 'c.*nested more than 6 levels deep \(through aliases\)"):
        load_yaml(chained, max_depth=6)
    assert load_yaml(chained, max_depth=9).data["c"] == [[[[[[[1]]]]]]]


def test_line_of_keys_in_both_spellings():
    document = load_yaml("name: x\nevents:\n  - kind: ban\n    start: 5\n  - kind: cut\n    start: 7\n")
    assert document.line_of("events[1].start") == 6
    assert document.line_of("events.1.start") == 6  # pydantic's location
    assert document.line_of("events.1.missing") == 5  # the closest enclosing key
    assert document.line_of("nowhere") is None and document.line_of(None) is None
    error = with_lines(ValidationError([RowError("s.yaml", None, "events.0.start", "bad")]), document)
    assert str(error) == "s.yaml row 4, field 'events.0.start': bad"


def test_empty_document_is_none():
    assert load_yaml("") == YamlDocument(None, "<yaml>")
    assert load_yaml("# only a comment\n").data is None


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                     st.floats(allow_nan=False), st.text(max_size=20))
_documents = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_ordinary_documents_load_as_pyyaml_loads_them(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    assert load_yaml(text).data == yaml.safe_load(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab:-[]{}&*!?|>'\"#%@`,\n \t.1<~", "\x00", "é", "2026-02-30", "<<"]),
                max_size=40).map("".join))
def test_any_text_is_a_value_or_one_clean_error(text):
    try:
        load_yaml(text, "f.yaml")
    except ValidationError as exc:
        assert str(exc).startswith("f.yaml") and "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=60))
def test_any_bytes_are_a_value_or_one_clean_error(data):
    try:
        load_yaml(data, "f.yaml")
    except ValidationError as exc:
        assert str(exc).startswith("f.yaml") and "\n" not in str(exc)
