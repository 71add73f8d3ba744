"""A team's monthly report (港南2018: 每月28日前书面报送本月招商引资工作情况), as Excel and PDF
in the shared fixed-form style (desk.exchange.forms).

Two tables: the month's trips checked against the quotas, and every business person
visited with exactly what the notice asks for — 姓名、单位、地址、职务、联系方式、经营范围、
投资意向. Contacts are masked unless the clerk chooses full contacts; either way the
export is written to the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desk.core.contacts import full_contacts, mask_contacts
from desk.core.errors import DeskError, RefusedError, os_reason
from desk.core.models import Lead
from desk.core.money import tidy
from desk.core.periods import Month
from desk.core.teams import TeamMonth
from desk.exchange import atomic
from desk.exchange.forms import COUNT, DATE, Book, Column, Form, Row, Signatures, Table, fonts

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

VISIT_HEADERS = ("客商姓名", "单位", "地址", "职务", "联系方式", "经营范围", "投资意向")
PRIVATE_NOTE = "本表含客商完整联系方式，属个人信息，请妥善保管，仅报送招商工作领导小组办公室。"
MASKED_NOTE = "联系方式已隐藏中间几位（个人信息）；需要完整联系方式时请向填报人索取。"


@dataclass(frozen=True)
class ReportPeople:
    """Who signs the report: 填报人, 审核人 and the team leader (队长, the head of its first
    responsible unit, who signs as 单位负责人)."""

    filled_by: str = ""
    reviewed_by: str = ""
    head: str = ""
    filled_on: date | None = None


def intent_text(lead: Lead) -> str:
    parts = [lead.intent_industry, lead.intent_form, lead.intent_location]
    if lead.intent_amount_wan is not None:
        parts.append(f"意向投资{tidy(lead.intent_amount_wan):,f}万元")
    return "；".join(p for p in parts if p) or "暂无明确意向"


def title_of(team_month: TeamMonth) -> str:
    return f"{team_month.team.name}{team_month.month.label}招商引资工作情况"


def trips_table(team_month: TeamMonth) -> Table:
    q = team_month.quotas
    rows: list[Row | list[object]] = []
    for check in team_month.trips:
        trip = check.trip
        rows.append([trip.start_on, trip.end_on, trip.destination, check.companies, check.leads,
                     "达标" if check.ok else "未达标：" + "；".join(check.shortfalls())])
    if team_month.trips:
        rows.append(Row.total(f"合计（外出 {len(team_month.trips)} 次）", None, None, team_month.companies,
                              sum(c.leads for c in team_month.trips),
                              f"达标 {team_month.trips_ok} 次，未达标 {team_month.trips_failed} 次"))
    return Table(
        [Column("出发日期", 11, "center", DATE), Column("返回日期", 11, "center", DATE),
         Column("目的地", 16), Column("拜访企业(家)", 9, number_format=COUNT, group="完成情况"),
         Column("带回线索(条)", 9, number_format=COUNT, group="完成情况"),
         Column(f"考核（拜访≥{q.min_companies}家，线索≥{q.min_leads}条）", 34)],
        rows,  # type: ignore[arg-type]
        caption="一、外出招商情况",
        empty_text="本月没有外出招商",
    )


def visits_table(team_month: TeamMonth, *, full: bool) -> Table:
    rows = []
    for lead in team_month.visits:
        contact = (full_contacts if full else mask_contacts)(lead.phone, lead.email, lead.wechat, "\n")
        rows.append([lead.person_name, lead.company, lead.address, lead.position, contact,
                     lead.business_scope, intent_text(lead)])
    widths = (10, 24, 20, 10, 24, 22, 26)
    return Table([Column(h, w) for h, w in zip(VISIT_HEADERS, widths, strict=True)], rows,
                 caption="二、拜访客商情况", empty_text="本月没有拜访记录")


def team_report_book(ledger: Ledger, team_month: TeamMonth, *, full: bool, people: ReportPeople) -> Book:
    team = team_month.team
    q = team_month.quotas
    deadline = team_month.deadline()
    notes = [
        f"注：1. 考核标准：{q.text()}；每月{q.report_day}日前书面报送本月工作情况"
        f"（本月截止 {deadline.month}月{deadline.day}日）。",
        f"2. 本月外出招商 {len(team_month.trips)} 次，拜访企业 {team_month.companies} 家，"
        f"登记拜访客商 {team_month.leads} 人。",
        f"3. {PRIVATE_NOTE if full else MASKED_NOTE}",
    ]
    filled_on = people.filled_on or ledger.today()
    form = Form(
        sheet_name="招商工作情况",
        title=title_of(team_month),
        tables=[trips_table(team_month), visits_table(team_month, full=full)],
        unit=team.lead_unit or team.name,
        date_text=f"{team_month.month.label}（{team.name}）",
        amount_unit="",
        notes=notes,
        signatures=Signatures(people.filled_by, people.reviewed_by, people.head, filled_on),
    )
    return Book([form], title=form.title, author=ledger.unit.name,
                subject=f"{team.name}{team_month.month.label}工作情况",
                keywords=("招商小分队", "招商线索", str(team_month.month)),
                header_left=f"{ledger.unit.name} {team.name}", header_right=team_month.month.label)


def file_stem(team_month: TeamMonth, full: bool) -> str:
    stem = f"{team_month.team.name}{team_month.month.label}招商工作情况" + ("（含完整联系方式）" if full else "")
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)


def write_team_report(
    ledger: Ledger,
    team_id: int,
    month: Month,
    out_dir: Path | str,
    *,
    full: bool = False,
    people: ReportPeople | None = None,
) -> list[Path]:
    """Write ``<team><month>招商工作情况.xlsx`` and ``.pdf`` into ``out_dir``; audit the export."""
    from desk.exchange.forms import write_pdf, write_xlsx

    if month > Month.of(ledger.today()):
        raise RefusedError(f"{month.label}还没有到，还没有可报的招商工作情况")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise DeskError(f"输出位置不是文件夹：{out}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError(f"无法建立文件夹 {out}：{os_reason(exc)}") from None
    team_month = ledger.leads.team_month(team_id, month)
    people = people or ReportPeople(filled_by=ledger.clerk)
    book = team_report_book(ledger, team_month, full=full, people=people)
    font, _note = fonts.resolve_or_bundled(ledger.setting(fonts.SETTING))
    stem = file_stem(team_month, full)
    paths = [out / f"{stem}.xlsx", out / f"{stem}.pdf"]
    # Both files appear complete and together, and only with their entry in the audit log: a
    # workbook beside an older PDF, or a file with contacts the log does not know of, is worse
    # than no file.
    placed: list[Path] = []
    try:
        with atomic.replacing(paths[0]) as xlsx:
            with atomic.replacing(paths[1]) as pdf:
                write_xlsx(book, xlsx, font=font)
                write_pdf(book, pdf, font=font)
            placed.append(paths[1])
        placed.append(paths[0])
        ledger.leads.record_export(
            f"{team_month.team.name}{team_month.month.label}招商工作情况", str(paths[1].parent),
            [v.id for v in team_month.visits if v.id is not None], full, entity="team", entity_id=team_id,
        )
    except BaseException as exc:
        for path in placed:
            path.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise DeskError(f"无法写入 {out}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
        if isinstance(exc, OSError):
            raise DeskError(f"无法写入 {out}：{os_reason(exc)}") from None
        raise
    return paths
