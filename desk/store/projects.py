"""Projects, their monthly records, stage history and preliminary approvals."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desk.core import stages
from desk.core.errors import RefusedError
from desk.core.glossary import Category, ProjectClass, Stage
from desk.core.models import Approval, AuditEntry, Project, ProjectMonth, StageChange
from desk.core.periods import Month
from desk.core.validation import month_errors, project_errors
from desk.store.mapping import diff, from_row, to_row
from desk.store.repo import Repo

SEARCH_COLUMNS = ("name", "owner_company", "location", "leader", "responsible_unit")


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class ProjectFilter:
    """What the project table is narrowed to. Empty collections mean “any”."""

    text: str = ""
    unit_ids: frozenset[int] = frozenset()
    stages: frozenset[Stage] = frozenset()
    categories: frozenset[Category] = frozenset()
    leaders: frozenset[str] = frozenset()
    classes: frozenset[ProjectClass] = frozenset()
    in_statistics: bool | None = None
    not_updated_in: str | None = None  # "YYYY-MM": only projects without a record that month
    include_archived: bool = False
    ids: frozenset[int] | None = None  # e.g. the result of a recognition filter
    extra: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def sql(self) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        words = self.text.split()
        for word in words:
            pattern = like_pattern(word)
            where.append(
                "(" + " OR ".join(f"p.{c} LIKE ? ESCAPE '\\'" for c in SEARCH_COLUMNS) + ")"
            )
            params.extend([pattern] * len(SEARCH_COLUMNS))

        def within(column: str, values: Iterable[Any]) -> None:
            values = list(values)
            if values:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)

        within("p.unit_id", self.unit_ids)
        within("p.stage", (s.value for s in self.stages))
        within("p.category", (c.value for c in self.categories))
        within("p.leader", self.leaders)
        within("p.project_class", (c.value for c in self.classes))
        if self.in_statistics is not None:
            where.append("p.in_statistics = ?")
            params.append(int(self.in_statistics))
        if self.not_updated_in:
            where.append(
                "NOT EXISTS (SELECT 1 FROM project_months m WHERE m.project_id = p.id AND m.month = ?)"
            )
            params.append(self.not_updated_in)
        if not self.include_archived:
            where.append("p.archived = 0")
        if self.ids is not None:
            within("p.id", sorted(self.ids)) if self.ids else where.append("0")
        for clause, clause_params in self.extra:
            where.append(clause)
            params.extend(clause_params)
        return (" AND ".join(where) or "1"), params


def _enum_order(column: str, members: Iterable[Any]) -> str:
    """Sort an enum column in the glossary's order (储备 before 签约 …), not alphabetically."""
    cases = " ".join(f"WHEN '{m.value}' THEN {i}" for i, m in enumerate(members))
    return f"CASE {column} {cases} END"


# Sortable columns of the project list: key → SQL expression.
SORT_KEYS: dict[str, str] = {
    "id": "p.id",
    "code": "p.code",
    "name": "p.name",
    "unit": "(SELECT name FROM units u WHERE u.id = p.unit_id)",
    "owner_company": "p.owner_company",
    "location": "p.location",
    "category": _enum_order("p.category", Category),
    "stage": _enum_order("p.stage", Stage),
    "total_investment": "p.total_investment_yuan",
    "year_plan": "p.year_plan_yuan",
    "start_date": "p.start_date",
    "completion_date": "p.completion_date",
    "leader": "p.leader",
    "responsible_unit": "p.responsible_unit",
    "project_class": "p.project_class",
    "in_statistics": "p.in_statistics",
    "updated_at": "p.updated_at",
    "industry": "p.industry",
    "stage_date": "p.stage_date",
}
# Sort keys over one month's record (``search_ids(month=...)``): the table's month columns.
MONTH_SORT_KEYS: dict[str, str] = {
    "invested_month": "m.invested_month_yuan",
    "invested_ytd": "m.invested_ytd_yuan",
    "progress": "m.progress",
    "month_updated": "m.id IS NOT NULL",
}


