"""The things in a ledger, as plain dataclasses.

Naming carries meaning that ``desk.store.mapping`` relies on:
* a ``Decimal`` field ending in ``_wan`` is an amount in 万元 (stored as whole 元 in
  the column named ``…_yuan``); one ending in ``_wusd`` is in 万美元 (stored as 美元
  in ``…_usd``);
* ``id`` is ``None`` until the store has saved the object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desk.core.glossary import (
    ApprovalKind,
    ApprovalStatus,
    AttachmentKind,
    Category,
    ConstructionKind,
    Evidence,
    Flag,
    IdentitySource,
    IndicatorKind,
    LeadSource,
    LeadState,
    Metric,
    ProblemState,
    ProjectClass,
    Stage,
    SubmissionStatus,
    TaskGroup,
    TaskStatus,
    UnitKind,
)


@dataclass
class Unit:
    name: str
    kind: UnitKind = UnitKind.TOWNSHIP
    parent_id: int | None = None
    code: str = ""
    sort_order: int = 0
    id: int | None = None


@dataclass
class Project:
    name: str
    unit_id: int
    category: Category = Category.INDUSTRIAL
    stage: Stage = Stage.RESERVE
    code: str = ""
    owner_company: str = ""
    location: str = ""
    industry: str = ""
    construction_kind: ConstructionKind = ConstructionKind.NEW
    stage_date: date | None = None
    total_investment_wan: Decimal = Decimal(0)
    year_plan_wan: Decimal | None = None
    planned_start: date | None = None
    planned_completion: date | None = None
    start_date: date | None = None
    completion_date: date | None = None
    scale_content: str = ""
    leader: str = ""
    responsible_unit: str = ""
    cooperating_units: str = ""
    steward: str = ""
    team_six: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    project_class: ProjectClass | None = None
    in_statistics: bool = False
    flags: frozenset[Flag] = frozenset()
    source_lead_id: int | None = None
    archived: bool = False
    note: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass
class ProjectMonth:
    """One project's report for one month (月调度): what the clerk updates every month."""

    project_id: int
    month: str  # "YYYY-MM"
    stage: Stage
    invested_month_wan: Decimal = Decimal(0)
    invested_ytd_wan: Decimal = Decimal(0)
    invested_total_wan: Decimal | None = None
    progress: str = ""
    evidence: frozenset[Evidence] = frozenset()
    project_class: ProjectClass | None = None
    in_statistics: bool = False
    statistics_ytd_wan: Decimal | None = None
    domestic_funds_wan: Decimal = Decimal(0)
    foreign_funds_wusd: Decimal = Decimal(0)
    problems_note: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""
    id: int | None = None


@dataclass
class StageChange:
    project_id: int
    to_stage: Stage
    on_date: date
    from_stage: Stage | None = None
    reason: str = ""
    at: datetime | None = None
    clerk: str = ""
    id: int | None = None


@dataclass
class Approval:
    project_id: int
    kind: ApprovalKind
    status: ApprovalStatus = ApprovalStatus.PENDING
    approved_on: date | None = None
    document_no: str = ""
    note: str = ""
    id: int | None = None


@dataclass
class Problem:
    """存在问题 / 协调事项: owned by a unit and a leader, with a deadline (限时办结)."""

    title: str
    project_id: int | None = None
    task_id: int | None = None
    detail: str = ""
    owner_unit: str = ""
    leader: str = ""
    deadline: date | None = None
    state: ProblemState = ProblemState.OPEN
    resolution: str = ""
    created_on: date | None = None
    closed_on: date | None = None
    id: int | None = None

    def is_overdue(self, today: date) -> bool:
        return (
            self.deadline is not None
            and self.deadline < today
            and self.state in (ProblemState.OPEN, ProblemState.IN_PROGRESS)
        )


@dataclass
class Attachment:
    project_id: int
    month: str
    kind: AttachmentKind
    filename: str
    sha256: str
    size: int
    mime: str = ""
    taken_at: datetime | None = None
    note: str = ""
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Team:
    """招商小分队 (港南2018): a first responsible unit, member units, leaders, a sector focus."""

    name: str
    lead_unit: str = ""
    member_units: str = ""
    leaders: str = ""
    sector_focus: str = ""
    unit_id: int | None = None
    note: str = ""
    id: int | None = None


@dataclass
class Trip:
    team_id: int
    start_on: date
    end_on: date | None = None
    destination: str = ""
    companies_visited: int = 0
    note: str = ""
    id: int | None = None


@dataclass
class Lead:
    company: str = ""
    person_name: str = ""
    visit_date: date | None = None
    address: str = ""
    position: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = ""
    business_scope: str = ""
    intent_industry: str = ""
    intent_amount_wan: Decimal | None = None
    intent_location: str = ""
    intent_form: str = ""
    source: LeadSource = LeadSource.TEAM
    team_id: int | None = None
    trip_id: int | None = None
    source_unit_id: int | None = None
    intermediary: str = ""
    owner_clerk: str = ""
    state: LeadState = LeadState.LEAD
    state_reason: str = ""
    project_id: int | None = None
    unit_id: int | None = None
    note: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass
class FollowUp:
    lead_id: int
    on_date: date
    what: str
    next_step: str = ""
    next_date: date | None = None
    id: int | None = None


@dataclass
class Task:
    """A row of the task breakdown table (任务分解表, 盘锦2018 附件1)."""

    year: int
    name: str
    section: TaskGroup = TaskGroup.CONSTRUCTION
    seq: str = ""
    content: str = ""
    indicator: IndicatorKind = IndicatorKind.COUNT
    metric: Metric | None = None
    deadline: date | None = None
    deadline_text: str = ""
    lead_units: str = ""
    cooperating_units: str = ""
    status: TaskStatus = TaskStatus.IN_PROGRESS
    note: str = ""
    id: int | None = None


@dataclass
class TaskTarget:
    """A task's planned value for one unit, and a hand-entered actual where the ledger can't count."""

    task_id: int
    unit_id: int
    planned: Decimal | None = None
    planned_text: str = ""
    actual_manual: Decimal | None = None
    note: str = ""
    id: int | None = None


@dataclass
class Target:
    """A unit's yearly target for a metric the ledger counts (新开工 25 项 …)."""

    unit_id: int
    year: int
    metric: Metric
    value: Decimal
    min_investment_wan: Decimal | None = None
    note: str = ""
    id: int | None = None


@dataclass
class Submission:
    unit_id: int
    month: str
    version: int = 1
    status: SubmissionStatus = SubmissionStatus.DRAFT
    reason: str = ""
    changes: list[Any] = field(default_factory=list)
    signer: str = ""
    reviewer: str = ""
    head: str = ""
    files: dict[str, str] = field(default_factory=dict)
    manifest_sha256: str = ""
    folder: str = ""
    late: bool = False
    created_at: datetime | None = None
    submitted_at: datetime | None = None
    id: int | None = None


@dataclass
class Identity:
    unit_name: str
    cert_pem: str
    key_pem: str  # PKCS#8, encrypted with the clerk's passphrase
    source: IdentitySource = IdentitySource.GENERATED
    chain_pem: str = ""
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class KnownCert:
    unit_name: str
    cert_pem: str
    fingerprint: str
    imported_at: datetime | None = None
    id: int | None = None


@dataclass
class AuditEntry:
    at: datetime
    clerk: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    id: int | None = None


def ident(obj: Any) -> int:
    """The id of a saved object (for code that has just saved it and knows it has one)."""
    value = getattr(obj, "id", None)
    if value is None:
        raise ValueError(f"{type(obj).__name__} has not been saved yet")
    return int(value)
