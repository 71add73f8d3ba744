"""Leads (招商线索), their follow-ups, investment teams (招商小分队) and trips (外出招商).

What a lead may become goes through ``desk.core.leads`` (the state machine, landing);
the contact details are normalised on every save, and every time a clerk sees them in
full or exports them in full the audit log says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from desk.core import leads as lead_rules
from desk.core.errors import RefusedError
from desk.core.glossary import Category, LeadState
from desk.core.models import AuditEntry, FollowUp, Lead, Project, Team, Trip
from desk.core.validation import lead_errors, team_errors, trip_errors
from desk.store.lead_queries import Duplicate, LeadFilter, LeadQueries
from desk.store.repo import Repo

if TYPE_CHECKING:
    from desk.store.ledger import Ledger


class TeamRepo(Repo[Team]):
    table = "teams"
    model = Team
    noun = "招商小分队"
    entity = "team"
    validator = staticmethod(team_errors)

    def by_name(self, name: str) -> Team | None:
        found = self._select("name = ?", (name.strip(),))
        return found[0] if found else None

    def add(self, obj: Team, *, summary: str | None = None, audit: bool = True) -> Team:
        self._check_unique(obj)
        return super().add(obj, summary=summary, audit=audit)

    def update(self, obj: Team, *, summary: str | None = None) -> Team:
        self._check_unique(obj)
        return super().update(obj, summary=summary)

    def _check_unique(self, obj: Team) -> None:
        other = self.by_name(obj.name)
        if other is not None and other.id != obj.id:
            from desk.core.errors import FieldError, ValidationError

            raise ValidationError(FieldError("name", f"已有名为“{obj.name.strip()}”的招商小分队"))


class TripRepo(Repo[Trip]):
    table = "trips"
    model = Trip
    noun = "外出招商"
    entity = "team"
    validator = staticmethod(trip_errors)

    def audit_target(self, obj: Trip) -> tuple[str, int | None]:
        return "team", obj.team_id

    def describe(self, obj: Trip) -> str:
        return f"外出招商（{obj.start_on.isoformat()} {obj.destination}）"

    def of_team(self, team_id: int) -> list[Trip]:
        return self._select("team_id = ?", (team_id,), order="start_on, id")

    def in_month(self, month: str) -> list[Trip]:
        return self._select("start_on LIKE ?", (f"{month}-%",), order="start_on, id")

    def of_team_in_month(self, team_id: int, month: str) -> list[Trip]:
        return self._select("team_id = ? AND start_on LIKE ?", (team_id, f"{month}-%"), order="start_on, id")


@dataclass(frozen=True)
class Contacts:
    phone: str
    email: str
    wechat: str


class LeadRepo(Repo[Lead], LeadQueries):
    table = "leads"
    model = Lead
    noun = "线索"
    entity = "lead"
    validator = staticmethod(lead_errors)

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        self._landing = False

    def of_team(self, team_id: int) -> list[Lead]:
        return self._select("team_id = ?", (team_id,), order="visit_date, id")

    def of_trip(self, trip_id: int) -> list[Lead]:
        return self._select("trip_id = ?", (trip_id,), order="visit_date, id")

    def of_project(self, project_id: int) -> list[Lead]:
        return self._select("project_id = ?", (project_id,), order="id")

    def describe(self, obj: Lead) -> str:
        return lead_rules.describe(obj)

    # ------------------------------------------------------------ writing
    def add(self, obj: Lead, *, summary: str | None = None, audit: bool = True) -> Lead:
        # A landed lead may be added with its project (an imported or historical record);
        # validation insists on the project.
        obj = lead_rules.clean_contacts(obj)
        return super().add(obj, summary=summary, audit=audit)

    def update(self, obj: Lead, *, summary: str | None = None) -> Lead:
        """Save a lead; a changed state must be a move the state machine allows."""
        obj = lead_rules.clean_contacts(obj)
        if obj.id is None:
            raise ValueError("update() needs a saved lead")
        with self.ledger.transaction():
            old = self.get(obj.id)
            if obj.state != old.state and not self._landing:
                moved = lead_rules.move(dataclasses.replace(obj, state=old.state), obj.state, obj.state_reason)
                obj = dataclasses.replace(obj, state_reason=moved.state_reason)
                summary = summary or (
                    f"{self.describe(obj)}状态：{old.state.label} → {obj.state.label}"
                    + (f"（{obj.state_reason}）" if obj.state_reason else "")
                )
            if old.state == LeadState.LANDED and obj.project_id != old.project_id and not self._landing:
                raise RefusedError(f"{self.describe(obj)}已落地，不能改变它对应的项目")
            return super().update(obj, summary=summary)

    def move(self, lead_id: int, target: LeadState, reason: str = "") -> Lead:
        """Move a lead to another state (洽谈, 签约, 搁置 …); 落地 is :meth:`land`."""
        with self.ledger.transaction():
            lead = self.get(lead_id)
            moved = lead_rules.move(lead, target, reason)
            return self.update(moved)

    def delete(self, id: int, *, summary: str | None = None) -> None:
        lead = self.get(id)
        if lead.state == LeadState.LANDED:
            raise RefusedError(f"{self.describe(lead)}已落地为项目，不能删除")
        super().delete(id, summary=summary)

    def land(
        self,
        lead_id: int,
        *,
        name: str = "",
        category: Category | None = None,
        unit_id: int | None = None,
        on: date | None = None,
    ) -> Project:
        """Turn a signed lead into a project: one action, one transaction, both links kept."""
        with self.ledger.transaction():
            lead = self.get(lead_id)
            day = on or self.ledger.today()
            project = lead_rules.project_from_lead(
                lead, unit_id=unit_id or lead.unit_id or self.ledger.unit_id, on=day, name=name, category=category,
            )
            project = self.ledger.projects.add(
                project, summary=f"由{self.describe(lead)}落地为项目“{project.name}”（线索编号 {lead.id}）"
            )
            self._landing = True
            try:
                self.update(
                    dataclasses.replace(lead, state=LeadState.LANDED, state_reason="", project_id=project.id),
                    summary=f"{self.describe(lead)}落地为项目“{project.name}”（项目编号 {project.id}）",
                )
            finally:
                self._landing = False
        return project

    # --------------------------------------------------- personal information
    def reveal(self, lead_id: int) -> Contacts:
        """The full contact details of one lead; the audit log records who looked."""
        with self.ledger.transaction():
            lead = self.get(lead_id)
            self.ledger.audit("reveal", "lead", lead.id, f"查看{self.describe(lead)}的完整联系方式")
        return Contacts(lead.phone, lead.email, lead.wechat)

    def record_export(self, what: str, path: str, lead_ids: Sequence[int], full_contacts: bool,
                      entity: str = "lead", entity_id: int | None = None) -> None:
        """Write an export to the audit log (always, and saying whether contacts were in full)."""
        detail = "含完整联系方式（个人信息）" if full_contacts else "联系方式已隐藏"
        with self.ledger.transaction():
            self.ledger.audit(
                "export_full" if full_contacts else "export", entity, entity_id,
                f"导出{what}：{len(lead_ids)} 条线索，{detail}",
                {"file": [None, path], "leads": [None, sorted(lead_ids)], "full_contacts": [None, full_contacts]},
            )

    # ------------------------------------------------------------ reading
    def history(self, lead_id: int, limit: int = 1000) -> list[AuditEntry]:
        return self.ledger.audit_entries("lead", lead_id, limit)

    def project_of(self, lead: Lead) -> Project | None:
        return self.ledger.projects.maybe(lead.project_id)

    def origin_of_project(self, project_id: int) -> Lead | None:
        """The lead a project was landed from (来源线索), if any."""
        project = self.ledger.projects.maybe(project_id)
        if project is None:
            return None
        if project.source_lead_id is not None:
            found = self.maybe(project.source_lead_id)
            if found is not None:
                return found
        linked = self.of_project(project_id)
        return linked[0] if linked else None


class FollowUpRepo(Repo[FollowUp]):
    table = "lead_followups"
    model = FollowUp
    noun = "跟进记录"
    entity = "lead"

    def audit_target(self, obj: FollowUp) -> tuple[str, int | None]:
        return "lead", obj.lead_id

    def describe(self, obj: FollowUp) -> str:
        return f"跟进记录（{obj.on_date.isoformat()}）"

    def validate(self, obj: FollowUp) -> None:
        from desk.core.errors import FieldError, ValidationError

        errors = []
        if not obj.what.strip():
            errors.append(FieldError("what", "请填写跟进情况"))
        if obj.next_date is not None and obj.next_date < obj.on_date:
            errors.append(FieldError("next_date", "下次跟进日期不能早于本次跟进日期"))
        if errors:
            raise ValidationError(errors, "跟进记录填写有误")

    def of_lead(self, lead_id: int) -> list[FollowUp]:
        return self._select("lead_id = ?", (lead_id,), order="on_date, id")


__all__ = ["Contacts", "Duplicate", "FollowUpRepo", "LeadFilter", "LeadRepo", "TeamRepo", "TripRepo"]
