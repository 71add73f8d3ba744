"""The columns of the project table: what each shows, how it sorts, and which are shown at first.

A column's ``key`` is also its sort key in the store (``SORT_KEYS`` / ``MONTH_SORT_KEYS``
of ``desk.store.projects``); plug-in columns (``desk.ui.projects.plugins``) sort in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desk.core.glossary import field_label
from desk.core.models import Project, ProjectMonth
from desk.core.money import format_amount
from desk.store.projects import MONTH_SORT_KEYS, SORT_KEYS


@dataclass(frozen=True)
class RowSource:
    """What one table row is drawn from: the project, its record for the month, its unit's name."""

    project: Project
    record: ProjectMonth | None
    unit_name: str


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    text: Callable[[RowSource], str]
    numeric: bool = False
    visible_by_default: bool = True
    width_chars: int = 8  # initial width in average Chinese characters (DPI-independent)
    month: bool = False  # depends on the chosen month

    @property
    def sortable_in_store(self) -> bool:
        return self.key in SORT_KEYS or self.key in MONTH_SORT_KEYS


def amount(value: Decimal | None) -> str:
    return format_amount(value) if value is not None else ""


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def _record_amount(attr: str) -> Callable[[RowSource], str]:
    def text(row: RowSource) -> str:
        return amount(getattr(row.record, attr)) if row.record is not None else ""

    return text


BUILTIN_COLUMNS: tuple[Column, ...] = (
    Column("code", field_label("code"), lambda r: r.project.code, visible_by_default=False, width_chars=6),
    Column("name", field_label("name"), lambda r: r.project.name, width_chars=18),
    Column("unit", field_label("unit_id"), lambda r: r.unit_name, width_chars=6),
    Column("owner_company", field_label("owner_company"), lambda r: r.project.owner_company, width_chars=14),
    Column("location", field_label("location"), lambda r: r.project.location, visible_by_default=False),
    Column("category", field_label("category"), lambda r: r.project.category.label, width_chars=5),
    Column("industry", field_label("industry"), lambda r: r.project.industry, visible_by_default=False),
    Column("stage", field_label("stage"), lambda r: r.project.stage.label, width_chars=5),
    Column("stage_date", field_label("stage_date"), lambda r: day(r.project.stage_date),
           visible_by_default=False, width_chars=6),
    Column("total_investment", field_label("total_investment_wan"),
           lambda r: amount(r.project.total_investment_wan), numeric=True, width_chars=8),
    Column("year_plan", field_label("year_plan_wan"), lambda r: amount(r.project.year_plan_wan),
           numeric=True, visible_by_default=False, width_chars=9),
    Column("invested_month", field_label("invested_month_wan"), _record_amount("invested_month_wan"),
           numeric=True, width_chars=9, month=True),
    Column("invested_ytd", field_label("invested_ytd_wan"), _record_amount("invested_ytd_wan"),
           numeric=True, width_chars=10, month=True),
    Column("progress", field_label("progress"), lambda r: r.record.progress if r.record else "",
           visible_by_default=False, width_chars=16, month=True),
    Column("start_date", field_label("start_date"), lambda r: day(r.project.start_date),
           visible_by_default=False, width_chars=6),
    Column("completion_date", field_label("completion_date"), lambda r: day(r.project.completion_date),
           visible_by_default=False, width_chars=6),
    Column("leader", field_label("leader"), lambda r: r.project.leader, width_chars=5),
    Column("responsible_unit", field_label("responsible_unit"), lambda r: r.project.responsible_unit,
           visible_by_default=False, width_chars=7),
    Column("project_class", field_label("project_class"),
           lambda r: r.project.project_class.label if r.project.project_class else "", width_chars=4),
    Column("in_statistics", field_label("in_statistics"), lambda r: yes_no(r.project.in_statistics),
           width_chars=4),
    Column("month_updated", "本月填报", lambda r: "已填报" if r.record is not None else "未填报",
           width_chars=4, month=True),
    Column("updated_at", "最后修改", lambda r: r.project.updated_at.strftime("%Y-%m-%d %H:%M")
           if r.project.updated_at else "", visible_by_default=False, width_chars=9),
)
