"""Progress against tasks and targets, counted from the ledger (desk.core.metrics, desk.core.progress).

The store reads the facts in a few aggregate queries (monthly figures are summed in SQL per
project), asks the recognition engine about every claimed start and completion of the year
and their dynamic review (desk.store.recognition.year_reviews), and hands plain data to
the core.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

from desk.core.glossary import Category, Claim, Flag, Metric, RecognitionStatus, Stage
from desk.core.metrics import (
    ClaimFacts,
    LeadFacts,
    LedgerFacts,
    ProjectFacts,
    Scope,
    TripFacts,
    Values,
    count_metrics,
)
from desk.core.models import TaskTarget
from desk.core.periods import Month
from desk.core.progress import Report, target_progress, task_progress
from desk.core.recognition import Profile
from desk.core.review import COUNTING, ClaimResult, YearReview
from desk.store.ledger import Ledger
from desk.store.recognition import current_profile, year_reviews

WORKING = tuple(s.value for s in (Stage.NEW_START, Stage.CONSTRUCTION, Stage.RESUMED, Stage.COMPLETED))


def default_through(ledger: Ledger, year: int, today: date | None = None) -> Month:
    """The last month to count: the latest month reported in the year (not after today's month)."""
    today = today or ledger.today()
    if year < today.year:
        return Month(year, 12)
    if year > today.year:
        return Month(year, 1)
    row = ledger.conn.execute(
        "SELECT max(month) FROM project_months WHERE month BETWEEN ? AND ?",
        (f"{year:04d}-01", str(Month.of(today))),
    ).fetchone()
    return Month.parse(row[0]) if row and row[0] else Month.of(today)


def counting_date(through: Month, today: date) -> date:
    """The day the figures stand at: the end of the counted month, or today within it."""
    return min(through.last_day, today)


_NO_FLAGS: frozenset[Flag] = frozenset()
_TEN_THOUSAND = Decimal(10_000)


def _wan(yuan: int | None) -> Decimal:
    """Whole 元 (or 美元) from SQL as 万元 (万美元), exactly."""
    return Decimal(yuan) / _TEN_THOUSAND if yuan else Decimal(0)


def _flags(text: str, known: dict[str, Flag]) -> frozenset[Flag]:
    if text == "[]":
        return _NO_FLAGS
    return frozenset(known[f] for f in json.loads(text) if f in known)


def load_facts(ledger: Ledger, year: int, through: Month, profile: Profile | None = None) -> LedgerFacts:
    first, last = f"{year:04d}-01", str(through)
    sums = {
        pid: (domestic, foreign, invested, worked)
        for pid, domestic, foreign, invested, worked in ledger.conn.execute(
            "SELECT project_id, sum(domestic_funds_yuan), sum(foreign_funds_usd), sum(invested_month_yuan),"
            f" max(stage IN ({', '.join('?' * len(WORKING))}))"
            " FROM project_months WHERE month BETWEEN ? AND ? GROUP BY project_id",
            (*WORKING, first, last),
        )
    }
    # The stage of each project's latest record: SQLite takes a bare column from the row that
    # holds the max() when max() is the only aggregate (documented in "SELECT", bare columns).
    stopped = {
        pid for pid, _latest, stage in ledger.conn.execute(
            "SELECT project_id, max(month), stage FROM project_months WHERE month BETWEEN ? AND ?"
            " GROUP BY project_id",
            (first, last),
        ) if stage == "stopped"
    }
    signed: dict[int, list[date]] = defaultdict(list)
    for pid, on in ledger.conn.execute("SELECT project_id, on_date FROM stage_changes WHERE to_stage = 'signed'"):
        signed[pid].append(date.fromisoformat(on))
    categories = {c.value: c for c in Category}
    stages = {s.value: s for s in Stage}
    known_flags = {f.value: f for f in Flag}
    projects = []
    for row in ledger.conn.execute(
        "SELECT id, unit_id, category, total_investment_yuan, stage, archived, flags, start_date, completion_date"
        " FROM projects"
    ):
        pid, unit_id, category, total, stage, archived, flags, start, completion = row
        domestic, foreign, invested, worked = sums.get(pid, (0, 0, 0, 0))
        projects.append(ProjectFacts(
            id=pid, unit_id=unit_id, category=categories[category], total_wan=_wan(total),
            stage=stages[stage], archived=bool(archived),
            flags=_flags(flags, known_flags),
            start_date=date.fromisoformat(start) if start else None,
            completion_date=date.fromisoformat(completion) if completion else None,
            signed_on=tuple(signed.get(pid, ())),
            domestic_wan=_wan(domestic),
            foreign_wusd=_wan(foreign),
            invested_wan=_wan(invested),
            worked=bool(worked),
            stopped=pid in stopped,
        ))
    claims = []
    profile = profile or current_profile(ledger)
    if through.year == year:
        for pid, review in year_reviews(ledger, str(through), profile).items():
            for result in review.claims:
                if result.month <= str(through):
                    claims.append(ClaimFacts(pid, Month.parse(result.month), result.claim, result.verdict.recognised,
                                             standing=_start_stands(review, result, str(through))))
    leads = [
        LeadFacts(unit_id, date.fromisoformat(visit) if visit else None)
        for unit_id, visit in ledger.conn.execute(
            "SELECT coalesce(source_unit_id, unit_id), visit_date FROM leads WHERE visit_date BETWEEN ? AND ?",
            (f"{year:04d}-01-01", through.last_day.isoformat()),
        )
    ]
    trips = [
        TripFacts(unit_id, date.fromisoformat(start), visited)
        for unit_id, start, visited in ledger.conn.execute(
            "SELECT t.unit_id, r.start_on, r.companies_visited FROM trips r JOIN teams t ON t.id = r.team_id"
            " WHERE r.start_on BETWEEN ? AND ?",
            (f"{year:04d}-01-01", through.last_day.isoformat()),
        )
    ]
    return LedgerFacts(projects, claims, leads, trips)


def _start_stands(review: YearReview, result: ClaimResult, through: str) -> bool:
    """Whether a recognised new start still stands at the end of ``through`` under the dynamic
    review (desk.core.review: dropped when stopped, without progress or unreported; counted
    again once resumed). This is ``YearReview.start_counts_at`` without its size test, which
    the scope of each count applies instead (a target may set its own threshold)."""
    if result.claim != Claim.NEW_START:
        return True
    if not result.verdict.recognised:
        return False
    settled = (RecognitionStatus.COMPLETION_RECOGNISED, RecognitionStatus.COMPLETION_REJECTED)
    statuses = [e.status for e in review.events if result.month <= e.month <= through and e.status not in settled]
    return bool(statuses) and statuses[-1] in COUNTING


def profile_scope(profile: Profile, min_total_wan: Decimal | None = None) -> Scope:
    """What a count covers: the profile's scored categories, at its threshold or a target's own."""
    if min_total_wan is None:
        return Scope(profile.count_threshold_wan, profile.counted_categories)
    return Scope(min_total_wan, profile.counted_categories, signed_min_wan=min_total_wan)


def metric_values(
    ledger: Ledger, year: int, through: Month | None = None, *, today: date | None = None,
    min_total_wan: Decimal | None = None,
) -> Values:
    """Every counted metric per unit (the core's ``Values``) for ``year`` up to ``through``."""
    today = today or ledger.today()
    through = through or default_through(ledger, year, today)
    profile = current_profile(ledger)
    facts = load_facts(ledger, year, through, profile)
    return count_metrics(facts, year, through, counting_date(through, today), profile_scope(profile, min_total_wan))


def report(ledger: Ledger, year: int, through: Month | None = None, *, today: date | None = None) -> Report:
    """Every task of the year with its rows, and every yearly target, counted up to ``through``."""
    today = today or ledger.today()
    through = through or default_through(ledger, year, today)
    as_of = counting_date(through, today)
    profile = current_profile(ledger)
    facts = load_facts(ledger, year, through, profile)
    counted: dict[Scope, Values] = {}

    def values_for(threshold: Decimal | None, metric: Metric | None = None) -> Values:
        scope = profile_scope(profile)
        if threshold is not None:
            # A target's own threshold narrows only what it counts (签约亿元以上 vs 新开工亿元以上),
            # so targets that differ only elsewhere share one count.
            signed = metric in (Metric.SIGNED_PROJECTS, Metric.SIGNED_INVESTMENT)
            scope = Scope(scope.min_total_wan if signed else threshold, scope.categories,
                          signed_min_wan=threshold if signed else Decimal(0))
        if scope not in counted:
            counted[scope] = count_metrics(facts, year, through, as_of, scope)
        return counted[scope]

    names = ledger.units.names()
    result = Report(year=year, as_of=as_of, through=str(through))
    targets_by_task: dict[int, list[TaskTarget]] = defaultdict(list)
    order = {u.id: i for i, u in enumerate(ledger.units.all())}
    for target in ledger.task_targets.where(
        "task_id IN (SELECT id FROM tasks WHERE year = ?)", (year,), order="task_id, id"
    ):
        targets_by_task[target.task_id].append(target)
    for task in ledger.tasks.of_year(year):
        rows = sorted(targets_by_task.get(task.id, []), key=lambda t: order.get(t.unit_id, 10**9))  # type: ignore[arg-type]
        result.tasks.append(task_progress(task, rows, names, values_for(None), as_of))
    metrics = list(Metric)
    goals = sorted(ledger.targets.of_year(year), key=lambda t: (order.get(t.unit_id, 10**9), metrics.index(t.metric)))
    for goal in goals:
        result.targets.append(
            target_progress(goal, names.get(goal.unit_id, ""), values_for(goal.min_investment_wan, goal.metric), as_of)
        )
    return result

