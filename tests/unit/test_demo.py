"""The demo ledger: realistic, deterministic, and consistent with the rules it shows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from desk.core.glossary import Category, Stage
from desk.core.periods import Month
from desk.store.demo import NAMED_PROJECTS, build_demo
from desk.store.ledger import Ledger
from tests.conftest import TODAY, fixed_clock


def test_named_projects_and_every_stage_and_category(demo: Ledger) -> None:
    names = {p.name for p in demo.projects.all()}
    assert {n[0] for n in NAMED_PROJECTS} <= names
    stages = Counter(p.stage for p in demo.projects.all())
    for stage in (Stage.RESERVE, Stage.SIGNED, Stage.PRELIMINARY, Stage.CONSTRUCTION, Stage.COMPLETED,
                  Stage.PRODUCTION, Stage.STOPPED):
        assert stages[stage] > 0, stage
    assert {p.category for p in demo.projects.all()} == set(Category)
    assert len(demo.units.all()) == 14  # city, district, 7 townships/streets, 5 departments


def test_monthly_records_cover_january_to_last_month(demo: Ledger) -> None:
    months = [r[0] for r in demo.conn.execute("SELECT DISTINCT month FROM project_months ORDER BY month")]
    assert months == [str(m) for m in Month.of(TODAY).prev().months_of_year_until()]
    # Year-to-date amounts accumulate month by month.
    for project_id, in demo.conn.execute("SELECT id FROM projects LIMIT 30"):
        records = demo.months.of_project(project_id)
        if records:
            assert records[-1].invested_ytd_wan == sum(r.invested_month_wan for r in records)


def test_demo_has_leads_teams_tasks_targets_and_problems(demo: Ledger) -> None:
    assert demo.teams.count() == 7
    assert demo.trips.count() == 5 * 10
    assert demo.leads.count() > 100
    assert demo.tasks.count() == 8 and demo.task_targets.count() == 8 * 7
    assert demo.targets.count() > 0 and demo.problems.count() > 0
    assert demo.integrity_problems() == []
    landed = demo.leads.where("state = 'landed'")
    assert landed and all(demo.projects.get(lead.project_id).source_lead_id == lead.id for lead in landed)


def test_same_seed_same_ledger(tmp_path: Path) -> None:
    a = build_demo(tmp_path / "a.desk", projects=40, today=TODAY, clock=fixed_clock)
    b = build_demo(tmp_path / "b.desk", projects=40, today=TODAY, clock=fixed_clock)
    rows = "SELECT name, stage, total_investment_yuan FROM projects ORDER BY id"
    assert a.conn.execute(rows).fetchall() == b.conn.execute(rows).fetchall()
    a.close()
    b.close()
