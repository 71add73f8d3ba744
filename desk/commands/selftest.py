"""``desk selftest``: check this Desk end to end without a display (see desk.selftest)."""

from __future__ import annotations

import argparse

from desk.cli import clock, print_json, today


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "selftest",
        help="自检：在临时文件夹里新建台账、生成演示数据、核查、打开并关闭窗口（无需显示器），不留下任何文件",
    )
    p.add_argument("--only", default="", metavar="步骤", help="只运行这些步骤（逗号分隔，连同它们依赖的步骤）")
    p.add_argument("--list", action="store_true", help="列出全部自检步骤")
    p.add_argument("--keep", action="store_true", help="保留临时文件夹，便于技术支持查看")
    p.add_argument("--json", action="store_true", help="最后再以 JSON 输出每一步的结果与用时")
    p.set_defaults(handler=cmd_selftest)


def cmd_selftest(args: argparse.Namespace) -> int:
    from desk import selftest

    if args.list:
        for s in selftest.load_steps():
            needs = f"（依赖 {'、'.join(s.needs)}）" if s.needs else ""
            print(f"{s.name}\t{s.title}{needs}")
        return 0
    only = [name.strip() for name in args.only.split(",")]
    report = selftest.run(only, today=today(), clock=clock, keep=args.keep)
    if args.json:
        print_json(report.as_json())
    return 0 if report.ok else 1
