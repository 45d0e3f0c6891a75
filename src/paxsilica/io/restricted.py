"""The common shape of restricted-party list entities, whatever file they came from.

Every list reader (:mod:`~paxsilica.io.opensanctions`, :mod:`~paxsilica.io.ftm`,
:mod:`~paxsilica.io.csl`, :mod:`~paxsilica.io.fcc_covered`, :mod:`~paxsilica.io.dod_1260h`)
returns a DataFrame with :data:`ENTITY_COLUMNS`; list-valued cells are Python lists.

Readers check cells with :func:`list_countries` (unknown countries are errors) and
:func:`list_date` (real calendar dates); :func:`country_codes` is the lenient form for
screening queries. :func:`check_ownership` validates ownership links from any source.

Example:
    >>> split_multi("Huawei; HUAWEI TECHNOLOGIES ;")
    ['Huawei', 'HUAWEI TECHNOLOGIES']
    >>> country_codes(["cn", "China", "Atlantis"])
    ['CHN', 'ATLANTIS']
    >>> errors = []
    >>> list_countries(["cn", "ZZ"], "l.csv", 2, "countries", errors), str(errors[0])
    (['CHN'], "l.csv row 2, field 'countries': unknown country 'ZZ' (use an ISO code or an English name)")
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import Table, not_a_file
from paxsilica.limits import MAX_NAME_LENGTH
from paxsilica.model.country import resolve_country

__all__ = ["ENTITY_COLUMNS", "MAX_JSON_DEPTH", "check_columns", "check_ownership",
           "country_codes", "entity_frame", "list_countries", "list_date", "name_length_problem",
           "read_text", "split_multi", "strict_json"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY_ALIASES = {"XK": "XKX", "XKX": "XKX"}
"""Kosovo's user-assigned codes, used by OpenSanctions and the CSL but not by ISO."""

ENTITY_COLUMNS = ["entity_id", "schema", "name", "aliases", "countries", "identifiers",
                  "programs", "dataset", "listed_on", "target"]
