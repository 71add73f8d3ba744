"""The project sheets of the monthly submission: 项目月调度表 and the two 认定表."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from desk.core.glossary import Claim, Evidence, ProblemState
from desk.core.money import format_amount
from desk.exchange.forms import AMOUNT, Column, Row, Table
from desk.exchange.forms.model import Cell
from desk.exchange.submission.monthdata import Entry, MonthData, Section
from desk.store.recognition import Check

CHINESE_NUMBERS = "一二三四五六七八九十"
OPEN = (ProblemState.OPEN, ProblemState.IN_PROGRESS)


def _years(entry: Entry) -> str:
    """建设年限 as the notices write it: 2025.03—2027.12."""
    project = entry.project
    start = project.start_date or project.planned_start
    end = project.completion_date or project.planned_completion
    first = f"{start.year}.{start.month:02d}" if start else ""
    last = f"{end.year}.{end.month:02d}" if end else ""
    return f"{first}—{last}" if first and last else first or (f"—{last}" if last else "")


def _problems_text(data: MonthData, entry: Entry) -> str:
    parts = []
    if entry.record is not None and entry.record.problems_note.strip():
        parts.append(entry.record.problems_note.strip())
    for problem in data.problems.get(entry.project.id or 0, []):
        if problem.state in OPEN and problem.title not in parts:
            parts.append(problem.title)
    return "；".join(parts)


def _sum(values: Sequence[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def schedule_table(data: MonthData) -> Table:
    """项目月调度表: every project of the month, by section, with the month's figures."""
    several = data.several_units
    columns = [
        Column("项目名称", 22),
        Column("建设单位", 15),
        *([Column("所属单位", 9, "center")] if several else []),
        Column("项目类别", 6, "center"),
        Column("建设规模及主要内容", 20),
        Column("总投资", 13, number_format=AMOUNT),
        Column("年度计划投资", 12, number_format=AMOUNT),
        Column("本月", 11, number_format=AMOUNT, group="完成投资"),
        Column("年度累计", 12, number_format=AMOUNT, group="完成投资"),
        Column("开工累计", 13, number_format=AMOUNT, group="完成投资"),
        Column("是否入库", 5, "center", group="入库入统"),
        Column("统计库累计", 12, number_format=AMOUNT, group="入库入统"),
        Column("建设年限", 10, "center", wrap=False),
        Column("本月阶段", 6, "center"),
        Column("形象进度", 20),
        Column("存在问题", 15),
        Column("包保领导", 8, "center"),
        Column("责任单位", 9, "center"),
    ]
    lead = 5 if several else 4  # text columns before 总投资: the section label spans them

    def figures(entries: list[Entry]) -> list[Cell]:
        records = [e.record for e in entries if e.record is not None]
        return [
            _sum([e.project.total_investment_wan for e in entries]),
            _sum([e.project.year_plan_wan for e in entries]),
            _sum([r.invested_month_wan for r in records]),
            _sum([r.invested_ytd_wan for r in records]),
            _sum([r.invested_total_wan for r in records]),
            None,
            _sum([r.statistics_ytd_wan for r in records if r.in_statistics]),
        ]

    rows: list[Row | list[Cell]] = []
    if data.entries:
        rows.append(Row.total(f"合计（{len(data.entries)}个）", *[None] * (lead - 1), *figures(data.entries)))
    number = 0
    for section in Section:
        entries = [e for e in data.entries if e.section == section]
        if not entries:
            continue
        rows.append(Row.section(f"{CHINESE_NUMBERS[number]}、{section.label}（{len(entries)}个）",
                                *[None] * (lead - 1), *figures(entries)))
        number += 1
        for entry in entries:
            project, record = entry.project, entry.record
            cells: list[Cell] = [project.name, project.owner_company]
            if several:
                cells.append(data.unit_names.get(project.unit_id, ""))
            cells += [project.category.label, project.scale_content, project.total_investment_wan,
                      project.year_plan_wan]
            if record is not None:
                cells += [record.invested_month_wan, record.invested_ytd_wan, record.invested_total_wan,
                          "是" if record.in_statistics else "否",
                          record.statistics_ytd_wan if record.in_statistics else None]
            else:
                cells += [None, None, None, "是" if project.in_statistics else "否", None]
            progress = record.progress if record is not None else "（本月未填报）"
            cells += [_years(entry), entry.stage.label, progress, _problems_text(data, entry), project.leader,
                      project.responsible_unit]
            rows.append(cells)
    return Table(columns, rows, empty_text="本月没有需要调度的项目")


def _evidence_text(evidence: frozenset[Evidence]) -> str:
    return "、".join(e.label for e in Evidence if e in evidence) or "（未勾选）"


def recognition_table(data: MonthData, claim: Claim) -> tuple[Table, str]:
    """新开工/竣工项目认定表: each claim of the month with its verdict and reasons."""
    checks = [c for c in data.checks if c.claim == claim]
    several = data.several_units
    date_title = "开工日期" if claim == Claim.NEW_START else "竣工日期"
    columns = [
        Column("项目名称", 22),
        *([Column("所属单位", 9, "center")] if several else []),
        Column("项目类别", 7, "center"),
        Column("总投资", 13, number_format=AMOUNT),
        Column("本月完成投资", 12, number_format=AMOUNT),
        Column(date_title, 12, "center", wrap=False),
        Column("现场情况（认定证据）", 18),
        Column("形象进度", 18),
        Column("认定结果", 11, "center"),
        Column("规模档次", 10, "center"),
        Column("认定理由", 44),
    ]
    groups: list[tuple[str, Callable[[Check], bool]]] = [
        ("认定并计入目标", lambda c: c.verdict.recognised and c.verdict.counted),
        ("认定但不计入目标", lambda c: c.verdict.recognised and not c.verdict.counted),
        ("不予认定", lambda c: not c.verdict.recognised),
    ]
    rows: list[Row | list[Cell]] = []
    number = 0
    for label, wanted in groups:
        chosen = [c for c in checks if wanted(c)]
        if not chosen:
            continue
        rows.append(Row.section(f"{CHINESE_NUMBERS[number]}、{label}（{len(chosen)}个）"))
        number += 1
        for check in chosen:
            project, record = check.project, check.record
            when = project.start_date if claim == Claim.NEW_START else project.completion_date
            cells: list[Cell] = [project.name]
            if several:
                cells.append(data.unit_names.get(project.unit_id, ""))
            cells += [project.category.label, project.total_investment_wan, record.invested_month_wan,
                      when.isoformat() if when else "", _evidence_text(record.evidence), record.progress,
                      check.verdict.label, check.verdict.band or "", "\n".join(check.verdict.reasons)]
            rows.append(cells)
    recognised = [c for c in checks if c.verdict.recognised]
    counted = [c for c in recognised if c.verdict.counted]
    summary = (f"本月申报{claim.label} {len(checks)} 个，认定 {len(recognised)} 个（计入目标 {len(counted)} 个，"
               f"总投资 {format_amount(_sum([c.project.total_investment_wan for c in counted]))} 万元），"
               f"不予认定 {len(checks) - len(recognised)} 个。")
    empty = f"本月没有申报{claim.label}的项目"
    return Table(columns, rows, empty_text=empty), summary
