"""Everything one month's submission is made of, read from the ledger once.

Which projects a month reports (the 调度 set): every project with a record that month, and
every project that should have one — still being built, signed or in preliminary work, or
completed within or after that month. Each falls into one of the sections of the schedule
form: 新开工 (started in the report year), 续建 (started before it), 竣工 (completed), 前期
(not started).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from desk.core.glossary import BUILDING_STAGES, Stage
from desk.core.models import Problem, Project, ProjectMonth, Unit
from desk.core.money import yuan_to_wan
from desk.core.periods import Month
from desk.core.recognition import Profile
from desk.store.ledger import Ledger
from desk.store.recognition import Check, current_profile, month_checks

DUE_STAGES = BUILDING_STAGES | {Stage.SIGNED, Stage.PRELIMINARY}


class Section(Enum):
    NEW = "new", "新开工项目"
    CONTINUING = "continuing", "续建项目"
    COMPLETED = "completed", "竣工项目"
    PRELIMINARY = "preliminary", "签约及前期项目"

    def __init__(self, key: str, label: str) -> None:
        self.key = key
        self.label = label


@dataclass
class Entry:
    project: Project
    record: ProjectMonth | None
    section: Section

    @property
    def stage(self) -> Stage:
        return self.record.stage if self.record is not None else self.project.stage


@dataclass
class MonthData:
    ledger: Ledger
    month: Month
    today: date
    unit: Unit
    full_unit_name: str
    unit_names: dict[int, str]
    unit_order: dict[int, int]
    entries: list[Entry]
    checks: list[Check]
    profile: Profile
    problems: dict[int, list[Problem]] = field(default_factory=dict)  # project id → its problems
    previous_ytd: dict[int, Decimal] = field(default_factory=dict)  # last month's 年度累计 (same year)

    @property
    def several_units(self) -> bool:
        return len({e.project.unit_id for e in self.entries}) > 1


def section_of(project: Project, stage: Stage, year: int) -> Section:
    if stage in (Stage.COMPLETED, Stage.PRODUCTION):
        return Section.COMPLETED
    if stage in BUILDING_STAGES or project.start_date is not None:
        if project.start_date is not None and project.start_date.year < year:
            return Section.CONTINUING
        return Section.NEW
    return Section.PRELIMINARY


def gather(ledger: Ledger, month: Month | str, today: date | None = None) -> MonthData:
    from desk.exchange.submission.identity import full_unit_name

    month = Month.parse(month) if isinstance(month, str) else month
    key = str(month)
    records = {r.project_id: r for r in ledger.months.of_month(key)}
    due = [row[0] for row in ledger.conn.execute(
        f"SELECT id FROM projects WHERE archived = 0 AND (stage IN ({', '.join('?' * len(DUE_STAGES))})"
        " OR (stage IN ('completed', 'production') AND completion_date >= ?))",
        (*sorted(s.value for s in DUE_STAGES), month.first_day.isoformat()),
    )]
    ids = sorted(set(records) | set(due))
    units = ledger.units.all()
    unit_order = {u.id: i for i, u in enumerate(units) if u.id is not None}
    entries = []
    for project in ledger.projects.by_ids(ids):
        record = records.get(project.id)  # type: ignore[arg-type]
        stage = record.stage if record is not None else project.stage
        entries.append(Entry(project, record, section_of(project, stage, month.year)))
    order = list(Section)
    entries.sort(key=lambda e: (order.index(e.section), unit_order.get(e.project.unit_id, 1 << 30),
                                -e.project.total_investment_wan, e.project.id or 0))
    problems: dict[int, list[Problem]] = defaultdict(list)
    for problem in ledger.problems.where("project_id IS NOT NULL", order="deadline IS NULL, deadline, id"):
        problems[problem.project_id].append(problem)  # type: ignore[index]
    previous: dict[int, Decimal] = {}
    if month.month > 1:
        previous = {pid: yuan_to_wan(ytd) or Decimal(0) for pid, ytd in ledger.conn.execute(
            "SELECT project_id, invested_ytd_yuan FROM project_months WHERE month = ?", (str(month.prev()),))}
    profile = current_profile(ledger)
    return MonthData(
        ledger=ledger, month=month, today=today or ledger.today(), unit=ledger.unit,
        full_unit_name=full_unit_name(ledger), unit_names=ledger.units.names(), unit_order=unit_order,
        entries=entries, checks=month_checks(ledger, key, profile), profile=profile,
        problems=dict(problems), previous_ytd=previous,
    )
