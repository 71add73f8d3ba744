"""Recognition over the ledger: the profile in use, and the verdict on every claim of a month."""

from __future__ import annotations

from dataclasses import dataclass

from desk.core.errors import DeskError
from desk.core.glossary import Claim, Stage
from desk.core.models import Project, ProjectMonth
from desk.core.periods import Month
from desk.core.recognition import Profile, Verdict, claim_in_month, judge, load_profile
from desk.store.ledger import Ledger

_cache: dict[str, Profile] = {}


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
        pid: Stage(stage)
        for pid, stage in ledger.conn.execute(
            "SELECT project_id, stage FROM project_months WHERE month = ?", (previous,)
        )
    }
    records = ledger.months.where("month = ? AND stage IN ('new_start', 'completed')", (month,), order="project_id")
    claimed = [(r, claim_in_month(r.stage, prev_stage.get(r.project_id))) for r in records]
    claimed = [(r, c) for r, c in claimed if c is not None]
    projects = {p.id: p for p in ledger.projects.by_ids([r.project_id for r, _ in claimed])}
    checks = []
    for record, claim in claimed:
        project = projects[record.project_id]
        verdict = judge(profile, claim, project.category, project.total_investment_wan,
                        record.invested_month_wan, record.evidence)
        checks.append(Check(project, record, claim, verdict))  # type: ignore[arg-type]
    return checks
