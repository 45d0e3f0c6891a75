"""Typed answers of the API, for the OpenAPI document (and client generators).

Rows of the network's own tables are the record models of :mod:`paxsilica.model` (declared
once); rows of computed tables are declared here, column by column, with units. Computed
rows allow further columns (``additionalProperties``), so that a column an analysis gains
later is documented as extra rather than refused; the columns listed are always there.
Routes answer with ``JSON`` directly, so these models document and are checked by the
schema tests (``tests/service/test_openapi.py`` and the schemathesis run), not applied.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AuditRow", "Certificate", "ChokepointRow", "CountryRow", "CoverageChangeRow",
           "CriticalityRow", "ExposurePage", "ExposureRow", "ExposureSummaryRow", "JobAccepted", "JobStatus",
           "MultitierRow", "OriginDependenceRow", "Page", "ScreenResult", "SourceRow",
           "StoredListRow", "TokenRow"]

T = TypeVar("T")

Share = Field(ge=0, le=1, description="A fraction 0-1")


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``results`` are the rows the CLI prints with ``--format json``."""

    total: int = Field(description="Rows in the whole list", examples=[345])
    limit: int = Field(description="Rows per page asked for", examples=[100])
    offset: int = Field(description="Rows skipped", examples=[0])
    results: list[T]


class ExposureRow(_Row):
    """Direct exposure: one item, stage, year and supplying country."""

    item: str
    stage: str
    year: int
    country: str = Field(description="ISO3 code, or a region code such as ROW")
    share: float = Field(description="Share of world supply, 0-1")
    hhi: int | None = Field(description="Herfindahl-Hirschman index over named countries, 0-10 000")
    concern_share: float | None = Field(description="Share from countries of concern, 0-1")
    coalition_share: float | None = Field(description="Share from the group's members, 0-1")
    unattributed_share: float | None = Field(description="Share no named country supplies, 0-1")
    top_country: str | None
    top_share: float | None
    is_member: bool
    is_concern: bool
    as_of: str = Field(description="Membership date used (YYYY-MM-DD)")
    group: str
    quantity: float | None = Field(description="In ``unit``")
    unit: str | None
    sources: list[str]
    source_urls: list[str]
    confidence: Literal["high", "medium", "low"]
    basis: str
    share_method: str


class ExposureSummaryRow(_Row):
    """``summary=true``: one row per item, stage and year."""

    item: str
    stage: str
    year: int
    hhi: int | None
    top_country: str | None
    top_share: float | None
    concern_share: float | None
    coalition_share: float | None
    unattributed_share: float | None
    as_of: str
    group: str
    confidence: str
    countries: int = Field(description="Supplying countries and regions")
    sources: list[str]


class CoverageChangeRow(_Row):
    """``compare=DATE``: coverage of each item before and after the membership change."""

    item: str
    stage: str
    year: int
    coalition_share_before: float | None
    coalition_share_after: float | None
    change: float | None = Field(description="after - before, -1 to 1")
    joined: list[str] = Field(description="Countries that joined in between")
    left: list[str]


class MultitierRow(_Row):
    """``tiers=all``: a node's shares through every recipe tier."""

    node: str
    role: str
    country: str
    item: str
    stage: str
    concern_share: float
    direct_concern_share: float
    coalition_share: float
    coalition_share_max: float
    unattributed_share: float
    located_share: float
    mode: str
    sourcing: str
    as_of: str
    group: str
    concern: str


class OriginDependenceRow(_Row):
    """``tiers=all&by_country=true``: dependence of an item's world supply on one origin."""

    node: str
    item: str
    country: str
    dependence: float = Field(description="Share of the item's supply lost without this origin, 0-1")
    in_group: bool
    of_concern: bool
    mode: str
    as_of: str


ExposureAnswer = ExposureRow | ExposureSummaryRow | CoverageChangeRow | MultitierRow | OriginDependenceRow


class ExposurePage(Page[ExposureAnswer]):  # type: ignore[misc]
    """One page of exposure rows; the row type follows the options (direct, summary,
    compare, tiers=all, by_country)."""


