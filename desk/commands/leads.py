"""Lead commands: ``desk leads teams|list|pipeline|report``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from desk.cli import ledger_argument, month_argument, open_ledger, print_json, today
from desk.core.errors import DeskError, NotFoundError


def register(sub: argparse._SubParsersAction) -> None:
    parent = sub.add_parser("leads", help="招商线索与招商小分队")
    leads_sub = parent.add_subparsers(dest="leads_command", metavar="子命令", parser_class=type(parent))
    parent.set_defaults(handler=lambda args: _usage(parent))

    p = leads_sub.add_parser("teams", help="列出招商小分队及其当月外出招商情况")
    ledger_argument(p)
    p.add_argument("--month", type=month_argument, metavar="YYYY-MM", help="月份（默认本月）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_teams)

    p = leads_sub.add_parser("list", help="列出线索（联系方式已隐藏）")
    ledger_argument(p)
    p.add_argument("--search", default="", metavar="TEXT", help="按企业、客商、地址、经营范围等查找")
    p.add_argument("--state", action="append", default=[], metavar="STATE",
                   help="状态（可重复），如 洽谈 或 negotiating")
    p.add_argument("--team", metavar="NAME", help="招商小分队名称")
    p.add_argument("--overdue", action="store_true", help="只列跟进已过期的线索")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_list)

    p = leads_sub.add_parser("pipeline", help="线索漏斗：各状态、各来源的条数与转化率")
    ledger_argument(p)
    p.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD", help="起始日期")
    p.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD", help="截止日期")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_pipeline)

    p = leads_sub.add_parser("report", help="导出招商小分队月度工作情况（Excel 和 PDF）")
    ledger_argument(p)
    p.add_argument("--team", required=True, metavar="NAME", help="招商小分队名称")
    p.add_argument("--month", required=True, type=month_argument, metavar="YYYY-MM", help="月份")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="输出文件夹")
    p.add_argument("--full-contacts", action="store_true",
                   help="导出完整联系方式（含个人信息，记入修改记录）；默认隐藏中间几位")
    p.add_argument("--signer", metavar="NAME", help="填报人（默认台账的填报人）")
    p.add_argument("--reviewer", default="", metavar="NAME", help="审核人")
    p.add_argument("--head", default="", metavar="NAME", help="队长（第一责任单位主要负责人）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出文件路径")
    p.set_defaults(handler=cmd_report)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def find_team(ledger: Any, name: str) -> Any:
    team = ledger.teams.by_name(name)
    if team is None:
        names = "、".join(t.name for t in ledger.teams.all()) or "（台账中还没有招商小分队）"
        raise NotFoundError(f"找不到招商小分队“{name}”。可选：{names}")
    return team


def team_json(team_month: Any) -> dict[str, Any]:
    team = team_month.team
    return {
        "id": team.id,
        "name": team.name,
        "lead_unit": team.lead_unit,
        "member_units": team.member_units,
        "leaders": team.leaders,
        "sector_focus": team.sector_focus,
        "month": str(team_month.month),
        "trips": len(team_month.trips),
        "trips_ok": team_month.trips_ok,
        "trips_failed": team_month.trips_failed,
        "companies_visited": team_month.companies,
        "leads": team_month.leads,
        "report_deadline": team_month.deadline().isoformat(),
        "trip_checks": [
            {
                "start_on": c.trip.start_on.isoformat(),
                "end_on": c.trip.end_on.isoformat() if c.trip.end_on else None,
                "destination": c.trip.destination,
                "companies_visited": c.companies,
                "leads": c.leads,
                "ok": c.ok,
                "verdict": c.verdict,
            }
            for c in team_month.trips
        ],
    }


def cmd_teams(args: argparse.Namespace) -> int:
    from desk.core.periods import Month

    month = Month.parse(args.month) if args.month else Month.of(today())
    ledger = open_ledger(args.ledger, readonly=True)
    try:
        months = [ledger.leads.team_month(t.id, month) for t in ledger.teams.all()]
        quotas = ledger.leads.quotas()
    finally:
        ledger.close()
    if args.json:
        print_json([team_json(m) for m in months])
        return 0
    print(f"{month.label}　考核标准：{quotas.text()}")
    for m in months:
        print(f"{m.team.name}（{m.team.lead_unit}）：{m.summary()}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from desk.core.contacts import mask_email, mask_phone, mask_wechat
    from desk.core.glossary import LeadState
    from desk.store.lead_queries import LeadFilter

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        try:
            states = frozenset(LeadState.parse(s) for s in args.state)
        except ValueError as exc:
            raise DeskError(f"{exc}；可选：{'、'.join(LeadState.labels())}") from None
        team_ids = frozenset({find_team(ledger, args.team).id}) if args.team else frozenset()
        filt = LeadFilter(text=args.search, states=states, team_ids=team_ids,
                          overdue_on=today() if args.overdue else None)
        ids = ledger.leads.search_ids(filt)
        leads = ledger.leads.by_ids(ids)
        due = ledger.leads.next_dates(ids)
        overdue = set(ledger.leads.overdue_ids(today()))
        teams = {t.id: t.name for t in ledger.teams.all()}
    finally:
        ledger.close()
    rows = [
        {
            "id": lead.id,
            "visit_date": lead.visit_date.isoformat() if lead.visit_date else None,
            "person_name": lead.person_name,
            "company": lead.company,
            "position": lead.position,
            "phone": mask_phone(lead.phone),
            "email": mask_email(lead.email),
            "wechat": mask_wechat(lead.wechat),
            "source": lead.source.value,
            "source_label": lead.source.label,
            "team": teams.get(lead.team_id, "") if lead.team_id else "",
            "state": lead.state.value,
            "state_label": lead.state.label,
            "next_followup": due.get(lead.id).isoformat() if due.get(lead.id) else None,  # type: ignore[union-attr]
            "overdue": lead.id in overdue,  # the next follow-up date has passed and the lead is still open
            "project_id": lead.project_id,
        }
        for lead in leads
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>5}  {r['visit_date'] or '':10}  {r['company']}  {r['person_name']}  {r['phone']}  "
                  f"{r['state_label']}")
        print(f"共 {len(rows)} 条线索")
    return 0


def cmd_pipeline(args: argparse.Namespace) -> int:
    from desk.core.pipeline import rate_text

    ledger = open_ledger(args.ledger, readonly=True)
    try:
        pipe = ledger.leads.pipeline(args.start, args.end)
    finally:
        ledger.close()
    data = {
        "from": args.start.isoformat() if args.start else None,
        "to": args.end.isoformat() if args.end else None,
        "total": pipe.total,
        "signed": pipe.signed,
        "landed": pipe.landed,
        "signed_rate": str(pipe.signed_rate) if pipe.signed_rate is not None else None,
        "landed_rate": str(pipe.landed_rate) if pipe.landed_rate is not None else None,
        "by_state": {s.value: n for s, n in pipe.by_state.items()},
        "by_source": {s.value: {"total": r.total, "signed": r.signed, "landed": r.landed}
                      for s, r in pipe.by_source.items()},
    }
    if args.json:
        print_json(data)
        return 0
    print(f"线索 {pipe.total} 条 → 签约 {pipe.signed} 条（{rate_text(pipe.signed_rate)}）"
          f" → 落地 {pipe.landed} 条（{rate_text(pipe.landed_rate)}）")
    for state, n in pipe.by_state.items():
        print(f"  {state.label}：{n}")
    for source, row in pipe.by_source.items():
        print(f"  {source.label}：{row.total} 条，签约 {row.signed}，落地 {row.landed}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from desk.core.periods import Month
    from desk.exchange.team_report import ReportPeople, write_team_report

    ledger = open_ledger(args.ledger)
    try:
        team = find_team(ledger, args.team)
        people = ReportPeople(filled_by=args.signer if args.signer is not None else ledger.clerk,
                              reviewed_by=args.reviewer, head=args.head)
        paths = write_team_report(ledger, team.id, Month.parse(args.month), args.out, full=args.full_contacts,
                                  people=people)
    finally:
        ledger.close()
    if args.full_contacts:
        sys.stderr.write("注意：导出的文件含有客商的完整联系方式（个人信息），请妥善保管。本次导出已记入修改记录。\n")
    if args.json:
        print_json({"files": [str(p) for p in paths], "full_contacts": args.full_contacts})
    else:
        for path in paths:
            print(path)
    return 0
