"""Dynamic review (动态考评, 盘锦2018 附件2 五.2) of one project over one year of monthly records.

    对未能按进度施工或停工的新开工项目，在考评时剔除且不计得分；对年内未能复工的新开工
    项目，参照弄虚作假扣分；对年内复工的新开工项目，年终复评计分。

From a project's monthly records this module finds the year's claims (the first month
reported 新开工 or 竣工), judges each by the profile, and follows a recognised new start
month by month after it:

* a month reported 停工, a month with no completed investment (no progress), or a month
  the project was not reported at all while the ledger was → 剔除 (dropped, not counted);
* a later month with progress again → 复工复评 (counted again at the year-end review);
* still dropped when the year's last month (December) is reviewed → 疑似假开工.

The review ends when the project reports 竣工 or 投产. Nothing here reads the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desk.core.glossary import Claim, RecognitionStatus, Stage
from desk.core.models import Project, ProjectMonth
from desk.core.periods import Month
from desk.core.recognition import Profile, Verdict, amount_text, claim_in_month, judge

# Statuses under which a recognised new start still counts toward the target.
COUNTING = frozenset({RecognitionStatus.START_RECOGNISED, RecognitionStatus.RESUMED})
# Statuses a reviewer wants to see (dynamic-review flags).
FLAGS = frozenset({RecognitionStatus.DROPPED, RecognitionStatus.RESUMED, RecognitionStatus.SUSPECTED_FAKE})
_ENDS_REVIEW = frozenset({Stage.COMPLETED, Stage.PRODUCTION})


@dataclass(frozen=True)
class ClaimResult:
    """One claimed new start or completion and its verdict."""

    month: str
    claim: Claim
    verdict: Verdict
    record: ProjectMonth


@dataclass(frozen=True)
class ReviewEvent:
    """A change of a project's recognition status, with the sentence the history shows."""

    month: str
    status: RecognitionStatus
    text: str
    cause: str = ""  # why a start was dropped: 停工 / 无进度 / 未填报


@dataclass(frozen=True)
class YearReview:
    project_id: int
    year: int
    until: str  # the last month reviewed
    claims: tuple[ClaimResult, ...]
    events: tuple[ReviewEvent, ...]

    def claim_in(self, month: str) -> ClaimResult | None:
        for result in self.claims:
            if result.month == month:
                return result
        return None

    @property
    def start(self) -> ClaimResult | None:
        """The year's (latest) new start claim."""
        starts = [c for c in self.claims if c.claim == Claim.NEW_START]
        return starts[-1] if starts else None

    def event_at(self, month: str) -> ReviewEvent | None:
        """The status in force at the end of ``month`` (the latest event up to it)."""
        found = None
        for event in self.events:
            if event.month <= month:
                found = event
        return found

    def status_at(self, month: str) -> RecognitionStatus | None:
        event = self.event_at(month)
        return event.status if event else None

    @property
    def status(self) -> RecognitionStatus | None:
        return self.events[-1].status if self.events else None

    def start_counts_at(self, month: str) -> bool:
        """Whether the year's new start counts toward the target as of ``month``."""
        start = self.start
        if start is None or start.month > month or not start.verdict.counted:
            return False
        statuses = [e.status for e in self.events if start.month <= e.month <= month]
        # Only the statuses that concern the start: a later completion does not undo it.
        watched = [s for s in statuses if s not in (RecognitionStatus.COMPLETION_RECOGNISED,
                                                      RecognitionStatus.COMPLETION_REJECTED)]
        return bool(watched) and watched[-1] in COUNTING


def _claim_event(month: Month, claim: Claim, verdict: Verdict) -> ReviewEvent:
    if claim == Claim.NEW_START:
        status = RecognitionStatus.START_RECOGNISED if verdict.recognised else RecognitionStatus.START_REJECTED
    else:
        status = RecognitionStatus.COMPLETION_RECOGNISED if verdict.recognised else \
            RecognitionStatus.COMPLETION_REJECTED
    band = f"（{verdict.band}）" if verdict.band and verdict.recognised else ""
    return ReviewEvent(str(month), status, f"{month.label} 申报{claim.label}：{verdict.label}{band}")


def review_year(
    profile: Profile,
    project: Project,
    records: Sequence[ProjectMonth],
    year: int,
    until: Month | None = None,
) -> YearReview:
    """The claims and the dynamic review of ``project`` in ``year``, up to ``until`` (December).

    ``records`` are the project's monthly records (others are ignored); the record of the
    December before ``year`` decides whether January's report is a new claim.
    """
    last = Month(year, 12)
    until = min(until, last) if until is not None else last
    by_month = {r.month: r for r in records if r.project_id == project.id}
    cite = f"（{profile.review.cite or profile.cite}）"
    claims: list[ClaimResult] = []
    events: list[ReviewEvent] = []
    watching = False  # a recognised new start is being followed
    dropped = False
    previous = by_month.get(f"{year - 1:04d}-12")
    for number in range(1, until.month + 1 if until.year == year else 0):
        month = Month(year, number)
        key = f"{year:04d}-{number:02d}"
        record = by_month.get(key)
        claim = claim_in_month(record.stage, previous.stage if previous else None) if record else None
        previous = record
        if record is not None and claim is not None:
            verdict = judge(profile, claim, project.category, project.total_investment_wan,
                            record.invested_month_wan, record.evidence)
            claims.append(ClaimResult(key, claim, verdict, record))
            events.append(_claim_event(month, claim, verdict))
            if claim == Claim.NEW_START:
                watching = verdict.recognised and profile.review.enabled
                dropped = False
            else:
                watching = False
        elif watching:
            if record is not None and record.stage in _ENDS_REVIEW:
                watching = False
            else:
                progressing = record is not None and record.stage != Stage.STOPPED and \
                    record.invested_month_wan > profile.min_month_investment_wan
                if not dropped and not progressing:
                    dropped = True
                    events.append(_drop_event(month, record, cite))
                elif dropped and progressing:
                    assert record is not None
                    dropped = False
                    events.append(ReviewEvent(
                        key, RecognitionStatus.RESUMED,
                        f"{month.label} 复工（本月完成投资 {amount_text(record.invested_month_wan)} 万元），"
                        f"年终复评计分{cite}",
                    ))
    if watching and dropped and until == last:
        events.append(ReviewEvent(
            str(last), RecognitionStatus.SUSPECTED_FAKE,
            f"{year}年内未能复工：疑似假开工，参照弄虚作假扣分{cite}",
        ))
    return YearReview(project.id or 0, year, str(until), tuple(claims), tuple(events))


def _drop_event(month: Month, record: ProjectMonth | None, cite: str) -> ReviewEvent:
    if record is None:
        cause, why = "未填报", "未填报本月进度，视为未按进度施工"
    elif record.stage == Stage.STOPPED:
        cause, why = "停工", "停工"
    else:
        cause = "无进度"
        why = f"本月无完成投资（{amount_text(record.invested_month_wan)} 万元），未能按进度施工"
    return ReviewEvent(str(month), RecognitionStatus.DROPPED, f"{month.label} {why}：新开工项目剔除，不计得分{cite}",
                       cause)
