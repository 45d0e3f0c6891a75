"""The stack as one immutable, labelled structure that analytics, simulators and
optimisers consume: a frozen bundle of tables (pandas DataFrames) plus lookups.

Tables follow the record kinds (see :mod:`paxsilica.model.kinds`); list fields
(aliases, hs_codes, member_statuses, item_ids, targets) are Python lists here.

Example:
    >>> from paxsilica.store import open_store
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> "JPN" in net.members("pax_silica", "2026-01-01")
    True
    >>> "QAT" in net.members("pax_silica", "2026-01-01")
    False
    >>> net.resolve_items("rare_earth_oxide", stage="mine")
    ['rare_earth_ore']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import pandas as pd

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.kinds import KINDS

__all__ = ["StackNetwork", "as_date", "end_items", "network_rows", "no_item_parameters", "no_trade_flows"]

TRADE_COLUMNS = ["year", "exporter", "importer", "hs6", "item_id", "value_kusd", "quantity_t",
                 "dataset", "source", "reporter"]


def no_trade_flows() -> pd.DataFrame:
    """An empty trade-flow table (the network of a store without imported trade data)."""
    return pd.DataFrame({column: pd.Series([], dtype=object) for column in TRADE_COLUMNS})


def _empty_kind(name: str) -> pd.DataFrame:
    """An empty table of a record kind (a network built without that kind's rows)."""
    return pd.DataFrame({column: pd.Series([], dtype=object) for column in KINDS[name].columns})


def _no_rows(name: str) -> Callable[[], pd.DataFrame]:
    """A ``default_factory`` for a table of kind ``name`` (empty when the store has none)."""
    return lambda: _empty_kind(name)


def no_item_parameters() -> pd.DataFrame:
    """An empty item-parameter table (a network built without the economy's data)."""
    return _empty_kind("item_parameters")


LIST_COLUMNS = {"aliases", "hs_codes", "member_statuses", "other_statuses", "item_ids", "targets",
                "identifiers", "owners", "suppliers", "cable_ids", "vendors", "name_patterns"}


def as_date(value: date | str | None) -> date:
    """A ``date`` from a ``date``, an ISO string, or ``None`` (today).

    >>> as_date("2026-01-27")
    datetime.date(2026, 1, 27)
    """
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"malformed date {value!r} (use YYYY-MM-DD)") from None


def network_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Store rows as analytics read them: list cells as lists, dates as ``date``, and an
    empty optional text cell as ``None`` (DuckDB's frames give NaN, which is not text)."""
    frame = frame.drop(columns=["import_id"], errors="ignore").copy()
    for column in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[column])
                or pd.api.types.is_datetime64_any_dtype(frame[column])):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    for column in LIST_COLUMNS & set(frame.columns):
        frame[column] = frame[column].map(
            lambda cell: [p for p in str(cell).split(";") if p] if isinstance(cell, str) else [])
    for column in ("valid_from", "valid_to", "announced", "effective", "suspended_from",
                   "suspended_until"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column]).dt.date
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


