"""What the project editor and the monthly grid write, each as one action (one transaction).

These functions run on the ledger worker (``taskman.Op``) with the worker's own ledger.
Qt-free, so that tests can call them directly too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from desk.core.models import Approval, Problem, Project, ProjectMonth
from desk.core.periods import Month
from desk.store.ledger import Ledger


@dataclass
class ProjectChanges:
    """Everything the editor changed. ``project.id`` is None for a new project."""

    project: Project
    stage_reason: str = ""
    approvals: list[Approval] = field(default_factory=list)
    problems_added: list[Problem] = field(default_factory=list)
    problems_updated: list[Problem] = field(default_factory=list)
    problems_deleted: list[int] = field(default_factory=list)
    months: list[ProjectMonth] = field(default_factory=list)


def save_project(ledger: Ledger, changes: ProjectChanges) -> int:
    """Save the project with its approvals, problems and monthly records; all or nothing."""
    with ledger.transaction():
        if changes.project.id is None:
            project = ledger.projects.add(changes.project)
        else:
            project = ledger.projects.update(changes.project, reason=changes.stage_reason)
        project_id = project.id
        assert project_id is not None
        for approval in changes.approvals:
            ledger.approvals.save(dataclasses.replace(approval, project_id=project_id))
        for problem in changes.problems_added:
            ledger.problems.add(dataclasses.replace(problem, project_id=project_id, id=None))
        for problem in changes.problems_updated:
            ledger.problems.update(problem)
        for problem_id in changes.problems_deleted:
            ledger.problems.delete(problem_id)
        for record in changes.months:
            ledger.months.save(dataclasses.replace(record, project_id=project_id))
    return project_id


def move_date(month: Month, today: date) -> date:
    """The date a stage reported in a month's update is recorded on: today, within that month."""
    return min(max(today, month.first_day), month.last_day)


def save_month(ledger: Ledger, month: str, records: Sequence[ProjectMonth]) -> int:
    """Save a month's updated rows (the monthly grid) as one action.

    Where a row is the project's newest report, the project follows it: a new stage goes
    through the stage machine (dated within the month; an impossible move refuses the
    whole save with the reason) and 入库入统 is copied to the project.
    """
    label = Month.parse(month).label
    on = move_date(Month.parse(month), ledger.today())
    with ledger.transaction():
        changed = ledger.months.save_many(records, summary=f"{label}填报")
        ids = [r.project_id for r in records]
        newest = ledger.months.newest_months(ids)
        projects = {p.id: p for p in ledger.projects.by_ids(ids)}
        for record in records:
            project = projects.get(record.project_id)
            if project is None or newest.get(record.project_id) != month:
                continue
            if record.stage != project.stage:
                project = ledger.projects.move_stage(project.id, record.stage, on, reason=f"{label}填报")  # type: ignore[arg-type]
            if record.in_statistics != project.in_statistics:
                ledger.projects.update(dataclasses.replace(project, in_statistics=record.in_statistics),
                                       summary=f"项目“{project.name}”入库入统：{label}填报")
    return changed

