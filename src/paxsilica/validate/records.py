"""Validate a table of one record kind: columns, types, keys, references, sums.

All problems are collected and raised together as one
:class:`~paxsilica.errors.ValidationError`; nothing is written anywhere.

Example:
    >>> import pandas as pd
    >>> from paxsilica.io.tables import Table
    >>> rows = pd.DataFrame({"stage_id": ["mine"], "name": ["Mining"], "order": ["-1"]})
    >>> t = Table(rows, "s.csv", 2)
    >>> try:
    ...     validate_table("stages", t)
    ... except ValidationError as err:
    ...     print(err)
    s.csv row 2, field 'order': Input should be greater than or equal to 0 (got '-1')
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import Table
from paxsilica.model.kinds import Kind, kind_named
from paxsilica.validate import parameters
from paxsilica.validate.checks import CHECK_CONTEXT, KIND_CHECKS, SHARE_SUM_TOLERANCE
from paxsilica.validate.market_checks import MARKET_CHECKS, MARKET_CONTEXT

__all__ = ["SHARE_SUM_TOLERANCE", "context_kinds", "validate_table"]

CHECKS = {**KIND_CHECKS, "item_parameters": parameters.CHECKS, **MARKET_CHECKS}
CONTEXT = {**CHECK_CONTEXT, "item_parameters": parameters.CONTEXT, **MARKET_CONTEXT}
"""Checks across rows of each kind, and the stored tables they read."""

STORE_COLUMNS = {"import_id"}
"""Columns the store adds on export; ignored on import so exports can be re-imported."""


def _pydantic_errors(table: Table, exc: PydanticError) -> list[RowError]:
    errors = []
    for error in exc.errors():
        location = error["loc"]
        position = location[0] if location and isinstance(location[0], int) else None
        # a check across fields names its field in the error's context (model.field_error)
        field = (".".join(str(part) for part in location[1:])
                 or (error.get("ctx") or {}).get("field") or None)
        reason = error["msg"].removeprefix("Value error, ")
        value = error.get("input")
        if error["type"] == "missing":
            reason = "required value is empty"
        elif isinstance(value, str | int | float) and field and str(value) not in reason:
            reason = f"{reason} (got {value!r})"
        row = table.row(position) if position is not None else None
        errors.append(RowError(table.file, row, field, reason))
    return errors


def _check_columns(kind: Kind, table: Table) -> list[RowError]:
    columns = set(table.frame.columns)
    errors = [RowError(table.file, None, column, f"missing column '{column}'")
              for column in kind.required if column not in columns]
    errors += [RowError(table.file, None, column,
                        f"unknown column '{column}' for {kind.name} "
                        f"(expected: {', '.join(kind.columns)})")
               for column in table.frame.columns
               if column not in kind.model.model_fields and column not in STORE_COLUMNS]
    return errors


def _fill_defaults(kind: Kind, frame: pd.DataFrame, context: Mapping[str, pd.DataFrame]
                   ) -> pd.DataFrame:
    """Supplies without a stage take their item's stage (from the file's items or the store)."""
    if kind.name != "supplies" or "stage" not in frame or frame["stage"].notna().all():
        return frame
    items = context.get("items")
    if items is None or items.empty:
        return frame
    stage_of = dict(zip(items["item_id"], items["stage"], strict=True))
    frame = frame.copy()
    missing = frame["stage"].isna()
    frame.loc[missing, "stage"] = frame.loc[missing, "item_id"].map(stage_of)
    return frame


def _check_duplicates(kind: Kind, table: Table, frame: pd.DataFrame) -> list[RowError]:
    key = list(kind.key)
    keyed = frame[key].astype(str)
    duplicated = keyed.duplicated(keep=False)
    errors = []
    for _, group in keyed[duplicated].groupby(key, dropna=False, sort=False):
        rows = [table.row(int(position)) for position in group.index]
        for row in rows[1:]:
            errors.append(RowError(table.file, row, ",".join(key),
                                   f"duplicate key {tuple(group.iloc[0])} (also row {rows[0]})"))
    return errors


def _check_references(kind: Kind, table: Table, frame: pd.DataFrame,
                      context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Each referencing cell (each element of a list cell) names a stored or incoming key."""
    errors = []
    for field, target in kind.references.items():
        target_kind = kind_named(target)
        known = set()
        if target in context and not context[target].empty:
            known |= set(context[target][target_kind.key[0]].astype(str))
        if target == kind.name:
            known |= set(frame[kind.key[0]].astype(str))
        for position, value in frame[field].items():
            values = value if isinstance(value, list) else [] if pd.isna(value) else [value]
            for unknown in [str(v) for v in values if str(v) not in known]:
                errors.append(RowError(table.file, table.row(int(position)), field,
                                       f"unknown {target_kind.singular} '{unknown}'"))
    return errors


def context_kinds(kind_name: str) -> set[str]:
    """The stored tables that validating ``kind_name`` reads (references and checks)."""
    kind = kind_named(kind_name)
    return set(kind.references.values()) | CONTEXT.get(kind.name, set())


def validate_table(kind_name: str, table: Table,
                   context: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Validate ``table`` as records of ``kind_name`` and return them as a typed frame.

    ``context`` holds tables already in the store, by kind, for reference checks
    (an item in a supply row must exist in the store or in the same import).

    Raises:
        ValidationError: every problem found, each with file, row and field.
    """
    kind = kind_named(kind_name)
    context = context or {}
    if table.frame.empty:
        raise ValidationError([RowError(table.file, None, None, "the file has no data rows")])
    errors = _check_columns(kind, table)
    if errors:
        raise ValidationError(errors)
    records = table.frame.drop(columns=list(STORE_COLUMNS), errors="ignore").to_dict("records")
    adapter = TypeAdapter(list[kind.model])  # type: ignore[name-defined]
    try:
        models = adapter.validate_python(records)
    except PydanticError as exc:
        raise ValidationError(_pydantic_errors(table, exc)) from None
    frame = pd.DataFrame([model.model_dump() for model in models], columns=kind.columns)
    frame.index = table.frame.index
    if kind.name == "items":
        context = {**context, "items": frame}
    frame = _fill_defaults(kind, frame, context)
    errors = _check_duplicates(kind, table, frame)
    errors += _check_references(kind, table, frame, context)
    for check in CHECKS.get(kind.name, []):
        errors += check(table, frame, context)
    if errors:
        raise ValidationError(sorted(errors, key=lambda error: error.row or 0))
    return frame
