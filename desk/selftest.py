"""``desk selftest``: prove, with no display and nobody at the keyboard, that this Desk works.

Written for the frozen program IT hands out (``desk-debug.exe selftest``), where a missing
module, font, rule profile or Qt plugin only shows at run time; CI runs it against every
build. It works in a temporary folder whose name has Chinese characters and a space (as
clerks' folders do), never touches the clerk's own data (``DESK_HOME`` points into the
temporary folder while it runs), prints one line per step and ``selftest: ok``, and
deletes the folder again. Any failure gives a non-zero exit code.

The steps are a registry. A feature adds its own step in its own module::

    from desk.selftest import Context, step

    @step("recognition", "认定核查", order=50, needs=("demo",))
    def recognition(ctx: Context) -> str:
        ...                      # raise on failure (any exception)
        return "120 个项目已核查"  # a short Chinese detail for the step's line

and lists that module in ``STEP_MODULES`` so that it is imported (and bundled) before the
steps run. ``order`` places the step; the built-in slots are 10 resources, 20 ledger,
30 demo, 40 checks, 50 recognition, 60 files, 90 window, 95 sections — export and verification of the
signed submission belong at 70 and 80. ``needs`` names the steps whose results this
one uses: they run first under ``--only``, and a failure there skips this step.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desk import paths
from desk.core.errors import DeskError

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

# Modules that register further steps (imported by ``run``; strings so that the lower layers
# never import the UI, and listed so that PyInstaller's collect_submodules finds them).
STEP_MODULES: list[str] = [
    "desk.selftest_steps",
    "desk.selftest_exchange",
    "desk.ui.selftest",
]

# A folder name a clerk might well use: Chinese characters and a space.
WORK_FOLDER = "自检 台账"
DEMO_PROJECTS = 120


@dataclass
class Context:
    """What the steps share: the temporary folder, the clock and the ledger under test."""

    folder: Path
    today: date
    clock: Callable[[], datetime]
    ledger: Ledger | None = None  # the ledger later steps work on (the demo once it is built)
    values: dict[str, Any] = field(default_factory=dict)  # handed from one step to the next
    marks: dict[str, float] = field(default_factory=dict)  # wall-clock times (epoch) for benchmarks
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def path(self, *parts: str) -> Path:
        return self.folder.joinpath(*parts)

    def today_fn(self) -> date:
        return self.today

    def mark(self, name: str) -> None:
        self.marks[name] = time.time()

    def use_ledger(self, ledger: Ledger) -> None:
        """Make ``ledger`` the one later steps use, closing the one before."""
        if self.ledger is not None and self.ledger is not ledger:
            self.ledger.close()
        self.ledger = ledger

    def on_cleanup(self, fn: Callable[[], None]) -> None:
        self._cleanups.append(fn)

    def cleanup(self) -> None:
        for fn in reversed(self._cleanups):
            fn()
        self._cleanups.clear()
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    fn: Callable[[Context], str]
    order: int
    needs: tuple[str, ...] = ()


@dataclass
class Outcome:
    name: str
    title: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float
    detail: str

    def line(self) -> str:
        word = {"ok": "ok", "failed": "FAILED", "skipped": "skipped"}[self.status]
        return f"selftest: {self.name} {word} ({self.seconds:.2f} s) {self.title}：{self.detail}"


@dataclass
class Report:
    outcomes: list[Outcome]
    marks: dict[str, float]
    started_at: float
    seconds: float
    cleanup_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.cleanup_error and all(o.status == "ok" for o in self.outcomes)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "frozen": paths.is_frozen(),
            "started_at": self.started_at,
            "seconds": round(self.seconds, 3),
            "steps": [
                {"name": o.name, "title": o.title, "status": o.status, "seconds": round(o.seconds, 3),
                 "detail": o.detail}
                for o in self.outcomes
            ],
            "marks": self.marks,
            "cleanup_error": self.cleanup_error,
        }


STEPS: dict[str, Step] = {}


def step(
    name: str, title: str, *, order: int, needs: Iterable[str] = ()
) -> Callable[[Callable[[Context], str]], Callable[[Context], str]]:
    """Register ``fn(ctx) -> detail`` as the self-test step ``name`` (see the module notes)."""

    def register(fn: Callable[[Context], str]) -> Callable[[Context], str]:
        STEPS[name] = Step(name, title, fn, order, tuple(needs))
        return fn

    return register


def load_steps() -> list[Step]:
    for module in STEP_MODULES:
        importlib.import_module(module)
    return sorted(STEPS.values(), key=lambda s: (s.order, s.name))


def select(steps: list[Step], only: Iterable[str]) -> list[Step]:
    """The steps named in ``only`` and every step they need, in run order (all when empty)."""
    wanted = [w for w in only if w]
    if not wanted:
        return steps
    by_name = {s.name: s for s in steps}
    unknown = [w for w in wanted if w not in by_name]
    if unknown:
        raise DeskError(f"没有名为“{'、'.join(unknown)}”的自检步骤，可选：{'、'.join(by_name)}")
    chosen: set[str] = set()
    pending = list(wanted)
    while pending:
        name = pending.pop()
        if name not in chosen:
            chosen.add(name)
            pending.extend(by_name[name].needs)
    return [s for s in steps if s.name in chosen]


@contextmanager
def _isolated(folder: Path) -> Iterator[None]:
    """Point Desk's data folder into ``folder`` and force Qt offscreen, restoring both after."""
    saved = {key: os.environ.get(key) for key in ("DESK_HOME", "QT_QPA_PLATFORM", "QT_QPA_FONTDIR")}
    os.environ["DESK_HOME"] = str(folder / "home")
    # Offscreen even on a desktop: the self-test must run the same for IT over a remote
    # shell, in CI and on a clerk's PC, and must never flash a window at anyone.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if sys.platform == "win32" and not saved["QT_QPA_FONTDIR"]:
        # Offscreen on Windows reads fonts only from this folder (Qt warns that it "no
        # longer ships fonts" otherwise): the bundled font, which the step checks anyway.
        os.environ["QT_QPA_FONTDIR"] = str(paths.resource("fonts"))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _remove(folder: Path) -> str:
    """Delete the temporary folder; Windows may hold a just-closed file for a moment."""
    for attempt in range(20):
        try:
            shutil.rmtree(folder)
            return ""
        except FileNotFoundError:
            return ""
        except OSError as exc:
            if attempt == 19:
                return f"临时文件夹未能删除：{folder}（{exc}）"
            time.sleep(0.1)
    return ""


