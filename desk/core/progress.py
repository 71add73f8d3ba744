"""Progress against the task breakdown table and the yearly targets, with a traffic light.

The traffic light (进度状态) compares the completion ratio (actual ÷ planned) with the
share of the task's time that has passed:

* the time share runs from 1 January to the task's deadline (31 December when it has
  none, or when the deadline is in another year), counted in days including both ends
  and up to the counting date;
* **已完成** when the ratio is 100% or more;
* **进度正常** (green) when the ratio is at least the time share;
* **略有滞后** (amber) when it is less, but by no more than ``MARGIN`` (10 percentage points);
* **明显滞后** (red) when it is further behind, and always once the deadline has passed
  without the task being done;
* a rate (复工率 90%) is a level, not something that accumulates over the year: it is
  compared with 100% of its target instead of with the time share;
* **未设指标** when there is no planned value (or the indicator is free text);
  **未填报** when a hand-entered actual is missing.

Example: on 31 October (time share 83.6%) a unit planned 4 new starts and has 3 (75%):
75 ≥ 83.6 − 10, so amber; with 2 (50%) it is red; with 4 it is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from desk.core.glossary import IndicatorKind, Light, Metric
from desk.core.metrics import (
    COUNT,
    COUNT_WORDS,
    METRIC_KIND,
    RATE,
    MetricValue,
    Values,
    combine,
    metric_unit,
    to_indicator,
    value_of,
)
from desk.core.models import Target, Task, TaskTarget

MARGIN = Decimal("0.10")
ONE = Decimal(1)
SHARE = Decimal("0.0001")

INDICATOR_UNITS: dict[IndicatorKind, str] = {
    IndicatorKind.COUNT: "项",
    IndicatorKind.AMOUNT_WAN: "万元",
    IndicatorKind.AMOUNT_YI: "亿元",
    IndicatorKind.AMOUNT_USD_YI: "亿美元",
    IndicatorKind.RATE: "%",
    IndicatorKind.TEXT: "",
}


def period_end(year: int, deadline: date | None) -> date:
    if deadline is not None and deadline.year == year:
        return deadline
    return date(year, 12, 31)


def elapsed_share(as_of: date, year: int, deadline: date | None = None) -> Decimal:
    """The share (0…1) of the time from 1 January to the deadline that has passed on ``as_of``."""
    start = date(year, 1, 1)
    end = period_end(year, deadline)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return ONE
    return (Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)).quantize(SHARE)


def completion_ratio(actual: Decimal | None, planned: Decimal | None) -> Decimal | None:
    if actual is None or planned is None or planned <= 0:
        return None
    return (actual / planned).quantize(SHARE, rounding=ROUND_HALF_UP)


def judge_light(
    actual: Decimal | None,
    planned: Decimal | None,
    elapsed: Decimal,
    *,
    level: bool = False,
    overdue: bool = False,
    margin: Decimal = MARGIN,
) -> Light:
    """The traffic light of one figure (see the module's description of the rule)."""
    if planned is None or planned <= 0:
        return Light.NONE
    if actual is None:
        return Light.UNREPORTED
    ratio = actual / planned
    if ratio >= ONE:
        return Light.DONE
    if overdue:
        return Light.RED
    expected = ONE if level else elapsed
    if ratio >= expected:
        return Light.GREEN
    if ratio >= expected - margin:
        return Light.AMBER
    return Light.RED


# ------------------------------------------------------------------ formatting
def format_number(value: Decimal | None, places: int = 4) -> str:
    """``12`` → ``"12"``, ``0.0600`` → ``"0.06"``, ``1234.5`` → ``"1,234.5"``; ``None`` → ``""``."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    text = f"{rounded:,f}"
    return text


def format_percent(ratio: Decimal | None) -> str:
    """A ratio 0.8333 as ``"83.3%"``."""
    if ratio is None:
        return ""
    return f"{(ratio * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def unit_word(indicator: IndicatorKind, metric: Metric | None) -> str:
    if indicator == IndicatorKind.COUNT and metric is not None:
        return COUNT_WORDS.get(metric, "项")
    return INDICATOR_UNITS[indicator]


def format_value(value: Decimal | None, indicator: IndicatorKind, metric: Metric | None = None) -> str:
    """A planned or actual figure with its unit: ``"4项"``, ``"0.06亿美元"``, ``"90%"``."""
    if value is None:
        return ""
    if indicator == IndicatorKind.RATE:
        return f"{format_number(value, 1)}%"
    return f"{format_number(value, 0 if indicator == IndicatorKind.COUNT else 2)}{unit_word(indicator, metric)}"


def format_metric(value: Decimal | None, metric: Metric) -> str:
    if value is None:
        return ""
    unit = metric_unit(metric)
    places = {COUNT: 0, RATE: 1}.get(METRIC_KIND[metric], 2)
    return f"{format_number(value, places)}{unit}"


# ------------------------------------------------------------------ progress rows
@dataclass(frozen=True)
class Row:
    """One unit's line of a task (or a yearly target): planned, actual, ratio, light."""

    unit_id: int | None  # None for a total row
    unit_name: str
    planned: Decimal | None
    planned_text: str
    actual: Decimal | None
    computed: bool  # counted from the ledger (else entered by hand)
    note: str
    ratio: Decimal | None
    light: Light
    project_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    rows: list[Row]
    total: Row
    elapsed: Decimal

    @property
    def computed(self) -> bool:
        return self.task.metric is not None

    def row_for(self, unit_id: int) -> Row | None:
        return next((r for r in self.rows if r.unit_id == unit_id), None)

    def show(self, value: Decimal | None) -> str:
        return format_value(value, self.task.indicator, self.task.metric)


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    unit_name: str
    row: Row
    elapsed: Decimal


@dataclass
class Report:
    """Everything the 任务与目标 page shows for a year, counted up to ``as_of``."""

    year: int
    as_of: date
    through: str  # "YYYY-MM", the last month whose records count
    tasks: list[TaskProgress] = field(default_factory=list)
    targets: list[TargetProgress] = field(default_factory=list)


def _is_level(task: Task) -> bool:
    return task.indicator == IndicatorKind.RATE


def task_progress(
    task: Task, targets: list[TaskTarget], unit_names: dict[int, str], values: Values | None, as_of: date
) -> TaskProgress:
    """A task's rows (one per unit in its split) and total, counted or entered by hand."""
    elapsed = elapsed_share(as_of, task.year, task.deadline)
    overdue = as_of > period_end(task.year, task.deadline)
    level = _is_level(task)
    rows: list[Row] = []
    parts: list[MetricValue] = []
    for target in targets:
        project_ids: tuple[int, ...] = ()
        if task.metric is not None and values is not None and task.indicator != IndicatorKind.TEXT:
            found = value_of(values, target.unit_id, task.metric)
            parts.append(found)
            actual = None if found.value is None else to_indicator(task.metric, task.indicator, found.value)
            computed = True
            project_ids = found.project_ids
        else:
            actual = target.actual_manual
            computed = False
        planned = target.planned
        rows.append(Row(
            target.unit_id, unit_names.get(target.unit_id, f"单位{target.unit_id}"), planned, target.planned_text,
            actual, computed, target.note, completion_ratio(actual, planned),
            judge_light(actual, planned, elapsed, level=level, overdue=overdue)
            if task.indicator != IndicatorKind.TEXT else Light.NONE,
            project_ids,
        ))
    total = _total_row(task, rows, parts, elapsed, overdue)
    return TaskProgress(task, rows, total, elapsed)


def _total_row(task: Task, rows: list[Row], parts: list[MetricValue], elapsed: Decimal, overdue: bool) -> Row:
    planned_values = [r.planned for r in rows if r.planned is not None]
    level = _is_level(task)
    planned: Decimal | None
    if not planned_values or task.indicator == IndicatorKind.TEXT:
        planned = None
    elif level:
        planned = max(planned_values)  # the strictest rate stands for the whole
    else:
        planned = sum(planned_values, Decimal(0))
    actual: Decimal | None
    project_ids: tuple[int, ...] = ()
    if task.metric is not None and parts:
        combined = combine(task.metric, parts)
        actual = None if combined.value is None else to_indicator(task.metric, task.indicator, combined.value)
        project_ids = combined.project_ids
    elif level or task.indicator == IndicatorKind.TEXT:
        actual = None  # hand-entered rates cannot be added up
    else:
        entered = [r.actual for r in rows if r.actual is not None]
        actual = sum(entered, Decimal(0)) if entered else None
    light = judge_light(actual, planned, elapsed, level=level, overdue=overdue)
    if task.indicator == IndicatorKind.TEXT:
        light = Light.NONE
    return Row(None, "合计", planned, "", actual, task.metric is not None, "",
               completion_ratio(actual, planned), light, project_ids)


def target_progress(target: Target, unit_name: str, values: Values, as_of: date) -> TargetProgress:
    """A yearly target against what the ledger counted (``values`` counted in the target's scope)."""
    elapsed = elapsed_share(as_of, target.year)
    found = value_of(values, target.unit_id, target.metric)
    level = METRIC_KIND[target.metric] == RATE
    row = Row(
        target.unit_id, unit_name, target.value, "", found.value, True, target.note,
        completion_ratio(found.value, target.value),
        judge_light(found.value, target.value, elapsed, level=level, overdue=as_of > date(target.year, 12, 31)),
        found.project_ids,
    )
    return TargetProgress(target, unit_name, row, elapsed)
