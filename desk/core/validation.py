"""Validation of what a clerk enters. Returns every problem at once, in Chinese.

The store calls these before writing; the UI calls them as the clerk types so that a
record is never saved half-valid.
"""

from __future__ import annotations

from decimal import Decimal

from desk.core import contacts, money
from desk.core.errors import FieldError, ValidationError
from desk.core.glossary import LeadSource, LeadState, field_label
from desk.core.models import Lead, Problem, Project, ProjectMonth, Target, Task, TaskTarget, Team, Trip, Unit
from desk.core.periods import Month

MAX_NAME = 200


def _required(errors: list[FieldError], obj: object, name: str) -> None:
    value = getattr(obj, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(FieldError(name, f"请填写{field_label(name)}"))


def _non_negative(errors: list[FieldError], obj: object, *names: str) -> None:
    """Each field ≥ 0; an amount (``…_wan`` in 万元, ``…_wusd`` in 万美元) also no larger than
    the ledger takes (``money.too_large``: a typo or a wrong unit, and the INTEGER column's limit)."""
    for name in names:
        value = getattr(obj, name)
        if value is None:
            continue
        number = value if type(value) is Decimal else Decimal(value)
        if number < 0:
            errors.append(FieldError(name, f"{field_label(name)}不能为负数"))
        elif name.endswith(("_wan", "_wusd")):
            unit = "万美元" if name.endswith("_wusd") else "万元"
            if money.too_large(number, unit):
                errors.append(FieldError(name, f"{field_label(name)}{money.too_large_message(unit)}"))


def _order(errors: list[FieldError], obj: object, first: str, second: str) -> None:
    a, b = getattr(obj, first), getattr(obj, second)
    if a is not None and b is not None and b < a:
        errors.append(
            FieldError(second, f"{field_label(second)}不能早于{field_label(first)}")
        )


def _max_length(errors: list[FieldError], obj: object, name: str, limit: int = MAX_NAME) -> None:
    value = getattr(obj, name)
    if isinstance(value, str) and len(value) > limit:
        errors.append(FieldError(name, f"{field_label(name)}太长（最多 {limit} 个字）"))


def raise_if(errors: list[FieldError], title: str = "") -> None:
    if errors:
        raise ValidationError(errors, title)


def project_errors(project: Project) -> list[FieldError]:
    errors: list[FieldError] = []
    _required(errors, project, "name")
    _max_length(errors, project, "name")
    if project.unit_id is None:
        errors.append(FieldError("unit_id", "请选择所属单位"))
    _non_negative(errors, project, "total_investment_wan", "year_plan_wan")
    if (
        project.year_plan_wan is not None
        and project.total_investment_wan is not None
        and project.total_investment_wan > 0
        and project.year_plan_wan > project.total_investment_wan
    ):
        errors.append(FieldError("year_plan_wan", "年度计划投资不能大于总投资"))
    _order(errors, project, "start_date", "completion_date")
    _order(errors, project, "planned_start", "planned_completion")
    return errors


def validate_project(project: Project) -> None:
    raise_if(project_errors(project), f"项目“{project.name or '（未命名）'}”填写有误")


def month_errors(record: ProjectMonth) -> list[FieldError]:
    errors: list[FieldError] = []
    try:
        Month.parse(record.month)
    except ValueError as exc:
        errors.append(FieldError("month", str(exc)))
    _non_negative(
        errors,
        record,
        "invested_month_wan",
        "invested_ytd_wan",
        "invested_total_wan",
        "statistics_ytd_wan",
        "domestic_funds_wan",
        "foreign_funds_wusd",
    )
    if record.invested_ytd_wan < record.invested_month_wan:
        errors.append(FieldError("invested_ytd_wan", "年度累计完成投资不能小于本月完成投资"))
    if record.invested_total_wan is not None and record.invested_total_wan < record.invested_ytd_wan:
        errors.append(FieldError("invested_total_wan", "开工累计完成投资不能小于年度累计完成投资"))
    return errors


def validate_month(record: ProjectMonth, where: str = "") -> None:
    errors = month_errors(record)
    if where:
        errors = [FieldError(e.field, e.message, where) for e in errors]
    raise_if(errors, "本月填报有误")


def lead_errors(lead: Lead) -> list[FieldError]:
    errors: list[FieldError] = []
    if not lead.company.strip() and not lead.person_name.strip():
        errors.append(FieldError("company", "企业名称和客商姓名至少填写一项"))
    _max_length(errors, lead, "company")
    _max_length(errors, lead, "person_name", 50)
    _non_negative(errors, lead, "intent_amount_wan")
    for name, check in (("phone", contacts.normalize_phone), ("email", contacts.normalize_email),
                        ("wechat", contacts.normalize_wechat)):
        try:
            check(getattr(lead, name))
        except contacts.ContactError as exc:
            errors.append(FieldError(name, f"{field_label(name)}：{exc}"))
    if lead.source == LeadSource.INTERMEDIARY and not lead.intermediary.strip():
        errors.append(FieldError("intermediary", "社会化招商的线索请填写中介机构/个人"))
    if lead.state in (LeadState.SHELVED, LeadState.ABANDONED) and not lead.state_reason.strip():
        errors.append(FieldError("state_reason", f"{lead.state.label}线索须填写原因"))
    if lead.state == LeadState.LANDED and lead.project_id is None:
        errors.append(FieldError("state", "落地的线索须对应台账中的项目（请用“落地为项目”）"))
    return errors


def unit_errors(unit: Unit) -> list[FieldError]:
    errors: list[FieldError] = []
    _required(errors, unit, "name")
    _max_length(errors, unit, "name", 100)
    return errors


def team_errors(team: Team) -> list[FieldError]:
    errors: list[FieldError] = []
    _required(errors, team, "name")
    return errors


def trip_errors(trip: Trip) -> list[FieldError]:
    errors: list[FieldError] = []
    _order(errors, trip, "start_on", "end_on")
    if trip.companies_visited < 0:
        errors.append(FieldError("companies_visited", "拜访企业数不能为负数"))
    return errors


def task_errors(task: Task) -> list[FieldError]:
    from desk.core.glossary import IndicatorKind
    from desk.core.metrics import fits, metric_unit

    errors: list[FieldError] = []
    if not task.name.strip():
        errors.append(FieldError("name", "请填写任务名称"))  # FIELD_LABELS["name"] says 项目名称
    elif len(task.name) > MAX_NAME:
        errors.append(FieldError("name", f"任务名称太长（最多 {MAX_NAME} 个字）"))
    if task.metric is not None:
        if task.indicator == IndicatorKind.TEXT:
            errors.append(FieldError("metric", "文字说明类的任务不能自动统计，请选择数量、金额或比率指标"))
        elif not fits(task.metric, task.indicator):
            errors.append(FieldError(
                "metric", f"“{task.metric.label}”以{metric_unit(task.metric)}计，与指标类型“{task.indicator.label}”不符"
            ))
    if task.deadline is not None and task.deadline.year != task.year:
        errors.append(FieldError("deadline", f"完成时限应在{task.year}年内"))
    return errors


def task_target_errors(target: TaskTarget) -> list[FieldError]:
    errors: list[FieldError] = []
    if target.unit_id is None:
        errors.append(FieldError("unit_id", "请选择单位"))
    _non_negative(errors, target, "planned", "actual_manual")
    return errors


def target_errors(target: Target) -> list[FieldError]:
    errors: list[FieldError] = []
    if target.unit_id is None:
        errors.append(FieldError("unit_id", "请选择单位"))
    _non_negative(errors, target, "value", "min_investment_wan")
    return errors


def problem_errors(problem: Problem) -> list[FieldError]:
    errors: list[FieldError] = []
    _required(errors, problem, "title")
    if problem.state.value in ("resolved", "closed") and not problem.resolution.strip():
        errors.append(FieldError("resolution", "办结或销号前请填写办结情况"))
    return errors
