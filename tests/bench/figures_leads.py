"""Leads: searching and filtering the lead list, the duplicate-company check against every
lead and project, a team's month, its report, and landing a lead.

The demo has a few hundred leads whatever its size; a district keeps thousands, so a copy
of the ledger gets ``EXTRA_LEADS`` more (spread over the year and the teams) first.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from desk.core.glossary import LeadState
from desk.core.models import FollowUp
from desk.core.periods import Month
from desk.store.lead_queries import LeadFilter
from desk.store.ledger import Ledger

EXTRA_LEADS = 5000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[int(round(0.95 * (len(ordered) - 1)))], 2)


def _copy(ctx: Any) -> Ledger:
    target = ctx.folder / "leads.desk"
    src, dst = sqlite3.connect(ctx.ledger_path), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    ledger = Ledger.open(target)
    ledger.clock = ctx.clock
    return ledger


def _grow(ledger: Ledger, rng: random.Random, year: int) -> None:
    teams = [t.id for t in ledger.teams.all()]
    template = ledger.leads.all()
    leads = []
    for i in range(EXTRA_LEADS):
        base = rng.choice(template)
        day = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
        leads.append(replace(base, id=None, project_id=None, state=rng.choice([LeadState.LEAD, LeadState.NEGOTIATING]),
                             state_reason="", company=f"{base.company[:-4]}{i}号有限公司", visit_date=day,
                             team_id=rng.choice(teams), trip_id=None, created_at=None, updated_at=None))
    ledger.leads.add_many(leads, summary="基准测试：线索")
    ids = ledger.leads.search_ids()
    followups = [FollowUp(i, date(year, 6, 1), "电话回访", next_date=date(year, 6, 1) + timedelta(days=rng.randrange(0,
                 300))) for i in rng.sample(ids, len(ids) // 2)]
    ledger.followups.add_many(followups, summary="基准测试：跟进")


def figures(ctx: Any) -> dict[str, Any]:
    from desk.exchange.team_report import write_team_report

    ledger = _copy(ctx)
    rng = random.Random(6)
    year = ctx.today.year - 1 if ctx.today.month == 1 else ctx.today.year
    _grow(ledger, rng, year)
    companies = [r[0] for r in ledger.conn.execute("SELECT company FROM leads")]
    owners = [r[0] for r in ledger.conn.execute("SELECT owner_company FROM projects WHERE owner_company <> ''")]

    search = []
    for _ in range(50):
        name = rng.choice(companies)
        word = name[rng.randrange(0, max(1, len(name) - 3)):][:rng.choice([1, 2, 3])]
        start = time.perf_counter()
        ledger.leads.search_ids(LeadFilter(text=word))
        search.append((time.perf_counter() - start) * 1000)
    overdue = []
    for _ in range(10):
        start = time.perf_counter()
        ledger.leads.search_ids(LeadFilter(overdue_on=ctx.today))
        overdue.append((time.perf_counter() - start) * 1000)
    duplicates = []
    for _ in range(20):
        name = rng.choice(owners + companies)
        start = time.perf_counter()
        ledger.leads.duplicates(name.replace("有限公司", "有限责任公司"))
        duplicates.append((time.perf_counter() - start) * 1000)

    team = ledger.teams.all()[-1]
    month = Month(year, 10)
    start = time.perf_counter()
    ledger.leads.team_month(team.id, month)
    team_month_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    write_team_report(ledger, team.id, month, ctx.folder / "team-report")
    report_s = time.perf_counter() - start

    signed = ledger.leads.search_ids(LeadFilter(states=frozenset({LeadState.SIGNED})))
    landing = []
    for lead_id in signed[:10]:
        start = time.perf_counter()
        ledger.leads.land(lead_id, name="", category=None)
        landing.append((time.perf_counter() - start) * 1000)
    leads = ledger.count("leads")
    ledger.close()
    return {
        "leads": leads,
        "lead_search_ms_p95": _p95(search),
        "lead_overdue_filter_ms_median": round(statistics.median(overdue), 2),
        "duplicate_check_ms_p95": _p95(duplicates),
        "team_month_ms": round(team_month_ms, 2),
        "team_report_xlsx_pdf_s": round(report_s, 3),
        "land_lead_ms_median": round(statistics.median(landing), 2) if landing else None,
    }
