"""Leads (招商线索), their follow-ups, investment teams (招商小分队) and trips (外出招商)."""

from __future__ import annotations

from desk.core.models import FollowUp, Lead, Team, Trip
from desk.core.validation import lead_errors, team_errors, trip_errors
from desk.store.repo import Repo


class TeamRepo(Repo[Team]):
    table = "teams"
    model = Team
    noun = "招商小分队"
    entity = "team"
    validator = staticmethod(team_errors)

    def by_name(self, name: str) -> Team | None:
        found = self._select("name = ?", (name.strip(),))
        return found[0] if found else None


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


class LeadRepo(Repo[Lead]):
    table = "leads"
    model = Lead
    noun = "线索"
    entity = "lead"
    validator = staticmethod(lead_errors)

    def of_team(self, team_id: int) -> list[Lead]:
        return self._select("team_id = ?", (team_id,), order="visit_date, id")

    def of_trip(self, trip_id: int) -> list[Lead]:
        return self._select("trip_id = ?", (trip_id,), order="visit_date, id")

    def of_project(self, project_id: int) -> list[Lead]:
        return self._select("project_id = ?", (project_id,), order="id")


class FollowUpRepo(Repo[FollowUp]):
    table = "lead_followups"
    model = FollowUp
    noun = "跟进记录"
    entity = "lead"

    def audit_target(self, obj: FollowUp) -> tuple[str, int | None]:
        return "lead", obj.lead_id

    def describe(self, obj: FollowUp) -> str:
        return f"跟进记录（{obj.on_date.isoformat()}）"

    def of_lead(self, lead_id: int) -> list[FollowUp]:
        return self._select("lead_id = ?", (lead_id,), order="on_date, id")
