"""Task commands: progress against the breakdown table, problems, task sheets.

``desk tasks progress`` prints every task's planned / actual / ratio / light per unit;
``desk tasks problems`` the problems to coordinate (``--overdue`` for the late ones);
``desk tasks sheet`` writes a unit's task sheet and ``desk tasks table`` the whole
breakdown table, as .pdf or .xlsx.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from desk.cli import ledger_argument, month_argument, open_ledger, print_json, today, year_argument
from desk.core.errors import DeskError
from desk.core.periods import Month
from desk.core.problems import due_state, due_text
from desk.core.progress import Report, Row, TaskProgress, format_metric, format_percent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tasks", help="任务分解、目标完成情况、协调问题、任务单")
    tasks = p.add_subparsers(dest="tasks_command", metavar="子命令", required=True, parser_class=type(p))

    q = tasks.add_parser("progress", help="各项任务和年度目标的完成情况")
    _common(q)
    q.add_argument("--unit", metavar="NAME", help="只看这个单位")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(handler=cmd_progress)

    q = tasks.add_parser("problems", help="协调问题（存在问题）清单")
    ledger_argument(q)
    q.add_argument("--overdue", action="store_true", help="只列出已超时未办结的问题")
    q.add_argument("--json", action="store_true", help="以 JSON 输出")
    q.set_defaults(handler=cmd_problems)

    q = tasks.add_parser("sheet", help="导出一个单位的任务单（.pdf 或 .xlsx）")
    _common(q)
    q.add_argument("--unit", required=True, metavar="NAME", help="单位名称，如“韩家店镇”")
    q.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件（.pdf 或 .xlsx）")
    q.set_defaults(handler=cmd_sheet)

    q = tasks.add_parser("table", help="导出全部单位的任务分解表（.pdf 或 .xlsx）")
    _common(q)
    q.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件（.pdf 或 .xlsx）")
    q.add_argument("--progress", action="store_true", help="加一列各单位的完成情况")
    q.set_defaults(handler=cmd_table)


def _common(parser: argparse.ArgumentParser) -> None:
    ledger_argument(parser)
    parser.add_argument("--year", type=year_argument, metavar="YYYY", help="年度（默认今年）")
    parser.add_argument("--month", type=month_argument, metavar="YYYY-MM",
                        help="统计截至的月份（默认最近填报的月份）")


def _report(args: argparse.Namespace, ledger: Any) -> Report:
    from desk.store.progress import report

    year = args.year or (Month.parse(args.month).year if args.month else today().year)
    through = Month.parse(args.month) if args.month else None
    if through is not None and through.year != year:
        raise DeskError(f"统计月份 {through.label} 不在 {year} 年内")
    return report(ledger, year, through, today=today())


def number(value: Decimal | None) -> int | float | None:
    """A figure for JSON: whole numbers as integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def row_json(row: Row) -> dict[str, Any]:
    return {
        "unit": row.unit_name,
        "planned": number(row.planned),
        "planned_text": row.planned_text,
        "actual": number(row.actual),
        "ratio": number(row.ratio),
        "light": row.light.value,
        "light_label": row.light.label,
        "computed": row.computed,
        "note": row.note,
        "project_ids": list(row.project_ids),
    }


def task_json(progress: TaskProgress, rows: list[Row]) -> dict[str, Any]:
    task = progress.task
    return {
        "id": task.id,
        "section": task.section.value,
        "section_label": task.section.label,
        "seq": task.seq,
        "name": task.name,
        "content": task.content,
        "indicator": task.indicator.value,
        "metric": task.metric.value if task.metric else None,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "deadline_text": task.deadline_text,
        "lead_units": task.lead_units,
        "cooperating_units": task.cooperating_units,
        "status": task.status.value,
        "elapsed": number(progress.elapsed),
        "rows": [row_json(r) for r in rows],
        "total": row_json(progress.total),
    }


