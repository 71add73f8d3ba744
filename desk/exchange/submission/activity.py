"""The other sheets of the monthly submission: 招商引资情况, 任务完成情况, 存在问题, 更正说明."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from desk.core.glossary import IndicatorKind, ProblemState, TaskGroup
from desk.core.models import Problem
from desk.core.periods import Month
from desk.core.progress import INDICATOR_UNITS
from desk.exchange.forms import AMOUNT, AMOUNT0, PERCENT, Column, Row, Table
from desk.exchange.forms.model import Cell
from desk.exchange.submission.monthdata import MonthData
from desk.exchange.submission.schedule import CHINESE_NUMBERS
from desk.store.ledger import Ledger


def _wan(yuan: int | None) -> Decimal:
    return Decimal(yuan or 0) / 10000


# ------------------------------------------------------------------------- 招商引资情况
@dataclass(frozen=True)
class Flow:
    """One indicator of the investment sheet, for the month and the year up to it."""

    label: str
    unit: str
    month: Decimal | int
    year: Decimal | int


def investment_flows(ledger: Ledger, month: Month) -> list[Flow]:
    first, last = month.first_day.isoformat(), month.last_day.isoformat()
    year_first = Month(month.year, 1).first_day.isoformat()
    conn = ledger.conn

    def both(sql: str, *extra: Any) -> tuple[Any, Any]:
        a = conn.execute(sql, (first, last, *extra)).fetchone()[0] or 0
        b = conn.execute(sql, (year_first, last, *extra)).fetchone()[0] or 0
        return a, b

    trips = both("SELECT count(*) FROM trips WHERE start_on BETWEEN ? AND ?")
    visits = both("SELECT sum(companies_visited) FROM trips WHERE start_on BETWEEN ? AND ?")
    leads = both("SELECT count(*) FROM leads WHERE visit_date BETWEEN ? AND ?")
    signed_sql = ("FROM projects WHERE id IN (SELECT project_id FROM stage_changes"
                  " WHERE to_stage = 'signed' AND on_date BETWEEN ? AND ?)")
    signed = both(f"SELECT count(*) {signed_sql}")
    signed_total = both(f"SELECT sum(total_investment_yuan) {signed_sql}")
    months_sql = "FROM project_months WHERE month BETWEEN ? AND ?"
    m_first, m_last, y_first = str(month), str(month), str(Month(month.year, 1))

    def months_sum(column: str) -> tuple[Decimal, Decimal]:
        a = conn.execute(f"SELECT sum({column}) {months_sql}", (m_first, m_last)).fetchone()[0]
        b = conn.execute(f"SELECT sum({column}) {months_sql}", (y_first, m_last)).fetchone()[0]
        return _wan(a), _wan(b)

    domestic = months_sum("domestic_funds_yuan")
    foreign = months_sum("foreign_funds_usd")
    return [
        Flow("外出招商", "次", *trips),
        Flow("拜访企业", "家", *visits),
        Flow("新增招商线索", "条", *leads),
        Flow("新签约项目", "个", *signed),
        Flow("新签约项目计划总投资", "万元", _wan(signed_total[0]), _wan(signed_total[1])),
        Flow("到位内资", "万元", *domestic),
        Flow("实际利用外资", "万美元", *foreign),
    ]


def investment_tables(data: MonthData) -> list[Table]:
    ledger, month = data.ledger, data.month
    flows = Table(
        [Column("指标", 26), Column("计量单位", 10, "center"), Column("本月", 16, number_format=AMOUNT),
         Column("年度累计", 16, number_format=AMOUNT)],
        [Row.data(f.label, f.unit, f.month, f.year, number_format=AMOUNT if f.unit.startswith("万") else AMOUNT0)
         for f in investment_flows(ledger, month)],
        caption="一、招商引资主要指标",
    )
    teams = {t.id: t.name for t in ledger.teams.all()}
    units = data.unit_names
    leads = ledger.leads.where("visit_date BETWEEN ? AND ?", (month.first_day.isoformat(),
                                                             month.last_day.isoformat()), order="visit_date, id")
    lead_rows: list[Sequence[Cell]] = []
    for lead in leads:
        intent = "；".join(p for p in (lead.intent_industry, lead.intent_form, lead.intent_location) if p)
        source = teams.get(lead.team_id) if lead.team_id else None
        if source is None:
            source = lead.intermediary or units.get(lead.source_unit_id or 0) or lead.source.label
        person = "，".join(p for p in (lead.person_name, lead.position) if p)
        lead_rows.append([lead.visit_date.isoformat() if lead.visit_date else "", lead.company, person,
                          lead.business_scope, intent, lead.intent_amount_wan, source, lead.state.label])
    visits = Table(
        [Column("拜访日期", 12, "center", wrap=False), Column("企业名称", 24), Column("客商及职务", 14),
         Column("经营范围", 18), Column("投资意向", 22), Column("意向投资额", 12, number_format=AMOUNT),
         Column("线索来源", 18), Column("状态", 6, "center")],
        lead_rows, caption="二、本月拜访企业及招商线索", empty_text="本月没有新的拜访记录",
    )
    signed_ids = [r[0] for r in ledger.conn.execute(
        "SELECT DISTINCT project_id FROM stage_changes WHERE to_stage = 'signed' AND on_date BETWEEN ? AND ?"
        " ORDER BY project_id", (month.first_day.isoformat(), month.last_day.isoformat()))]
    signed_rows: list[Sequence[Cell]] = [
        [p.name, p.owner_company, p.category.label, p.total_investment_wan, p.industry,
         units.get(p.unit_id, "")]
        for p in ledger.projects.by_ids(signed_ids)
    ]
    signed = Table(
        [Column("项目名称", 26), Column("投资企业", 22), Column("项目类别", 8, "center"),
         Column("计划总投资", 13, number_format=AMOUNT), Column("所属行业", 14), Column("落地单位", 12, "center")],
        signed_rows, caption="三、本月签约项目", empty_text="本月没有新签约项目",
    )
    return [flows, visits, signed]


# ------------------------------------------------------------------------- 任务完成情况
INDICATOR_FORMATS = {
    IndicatorKind.COUNT: AMOUNT0, IndicatorKind.AMOUNT_WAN: AMOUNT, IndicatorKind.AMOUNT_YI: AMOUNT,
    IndicatorKind.AMOUNT_USD_YI: AMOUNT, IndicatorKind.RATE: "0.0",
}


def tasks_table(data: MonthData) -> tuple[Table, str]:
    """Every task of the year: the plan, its split, and the progress the 任务与目标 section
    counts (desk.store.progress) up to the report month — the same figures in both places."""
    from desk.store.progress import report

    ledger, month = data.ledger, data.month
    result = report(ledger, month.year, month, today=data.today)
    own = ledger.unit_id
    rows: list[Row] = []
    number = 0
    for group in TaskGroup:
        chosen = [p for p in result.tasks if p.task.section == group]
        if not chosen:
            continue
        rows.append(Row.section(f"{CHINESE_NUMBERS[number]}、{group.label}（{len(chosen)}项）"))
        number += 1
        for progress in chosen:
            task = progress.task
            line = progress.row_for(own) or progress.total
            split = "，".join(f"{r.unit_name}{progress.show(r.planned) or r.planned_text}"
                             for r in progress.rows if r.unit_id != own)
            source = "" if line.actual is None else "台账统计" if line.computed else "单位填报"
            deadline = task.deadline_text or (task.deadline.isoformat() if task.deadline else "")
            rows.append(Row.data(
                task.name, task.content, INDICATOR_UNITS[task.indicator], line.planned,
                split or line.planned_text or task.note, line.actual, line.ratio, line.light.label, source,
                deadline, task.lead_units, number_format=INDICATOR_FORMATS.get(task.indicator)))
    table = Table(
        [Column("任务名称", 16), Column("任务内容", 22), Column("单位", 6, "center"),
         Column("计划指标", 10, "right"), Column("分解指标", 28),
         Column("完成值", 10, "right", group="完成情况"),
         Column("完成率", 9, number_format=PERCENT, group="完成情况", takes_row_format=False),
         Column("进度", 10, "center", group="完成情况"), Column("数据来源", 10, "center", group="完成情况"),
         Column("完成时限", 9, "center"), Column("责任单位", 11, "center")],
        rows, serial="section", empty_text=f"台账中没有{month.year}年的任务",
    )
    as_of = result.as_of
    note = (f"注：完成情况截至{as_of.year}年{as_of.month}月{as_of.day}日，与“任务与目标”口径相同：新开工、竣工等"
            "按认定标准（含动态考评）由台账统计，其余由责任单位填报；完成率不低于时间进度为进度正常，"
            "落后10个百分点以内为略有滞后，更多为明显滞后。")
    return table, note


# ---------------------------------------------------------------------------- 存在问题
def problems_table(data: MonthData) -> Table:
    ledger, month, today = data.ledger, data.month, data.today
    projects = {e.project.id: e.project.name for e in data.entries}
    tasks = {t.id: t.name for t in ledger.tasks.of_year(month.year)}
    open_states = (ProblemState.OPEN, ProblemState.IN_PROGRESS)
    chosen: list[Problem] = []
    for problem in ledger.problems.all():
        closed_in_month = problem.closed_on is not None and month.contains(problem.closed_on)
        if problem.state in open_states or closed_in_month:
            chosen.append(problem)
    missing = [p.project_id for p in chosen if p.project_id and p.project_id not in projects]
    projects.update({p.id: p.name for p in ledger.projects.by_ids(missing)})

    def order(p: Problem) -> tuple[int, str, int]:
        return (0 if p.is_overdue(today) else 1 if p.state in open_states else 2,
                p.deadline.isoformat() if p.deadline else "9999", p.id or 0)

    rows: list[Sequence[Cell]] = []
    for problem in sorted(chosen, key=order):
        about = projects.get(problem.project_id, "") if problem.project_id else tasks.get(problem.task_id, "")
        if problem.deadline is None or problem.state not in open_states:
            timing = ""
        elif problem.deadline < today:
            timing = f"超时 {(today - problem.deadline).days} 天"
        else:
            timing = f"剩余 {(problem.deadline - today).days} 天"
        rows.append([about, problem.title, problem.detail, problem.owner_unit, problem.leader,
                     problem.deadline.isoformat() if problem.deadline else "", problem.state.label, timing,
                     problem.resolution])
    return Table(
        [Column("关联项目或任务", 20), Column("问题", 16), Column("问题描述", 30), Column("责任单位", 12, "center"),
         Column("包保领导", 8, "center"), Column("办结时限", 12, "center", wrap=False),
         Column("状态", 8, "center"), Column("时限情况", 10, "center"), Column("办结情况", 18)],
        rows, empty_text="没有待协调解决的问题",
    )


# ---------------------------------------------------------------------------- 更正说明
def changes_table(changes: Sequence[dict[str, Any]]) -> Table:
    rows: list[Sequence[Cell]] = [[c.get("at", "").replace("T", " ")[:16], c.get("clerk", ""), c.get("about", ""),
                                   c.get("what", "")] for c in changes]
    return Table([Column("修改时间", 15, "center"), Column("修改人", 9, "center"), Column("对象", 26),
                  Column("修改内容", 70)], rows, empty_text="上次报送后台账没有修改",
                 caption="上次报送以来台账的修改（摘自修改记录）")

