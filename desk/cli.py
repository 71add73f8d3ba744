"""``desk``: the window with no arguments, headless commands otherwise.

Each command module in ``COMMAND_MODULES`` adds its sub-commands through
``register(subparsers)``. Output meant for scripts goes to stdout (JSON with
``--json``); every error goes to stderr in Chinese with a non-zero exit code:
1 expected failure, 2 wrong arguments, 3 invalid data, 4 not found, 5 refused,
10–18 the ledger file (see desk.store.errors), 70 a bug.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desk import __version__
from desk.core.errors import DeskError

COMMAND_MODULES = [
    "desk.commands.ledger",
    "desk.commands.gui",
    "desk.commands.standards",
    "desk.commands.selftest",
    "desk.commands.tasks",
    "desk.commands.importing",
    "desk.commands.submission",
    "desk.commands.leads",
]

EXIT_USAGE = 2
EXIT_BUG = 70
# Years a command accepts: the ledger stores 1000–2999, and a month's neighbours must exist too.
FIRST_YEAR, LAST_YEAR = 1901, 2998

# argparse's own words, in Chinese (argparse looks them up through gettext).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


def _install_argparse_chinese() -> None:
    def translate(message: str) -> str:
        return _ARGPARSE_ZH.get(message, message)

    argparse._ = translate  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}：错误：{message}\n")
        raise SystemExit(EXIT_USAGE)


def ledger_argument(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "--ledger", type=Path, required=required, metavar="PATH", help="台账文件路径"
    )


def month_argument(text: str) -> str:
    from desk.core.periods import Month

    try:
        month = Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    year_argument(str(month.year))
    return str(month)


def year_argument(text: str) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是年份，应写成四位数字，例如 2026") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"年份 {year} 超出范围（{FIRST_YEAR}–{LAST_YEAR}）")
    return year


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    from desk.store.mapping import plain

    return plain(value)


def today() -> date:
    """Today, or ``DESK_TODAY`` (YYYY-MM-DD) — for reproducible demos, screenshots and tests."""
    override = os.environ.get("DESK_TODAY")
    return date.fromisoformat(override) if override else date.today()


def clock() -> datetime:
    now = datetime.now().replace(microsecond=0)
    override = os.environ.get("DESK_TODAY")
    if override:
        return datetime.combine(date.fromisoformat(override), now.time())
    return now


def open_ledger(path: Path, *, readonly: bool = False):  # type: ignore[no-untyped-def]
    from desk.store.ledger import Ledger

    ledger = Ledger.open(path, readonly=readonly)
    ledger.clock = clock
    return ledger


def build_parser() -> Parser:
    _install_argparse_chinese()
    parser = Parser(
        prog="desk",
        description="项目台账 Desk：招商引资与项目建设台账。不带参数运行时打开窗口。",
    )
    parser.add_argument("--version", action="version", version=f"Desk {__version__}", help="显示版本号并退出")
    ledger_argument(parser, required=False)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _reconfigure_streams() -> None:
    if sys.stderr is None or sys.stdout is None:
        # The windowed desk.exe has no console: keep what would be printed in the log file.
        from desk.paths import data_dir

        try:
            folder = data_dir()
            folder.mkdir(parents=True, exist_ok=True)
            sink = open(folder / "desk.log", "a", encoding="utf-8")  # noqa: SIM115 — lives as long as the program
        except OSError:
            sink = open(os.devnull, "w")  # noqa: SIM115
        sys.stderr = sys.stderr or sink
        sys.stdout = sys.stdout or sink
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (OSError, ValueError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    _reconfigure_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int | None] | None = getattr(args, "handler", None)
    if handler is None:
        from desk.commands.gui import run_window

        handler = run_window
    try:
        return int(handler(args) or 0)
    except DeskError as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
    except sqlite3.Error as exc:
        # the ledger failed under a read (a damaged page, a pulled USB stick): the environment's
        # fault, told plainly; anything else sqlite says is a bug, reported as one below
        from desk.store.errors import from_sqlite

        env = from_sqlite(exc, getattr(args, "ledger", None) or "")
        if env is None:
            return _bug()
        sys.stderr.write(f"错误：{env.message}\n")
        return env.exit_code
    except BrokenPipeError:
        # The reader went away (`desk projects … | head`): stop quietly, as Unix tools do.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — let the interpreter's final flush succeed
        except OSError:
            pass
        return 0
    except Exception:  # a bug: say so plainly, keep the details for support
        return _bug()


def _bug() -> int:
    sys.stderr.write("程序内部错误（这是 Desk 的缺陷，请把下面的信息发给技术支持）：\n")
    traceback.print_exc()
    return EXIT_BUG


if __name__ == "__main__":
    raise SystemExit(main())