class ChokepointRow(_Row):
    """A producer or supply link, ranked by the share of an end item's supply lost without it."""

    end_item: str
    rank: int
    kind: str = Field(description="node or link")
    node: str
    supplier: str
    country: str
    item: str
    output_lost: float = Field(description="Share of the end item's world supply lost, 0-1")
    betweenness: float
    mode: str
    as_of: str


class CountryRow(_Row):
    country: str
    name: str
    is_country: bool = Field(description="False for regions (ROW, WLD, EU27…)")
    groups: list[str] = Field(description="Groups it belongs to on as_of")
    as_of: str


class SourceRow(_Row):
    source: str
    source_url: str | None
    tables: list[str]
    rows: int
    confidence: list[str]
    basis: list[str]


class CriticalityRow(_Row):
    """The European Commission's 2017 CRM assessment of one material (published, cited)."""

    material: str
    sr: float = Field(description="Supply risk")
    ei: float = Field(description="Economic importance")
    critical_2017: bool
    year: int
    source: str
    source_url: str
    confidence: str


class StoredListRow(_Row):
    list_name: str
    version: str
    format: str
    sha256: str
    rows: int
    file: str | None
    imported_at: str


class TokenRow(_Row):
    name: str
    role: Literal["reader", "analyst", "certifier", "admin"]
    created: str
    revoked: str | None


class AuditRow(_Row):
    occurred: str
    who: str
    action: str
    digest: str = Field(description="SHA-256 of what the action concerned")
    detail: str


class ScreenMatch(_Row):
    id: str
    name: str
    matched_name: str = Field(description="The name or alias that matched")
    list: str | None
    score: float = Field(ge=0, le=1)
    explanation: dict[str, object] = Field(
        description="features (0-1), contributions (log-odds), bias, model; control for "
                    "an entity controlled 50 %+ by listed parties")


class ScreenResult(_Row):
    query_id: str
    name: str
    matches: list[ScreenMatch] = Field(description="Best first; empty when none reached the threshold")


class CertificateList(_Row):
    name: str
    version: str
    sha256: str
    rows: int
    bundled_sample: bool = Field(description="A small sample shipped with paxsilica, not the real list")
    as_of: str | None = Field(description="The date the version stands for")
    age_days: int | None = Field(description="Days between as_of and the issue date")


class CertificateFinding(_Row):
    part_id: str
    rule: str
    severity: Literal["fail", "warn"]
    reason: str


class CertificateBody(_Row):
    format: str
    issued_at: str
    subject: str
    verdict: Literal["pass", "fail"]
    verdict_text: str = Field(description="The verdict in words, with what limits it")
    bom: dict[str, object] = Field(description="file, format, sha256, parts")
    lists: list[CertificateList]
    max_list_age_days: int | None
    warnings: list[str] = Field(description="Sample lists, stale lists, lists of unknown age")
    rule_pack: dict[str, object] = Field(description="id, version, sha256, chosen (how)")
    screening: dict[str, object]
    ownership: dict[str, object]
    summary: dict[str, int] = Field(description="fail and warn findings")
    findings: list[CertificateFinding]
    tool: dict[str, object]


class Certificate(BaseModel):
    """What ``paxsilica certify -o`` writes: the body and its Ed25519 signature (null when
    the service has no signing key)."""

    certificate: CertificateBody
    signature: dict[str, object] | None


class JobAccepted(BaseModel):
    job_id: str = Field(examples=["5f0c6f4b9d5a4a41b7d1c2e3f4a5b6c7"])
    status_url: str = Field(examples=["/api/v1/jobs/5f0c6f4b9d5a4a41b7d1c2e3f4a5b6c7"])


class JobStatus(BaseModel):
    """A job's state; the result is at ``result_url`` once ``status`` is ``done``."""

    job_id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float | None = Field(None, description="0-1")
    params: dict[str, object] = Field(description="The job's request, as stored")
    submitted_by: str
    created: str
    finished: str | None = None
    error: str | None = None
    result_url: str | None = Field(None, description="Where the result is, once done")
