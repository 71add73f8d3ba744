"""The window (``desk`` with no command) and ``desk screenshot``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from desk.cli import ledger_argument, today
from desk.core.errors import DeskError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="打开窗口（与不带命令运行相同）")
    ledger_argument(p, required=False)
    p.set_defaults(handler=run_window)

    p = sub.add_parser("screenshot", help="把某个视图渲染成 PNG 图片（无需操作）")
    ledger_argument(p)
    p.add_argument(
        "--view", required=True, metavar="NAME", help="视图：projects、leads、tasks、submission、stats、settings …"
    )
    p.add_argument("--size", default="1280x800", metavar="WxH", help="窗口大小（默认 1280x800）")
    p.add_argument("out", type=Path, metavar="OUT.png", help="输出的 PNG 文件")
    p.set_defaults(handler=cmd_screenshot)


def run_window(args: argparse.Namespace) -> int:
    from desk.ui.controller import run

    return run(getattr(args, "ledger", None))


def cmd_screenshot(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSize

    from desk.ui.app import ensure_platform
    from desk.ui.screenshot import render

    match = re.fullmatch(r"(\d{3,5})[xX×](\d{3,5})", args.size)
    if not match:
        raise DeskError(f"窗口大小应写成 宽x高，例如 1280x800：{args.size}")
    width, height = int(match[1]), int(match[2])
    if width < 1024 or height < 640:
        raise DeskError("窗口至少 1024x640")
    ensure_platform()
    out = render(args.ledger, args.view, args.out, QSize(width, height), today)
    print(out)
    return 0
