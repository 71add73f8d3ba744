"""Recognition over the ledger: the profile in use, the verdict on every claim of a month, and
each project's standing in the year's dynamic review (动态考评) as of a month."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from desk.core.errors import DeskError
from desk.core.glossary import Category, Claim, Evidence, MonthFilter, RecognitionStatus, Stage
from desk.core.models import Project, ProjectMonth
from desk.core.periods import Month
from desk.core.recognition import Profile, Verdict, claim_in_month, judge, load_profile
from desk.core.review import FLAGS, ClaimResult, ReviewEvent, YearReview, review_year
from desk.store.ledger import Ledger

_cache: dict[str, Profile] = {}
_STAGES = {s.value: s for s in Stage}
_EVIDENCE = {e.value: e for e in Evidence}
_NO_EVIDENCE: frozenset[Evidence] = frozenset()


def profile_source(ledger: Ledger, name: str | None = None) -> str:
    name = name or ledger.profile_name
    row = ledger.conn.execute("SELECT source FROM rule_profiles WHERE name = ?", (name,)).fetchone()
    if row is None:
        known = [r[0] for r in ledger.conn.execute("SELECT name FROM rule_profiles ORDER BY name")]
        raise DeskError(f"台账中没有认定标准“{name}”，可选：{'、'.join(known) or '（无）'}")
    return str(row[0])


def current_profile(ledger: Ledger, name: str | None = None) -> Profile:
    """The rule profile the ledger uses (parsed once per distinct text)."""
    name = name or ledger.profile_name
    source = profile_source(ledger, name)
    key = f"{name}\n{source}"
    if key not in _cache:
        _cache[key] = load_profile(source, name)
    return _cache[key]


@dataclass(frozen=True)
class Check:
    """One claimed new start or completion in a month, and its verdict."""

    project: Project
    record: ProjectMonth
    claim: Claim
    verdict: Verdict


def month_checks(ledger: Ledger, month: str, profile: Profile | None = None) -> list[Check]:
    """Every project claimed as started or completed in ``month``, judged by the profile."""
    profile = profile or current_profile(ledger)
    previous = str(Month.parse(month).prev())
    prev_stage = {
        pid: Stage.parse(stage)
        for pid, stage in ledger.conn.execute(
            "SELECT project_id, stage FROM project_months WHERE month = ?", (previous,)
        )
    }
    records = ledger.months.where("month = ? AND stage IN ('new_start', 'completed')", (month,), order="project_id")
    claimed: list[tuple[ProjectMonth, Claim]] = []
    for record in records:
        claim = claim_in_month(record.stage, prev_stage.get(record.project_id))
        if claim is not None:
            claimed.append((record, claim))
    projects = {p.id: p for p in ledger.projects.by_ids([r.project_id for r, _ in claimed])}
    checks = []
    for record, claim in claimed:
        project = projects[record.project_id]
        verdict = judge(profile, claim, project.category, project.total_investment_wan,
                        record.invested_month_wan, record.evidence)
        checks.append(Check(project, record, claim, verdict))
    return checks


# ------------------------------------------------------------------------- dynamic review
def review_until(ledger: Ledger, month: str) -> Month | None:
    """The last month the review may look at: ``month``, or the ledger's latest reported
    month if that is earlier (a month nobody has reported yet proves nothing)."""
    latest = ledger.latest_month()
    if latest is None:
        return None
    return min(Month.parse(month), Month.parse(latest))


def year_reviews(
    ledger: Ledger, month: str, profile: Profile | None = None, project_ids: Iterable[int] | None = None,
) -> dict[int, YearReview]:
    """The year's review (claims and dynamic review, up to ``month``) of every project that
    claimed a new start or a completion in the year of ``month``, by project id."""
    profile = profile or current_profile(ledger)
    asked = Month.parse(month)
    until = review_until(ledger, month)
    if until is None or until.year != asked.year:
        return {}
    first, before = f"{asked.year:04d}-01", str(Month(asked.year, 1).prev())
    sql = ("SELECT DISTINCT project_id FROM project_months WHERE month BETWEEN ? AND ?"
           " AND stage IN ('new_start', 'completed')")
    ids = [r[0] for r in ledger.conn.execute(sql, (first, str(until)))]
    if project_ids is not None:
        wanted = set(project_ids)
        ids = [i for i in ids if i in wanted]
    if not ids:
        return {}
    records: dict[int, list[ProjectMonth]] = {i: [] for i in ids}
    projects: list[Project] = []
    # Only the columns the review reads, built straight into the dataclasses: over a
    # 10,000-project ledger the generic row mapping costs more than the review itself.
    for chunk in _chunks(ids, 500):
        marks = ", ".join("?" * len(chunk))
        for pid, month_text, stage, invested, evidence in ledger.conn.execute(
            f"SELECT project_id, month, stage, invested_month_yuan, evidence FROM project_months"
            f" WHERE project_id IN ({marks}) AND month BETWEEN ? AND ? ORDER BY project_id, month",
            (*chunk, before, str(until)),
        ):
            records[pid].append(ProjectMonth(
                project_id=pid, month=month_text, stage=_STAGES[stage],
                invested_month_wan=Decimal(invested).scaleb(-4),
                evidence=_NO_EVIDENCE if evidence == "[]" else frozenset(_EVIDENCE[e] for e in json.loads(evidence)),
            ))
        for pid, name, unit_id, category, total in ledger.conn.execute(
            f"SELECT id, name, unit_id, category, total_investment_yuan FROM projects WHERE id IN ({marks})", chunk,
        ):
            projects.append(Project(name=name, unit_id=unit_id, category=Category.parse(category),
                                    total_investment_wan=Decimal(total).scaleb(-4), id=pid))
    return {int(p.id or 0): review_year(profile, p, records[int(p.id or 0)], asked.year, until) for p in projects}


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(frozen=True)
class Standing:
    """A project's recognition standing as of a month (the project table's column)."""

    project_id: int
    status: RecognitionStatus
    event: ReviewEvent
    review: YearReview
    claim: ClaimResult | None = None  # a claim made in the month itself
    files: int = 0  # evidence files attached to the month of that claim

    @property
    def text(self) -> str:
        """The short text of the table cell."""
        if self.status == RecognitionStatus.DROPPED:
            return f"剔除（{self.event.cause}）"
        if self.claim is None and self.status in (RecognitionStatus.START_RECOGNISED,
                                                  RecognitionStatus.START_REJECTED,
                                                  RecognitionStatus.COMPLETION_RECOGNISED,
                                                  RecognitionStatus.COMPLETION_REJECTED):
            return f"{self.status.label}（{Month.parse(self.event.month).month}月）"
        return self.status.label

    @property
    def missing_files(self) -> bool:
        return self.claim is not None and self.files == 0

    @property
    def detail(self) -> str:
        """The tooltip: the year's events so far, then this month's reasons."""
        lines = [e.text for e in self.review.events if e.month <= self.event.month]
        if self.claim is not None:
            lines += ["", *self.claim.verdict.reasons]
            if self.missing_files:
                lines.append("本月没有上传现场照片或文件资料（缺少证据材料）")
        return "\n".join(lines)

    @property
    def flagged(self) -> bool:
        return self.status in FLAGS


def recognition_status(ledger: Ledger, month: str, profile: Profile | None = None) -> dict[int, Standing]:
    """Every project with a claim in the year up to ``month``: its standing as of ``month``."""
    reviews = year_reviews(ledger, month, profile)
    files = dict(ledger.conn.execute(
        "SELECT project_id, count(*) FROM attachments WHERE month = ? GROUP BY project_id", (month,)
    ).fetchall())
    standings: dict[int, Standing] = {}
    for pid, review in reviews.items():
        event = review.event_at(month)
        if event is None:
            continue
        claim = review.claim_in(month)
        standings[pid] = Standing(pid, event.status, event, review, claim, int(files.get(pid, 0)))
    return standings


def _wanted(items: Iterable[RecognitionStatus | MonthFilter | str]) -> tuple[set[RecognitionStatus], set[MonthFilter]]:
    statuses: set[RecognitionStatus] = set()
    filters: set[MonthFilter] = set()
    for item in items:
        if isinstance(item, RecognitionStatus):
            statuses.add(item)
        elif isinstance(item, MonthFilter):
            filters.add(item)
        else:
            text = str(item)
            try:
                statuses.add(RecognitionStatus.parse(text))
            except ValueError:
                try:
                    filters.add(MonthFilter.parse(text))
                except ValueError:
                    known = "、".join([*RecognitionStatus.values(), *MonthFilter.values()])
                    raise DeskError(f"“{text}”不是认定筛选条件，可选：{known}") from None
    return statuses, filters


def matches(standing: Standing, statuses: set[RecognitionStatus], filters: set[MonthFilter]) -> bool:
    if standing.status in statuses:
        return True
    claim = standing.claim
    if claim is None:
        return False
    return (
        MonthFilter.CLAIMED in filters
        or (MonthFilter.RECOGNISED in filters and claim.verdict.recognised)
        or (MonthFilter.NOT_RECOGNISED in filters and not claim.verdict.recognised)
        or (MonthFilter.MISSING_FILES in filters and standing.missing_files)
    )


def recognition_filter(
    ledger: Ledger, month: str, wanted: Iterable[RecognitionStatus | MonthFilter | str],
    standings: dict[int, Standing] | None = None,
) -> set[int]:
    """Ids of the projects whose standing as of ``month`` is any of ``wanted``: statuses
    (:class:`RecognitionStatus`, as of the month) or this month's claims (:class:`MonthFilter`)."""
    statuses, filters = _wanted(wanted)
    standings = recognition_status(ledger, month) if standings is None else standings
    return {pid for pid, s in standings.items() if matches(s, statuses, filters)}