class ProjectRepo(Repo[Project]):
    table = "projects"
    model = Project
    noun = "项目"
    entity = "project"
    validator = staticmethod(project_errors)

    def add(self, obj: Project, *, summary: str | None = None, audit: bool = True) -> Project:
        with self.ledger.transaction():
            obj = super().add(obj, summary=summary, audit=audit)
            self._record_stage(obj.id, None, obj.stage, obj.stage_date or self.ledger.today(), "建档")
        return obj

    def update(self, obj: Project, *, summary: str | None = None, reason: str = "") -> Project:
        """Save the project; a changed stage goes through the stage machine and is dated."""
        with self.ledger.transaction():
            old = self.get(obj.id)  # type: ignore[arg-type]
            if obj.stage != old.stage:
                on = obj.stage_date if obj.stage_date != old.stage_date and obj.stage_date else self.ledger.today()
                moved = stages.move(old, obj.stage, on)
                obj = dataclasses.replace(
                    obj,
                    stage_date=moved.stage_date,
                    start_date=obj.start_date or moved.start_date,
                    completion_date=obj.completion_date or moved.completion_date,
                )
                self._record_stage(old.id, old.stage, obj.stage, moved.stage_date, reason)
            return super().update(obj, summary=summary)

    def move_stage(self, project_id: int, target: Stage, on: date | None = None, reason: str = "") -> Project:
        with self.ledger.transaction():
            project = self.get(project_id)
            moved = stages.move(project, target, on or self.ledger.today())
            return self.update(
                moved, summary=f"项目“{project.name}”阶段：{project.stage.label} → {target.label}",
                reason=reason,
            )

    def _record_stage(
        self, project_id: int | None, from_stage: Stage | None, to_stage: Stage, on: date | None, reason: str
    ) -> None:
        change = StageChange(
            project_id=project_id,  # type: ignore[arg-type]
            from_stage=from_stage,
            to_stage=to_stage,
            on_date=on or self.ledger.today(),
            reason=reason,
            at=self.ledger.now(),
            clerk=self.ledger.clerk,
        )
        row = to_row(change)
        self.conn.execute(
            f"INSERT INTO stage_changes ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )

    def stage_history(self, project_id: int) -> list[StageChange]:
        cur = self.conn.execute(
            "SELECT * FROM stage_changes WHERE project_id = ? ORDER BY on_date, id", (project_id,)
        )
        names = [d[0] for d in cur.description]
        return [from_row(StageChange, dict(zip(names, r, strict=True))) for r in cur]

    def history(self, project_id: int, limit: int = 1000) -> list[AuditEntry]:
        return self.ledger.audit_entries("project", project_id, limit)

    def search_ids(
        self, filter: ProjectFilter | None = None, order_by: str = "id", descending: bool = False,
        month: str | None = None,
    ) -> list[int]:
        """Ids of the projects that match, in order: what the project table holds.

        With ``month``, the keys of ``MONTH_SORT_KEYS`` sort on that month's record
        (projects without one sort as empty).
        """
        where, params = (filter or ProjectFilter()).sql()
        direction = "DESC" if descending else "ASC"
        if month is not None and order_by in MONTH_SORT_KEYS:
            sql = (
                "SELECT p.id FROM projects p LEFT JOIN project_months m ON m.project_id = p.id AND m.month = ?"
                f" WHERE {where} ORDER BY {MONTH_SORT_KEYS[order_by]} {direction}, p.id {direction}"
            )
            params = [month, *params]
        else:
            order = SORT_KEYS.get(order_by, "p.id")
            sql = f"SELECT p.id FROM projects p WHERE {where} ORDER BY {order} {direction}, p.id {direction}"
        return [r[0] for r in self.conn.execute(sql, params)]

    def distinct_values(self, column: str) -> list[str]:
        """The non-empty values of a text column (leaders, responsible units …), for filter menus."""
        if column not in SEARCH_COLUMNS + ("industry",):
            raise ValueError(f"not a filterable text column: {column}")
        sql = f"SELECT DISTINCT {column} FROM projects WHERE {column} <> '' AND archived = 0 ORDER BY {column}"
        return [r[0] for r in self.conn.execute(sql)]

    def by_ids(self, ids: Sequence[int]) -> list[Project]:
        """Projects for ``ids`` in the same order (missing ids are skipped)."""
        if not ids:
            return []
        found: dict[int, Project] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for p in self._select(f"id IN ({', '.join('?' * len(chunk))})", chunk, order=""):
                found[p.id] = p  # type: ignore[index]
        return [found[i] for i in ids if i in found]

    def by_name(self, name: str, unit_id: int | None = None) -> list[Project]:
        if unit_id is None:
            return self._select("name = ?", (name,))
        return self._select("name = ? AND unit_id = ?", (name, unit_id))

    def leaders(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT leader FROM projects WHERE leader <> '' ORDER BY leader"
            )
        ]

    def archive(self, project_id: int, archived: bool = True) -> Project:
        project = self.get(project_id)
        verb = "移出项目库" if archived else "恢复到项目库"
        return self.update(dataclasses.replace(project, archived=archived), summary=f"{verb}：{project.name}")


