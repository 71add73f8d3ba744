"""A project's monthly record as the clerk fills it: what carries over, and what follows.

The year-to-date (年度累计) of a month is last month's plus this month's investment;
the total since the start (开工累计) carries on across years. ``previous`` is always the
project's newest record before the month being filled (``MonthRepo.latest_before``).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from desk.core.models import Project, ProjectMonth

ZERO = Decimal(0)


def _same_year(previous: ProjectMonth | None, month: str) -> bool:
    return previous is not None and previous.month[:4] == month[:4]


def base_ytd(previous: ProjectMonth | None, month: str) -> Decimal:
    """Year-to-date before this month: zero in January (or with no earlier record this year)."""
    return previous.invested_ytd_wan if previous is not None and _same_year(previous, month) else ZERO


def new_record(project: Project, month: str, previous: ProjectMonth | None) -> ProjectMonth:
    """A fresh record for a month not filled yet: nothing invested, the totals carried over."""
    if project.id is None:
        raise ValueError("a monthly record needs a saved project")
    same_year = _same_year(previous, month)
    return ProjectMonth(
        project_id=project.id,
        month=month,
        stage=project.stage,
        invested_month_wan=ZERO,
        invested_ytd_wan=base_ytd(previous, month),
        invested_total_wan=previous.invested_total_wan if previous is not None else None,
        project_class=project.project_class,
        in_statistics=project.in_statistics,
        statistics_ytd_wan=previous.statistics_ytd_wan if same_year and previous is not None else None,
    )


def with_month_amount(record: ProjectMonth, amount: Decimal, previous: ProjectMonth | None) -> ProjectMonth:
    """The record with this month's investment; 年度累计 and 开工累计 follow from ``previous``."""
    ytd = base_ytd(previous, record.month) + amount
    return dataclasses.replace(
        record, invested_month_wan=amount, invested_ytd_wan=ytd,
        invested_total_wan=_total(record, ytd, previous),
    )


def with_ytd(record: ProjectMonth, ytd: Decimal, previous: ProjectMonth | None) -> ProjectMonth:
    """The record with a year-to-date the clerk typed (e.g. corrected from the statistics office)."""
    return dataclasses.replace(record, invested_ytd_wan=ytd, invested_total_wan=_total(record, ytd, previous))


def _total(record: ProjectMonth, ytd: Decimal, previous: ProjectMonth | None) -> Decimal | None:
    if previous is not None and previous.invested_total_wan is not None:
        return previous.invested_total_wan + ytd - base_ytd(previous, record.month)
    if record.invested_total_wan is not None:
        return max(record.invested_total_wan, ytd)
    return None
