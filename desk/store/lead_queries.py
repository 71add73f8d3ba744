"""Queries over leads: the list's search and filters, overdue follow-ups, duplicate
companies, the pipeline of a period and a team's month."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from desk.core.glossary import LeadSource, LeadState
from desk.core.leads import OPEN_STATES, company_key
from desk.core.models import Lead
from desk.core.periods import Month
from desk.core.pipeline import Pipeline
from desk.core.teams import (
    DEFAULT_MIN_COMPANIES,
    DEFAULT_MIN_LEADS,
    DEFAULT_REPORT_DAY,
    Quotas,
    TeamMonth,
    build_team_month,
)

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

SEARCH_COLUMNS = ("company", "person_name", "address", "business_scope", "intent_industry", "intermediary",
                  "owner_clerk", "position")
_OPEN = tuple(s.value for s in OPEN_STATES)

# The date of the most recent follow-up's "next date" of lead l (the timeline's due date).
NEXT_DATE_SQL = (
    "(SELECT f.next_date FROM lead_followups f WHERE f.lead_id = l.id"
    " ORDER BY f.on_date DESC, f.id DESC LIMIT 1)"
)

SORT_KEYS: dict[str, str] = {
    "id": "l.id",
    "visit_date": "l.visit_date",
    "company": "l.company",
    "person_name": "l.person_name",
    "position": "l.position",
    "intent_industry": "l.intent_industry",
    "intent_amount": "l.intent_amount_yuan",
    "source": "l.source",
    "team": "(SELECT name FROM teams t WHERE t.id = l.team_id)",
    "state": "l.state",
    "owner_clerk": "l.owner_clerk",
    "next_date": NEXT_DATE_SQL,
    "updated_at": "l.updated_at",
}


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class LeadFilter:
    """What the lead list is narrowed to. Empty collections mean “any”."""

    text: str = ""
    states: frozenset[LeadState] = frozenset()
    sources: frozenset[LeadSource] = frozenset()
    team_ids: frozenset[int] = frozenset()
    overdue_on: date | None = None  # only open leads whose next follow-up date is before this day
    visited_from: date | None = None
    visited_to: date | None = None
    extra: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def sql(self) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        for word in self.text.split():
            pattern = like_pattern(word)
            where.append("(" + " OR ".join(f"l.{c} LIKE ? ESCAPE '\\'" for c in SEARCH_COLUMNS) + ")")
            params.extend([pattern] * len(SEARCH_COLUMNS))

        def within(column: str, values: Iterable[Any]) -> None:
            values = sorted(values)
            if values:
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)

        within("l.state", (s.value for s in self.states))
        within("l.source", (s.value for s in self.sources))
        within("l.team_id", self.team_ids)
        if self.overdue_on is not None:
            where.append(f"l.state IN ({', '.join('?' * len(_OPEN))}) AND {NEXT_DATE_SQL} < ?")
            params.extend([*_OPEN, self.overdue_on.isoformat()])
        if self.visited_from is not None:
            where.append("l.visit_date >= ?")
            params.append(self.visited_from.isoformat())
        if self.visited_to is not None:
            where.append("l.visit_date <= ?")
            params.append(self.visited_to.isoformat())
        for clause, clause_params in self.extra:
            where.append(clause)
            params.extend(clause_params)
        return (" AND ".join(where) or "1"), params


@dataclass(frozen=True)
class Duplicate:
    """Another lead or project whose company is the same once spelling is set aside."""

    kind: str  # "lead" or "project"
    id: int
    company: str
    title: str  # the other lead's person / the project's name
    state: str  # its state or stage, in Chinese

    def text(self) -> str:
        if self.kind == "lead":
            return f"线索：{self.company}（{self.title or '未填客商'}，{self.state}）"
        return f"项目：{self.title}（建设单位 {self.company}，{self.state}）"


def _register_key(conn: sqlite3.Connection) -> None:
    # A Python function in SQL: the comparison must be exactly desk.core.leads.company_key.
    conn.create_function("desk_company_key", 1, lambda text: company_key(text or ""), deterministic=True)


def _prefilter(key: str) -> tuple[str, list[str]]:
    """A cheap SQL condition every spelling with this key meets, so that the Python key
    function runs on a few candidates rather than on every row: a Chinese character of
    the key survives normalisation unchanged, so it is in every spelling of the name."""
    chinese = [c for c in dict.fromkeys(key) if "\u4e00" <= c <= "\u9fff"]
    if not chinese:
        return "", []
    picked = sorted({chinese[0], chinese[len(chinese) // 2], chinese[-1]}, key=chinese.index)
    return "".join(" AND instr({col}, ?) > 0" for _ in picked), picked


class LeadQueries:
    """Mixed into LeadRepo: read-only queries that return ids, counts or core objects."""

    ledger: Ledger
    _select: Callable[..., list[Lead]]  # Repo's

    @property
    def _conn(self) -> sqlite3.Connection:
        return self.ledger.conn

    # --------------------------------------------------------------- list
    def search_ids(self, filter: LeadFilter | None = None, order_by: str = "visit_date",
                   descending: bool = True) -> list[int]:
        where, params = (filter or LeadFilter()).sql()
        order = SORT_KEYS.get(order_by, "l.id")
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT l.id FROM leads l WHERE {where} ORDER BY {order} {direction}, l.id {direction}"
        return [r[0] for r in self._conn.execute(sql, params)]

    def by_ids(self, ids: Sequence[int]) -> list[Lead]:
        if not ids:
            return []
        found: dict[int, Lead] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for lead in self._select(f"id IN ({', '.join('?' * len(chunk))})", chunk, order=""):
                found[lead.id] = lead  # type: ignore[index]
        return [found[i] for i in ids if i in found]

    def next_dates(self, ids: Sequence[int]) -> dict[int, date | None]:
        """Each lead's next follow-up date (from its latest follow-up)."""
        result: dict[int, date | None] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = self._conn.execute(
                f"SELECT l.id, {NEXT_DATE_SQL} FROM leads l WHERE l.id IN ({', '.join('?' * len(chunk))})", chunk
            )
            for lead_id, due in rows:
                result[lead_id] = date.fromisoformat(due) if due else None
        return result

    def overdue_ids(self, today: date) -> list[int]:
        return self.search_ids(LeadFilter(overdue_on=today), order_by="next_date", descending=False)

    # ---------------------------------------------------------- duplicates
    def duplicates(self, company: str, *, exclude_lead: int | None = None,
                   exclude_project: int | None = None) -> list[Duplicate]:
        """Leads and projects whose company is ``company`` once normalised (desk.core.leads.company_key)."""
        key = company_key(company)
        if not key:
            return []
        _register_key(self._conn)
        narrow, narrow_params = _prefilter(key)
        found: list[Duplicate] = []
        rows = self._conn.execute(
            "SELECT id, company, person_name, state FROM leads"
            f" WHERE company <> ''{narrow.format(col='company')} AND desk_company_key(company) = ?"
            " AND id IS NOT ? ORDER BY id",
            (*narrow_params, key, exclude_lead),
        )
        for lead_id, name, person, state in rows:
            found.append(Duplicate("lead", lead_id, name, person, LeadState.parse(state).label))
        rows = self._conn.execute(
            "SELECT id, owner_company, name, stage FROM projects"
            f" WHERE owner_company <> ''{narrow.format(col='owner_company')}"
            " AND desk_company_key(owner_company) = ? AND id IS NOT ? ORDER BY id",
            (*narrow_params, key, exclude_project),
        )
        from desk.core.glossary import Stage

        for project_id, name, title, stage in rows:
            found.append(Duplicate("project", project_id, name, title, Stage.parse(stage).label))
        return found

    # ------------------------------------------------------------ pipeline
    def pipeline(self, start: date | None = None, end: date | None = None,
                 team_id: int | None = None) -> Pipeline:
        """Leads first recorded in [start, end] (their visit date, else the day they were entered)."""
        day = "coalesce(visit_date, substr(created_at, 1, 10))"
        where: list[str] = ["1"]
        params: list[Any] = []
        if start is not None:
            where.append(f"{day} >= ?")
            params.append(start.isoformat())
        if end is not None:
            where.append(f"{day} <= ?")
            params.append(end.isoformat())
        if team_id is not None:
            where.append("team_id = ?")
            params.append(team_id)
        rows = self._conn.execute(f"SELECT state, source FROM leads WHERE {' AND '.join(where)}", params)
        return Pipeline.of((LeadState.parse(s), LeadSource.parse(src)) for s, src in rows)

    # ----------------------------------------------------------- teams
    def quotas(self) -> Quotas:
        ledger = self.ledger
        return Quotas(
            min_companies=int(ledger.setting("trip_min_companies", DEFAULT_MIN_COMPANIES)),
            min_leads=int(ledger.setting("trip_min_leads", DEFAULT_MIN_LEADS)),
            report_day=int(ledger.setting("team_report_day", DEFAULT_REPORT_DAY)),
        )

    def set_quotas(self, quotas: Quotas) -> None:
        from desk.core.errors import FieldError, ValidationError

        errors = []
        if not 0 <= quotas.min_companies <= 100:
            errors.append(FieldError("trip_min_companies", "每次拜访企业数应在 0 到 100 之间"))
        if not 0 <= quotas.min_leads <= 100:
            errors.append(FieldError("trip_min_leads", "每次带回线索数应在 0 到 100 之间"))
        if not 1 <= quotas.report_day <= 31:
            errors.append(FieldError("team_report_day", "报送日应在 1 到 31 日之间"))
        if errors:
            raise ValidationError(errors, "考核标准填写有误")
        with self.ledger.transaction():
            self.ledger.set_setting("trip_min_companies", quotas.min_companies)
            self.ledger.set_setting("trip_min_leads", quotas.min_leads)
            self.ledger.set_setting("team_report_day", quotas.report_day)

    def month_visits(self, team_id: int, month: Month) -> list[Lead]:
        """The business people a team visited in a month: the leads of its trips that began
        that month, and its leads without a trip visited that month."""
        prefix = f"{month}-%"
        return self._select(
            "team_id = ? AND (trip_id IN (SELECT id FROM trips WHERE team_id = ? AND start_on LIKE ?)"
            " OR (trip_id IS NULL AND visit_date LIKE ?))",
            (team_id, team_id, prefix, prefix),
            order="visit_date, id",
        )

    def team_month(self, team_id: int, month: Month) -> TeamMonth:
        ledger = self.ledger
        team = ledger.teams.get(team_id)
        trips = ledger.trips.of_team_in_month(team_id, str(month))
        return build_team_month(team, month, self.quotas(), trips, self.month_visits(team_id, month))