def cmd_progress(args: argparse.Namespace) -> int:
    ledger = open_ledger(args.ledger, readonly=True)
    try:
        result = _report(args, ledger)
        unit_name = ledger.units.by_name(args.unit).name if args.unit else None
    finally:
        ledger.close()

    def rows_of(progress: TaskProgress) -> list[Row]:
        return [r for r in progress.rows if unit_name is None or r.unit_name == unit_name]

    tasks = [t for t in result.tasks if rows_of(t)]
    targets = [t for t in result.targets if unit_name is None or t.unit_name == unit_name]
    if args.json:
        print_json({
            "year": result.year,
            "through": result.through,
            "as_of": result.as_of.isoformat(),
            "tasks": [task_json(t, rows_of(t)) for t in tasks],
            "targets": [
                {"metric": t.target.metric.value, "metric_label": t.target.metric.label,
                 "min_investment_wan": number(t.target.min_investment_wan), "elapsed": number(t.elapsed),
                 **row_json(t.row)}
                for t in targets
            ],
        })
        return 0
    print(f"{result.year}年任务完成情况（统计截至 {result.as_of.month}月{result.as_of.day}日）")
    section = None
    for progress in tasks:
        task = progress.task
        if task.section != section:
            section = task.section
            print(f"\n{section.label}")
        print(f"  {task.seq}. {task.name}（完成时限：{task.deadline_text or task.deadline or '—'}）")
        lines = rows_of(progress) + ([progress.total] if unit_name is None else [])
        for row in lines:
            print(f"      {row.unit_name:<8}计划 {progress.show(row.planned) or row.planned_text or '—':<10}"
                  f"完成 {progress.show(row.actual) or '—':<10}{format_percent(row.ratio):>8}  {row.light.label}")
    if targets:
        print("\n年度目标")
        for t in targets:
            planned = format_metric(t.row.planned, t.target.metric)
            print(f"  {t.unit_name:<8}{t.target.metric.label:<10}目标 {planned:<10}"
                  f"完成 {format_metric(t.row.actual, t.target.metric):<10}{format_percent(t.row.ratio):>8}  "
                  f"{t.row.light.label}")
    return 0


def cmd_problems(args: argparse.Namespace) -> int:
    ledger = open_ledger(args.ledger, readonly=True)
    day = today()
    try:
        problems = ledger.problems.overdue(day) if args.overdue else ledger.problems.listing()
        names = {p.id: p.name for p in ledger.projects.by_ids(
            [p.project_id for p in problems if p.project_id is not None])}
        task_names = {t.id: t.name for t in ledger.tasks.all()}
    finally:
        ledger.close()
    if args.json:
        print_json([{
            "id": p.id, "title": p.title, "detail": p.detail,
            "project": names.get(p.project_id) if p.project_id else None,
            "task": task_names.get(p.task_id) if p.task_id else None,
            "owner_unit": p.owner_unit, "leader": p.leader,
            "deadline": p.deadline.isoformat() if p.deadline else None,
            "state": p.state.value, "state_label": p.state.label,
            "due": due_state(p, day).value, "due_label": due_text(p, day),
            "overdue": p.is_overdue(day), "resolution": p.resolution,
            "created_on": p.created_on.isoformat() if p.created_on else None,
            "closed_on": p.closed_on.isoformat() if p.closed_on else None,
        } for p in problems])
        return 0
    for p in problems:
        about = names.get(p.project_id) if p.project_id else task_names.get(p.task_id) if p.task_id else ""
        print(f"{p.id:>5}  {p.state.label:<4}{due_text(p, day):<10}{p.title}  {about}  {p.owner_unit}  {p.leader}")
    print(f"共 {len(problems)} 个问题" + ("（已超时）" if args.overdue else ""))
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from desk.exchange.tasksheet import write_unit_sheet

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        unit = ledger.units.by_name(args.unit)
        result = _report(args, ledger)
        out = write_unit_sheet(ledger, result, unit.id, args.out)  # type: ignore[arg-type]
    finally:
        ledger.close()
    print(out)
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    from desk.exchange.tasksheet import write_breakdown_table

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        result = _report(args, ledger)
        out = write_breakdown_table(ledger, result, args.out, with_progress=args.progress)
    finally:
        ledger.close()
    print(out)
    return 0
