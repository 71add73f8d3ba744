"""Task sheets (任务单) and the breakdown table (任务分解表) as fixed forms, to PDF and Excel.

A unit's **task sheet** lists every task split to it — its own target, the deadline, the lead
and cooperating units and what it has done so far — with a signature line for the unit that
receives it (层层签订“军令状”, 盘锦2018 四.2). The **breakdown table** is the layout of
盘锦2018 附件1: 序号, 任务名称与主要内容, the plan split per unit (“韩家店镇4项，西山街道3项 …”),
完成时限, 责任单位, 配合单位, grouped under 一、招商引资工作任务 / 二、项目建设工作任务.
Both are built on the shared form framework (desk.exchange.forms); the window prints the
same :class:`Form` through desk.exchange.form_html.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.core.errors import DeskError, os_reason
from desk.core.glossary import IndicatorKind
from desk.core.progress import Report, Row, TaskProgress, format_percent
from desk.exchange.forms import PERCENT, Book, Column, Form, Signatures, Table, fonts
from desk.exchange.forms import Row as FormRow
from desk.store.ledger import Ledger

CHINESE_NUMBERS = "一二三四五六七八九十"
FONT_SETTING = "pdf_font"  # the ledger setting naming the PDF font (desk.exchange.forms.fonts)
SUFFIXES = (".pdf", ".xlsx")


@dataclass(frozen=True)
class SheetSignatures(Signatures):
    """The receiving unit's signature line on a task sheet (the framework's default line is
    for reports: 填报人 / 审核人 / 单位负责人 / 填报日期)."""

    labels: tuple[str, ...] = ("责任单位（盖章）", "单位负责人（签字）", "经办人", "签收日期")

    def items(self) -> list[tuple[str, str]]:
        return [(label, "") for label in self.labels]


def section_title(number: int, label: str, count: int) -> str:
    head = CHINESE_NUMBERS[number - 1] if 1 <= number <= len(CHINESE_NUMBERS) else str(number)
    return f"{head}、{label}{count}项"


def counted_on(result: Report) -> str:
    return f"{result.as_of.year}年{result.as_of.month}月{result.as_of.day}日"


def _task_text(progress: TaskProgress) -> str:
    task = progress.task
    return f"{task.name}\n{task.content}" if task.content and task.content != task.name else task.name


def _deadline(progress: TaskProgress) -> str:
    task = progress.task
    if task.deadline_text:
        return task.deadline_text
    return f"{task.deadline.month}月{task.deadline.day}日" if task.deadline else ""


def _planned(progress: TaskProgress, row: Row) -> str:
    text = progress.show(row.planned)
    if row.planned_text:
        return f"{text}（{row.planned_text}）" if text else row.planned_text
    return text


def _actual(progress: TaskProgress, row: Row) -> str:
    if progress.task.indicator == IndicatorKind.TEXT:
        return row.note
    if row.actual is None:
        return "未填报" if row.planned is not None else ""
    text = progress.show(row.actual)
    return f"{text}（{row.note}）" if row.note and not row.computed else text


def _grouped(tasks: list[TaskProgress]) -> list[tuple[str, list[TaskProgress]]]:
    groups: dict[str, list[TaskProgress]] = {}
    labels: dict[str, str] = {}
    for progress in tasks:
        groups.setdefault(progress.task.section.value, []).append(progress)
        labels[progress.task.section.value] = progress.task.section.label
    return [(section_title(n, labels[key], len(items)), items)
            for n, (key, items) in enumerate(groups.items(), start=1)]


# ------------------------------------------------------------------ the unit's task sheet
def unit_sheet_form(result: Report, unit_id: int, unit_name: str, issuer: str) -> Form:
    """The task sheet of one unit: every task split to it, with its own target and actual."""
    mine = [(p, p.row_for(unit_id)) for p in result.tasks]
    assigned = [p for p, row in mine if row is not None]
    if not assigned:
        raise DeskError(f"{result.year}年没有分解给“{unit_name}”的任务")
    through = f"截至{result.as_of.month}月{result.as_of.day}日"
    columns = [
        Column("任务名称与主要内容", 38),
        Column("本单位目标", 13, "center"),
        Column("完成时限", 9, "center"),
        Column("责任单位", 11, "center"),
        Column("配合单位", 12, "center"),
        Column("完成", 12, "center", group=f"完成情况（{through}）"),
        Column("完成率", 8, number_format=PERCENT, group=f"完成情况（{through}）"),
        Column("进度", 9, "center", group=f"完成情况（{through}）"),
    ]
    rows: list = []
    for title, items in _grouped(assigned):
        rows.append(FormRow.section(title))
        for progress in items:
            row = progress.row_for(unit_id)
            assert row is not None
            rows.append([
                _task_text(progress), _planned(progress, row), _deadline(progress), progress.task.lead_units,
                progress.task.cooperating_units, _actual(progress, row), row.ratio, row.light.label,
            ])
    notes = [
        f"注：完成情况截至{counted_on(result)}，新开工、竣工等按认定标准由台账统计，其余由责任单位填报；"
        "完成率不低于时间进度为进度正常，落后10个百分点以内为略有滞后，更多为明显滞后。",
    ]
    return Form(
        sheet_name="任务单", title=f"{unit_name}{result.year}年招商引资及项目建设工作任务单",
        tables=[Table(columns, rows, serial="section")], unit="",
        date_text=f"下达单位：{issuer}",
        amount_unit="", notes=notes, signatures=SheetSignatures(),
    )


# ------------------------------------------------------------------ the breakdown table
def _split_text(progress: TaskProgress) -> str:
    parts = []
    for row in progress.rows:
        if progress.task.indicator == IndicatorKind.TEXT:
            parts.append(f"{row.unit_name}：{row.planned_text}" if row.planned_text else row.unit_name)
        else:
            parts.append(f"{row.unit_name}{_planned(progress, row)}")
    return "，".join(parts) + ("。" if parts else "")


def _progress_text(progress: TaskProgress) -> str:
    parts = [f"{row.unit_name}{_actual(progress, row) or '—'}" for row in progress.rows]
    total = progress.total
    if total.actual is not None:
        ratio = f"，完成率{format_percent(total.ratio)}" if total.ratio is not None else ""
        parts.append(f"合计{progress.show(total.actual)}{ratio}")
    return "，".join(parts) + ("。" if parts else "")


def breakdown_form(result: Report, issuer: str, with_progress: bool = False) -> Form:
    """The whole breakdown table in the layout of 盘锦2018 附件1."""
    if not result.tasks:
        raise DeskError(f"{result.year}年还没有任务")
    columns = [
        Column("任务名称与主要内容", 30),
        Column(f"{result.year}年计划任务分解指标", 46 if not with_progress else 36),
        Column("完成时限", 9, "center"),
        Column("责任单位", 12, "center"),
        Column("配合单位", 12, "center"),
    ]
    if with_progress:
        columns.append(Column(f"完成情况（截至{result.as_of.month}月{result.as_of.day}日）", 36))
    rows: list = []
    for title, items in _grouped(result.tasks):
        rows.append(FormRow.section(title))
        for progress in items:
            task = progress.task
            line = [_task_text(progress), _split_text(progress), _deadline(progress), task.lead_units,
                    task.cooperating_units]
            if with_progress:
                line.append(_progress_text(progress))
            rows.append(line)
    return Form(
        sheet_name="任务分解表", title=f"{issuer}{result.year}年招商引资及项目建设工作任务分解表",
        tables=[Table(columns, rows, serial="section")], unit="", amount_unit="",
        date_text=f"完成情况统计截至{counted_on(result)}" if with_progress else "",
    )


# ------------------------------------------------------------------ writing
def _book(form: Form, issuer: str, subject: str) -> Book:
    return Book([form], title=form.title, author=issuer, subject=subject, header_left=issuer,
                header_right=subject, keywords=("任务分解", "招商引资", "项目建设"))


def unit_sheet_book(ledger: Ledger, result: Report, unit_id: int) -> Book:
    unit = ledger.units.get(unit_id)
    form = unit_sheet_form(result, unit_id, unit.name, ledger.unit.name)
    return _book(form, ledger.unit.name, f"{unit.name}任务单")


def breakdown_book(ledger: Ledger, result: Report, with_progress: bool = False) -> Book:
    return _book(breakdown_form(result, ledger.unit.name, with_progress), ledger.unit.name, "任务分解表")


def write_book(ledger: Ledger, book: Book, out: Path | str) -> Path:
    """Write to ``out`` as PDF or Excel by its suffix."""
    from desk.exchange.forms import write_pdf, write_xlsx

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise DeskError(f"输出文件应为 .pdf 或 .xlsx：{out.name}")
    if not out.parent.is_dir():
        raise DeskError(f"文件夹不存在：{out.parent}")
    font, _note = fonts.resolve_or_bundled(ledger.setting(FONT_SETTING))
    try:
        if suffix == ".pdf":
            return write_pdf(book, out, font=font)
        return write_xlsx(book, out, font=font)
    except PermissionError:
        raise DeskError(f"无法写入 {out}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
    except OSError as exc:
        raise DeskError(f"无法写入 {out}：{os_reason(exc)}") from None


def write_unit_sheet(ledger: Ledger, result: Report, unit_id: int, out: Path | str) -> Path:
    return write_book(ledger, unit_sheet_book(ledger, result, unit_id), out)


def write_breakdown_table(ledger: Ledger, result: Report, out: Path | str, *, with_progress: bool = False) -> Path:
    return write_book(ledger, breakdown_book(ledger, result, with_progress), out)