@dataclass(frozen=True, eq=False)
class StackNetwork:
    """All tables of the stack; treat every DataFrame as read-only.

    ``trade_flows`` are the stored bilateral flows (``year, exporter, importer, hs6,
    item_id, value_kusd, quantity_t, dataset, source, reporter``; Comtrade mirror
    reports resolved), empty when none were imported: the sourcing network uses them.
    ``cables``, ``landing_points``, ``cable_landings`` and ``corridors`` hold the
    submarine cable data (:mod:`paxsilica.analytics.connectivity` reads them).
    ``secondary_supplies`` are recycled output and capacity, apart from ``supplies``
    (:mod:`paxsilica.model.secondary`); ``vendor_shares`` are equipment vendors' shares of
    market countries (:mod:`paxsilica.model.vendor`); ``constellations`` and
    ``ground_stations`` are satellite operators' assets (:mod:`paxsilica.model.space`).
    """

    stages: pd.DataFrame
    items: pd.DataFrame
    groups: pd.DataFrame
    memberships: pd.DataFrame
    supplies: pd.DataFrame
    recipes: pd.DataFrame
    companies: pd.DataFrame
    facilities: pd.DataFrame
    ownership: pd.DataFrame
    export_controls: pd.DataFrame
    trade_flows: pd.DataFrame = field(default_factory=no_trade_flows)
    item_parameters: pd.DataFrame = field(default_factory=no_item_parameters)
    cables: pd.DataFrame = field(default_factory=_no_rows("cables"))
    landing_points: pd.DataFrame = field(default_factory=_no_rows("landing_points"))
    cable_landings: pd.DataFrame = field(default_factory=_no_rows("cable_landings"))
    corridors: pd.DataFrame = field(default_factory=_no_rows("corridors"))
    secondary_supplies: pd.DataFrame = field(default_factory=_no_rows("secondary_supplies"))
    vendor_shares: pd.DataFrame = field(default_factory=_no_rows("vendor_shares"))
    constellations: pd.DataFrame = field(default_factory=_no_rows("constellations"))
    ground_stations: pd.DataFrame = field(default_factory=_no_rows("ground_stations"))

    @classmethod
    def from_store(cls, store: object) -> StackNetwork:
        """Read every table of a :class:`~paxsilica.store.Store`, trade flows included,
        from one version of the database."""
        with store.snapshot():  # type: ignore[attr-defined]
            tables = {name: network_rows(store.table(name)) for name in KINDS}  # type: ignore[attr-defined]
            trade = store.trade_flows()  # type: ignore[attr-defined]
        return cls(**tables, trade_flows=trade.drop(columns=["import_id"], errors="ignore"))

    @cached_property
    def digest(self) -> str:
        """A SHA-256 digest of every table's rows (results kept on disk key on it, see
        :mod:`paxsilica.io.result_cache`); computed once per network."""
        import dataclasses
        import hashlib

        digest = hashlib.sha256()
        for table in dataclasses.fields(self):
            frame = getattr(self, table.name)
            digest.update(f"{table.name}:{','.join(map(str, frame.columns))}".encode())
            digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
        return digest.hexdigest()

    @cached_property
    def item_stage(self) -> dict[str, str]:
        """item_id -> stage_id."""
        return dict(zip(self.items["item_id"], self.items["stage"], strict=True))

    @cached_property
    def stage_order(self) -> dict[str, int]:
        """stage_id -> order (upstream first)."""
        return dict(zip(self.stages["stage_id"], self.stages["order"], strict=True))

    def group(self, group_id: str) -> pd.Series:
        """The group row; raises :class:`NotFoundError` listing known groups."""
        rows = self.groups[self.groups["group_id"] == group_id]
        if rows.empty:
            known = ", ".join(self.groups["group_id"])
            raise NotFoundError(f"unknown group {group_id!r} (known: {known})")
        return rows.iloc[0]

    def membership_events(self, group_id: str) -> pd.DataFrame:
        """Membership rows of a group (of its ``based_on`` group when set), by date."""
        group = self.group(group_id)
        source_group = group["based_on"] if isinstance(group["based_on"], str) else group_id
        events = self.memberships[self.memberships["group_id"] == source_group]
        return events.sort_values(["valid_from", "country"])

    def members(self, group_id: str, as_of: date | str | None = None) -> frozenset[str]:
        """Countries whose latest status on ``as_of`` counts as membership of the group."""
        day = as_date(as_of)
        events = self.membership_events(group_id)
        live = events[(events["valid_from"] <= day)
                      & events["valid_to"].map(lambda end: end is None or end >= day)]
        latest = live.groupby("country").tail(1)
        statuses = set(self.group(group_id)["member_statuses"])
        return frozenset(latest.loc[latest["status"].isin(statuses), "country"])

    def membership_dates(self, group_id: str) -> list[date]:
        """Dates on which the group's membership changed, in order: each ``valid_from``, and
        the day after each ``valid_to`` (the last day a status holds).

        >>> from paxsilica.store import open_store
        >>> StackNetwork.from_store(open_store(":memory:")).membership_dates("pax_silica")[0]
        datetime.date(2025, 12, 12)
        """
        events = self.membership_events(group_id)
        ends = {end + timedelta(days=1) for end in events["valid_to"] if end is not None}
        return sorted(set(events["valid_from"]) | ends)

    def resolve_items(self, name: str, stage: str | None = None) -> list[str]:
        """Item ids selected by an id or alias, optionally only those at ``stage``.

        Raises:
            NotFoundError: nothing matches; the message lists close names.
        """
        key = name.strip().lower()
        items = self.items
        if stage is not None:
            if stage not in self.stage_order:
                known = ", ".join(self.stages["stage_id"])
                raise NotFoundError(f"unknown stage {stage!r} (known: {known})")
            items = items[items["stage"] == stage]
        exact = items[items["item_id"] == key]
        if not exact.empty:
            return list(exact["item_id"])
        aliased = items[items["aliases"].map(lambda aliases: key in aliases)]
        if not aliased.empty:
            return list(aliased["item_id"])
        from rapidfuzz import process

        close = [match for match, _, _ in process.extract(key, list(self.items["item_id"]),
                                                          limit=3)]
        where = f" at stage {stage!r}" if stage else ""
        raise NotFoundError(f"unknown item {name!r}{where} (did you mean: {', '.join(close)}?)")


def end_items(net: StackNetwork, names: str | list[str] | None = None) -> list[str]:
    """The end items of the catalogue: recipe outputs that are no recipe's input (the tops
    of the recipe tree), most downstream stage first; or the item ids ``names`` select.

    >>> from paxsilica.store import open_store
    >>> end_items(StackNetwork.from_store(open_store(":memory:")))[0]
    'ai_data_centre'
    """
    if names is not None:
        wanted = [names] if isinstance(names, str) else names
        return list(dict.fromkeys(found for name in wanted for found in net.resolve_items(name)))
    tops = set(net.recipes["output_item"]) - set(net.recipes["input_item"])
    return sorted(tops, key=lambda item: (-net.stage_order.get(net.item_stage.get(item, ""), -1), item))
