"""Investment teams (招商小分队) and their trips (外出招商), checked against 港南2018's quotas.

Each trip should visit at least 6 companies and bring back at least 3 leads (原则上每次外出
招商拜访企业不少于6家，提供有意向投资港南的招商线索不少于3条); each team reports its month
by the 28th. The numbers are ledger settings because other places set other quotas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from desk.core.leads import company_key
from desk.core.models import Lead, Team, Trip
from desk.core.periods import DeadlineRule, Month

DEFAULT_MIN_COMPANIES = 6
DEFAULT_MIN_LEADS = 3
DEFAULT_REPORT_DAY = 28


@dataclass(frozen=True)
class Quotas:
    min_companies: int = DEFAULT_MIN_COMPANIES
    min_leads: int = DEFAULT_MIN_LEADS
    report_day: int = DEFAULT_REPORT_DAY

    @property
    def deadline_rule(self) -> DeadlineRule:
        return DeadlineRule(day=self.report_day, next_month=False)

    def text(self) -> str:
        return f"每次外出拜访企业不少于 {self.min_companies} 家、带回招商线索不少于 {self.min_leads} 条"


@dataclass(frozen=True)
class TripCheck:
    trip: Trip
    companies: int
    leads: int
    quotas: Quotas

    @property
    def companies_ok(self) -> bool:
        return self.companies >= self.quotas.min_companies

    @property
    def leads_ok(self) -> bool:
        return self.leads >= self.quotas.min_leads

    @property
    def ok(self) -> bool:
        return self.companies_ok and self.leads_ok

    def shortfalls(self) -> list[str]:
        """What the trip lacks, in Chinese (empty when it met both quotas)."""
        found = []
        if not self.companies_ok:
            found.append(f"拜访企业 {self.companies} 家，少于 {self.quotas.min_companies} 家")
        if not self.leads_ok:
            found.append(f"带回线索 {self.leads} 条，少于 {self.quotas.min_leads} 条")
        return found

    @property
    def verdict(self) -> str:
        return "达标" if self.ok else "未达标：" + "；".join(self.shortfalls())


def check_trip(trip: Trip, leads: Sequence[Lead], quotas: Quotas) -> TripCheck:
    """A trip against the quotas. Every company a lead was recorded for was visited, so the
    clerk's count of companies is never taken as lower than the distinct companies of the
    trip's leads."""
    companies = {company_key(lead.company) or f"#{lead.person_name}" for lead in leads}
    return TripCheck(trip, max(trip.companies_visited, len(companies)), len(leads), quotas)


@dataclass
class TeamMonth:
    """One team's month: its trips checked against the quotas and the people it visited."""

    team: Team
    month: Month
    quotas: Quotas
    trips: list[TripCheck] = field(default_factory=list)
    visits: list[Lead] = field(default_factory=list)  # every visited business person, by date

    @property
    def companies(self) -> int:
        return sum(t.companies for t in self.trips)

    @property
    def leads(self) -> int:
        return len(self.visits)

    @property
    def trips_ok(self) -> int:
        return sum(1 for t in self.trips if t.ok)

    @property
    def trips_failed(self) -> int:
        return len(self.trips) - self.trips_ok

    def deadline(self) -> date:
        return self.quotas.deadline_rule.deadline(self.month)

    def summary(self) -> str:
        if not self.trips:
            return f"{self.month.label}无外出招商记录；登记客商 {self.leads} 人"
        return (
            f"{self.month.label}外出招商 {len(self.trips)} 次，拜访企业 {self.companies} 家，"
            f"带回线索 {self.leads} 条；达标 {self.trips_ok} 次，未达标 {self.trips_failed} 次"
        )


def build_team_month(
    team: Team, month: Month, quotas: Quotas, trips: Sequence[Trip], visits: Sequence[Lead]
) -> TeamMonth:
    per_trip: dict[int | None, list[Lead]] = {}
    for lead in visits:
        per_trip.setdefault(lead.trip_id, []).append(lead)
    checks = [check_trip(t, per_trip.get(t.id, []), quotas) for t in trips]
    ordered = sorted(visits, key=lambda v: (v.visit_date or month.first_day, v.id or 0))
    return TeamMonth(team, month, quotas, checks, ordered)