"""entity_id: id in the list; schema: Company, Organization, Person…; aliases, countries
(ISO3 where recognised), identifiers: lists; programs: sanctions programme or reason;
dataset: the source list; listed_on: ISO date of listing when the list gives one;
target: False for entities a list carries only as context (FtM ``"target": false``, e.g. an
unlisted subsidiary); they are not screened but name ownership-path nodes."""


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path``; a clear :class:`ValidationError` when missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise not_a_file(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError([RowError(str(path), line, None,
                                        f"not valid UTF-8 at byte offset {exc.start}")]) from None


MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects accepted in a JSON document (a CycloneDX BOM
nests components two levels per tier, so 50 tiers; real BOMs stay far below)."""
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class _DuplicateKeyError(ValueError):
    pass


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKeyError(key)
        data[key] = value
    return data


def strict_json(text: str, file: str, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Parse one JSON document, refusing what a reader could take two ways or that
    would exhaust the parser: an object with the same key twice (a first-key-wins reader
    and a last-key-wins reader see different documents) and nesting deeper than
    ``max_depth``.

    Raises:
        ValidationError: not JSON, a duplicate key, or too deep (naming the line).

    Example:
        >>> strict_json('{"a": [1, {"b": 2}]}', "x.json")
        {'a': [1, {'b': 2}]}
        >>> try:
        ...     strict_json('{"verdict": "pass", "verdict": "fail"}', "c.json")
        ... except ValidationError as exc:
        ...     print(str(exc)[:64])
        c.json row 1, field 'verdict': duplicate key 'verdict' in a JSON
    """
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise ValidationError([RowError(file, line, None,
                                                f"JSON nested deeper than {max_depth} levels "
                                                "(refused)")])
        elif token in "]}":
            depth -= 1
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except _DuplicateKeyError as exc:
        key = exc.args[0]
        quoted = json.dumps(key, ensure_ascii=False)
        position = text.find(quoted)
        position = text.find(quoted, position + 1) if position >= 0 else -1
        line = text.count("\n", 0, position) + 1 if position >= 0 else None
        raise ValidationError([RowError(file, line, key,
                                        f"duplicate key {key!r} in a JSON object (refused: "
                                        "readers disagree on which value counts)")]) from None
    except json.JSONDecodeError as exc:
        raise ValidationError([RowError(file, exc.lineno, None,
                                        f"not valid JSON: {exc.msg}")]) from None
    except RecursionError:  # a depth the scan above let through on a small stack
        raise ValidationError([RowError(file, None, None, "JSON nested too deeply "
                                                          "(refused)")]) from None


def split_multi(value: object, separator: str = ";") -> list[str]:
    """Split a multi-valued cell, dropping blanks (``None`` → ``[]``)."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def country_codes(values: Iterable[str]) -> list[str]:
    """ISO3 codes for names or codes; unrecognised values are kept upper-cased."""
    codes: list[str] = []
    for value in values:
        try:
            code = resolve_country(value)
        except KeyError:
            code = value.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


FTM_CODE = re.compile(r"[a-z]{2}(-[a-z0-9]{1,5})?|[a-z]{4}")
"""The shape of FollowTheMoney country codes beyond ISO 3166-1: ``zz`` (global), former
countries (``suhh``, ``csxx``, ``yucs``) and territories (``ua-cri``, ``ge-ab``, ``md-pmr``)."""


def list_countries(values: Iterable[str], file: str, row: int, field: str,
                   errors: list[RowError], ftm_codes: bool = False) -> list[str]:
    """ISO3 codes for the country names or codes of one list cell; each unknown value
    adds a :class:`RowError` to ``errors`` (and is left out).

    ``ftm_codes``: for machine-written FtM/OpenSanctions cells, a lower-case code of the
    FtM shape that is not an ISO country (``zz``, ``suhh``, ``ua-cri``) is kept, upper-cased,
    instead of being an error: those lists use them for real entities.
    """
    codes: list[str] = []
    for value in values:
        code = _COUNTRY_ALIASES.get(str(value).strip().upper())
        if code is None:
            try:
                code = resolve_country(value)
            except KeyError as exc:
                raw = str(value).strip()
                if ftm_codes and FTM_CODE.fullmatch(raw):
                    code = raw.upper()
                else:
                    errors.append(RowError(file, row, field, str(exc.args[0])))
                    continue
        if code not in codes:
            codes.append(code)
    return codes


def list_date(value: object, file: str, row: int, field: str, errors: list[RowError],
              timestamp: bool = False) -> str | None:
    """The ISO date (``YYYY-MM-DD``) of a cell, ``None`` when empty; a value that is not
    a real date adds a :class:`RowError`. ``timestamp``: ISO date-times are accepted too
    (``2021-01-05T00:00:00``, as OpenSanctions and FtM write them)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if timestamp and not _DATE.match(text):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        if _DATE.match(text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    expected = "an ISO date or date-time" if timestamp else "a date YYYY-MM-DD"
    errors.append(RowError(file, row, field, f"expected {expected}, got {text!r}"))
    return None


def name_length_problem(name: object) -> str | None:
    """Why ``name`` is too long to screen (``None`` when it is not): at most
    :data:`~paxsilica.limits.MAX_NAME_LENGTH` characters.

    >>> name_length_problem("Huawei") is None, name_length_problem("A" * 5000)
    (True, '5,000 characters; a name has at most 1,000')
    """
    length = len(str(name))
    if length > MAX_NAME_LENGTH:
        return f"{length:,} characters; a name has at most {MAX_NAME_LENGTH:,}"
    return None


def check_columns(table: Table, required: Iterable[str], what: str) -> None:
    """Raise one :class:`ValidationError` naming every missing column."""
    missing = [column for column in required if column not in table.frame.columns]
    if missing:
        raise ValidationError([RowError(table.file, 1, column,
                                        f"missing column for a {what} file") for column in missing])


def entity_frame(records: list[dict], file: str, rows: list[int]) -> pd.DataFrame:
    """Build the entity DataFrame; every record needs an ``entity_id`` and a ``name``.

    ``rows`` gives each record's line in ``file`` so errors can name it.
    """
    errors = []
    seen: dict[str, int] = {}
    for record, row in zip(records, rows, strict=True):
        if not record.get("name"):
            errors.append(RowError(file, row, "name", "empty name"))
        elif (reason := name_length_problem(record["name"])) is not None:
            errors.append(RowError(file, row, "name", reason))
        aliases = record.get("aliases")
        for alias in aliases if isinstance(aliases, list) else []:
            if (reason := name_length_problem(alias)) is not None:
                errors.append(RowError(file, row, "aliases", f"an alias of {reason}"))
                break
        if not record.get("entity_id"):
            errors.append(RowError(file, row, "id", "empty id"))
        elif not isinstance(record["entity_id"], str):
            errors.append(RowError(file, row, "id", "expected a string, got a "
                                                    f"{type(record['entity_id']).__name__}"))
        elif record["entity_id"] in seen:
            errors.append(RowError(file, row, "id", f"duplicate id {record['entity_id']!r} "
                                                    f"(first on row {seen[record['entity_id']]})"))
        else:
            seen[record["entity_id"]] = row
    if errors:
        raise ValidationError(errors)
    frame = pd.DataFrame.from_records(records, columns=ENTITY_COLUMNS)
    frame["target"] = [record.get("target", True) is not False for record in records]
    for column in ("aliases", "countries", "identifiers"):
        frame[column] = frame[column].map(lambda v: v if isinstance(v, list) else [])
    return frame


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().isin(["", "nan"])


def check_ownership(links: pd.DataFrame, file: str = "ownership", first_row: int = 2,
                    rows: list[int] | None = None, allow_missing: bool = False,
                    limit_totals: bool = True) -> pd.DataFrame:
    """Validate ``owner, owned, percentage`` rows (percent in (0, 100]); return typed copy.

    ``rows`` gives each row's line in ``file`` (default: ``first_row`` + position);
    ``allow_missing``: an empty percentage is allowed (NaN; it adds nothing to a total);
    ``limit_totals``: the owners of one entity may hold at most 100% in total (False for
    machine-made streams that carry the same holding from several sources).

    Raises:
        ValidationError: missing column, empty owner/owned, self-ownership, bad percentage,
            or (``limit_totals``) more than 100% of one entity owned in total.
    """
    missing = [c for c in ("owner", "owned", "percentage") if c not in links.columns]
    if missing:
        raise ValidationError([RowError(file, 1, c, "missing column") for c in missing])
    frame = links.reset_index(drop=True).copy()
    lines = list(rows) if rows is not None else list(range(first_row, first_row + len(frame)))
    shares = pd.to_numeric(frame["percentage"], errors="coerce")
    in_range = (shares > 0) & (shares <= 100)
    bad_share = ~in_range & (frame["percentage"].notna() if allow_missing else True)
    no_owner, no_owned = _blank(frame["owner"]), _blank(frame["owned"])
    long_owner = frame["owner"].astype(str).str.len() > MAX_NAME_LENGTH
    long_owned = frame["owned"].astype(str).str.len() > MAX_NAME_LENGTH
    too_long = f"longer than {MAX_NAME_LENGTH:,} characters"
    checks = [  # (rows, field, reason) in the order one row's problems are reported
        (no_owner, "owner", "empty"),
        (no_owned, "owned", "empty"),
        (long_owner, "owner", too_long),
        (long_owned, "owned", too_long),
        (~no_owner & ~no_owned & frame["owner"].eq(frame["owned"]), "owned",
         "an entity cannot own itself"),
        (bad_share, "percentage", "expected a percentage in (0, 100], got {raw!r}"),
    ]
    found = sorted((int(position), order) for order, (mask, _, _) in enumerate(checks)
                   for position in np.flatnonzero(mask.to_numpy()))
    raw = [value.item() if isinstance(value, np.generic) else value
           for value in frame["percentage"].tolist()]  # as written: '60', 60.0, None
    errors = [RowError(file, lines[position], checks[order][1],
                       checks[order][2].format(raw=raw[position]))
              for position, order in found]
    frame["percentage"] = shares
    if limit_totals:
        valid = frame[in_range]  # bad shares are reported once, above
        totals = valid.groupby("owned")["percentage"].sum()
        last = pd.Series(range(len(frame))).groupby(frame["owned"].to_numpy()).max()
        errors += [RowError(file, lines[int(last[owned])], "percentage",
                            f"owners of {owned!r} hold {total:g}% in total (> 100%)")
                   for owned, total in totals[totals > 100.0 + 1e-6].items()]
    if errors:
        raise ValidationError(errors)
    return frame
