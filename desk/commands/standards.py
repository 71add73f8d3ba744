"""Recognition commands: ``desk standards check|list|show|import|use`` and ``desk check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desk.cli import ledger_argument, month_argument, open_ledger, print_json
from desk.core.errors import DeskError

DEFAULT_PROFILE = "panjin-2018"


def register(sub: argparse._SubParsersAction) -> None:
    standards = sub.add_parser("standards", help="认定标准：核查案例、列出、查看、导入、选用")
    inner = standards.add_subparsers(dest="standards_command", metavar="子命令", required=True,
                                     parser_class=type(standards))

    p = inner.add_parser("check", help="按认定标准核查 JSON 案例文件")
    p.add_argument("cases", type=Path, metavar="CASES.json", help="案例文件（JSON 列表）")
    p.add_argument("--profile", metavar="NAME", help="认定标准名称，或 .toml 文件路径（默认 panjin-2018；"
                                                      "给出 --ledger 时默认用台账选用的标准）")
    ledger_argument(p, required=False)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_check_cases)

    p = inner.add_parser("list", help="列出认定标准（程序自带的，或台账中的）")
    ledger_argument(p, required=False)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_list)

    p = inner.add_parser("show", help="输出认定标准文件的全文（TOML）")
    p.add_argument("name", metavar="NAME", help="认定标准名称")
    ledger_argument(p, required=False)
    p.set_defaults(handler=cmd_show)

    p = inner.add_parser("import", help="把认定标准文件导入台账（校验后保存全文及 SHA-256）")
    p.add_argument("file", type=Path, metavar="FILE.toml", help="认定标准文件")
    ledger_argument(p)
    p.add_argument("--use", action="store_true", help="导入后本台账即选用此标准")
    p.add_argument("--replace", action="store_true", help="台账中已有同名标准时用文件内容替换")
    p.set_defaults(handler=cmd_import)

    p = inner.add_parser("use", help="本台账选用某个认定标准")
    p.add_argument("name", metavar="NAME", help="认定标准名称")
    ledger_argument(p)
    p.set_defaults(handler=cmd_use)

    p = sub.add_parser("check", help="核查某月申报新开工、竣工的项目，并列出动态考评情况")
    ledger_argument(p)
    p.add_argument("--month", type=month_argument, metavar="YYYY-MM", help="月份（默认最近填报的月份）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_check_ledger)


# --------------------------------------------------------------------------- standards
def cmd_check_cases(args: argparse.Namespace) -> int:
    from desk.exchange.cases import check_cases, read_cases
    from desk.store.profiles import resolve_profile

    if args.ledger is not None:
        ledger = open_ledger(args.ledger, readonly=True)
        try:
            profile = resolve_profile(args.profile or ledger.profile_name, ledger)
        finally:
            ledger.close()
    else:
        profile = resolve_profile(args.profile or DEFAULT_PROFILE)
    results = check_cases(profile, read_cases(args.cases))
    if args.json:
        print_json(results)
        return 0
    print(f"认定标准：{profile.title}（{profile.name}）")
    for result in results:
        print(f"{result['id']}：{_label(result)}")
        for reason in result["reasons"]:
            print(f"    {reason}")
    recognised = sum(1 for r in results if r["recognised"])
    print(f"共 {len(results)} 个案例，认定 {recognised} 个，不予认定 {len(results) - recognised} 个")
    return 0


def _label(result: dict[str, Any]) -> str:
    if not result["recognised"]:
        return "不予认定"
    return "认定，计入目标" if result["counted"] else "认定，不计入目标"


def _profile_json(profile: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": profile.name,
        "title": profile.title,
        "source": profile.source,
        "threshold_wan": float(profile.count_threshold_wan),
        "bands": [{"min_wan": float(b.min_wan), "label": b.label} for b in profile.bands],
        "user_thresholds": profile.user_thresholds,
        "dynamic_review": profile.review.enabled,
        "sha256": profile.sha256,
        **extra,
    }


def cmd_list(args: argparse.Namespace) -> int:
    from desk.core.recognition import load_profile
    from desk.store.profiles import list_profiles, shipped_profiles

    rows: list[dict[str, Any]] = []
    if args.ledger is not None:
        ledger = open_ledger(args.ledger, readonly=True)
        try:
            for info in list_profiles(ledger):
                if info.profile is None:
                    rows.append({"name": info.name, "title": info.title, "error": info.error, "in_use": info.in_use})
                    continue
                rows.append(_profile_json(info.profile, builtin=info.builtin, in_use=info.in_use,
                                          imported_at=info.imported_at))
        finally:
            ledger.close()
    else:
        for name, path in shipped_profiles().items():
            rows.append(_profile_json(load_profile(path.read_text(encoding="utf-8"), name), builtin=True,
                                      in_use=name == DEFAULT_PROFILE))
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        mark = "★" if row.get("in_use") else " "
        if "error" in row:
            print(f"{mark} {row['name']:<16} {row['title']}（无法读取：{row['error']}）")
            continue
        origin = "自带" if row["builtin"] else "导入/修改"
        print(f"{mark} {row['name']:<16} {row['title']}  [{origin}]  SHA-256 {row['sha256'][:12]}…")
    print("★ 为" + ("本台账选用的标准" if args.ledger is not None else "新建台账的默认标准"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from desk.store.profiles import profile_text, shipped_profiles

    if args.ledger is not None:
        ledger = open_ledger(args.ledger, readonly=True)
        try:
            text = profile_text(ledger, args.name)
        finally:
            ledger.close()
    else:
        shipped = shipped_profiles()
        if args.name not in shipped:
            from desk.core.errors import NotFoundError

            raise NotFoundError(f"未知的认定标准“{args.name}”，可选：{'、'.join(shipped)}")
        text = shipped[args.name].read_text(encoding="utf-8")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from desk.store.profiles import import_profile_file

    ledger = open_ledger(args.ledger)
    try:
        info = import_profile_file(ledger, args.file, replace=args.replace, use=args.use)
        in_use = ledger.profile_name
    finally:
        ledger.close()
    print(f"已导入认定标准“{info.title}”（{info.name}，SHA-256 {info.sha256[:12]}…）")
    print(f"本台账选用的标准：{in_use}")
    return 0


def cmd_use(args: argparse.Namespace) -> int:
    from desk.store.profiles import use_profile

    ledger = open_ledger(args.ledger)
    try:
        profile = use_profile(ledger, args.name)
    finally:
        ledger.close()
    print(f"本台账已选用认定标准“{profile.title}”（{profile.name}）")
    return 0


# ------------------------------------------------------------------------------ check
def cmd_check_ledger(args: argparse.Namespace) -> int:
    from desk.core.periods import Month
    from desk.store.recognition import current_profile, month_checks, recognition_status

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        month = args.month or ledger.latest_month()
        if month is None:
            raise DeskError("台账中还没有任何月度填报，无法核查")
        profile = current_profile(ledger)
        checks = month_checks(ledger, month, profile)
        standings = recognition_status(ledger, month, profile)
        flagged = sorted((s for s in standings.values() if s.flagged), key=lambda s: s.project_id)
        names = {p.id: p.name for p in ledger.projects.by_ids([s.project_id for s in flagged])}
    finally:
        ledger.close()
    verdicts: list[dict[str, Any]] = []
    for check in checks:
        standing = standings.get(check.project.id or 0)
        verdicts.append({
            "id": check.project.id,
            "name": check.project.name,
            "claim": check.claim.value,
            "category": check.project.category.value,
            "total_investment_wan": float(check.project.total_investment_wan),
            "completed_investment_wan": float(check.record.invested_month_wan),
            "evidence": [e.value for e in check.record.evidence],
            "recognised": check.verdict.recognised,
            "counted": check.verdict.counted,
            "band": check.verdict.band,
            "reasons": list(check.verdict.reasons),
            "files": standing.files if standing else 0,
        })
    review = [{
        "id": s.project_id,
        "name": names.get(s.project_id, ""),
        "status": s.status.value,
        "status_label": s.text,
        "start_month": s.review.start.month if s.review.start else None,
        "events": [e.text for e in s.review.events if e.month <= month],
    } for s in flagged]
    if args.json:
        print_json({"month": month, "profile": profile.name, "verdicts": verdicts, "review": review})
        return 0
    print(f"{Month.parse(month).label}  认定标准：{profile.title}")
    for v in verdicts:
        claim = "新开工" if v["claim"] == "new_start" else "竣工"
        print(f"{v['id']:>6}  {v['name']}  申报{claim}：{_label(v)}")
        for reason in v["reasons"]:
            print(f"        {reason}")
    print(f"本月申报 {len(verdicts)} 个，认定 {sum(1 for v in verdicts if v['recognised'])} 个")
    if review:
        print("动态考评：")
        for r in review:
            print(f"{r['id']:>6}  {r['name']}  {r['status_label']}")
            for event in r["events"][1:]:
                print(f"        {event}")
    return 0
