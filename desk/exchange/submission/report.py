"""The monthly submission's content: one book of fixed forms, the same in Excel and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desk.core.glossary import Claim
from desk.exchange.forms import Book, Form, Signatures
from desk.exchange.submission.activity import changes_table, investment_tables, problems_table, tasks_table
from desk.exchange.submission.monthdata import MonthData
from desk.exchange.submission.schedule import recognition_table, schedule_table

SHEETS = ("项目月调度表", "新开工项目认定表", "竣工项目认定表", "招商引资情况", "任务完成情况", "存在问题")
CHANGES_SHEET = "更正说明"


@dataclass(frozen=True)
class People:
    """Who signs the forms: 填报人, 审核人, 单位负责人."""

    filled_by: str = ""
    reviewed_by: str = ""
    head: str = ""


@dataclass(frozen=True)
class Edition:
    """Which version this is, and why a correction was made."""

    version: int = 1
    reason: str = ""
    changes: Sequence[dict[str, Any]] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return f"第{self.version}版" + ("（更正）" if self.version > 1 else "")


def schedule_title(data: MonthData) -> str:
    return f"{data.full_unit_name}{data.month.label}重点项目调度表"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def build_book(data: MonthData, people: People, edition: Edition, filled_on: date,
               seal_png: bytes | None = None) -> Book:
    full, label = data.full_unit_name, data.month.label
    signatures = Signatures(people.filled_by, people.reviewed_by, people.head, filled_on, seal_png)
    common: dict[str, Any] = {"unit": full, "date_text": _day(filled_on), "signatures": signatures}
    correction = [f"本表为{edition.label}，更正原因：{edition.reason}"] if edition.version > 1 else []
    profile = data.profile
    forms = [
        Form(SHEETS[0], schedule_title(data), [schedule_table(data)], notes=[
            *correction,
            "注：1.金额单位为万元。2.新开工项目指本年度开工的项目，续建项目指以前年度开工、本年度继续建设的项目。"
            f"3.新开工、竣工按“{profile.title}”认定，见认定表。",
        ], **common),
    ]
    for sheet, claim in ((SHEETS[1], Claim.NEW_START), (SHEETS[2], Claim.COMPLETION)):
        table, summary = recognition_table(data, claim)
        forms.append(Form(sheet, f"{full}{label}{sheet}", [table], notes=[
            summary, f"认定标准：{profile.title}（{profile.source or profile.cite}）。"], **common))
    forms.append(Form(SHEETS[3], f"{full}{label}招商引资情况表", investment_tables(data), notes=[
        "注：招商线索的联系方式属个人信息，本表不列出。"], **common))
    tasks, tasks_note = tasks_table(data)
    forms.append(Form(SHEETS[4], f"{full}{data.month.year}年任务完成情况表（截至{data.month.month}月）", [tasks],
                      notes=[tasks_note], amount_unit="", **common))
    forms.append(Form(SHEETS[5], f"{full}{label}存在问题及协调事项清单", [problems_table(data)],
                      notes=[f"时限情况按{_day(data.today)}计算。"], amount_unit="", **common))
    if edition.version > 1:
        forms.append(Form(CHANGES_SHEET, f"{full}{label}月报更正说明（{edition.label}）",
                          [changes_table(edition.changes)], notes=[f"更正原因：{edition.reason}"],
                          amount_unit="", **common))
    return Book(
        forms, title=schedule_title(data), author=full, subject=f"{label}月报报送（{edition.label}）",
        keywords=(full, str(data.month), edition.label), header_left=f"{full}  {label}月报",
        header_right=edition.label,
    )
