"""``desk import``: bring a spreadsheet of projects or leads into the ledger."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desk.cli import ledger_argument, month_argument, open_ledger, print_json
from desk.core.errors import DeskError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="从 Excel/WPS 表格导入项目台账或招商线索（.xlsx .xlsm .xls .ods）")
    p.add_argument("file", metavar="FILE", help="表格文件")
    ledger_argument(p)
    p.add_argument("--sheet", metavar="NAME", help="工作表名称（默认自动选择）")
    p.add_argument("--kind", choices=["projects", "leads"], help="导入项目（projects）还是线索（leads），默认自动判断")
    p.add_argument("--month", type=month_argument, metavar="YYYY-MM",
                   help="表中本月完成投资、形象进度等月度数据所属的月份（默认取表格标题中的月份）")
    p.add_argument("--dry-run", action="store_true", help="只检查并列出将新建和更新的内容，不写入台账")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from desk.exchange.sheets.load import load_table
    from desk.exchange.sheets.plan import describe_changes
    from desk.store.importing import ImportRefused, ImportSource, apply_import, automatic_mapping, plan_import

    try:
        loaded = load_table(args.file, args.sheet)
        with open_ledger(args.ledger, readonly=args.dry_run) as ledger:
            mapping = automatic_mapping(ledger, loaded.table, kind=args.kind, month=args.month)
            if args.dry_run:
                plan = plan_import(ledger, loaded.table, mapping)
            else:
                try:
                    source = ImportSource.of(loaded.path, loaded.sha256)
                    plan = apply_import(ledger, loaded.table, mapping, source).plan
                except ImportRefused as refused:
                    plan = refused.plan
    except DeskError as exc:
        _refused_json(args, exc)
        raise
    result: dict[str, Any] = plan.summary()
    if args.json:
        result["sheets"] = [{"name": s.name, "rows": s.rows, "cols": s.cols, "hidden": s.hidden,
                             "problem": s.problem} for s in loaded.sheets]
        result.update(sheet=plan.sheet, kind=plan.kind, dry_run=bool(args.dry_run), written=not args.dry_run and
                      not plan.errors, sha256=loaded.sha256, notes=plan.notes)
        result["changes"] = [
            {"row": r.excel_row, "action": r.action, "name": r.label, "changes": describe_changes(r)}
            for r in plan.rows if r.action != "unchanged"
        ] if args.dry_run else []
        print_json(result)
    else:
        print("工作表：" + "、".join(s.label for s in loaded.sheets))
        _print_text(plan, args.dry_run, describe_changes)
    if plan.errors:
        if not args.json:
            sys.stderr.write(f"错误：表格中有 {len(plan.errors)} 处问题，"
                             + ("这是试运行，没有写入。\n" if args.dry_run else "没有导入任何内容。\n"))
        return 3
    return 0


def _refused_json(args: argparse.Namespace, exc: DeskError) -> None:
    """With ``--json``, a refusal that is not about rows (not a spreadsheet, no sure mapping,
    a ledger that cannot be opened or written) still gets a JSON answer on stdout, in the shape of a row report;
    the Chinese message also goes to stderr and the exit code says what kind of failure."""
    if args.json:
        print_json({"rows": 0, "created": 0, "updated": 0, "written": False,
                    "errors": [{"row": None, "column": None, "message": exc.message}],
                    "missing": list(getattr(exc, "missing", []))})


def _print_text(plan: Any, dry_run: bool, describe: Any) -> None:
    from desk.exchange.sheets.plan import ACTION_LABELS

    for note in plan.notes:
        print(note)
    if dry_run:
        for row in plan.rows:
            if row.action == "unchanged":
                continue
            print(f"第 {row.excel_row} 行 {ACTION_LABELS[row.action]}：{row.label}")
            for line in describe(row) if row.action == "update" else []:
                print(f"    {line}")
    for error in plan.errors:
        print(str(error), file=sys.stderr)
    verb = "将" if dry_run else "已"
    if not plan.errors or dry_run:
        print(f"共 {plan.data_rows} 行：{verb}新建 {plan.created} 条，{verb}更新 {plan.updated} 条"
              + (f"，{plan.count('unchanged')} 条无变化" if plan.count("unchanged") else "")
              + ("（试运行，未写入台账）" if dry_run else ""))


__all__ = ["DeskError", "register"]