class MonthRepo(Repo[ProjectMonth]):
    table = "project_months"
    model = ProjectMonth
    noun = "月度填报"
    entity = "project"
    validator = staticmethod(month_errors)

    def audit_target(self, obj: ProjectMonth) -> tuple[str, int | None]:
        return "project", obj.project_id

    def describe(self, obj: ProjectMonth) -> str:
        return f"{Month.parse(obj.month).label}填报"

    def check_unlocked(self, month: str) -> None:
        if self.ledger.is_month_locked(month):
            raise RefusedError(
                f"{Month.parse(month).label}已报送，数据已锁定。如需修改，请在“月报报送”中发起更正。"
            )

    def get_for(self, project_id: int, month: str) -> ProjectMonth | None:
        found = self._select("project_id = ? AND month = ?", (project_id, month))
        return found[0] if found else None

    def of_project(self, project_id: int) -> list[ProjectMonth]:
        return self._select("project_id = ?", (project_id,), order="month")

    def of_month(self, month: str) -> list[ProjectMonth]:
        return self._select("month = ?", (month,), order="project_id")

    def latest_before(self, month: str, project_ids: Sequence[int] | None = None) -> dict[int, ProjectMonth]:
        """Each project's newest record before ``month``: what a new month's totals carry on from."""
        sql = (
            f"SELECT {', '.join('pm.' + c for c in self._columns)} FROM project_months pm JOIN"
            " (SELECT project_id, max(month) AS last FROM project_months WHERE month < ? GROUP BY project_id) x"
            " ON pm.project_id = x.project_id AND pm.month = x.last"
        )
        params: list[Any] = [month]
        if project_ids is not None:
            if not project_ids:
                return {}
            if len(project_ids) > 500:
                wanted = set(project_ids)
                return {k: v for k, v in self.latest_before(month).items() if k in wanted}
            sql += f" WHERE pm.project_id IN ({', '.join('?' * len(project_ids))})"
            params.extend(project_ids)
        cur = self.conn.execute(sql, params)
        records = (from_row(ProjectMonth, dict(zip(self._columns, row, strict=True))) for row in cur)
        return {r.project_id: r for r in records}

    def reported_ids(self, month: str) -> set[int]:
        """The projects that have a record for ``month``."""
        return {r[0] for r in self.conn.execute("SELECT project_id FROM project_months WHERE month = ?", (month,))}

    def newest_months(self, project_ids: Sequence[int]) -> dict[int, str]:
        """Each project's newest reported month ("YYYY-MM")."""
        found: dict[int, str] = {}
        for start in range(0, len(project_ids), 500):
            chunk = list(project_ids[start : start + 500])
            rows = self.conn.execute(
                "SELECT project_id, max(month) FROM project_months"
                f" WHERE project_id IN ({', '.join('?' * len(chunk))}) GROUP BY project_id",
                chunk,
            )
            found.update({r[0]: r[1] for r in rows})
        return found

    def of_year(self, year: int) -> list[ProjectMonth]:
        return self._select("month LIKE ?", (f"{year:04d}-%",), order="project_id, month")

    def save(self, record: ProjectMonth, *, summary: str | None = None) -> ProjectMonth:
        """Insert or replace the record for (project, month)."""
        self.validate(record)
        record = dataclasses.replace(record, updated_by=self.ledger.clerk)
        with self.ledger.transaction():
            # under the write lock: a submission committed by another window a moment ago counts
            self.check_unlocked(record.month)
            existing = self.get_for(record.project_id, record.month)
            if existing is None:
                return self.add(dataclasses.replace(record, id=None), summary=summary)
            return self.update(dataclasses.replace(record, id=existing.id), summary=summary)

    def save_many(self, records: Sequence[ProjectMonth], *, summary: str) -> int:
        """Save a block of records (a grid paste) as one action; all or nothing."""
        changed = 0
        with self.ledger.transaction():
            for record in records:
                existing = self.get_for(record.project_id, record.month)
                if existing is None or diff(existing, dataclasses.replace(record, id=existing.id)):
                    self.save(record, summary=summary)
                    changed += 1
        return changed

    def delete(self, id: int, *, summary: str | None = None) -> None:
        with self.ledger.transaction():
            self.check_unlocked(self.get(id).month)
            super().delete(id, summary=summary)


class ApprovalRepo(Repo[Approval]):
    table = "approvals"
    model = Approval
    noun = "前期手续"
    entity = "project"

    def audit_target(self, obj: Approval) -> tuple[str, int | None]:
        return "project", obj.project_id

    def describe(self, obj: Approval) -> str:
        return f"前期手续“{obj.kind.label}”"

    def of_project(self, project_id: int) -> list[Approval]:
        return self._select("project_id = ?", (project_id,), order="id")

    def save(self, approval: Approval) -> Approval:
        with self.ledger.transaction():
            found = self._select(
                "project_id = ? AND kind = ?", (approval.project_id, approval.kind.value)
            )
            if found:
                return self.update(dataclasses.replace(approval, id=found[0].id))
            return self.add(dataclasses.replace(approval, id=None))