@dataclass(frozen=True)
class MonthSummary:
    """The month's claims and the year's dynamic-review flags, counted (the summary widget)."""

    month: str
    profile: str
    counts: dict[str, int] = field(default_factory=dict)  # MonthFilter / RecognitionStatus value → count

    def count(self, key: MonthFilter | RecognitionStatus) -> int:
        return self.counts.get(key.value, 0)


def month_summary(ledger: Ledger, month: str, standings: dict[int, Standing] | None = None) -> MonthSummary:
    standings = recognition_status(ledger, month) if standings is None else standings
    counts: dict[str, int] = {}
    for key in [*MonthFilter, *RecognitionStatus]:
        statuses, filters = _wanted([key])
        counts[key.value] = sum(1 for s in standings.values() if matches(s, statuses, filters))
    return MonthSummary(month, current_profile(ledger).title, counts)


def history_lines(ledger: Ledger, project_id: int, year: int | None = None, *, reasons: bool = True) -> list[str]:
    """The project's recognition history, a line per event, for the years it made claims
    (or only ``year``), newest year first; each line cites its clause where one applies.
    With ``reasons`` each claim is followed by its verdict's reasons, indented."""
    if year is None:
        years = [int(r[0]) for r in ledger.conn.execute(
            "SELECT DISTINCT substr(month, 1, 4) FROM project_months WHERE project_id = ?"
            " AND stage IN ('new_start', 'completed') ORDER BY 1 DESC", (project_id,))]
    else:
        years = [year]
    lines: list[str] = []
    for y in years:
        review = year_reviews(ledger, f"{y:04d}-12", project_ids=[project_id]).get(project_id)
        if review is None:
            continue
        for event in review.events:
            lines.append(event.text)
            claim = review.claim_in(event.month)
            if reasons and claim is not None and event.status not in FLAGS:
                lines.extend(f"    {reason}" for reason in claim.verdict.reasons)
    return lines