def run(
    only: Iterable[str] = (),
    *,
    today: date | None = None,
    clock: Callable[[], datetime] | None = None,
    keep: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> Report:
    """Run the (selected) steps in a temporary folder and report each on ``out``."""
    out = out or sys.stdout
    err = err or sys.stderr
    steps = select(load_steps(), only)
    started_at = time.time()
    start = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="desk-selftest-"))
    folder = root / WORK_FOLDER
    folder.mkdir()
    ctx = Context(
        folder=folder,
        today=today or date.today(),
        clock=clock or (lambda: datetime.now().replace(microsecond=0)),
    )
    outcomes: list[Outcome] = []
    failed: set[str] = set()
    with _isolated(folder):
        try:
            for s in steps:
                missing = [n for n in s.needs if n in failed]
                if missing:
                    outcome = Outcome(s.name, s.title, "skipped", 0.0, f"未运行（{'、'.join(missing)} 未通过）")
                    failed.add(s.name)
                else:
                    outcome = _run_step(s, ctx, err)
                    if outcome.status != "ok":
                        failed.add(s.name)
                outcomes.append(outcome)
                out.write(outcome.line() + "\n")
                out.flush()
        finally:
            cleanup_error = ""
            try:
                ctx.cleanup()
            except Exception as exc:  # report it, and still try to delete the folder
                cleanup_error = f"清理失败：{exc}"
                traceback.print_exc(file=err)
            if keep:
                out.write(f"selftest: 临时文件夹保留在 {root}\n")
            else:
                cleanup_error = cleanup_error or _remove(root)
    report = Report(outcomes, ctx.marks, started_at, time.perf_counter() - start, cleanup_error)
    if cleanup_error:
        out.write(f"selftest: cleanup FAILED {cleanup_error}\n")
    bad = [o.name for o in outcomes if o.status != "ok"] + (["cleanup"] if cleanup_error else [])
    out.write("selftest: ok\n" if report.ok else f"selftest: FAILED ({', '.join(bad)})\n")
    out.flush()
    return report


def _run_step(s: Step, ctx: Context, err: TextIO) -> Outcome:
    start = time.perf_counter()
    try:
        detail = s.fn(ctx)
    except Exception as exc:
        seconds = time.perf_counter() - start
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        err.write(f"selftest: {s.name} 失败的详细信息：\n")
        traceback.print_exc(file=err)
        return Outcome(s.name, s.title, "failed", seconds, str(message).replace("\n", " "))
    return Outcome(s.name, s.title, "ok", time.perf_counter() - start, detail)


class SelfTestFailure(DeskError):
    """A check inside a step did not hold (the message says which, in Chinese)."""


def require(condition: object, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)
