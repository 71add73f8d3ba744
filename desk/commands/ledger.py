"""Ledger commands: init, demo, info, projects, backup."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desk.cli import clock, ledger_argument, open_ledger, print_json, today
from desk.core.errors import DeskError
from desk.core.glossary import UnitKind
from desk.core.money import format_amount


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="新建一个空台账")
    ledger_argument(p)
    p.add_argument("--unit", required=True, metavar="NAME", help="本单位名称，如“韩家店镇”")
    p.add_argument("--parent", metavar="NAME", help="上级单位名称，如“海州区”")
    p.add_argument(
        "--kind", default="township", choices=UnitKind.values(), help="本单位类型（默认 township 乡镇）"
    )
    p.add_argument("--profile", default="panjin-2018", metavar="NAME", help="认定标准（默认 panjin-2018）")
    p.add_argument("--clerk", default="", metavar="NAME", help="填报人姓名")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="生成演示台账")
    ledger_argument(p)
    p.add_argument("--projects", type=int, default=120, metavar="N", help="项目个数（默认 120）")
    p.add_argument("--seed", type=int, default=2018, metavar="N", help="随机种子（相同种子生成相同台账）")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("info", help="台账概况")
    ledger_argument(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--check", action="store_true",
                   help="同时逐页检查台账文件是否完好（大台账需要几秒；损坏时退出码 13）")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("projects", help="列出项目")
    ledger_argument(p)
    p.add_argument("--search", default="", metavar="TEXT", help="按名称、建设单位、地点、领导、责任单位查找")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_projects)

    p = sub.add_parser("backup", help="备份台账（SQLite 在线备份）")
    ledger_argument(p)
    p.add_argument("--reason", default="手动备份", help="备份说明")
    p.set_defaults(handler=cmd_backup)


def cmd_init(args: argparse.Namespace) -> int:
    from desk.store.ledger import Ledger

    ledger = Ledger.create(
        args.ledger, args.unit, unit_kind=UnitKind(args.kind), parent_name=args.parent,
        profile=args.profile, clerk=args.clerk,
    )
    ledger.close()
    print(f"已新建台账：{args.ledger}（{args.unit}）")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from desk.store.demo import build_demo

    if args.projects < 0 or args.projects > 200_000:
        raise DeskError("项目个数应在 0 到 200000 之间")
    ledger = build_demo(
        args.ledger, projects=args.projects, seed=args.seed, today=today(), clock=clock,
        progress=lambda message: sys.stderr.write(message + "\n"),
    )
    info = ledger.info()
    ledger.close()
    print(f"已生成演示台账：{args.ledger}（{info['projects']} 个项目，{info['leads']} 条线索）")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    ledger = open_ledger(args.ledger, readonly=True)
    try:
        info = ledger.info()
        # Every page read, not only those a command happens to touch: the IT person's check.
        problems = ledger.integrity_problems() if args.check else None
    finally:
        ledger.close()
    if problems is not None:
        info["integrity"] = problems or "ok"
    if args.json:
        print_json(info)
    else:
        print(f"台账：{info['path']}")
        print(f"单位：{info['unit']}    结构版本：{info['schema_version']}    认定标准：{info['rule_profile']}")
        print(f"项目 {info['projects']} 个，线索 {info['leads']} 条，任务 {info['tasks']} 项；"
              f"最近填报月份：{info['latest_month'] or '无'}")
        if problems is not None:
            print("文件检查：完好" if not problems else f"文件检查：发现 {len(problems)} 处损坏")
    if problems:
        from desk.store.errors import LedgerCorrupt, restore_hint

        print(f"错误：台账文件已损坏：{args.ledger}\n{restore_hint(args.ledger)}", file=sys.stderr)
        return LedgerCorrupt.exit_code
    return 0


def project_json(project: Any, unit_names: dict[int, str]) -> dict[str, Any]:
    from desk.store.mapping import plain

    return {
        "id": project.id,
        "code": project.code,
        "name": project.name,
        "unit": unit_names.get(project.unit_id, ""),
        "owner": project.owner_company,
        "location": project.location,
        "category": project.category.value,
        "category_label": project.category.label,
        "stage": project.stage.value,
        "stage_label": project.stage.label,
        "total_investment_wan": float(project.total_investment_wan),
        "start_date": plain(project.start_date),
        "completion_date": plain(project.completion_date),
        "leader": project.leader,
        "responsible_unit": project.responsible_unit,
        "project_class": plain(project.project_class),
        "in_statistics": project.in_statistics,
        "flags": plain(project.flags),
    }


def cmd_projects(args: argparse.Namespace) -> int:
    from desk.store.projects import ProjectFilter

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        ids = ledger.projects.search_ids(ProjectFilter(text=args.search, include_archived=True))
        projects = ledger.projects.by_ids(ids)
        names = ledger.units.names()
    finally:
        ledger.close()
    if args.json:
        print_json([project_json(p, names) for p in projects])
    else:
        for p in projects:
            print(f"{p.id:>6}  {p.name}  {names.get(p.unit_id, '')}  {p.stage.label}  "
                  f"{format_amount(p.total_investment_wan)} 万元")
        print(f"共 {len(projects)} 个项目")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    ledger = open_ledger(args.ledger, readonly=True)  # a backup only reads: a read-only ledger can be saved too
    try:
        path = ledger.backup(args.reason)
    finally:
        ledger.close()
    print(path)
    return 0
