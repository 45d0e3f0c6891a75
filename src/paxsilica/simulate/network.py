"""The network a simulation runs on: industries, annual flows and final demand.

Both sources give the same shape: an MRIO folder (:mod:`paxsilica.simulate.mrio`, money
per year) and the stack's sourcing network (:mod:`paxsilica.simulate.stack`, physical
units per year). An *industry* is a (region, sector) pair; for the stack network the
region is a country (ISO3) and the sector an item id.

Example:
    >>> import scipy.sparse as sp
    >>> net = SimNetwork.from_arrays(["A", "B"], ["ore", "chip"], sp.csr_matrix([[0, 5.0], [0, 0]]),
    ...                              np.array([[0.0, 0.0], [0.0, 10.0]]), unit="t")
    >>> net.output().tolist()
    [5.0, 10.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["SimNetwork"]


@dataclass(frozen=True, eq=False)
class SimNetwork:
    """Immutable simulation network.

    Attributes:
        industries: ``region, sector`` per industry (row ``i`` ↔ position ``i``).
        z: CSR ``n × n`` annual inter-industry flows (row sells to column).
        final: ``n × R`` annual final demand by destination region (columns ``regions``).
        regions: region labels of ``final``'s columns (every region of ``industries``).
        unit: unit of flows per year (``M USD``, or ``item units`` for the stack network).
        kind: ``mrio`` or ``stack``.
        units: per-industry unit (for the stack network the item's unit).
        soft: optional mask of ``z``'s entries whose input is substitutable (never
            constrains the buyer's output; non-essential recipe lines).
        aliases: other names of sectors (lower case → sector labels), e.g. ``cobalt`` →
            ``cobalt_ore`` on the stack network; a sector label always wins.
        price: ``(n,)`` USD per network unit of each industry's output (``NaN``: unpriced).
        va_ratio: ``(n,)`` value added ÷ gross output of each industry (``NaN``: unknown).
        sectors: per sector (index: sector label) what the economy knows about it — see
            :data:`paxsilica.simulate.sectors.SECTOR_COLUMNS` (world output, qualification
            time, substitutable share, tradable, capital and service life, with ranges).
        parameters: the cited item-parameter rows the network was built from (long
            table, for ensembles and for naming the assumptions behind a result).
        notes: warnings found while building the network (unsized, unpriced items …).
    """

    industries: pd.DataFrame
    z: sp.csr_matrix
    final: np.ndarray
    regions: list[str]
    unit: str = ""
    kind: str = "mrio"
    units: tuple[str, ...] = ()
    soft: sp.csr_matrix | None = None
    aliases: dict[str, tuple[str, ...]] | None = None
    price: np.ndarray | None = None
    va_ratio: np.ndarray | None = None
    sectors: pd.DataFrame | None = None
    parameters: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @classmethod
    def from_arrays(cls, regions: list[str], sectors: list[str], z: sp.spmatrix,
                    final: np.ndarray, *, unit: str = "", kind: str = "mrio",
                    final_regions: list[str] | None = None) -> SimNetwork:
        """Build from per-industry labels, flows and final demand (``n × R``)."""
        industries = pd.DataFrame({"region": list(regions), "sector": list(sectors)})
        labels = final_regions if final_regions is not None else sorted(set(regions))
        return cls(industries, sp.csr_matrix(z, dtype=float), np.asarray(final, dtype=float),
                   list(labels), unit, kind)

    @property
    def n(self) -> int:
        """Number of industries."""
        return len(self.industries)

    def output(self) -> np.ndarray:
        """Annual gross output ``x = Z·1 + Y·1``."""
        return np.asarray(self.z.sum(axis=1)).ravel() + self.final.sum(axis=1)

    def products(self) -> tuple[np.ndarray, list[str]]:
        """Integer product code per industry (its sector) and the product labels."""
        codes, labels = pd.factorize(self.industries["sector"], sort=True)
        return codes.astype(np.int64), [str(label) for label in labels]

    def region_codes(self) -> np.ndarray:
        """Position in :attr:`regions` of each industry's region."""
        lookup = {region: pos for pos, region in enumerate(self.regions)}
        return self.industries["region"].map(lookup).to_numpy(dtype=np.int64)

    def sector_list(self) -> list[str]:
        """Sector labels in first-seen order."""
        return list(dict.fromkeys(self.industries["sector"]))

    def region_list(self) -> list[str]:
        """Region labels of industries in first-seen order."""
        return list(dict.fromkeys(self.industries["region"]))
