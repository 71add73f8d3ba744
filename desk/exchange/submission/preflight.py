"""Pre-flight: what to fix before the month goes up, as a checklist.

Errors are data the report cannot carry (an amount that contradicts another, a project
with no total investment); they block signing. Warnings are what an inspector would ask
about — a project not updated this month, a claimed start that fails the recognition
standard, an overdue problem, a figure that differs from the statistics database, an empty
required field — shown, but the clerk may still send. Each item names the project (and the
field) so that a click can open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desk.core.glossary import BUILDING_STAGES, Stage, field_label
from desk.core.money import format_amount
from desk.core.validation import month_errors, project_errors
from desk.exchange.submission.monthdata import Entry, MonthData

Level = Literal["error", "warning"]

# kind → how the checklist heads its group, in the order shown
KINDS: dict[str, str] = {
    "invalid": "数据有误（须改正后才能报送）",
    "not_updated": "本月未填报",
    "recognition": "申报新开工/竣工未通过认定",
    "overdue": "问题超过办结时限",
    "statistics": "台账投资与统计库（入库入统）不一致",
    "continuity": "年度累计投资与上月不衔接",
    "overrun": "完成投资超过总投资",
    "missing": "必填项未填写",
    "setup": "报送设置",
}

REQUIRED: tuple[str, ...] = ("owner_company", "leader", "responsible_unit")


@dataclass(frozen=True)
class Issue:
    level: Level
    kind: str
    message: str  # Chinese, names the project or problem
    project_id: int | None = None
    problem_id: int | None = None
    field: str | None = None

    @property
    def group(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Preflight:
    month: str
    issues: tuple[Issue, ...]
    reported: int  # projects in the month's schedule

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def blocking(self) -> bool:
        return bool(self.errors)

    def summary(self) -> str:
        if not self.issues:
            return f"检查通过：{self.reported} 个项目，没有发现问题"
        parts = [f"{self.reported} 个项目"]
        if self.errors:
            parts.append(f"{len(self.errors)} 个错误须改正")
        if self.warnings:
            parts.append(f"{len(self.warnings)} 个提醒")
        return "，".join(parts)


def _name(entry: Entry) -> str:
    return f"项目“{entry.project.name}”"


def _entry_issues(data: MonthData, entry: Entry) -> list[Issue]:
    project, record = entry.project, entry.record
    pid = project.id
    name = _name(entry)
    issues: list[Issue] = []
    for error in project_errors(project):
        issues.append(Issue("error", "invalid", f"{name}：{error.message}", pid, field=error.field))
    if project.total_investment_wan <= 0:
        issues.append(Issue("error", "invalid", f"{name}：未填写总投资", pid, field="total_investment_wan"))
    if record is None:
        issues.append(Issue("warning", "not_updated", f"{name}（{entry.stage.label}）本月未填报", pid))
    else:
        for error in month_errors(record):
            issues.append(Issue("error", "invalid", f"{name}本月填报：{error.message}", pid, field=error.field))
        total = record.invested_total_wan
        if total is not None and project.total_investment_wan > 0 and total > project.total_investment_wan:
            # budgets overrun in practice: ask for the total to be checked, do not block
            issues.append(Issue(
                "warning", "overrun",
                f"{name}：开工累计完成投资 {format_amount(total)} 万元超过总投资 "
                f"{format_amount(project.total_investment_wan)} 万元，请核实总投资", pid,
                field="total_investment_wan"))
        if record.in_statistics:
            stats = record.statistics_ytd_wan
            if stats is None:
                issues.append(Issue("warning", "statistics", f"{name}已入库入统，但未填写统计库累计投资", pid,
                                    field="statistics_ytd_wan"))
            elif stats != record.invested_ytd_wan:
                gap = record.invested_ytd_wan - stats
                issues.append(Issue(
                    "warning", "statistics",
                    f"{name}：台账年度累计 {format_amount(record.invested_ytd_wan)} 万元，统计库 "
                    f"{format_amount(stats)} 万元，相差 {format_amount(abs(gap))} 万元", pid,
                    field="statistics_ytd_wan"))
        before = data.previous_ytd.get(pid)  # type: ignore[arg-type]
        if before is not None:
            expected = before + record.invested_month_wan
            if expected != record.invested_ytd_wan:
                issues.append(Issue(
                    "warning", "continuity",
                    f"{name}：上月累计 {format_amount(before)} + 本月 "
                    f"{format_amount(record.invested_month_wan)} = {format_amount(expected)} 万元，"
                    f"但本月填报年度累计 {format_amount(record.invested_ytd_wan)} 万元", pid,
                    field="invested_ytd_wan"))
        if entry.stage in BUILDING_STAGES and not record.progress.strip():
            issues.append(Issue("warning", "missing", f"{name}：未填写本月形象进度", pid, field="progress"))
    missing = [f for f in REQUIRED if not str(getattr(project, f) or "").strip()]
    if entry.stage in BUILDING_STAGES or entry.stage == Stage.COMPLETED:
        if project.start_date is None:
            missing.append("start_date")
    if missing:
        labels = "、".join(field_label(f) for f in missing)
        issues.append(Issue("warning", "missing", f"{name}：未填写{labels}", pid, field=missing[0]))
    return issues


def run(data: MonthData, font_note: str = "") -> Preflight:
    """Every check for the month, errors first within each group."""
    issues: list[Issue] = []
    for entry in data.entries:
        issues.extend(_entry_issues(data, entry))
    for check in data.checks:
        if not check.verdict.recognised:
            reason = next((r for r in check.verdict.reasons if "不予认定" in r), check.verdict.reasons[0])
            issues.append(Issue(
                "warning", "recognition",
                f"项目“{check.project.name}”申报{check.claim.label}，不予认定：{reason}", check.project.id,
                field="evidence"))
    overdue = [p for problems in data.problems.values() for p in problems if p.is_overdue(data.today)]
    overdue += [p for p in data.ledger.problems.where("project_id IS NULL") if p.is_overdue(data.today)]
    names = {p.id: p.name for p in data.ledger.projects.by_ids(sorted({p.project_id for p in overdue
                                                                        if p.project_id}))}
    for problem in sorted(overdue, key=lambda p: (p.deadline or data.today, p.id or 0)):
        deadline = problem.deadline or data.today  # an overdue problem always has one
        owner = f"，责任单位{problem.owner_unit}" if problem.owner_unit else ""
        about = f"项目“{names[problem.project_id]}”的" if problem.project_id in names else ""
        issues.append(Issue(
            "warning", "overdue",
            f"{about}问题“{problem.title}”超过办结时限 {(data.today - deadline).days} 天"
            f"（时限 {deadline.isoformat()}{owner}）", problem.project_id, problem.id,
            field="problems" if problem.project_id is not None else None))
    if font_note:
        issues.append(Issue("warning", "setup", font_note))
    order = list(KINDS)
    issues.sort(key=lambda i: (i.level != "error", order.index(i.kind) if i.kind in order else len(order)))
    return Preflight(str(data.month), tuple(issues), len(data.entries))

