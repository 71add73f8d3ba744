"""A workbook's sheets through python-calamine, after ``container`` has checked the file."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import python_calamine as calamine

from desk.exchange.sheets.container import FileFacts, SheetFacts, inspect_file
from desk.exchange.sheets.errors import PasswordProtected, SheetFileError, TooLarge

_SUFFIX_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".ods": "ods"}
T = TypeVar("T")
Cell = Any  # str | float | int | bool | date | datetime | time | timedelta; "" when empty
Merged = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class SheetInfo:
    """A sheet as the clerk chooses it: name, size, hidden, and why it can't be read (if so)."""

    name: str
    rows: int
    cols: int
    hidden: bool
    problem: str | None = None

    @property
    def label(self) -> str:
        size = f"{self.rows} 行 × {self.cols} 列" if self.rows else "空表"
        return f"{self.name}（{size}{'，隐藏' if self.hidden else ''}）"


@dataclass
class SheetData:
    name: str
    rows: list[list[Cell]]  # from A1, 0-based; row i is Excel row i + 1
    merged: list[Merged]
    uncached: frozenset[tuple[int, int]]
    date1904: bool


class Workbook:
    """An open spreadsheet. Use as a context manager; nothing is loaded until ``read``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.facts: FileFacts = inspect_file(self.path)
        if (refusal := self.facts.book_refusal()) is not None:
            raise TooLarge(refusal)
        self._handle = self.path.open("rb")
        name = self.path.name
        try:
            if _SUFFIX_KINDS.get(self.path.suffix.lower()) == self.facts.kind:
                self._book = _calamine(lambda: calamine.CalamineWorkbook.from_path(str(self.path)), name)
            else:  # a renamed file: calamine then goes by the content (an .xlsx named .xls opens)
                self._book = _calamine(lambda: calamine.CalamineWorkbook.from_filelike(self._handle), name)
            self.sheets = self._list(_calamine(lambda: list(self._book.sheets_metadata), name))
        except BaseException:
            self._handle.close()
            raise

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._handle.closed:
            try:
                self._book.close()
            except calamine.CalamineError:
                pass
            self._handle.close()

    @property
    def sha256(self) -> str:
        return self.facts.sha256

    def _facts(self, name: str) -> SheetFacts | None:
        return self.facts.sheets.get(name)

    def _list(self, metadata: list[Any]) -> list[SheetInfo]:
        found: list[SheetInfo] = []
        for meta in metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            facts = self._facts(meta.name)
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible or bool(facts and facts.hidden)
            if facts is None:
                why = f"无法检查工作表“{meta.name}”的大小，为安全起见不读取它。"
                found.append(SheetInfo(meta.name, 0, 0, hidden, why))
                continue
            found.append(SheetInfo(meta.name, facts.rows, facts.cols, hidden, facts.too_big()))
        if not found:
            raise SheetFileError(f"“{self.path.name}”里没有工作表。")
        return found

    def sheet(self, name: str) -> SheetInfo:
        for info in self.sheets:
            if info.name == name:
                return info
        names = "、".join(s.name for s in self.sheets)
        raise SheetFileError(f"“{self.path.name}”中没有名为“{name}”的工作表。现有：{names}")

    def default_sheet(self) -> SheetInfo:
        """The first visible, readable sheet that has data."""
        for info in self.sheets:
            if not info.hidden and info.problem is None and info.rows:
                return info
        for info in self.sheets:
            if info.problem is None and info.rows:
                return info
        for info in self.sheets:
            if info.problem:  # nothing readable: say why the first refused sheet is
                raise TooLarge(info.problem)
        raise SheetFileError(f"“{self.path.name}”的工作表都是空的。")

    def read(self, name: str) -> SheetData:
        info = self.sheet(name)
        if info.problem:
            raise TooLarge(info.problem)
        facts = self._facts(name)
        assert facts is not None
        def load() -> tuple[list[list[Cell]], list[Merged]]:
            sheet = self._book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False) if info.rows else []
            return rows, list(sheet.merged_cell_ranges or facts.merged)

        rows, merged = _calamine(load, self.path.name, name)
        return SheetData(name, rows, merged, facts.uncached_formulas, self.facts.date1904)


def _calamine(call: Callable[[], T], file_name: str, sheet: str = "") -> T:
    """Run a python-calamine call; its failures (a Rust panic included) become Chinese errors."""
    where = f"“{file_name}”的工作表“{sheet}”" if sheet else f"“{file_name}”"
    advice = "请重新获取原文件，或用 Excel/WPS 打开后另存一份再导入。"
    with _HeldStderr() as held:
        try:
            return call()
        except calamine.PasswordError:
            raise PasswordProtected(f"“{file_name}”设置了密码，无法读取。请取消密码并保存后再导入。") from None
        except (calamine.CalamineError, ValueError, OSError, IndexError, OverflowError) as exc:
            raise SheetFileError(f"{where}已损坏或格式不对，无法读取（{exc}）。{advice}") from None
        except BaseException as exc:
            # A damaged file can make calamine's Rust code panic; pyo3 raises that as a BaseException.
            if type(exc).__name__ == "PanicException":
                held.drop = True
                raise SheetFileError(f"{where}已损坏，无法读取。{advice}") from None
            raise


_STDERR_LOCK = threading.Lock()


class _HeldStderr:
    """Hold what the process writes to its standard error (file descriptor 2) during a
    calamine call. A Rust panic prints "thread … panicked at …" there before pyo3 raises it;
    the clerk has a Chinese message for it, so that text is dropped (``drop``); anything else
    written meanwhile, by any thread, is passed on afterwards. Where there is no standard
    error (the windowed program) or another call holds it, nothing is held."""

    def __init__(self) -> None:
        self.drop = False
        self._saved: int | None = None
        self._file: IO[bytes] | None = None
        self._owned = False

    def __enter__(self) -> _HeldStderr:
        self._owned = _STDERR_LOCK.acquire(blocking=False)
        if not self._owned:
            return self
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            self._file = tempfile.TemporaryFile()
            self._saved = os.dup(2)
            os.dup2(self._file.fileno(), 2)
        except (OSError, ValueError):
            self._release()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is None:
            self._release()
            return
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            os.dup2(self._saved, 2)
            if not self.drop and self._file is not None:
                self._file.seek(0)
                text = memoryview(self._file.read())
                while text:
                    text = text[os.write(2, text):]
        except (OSError, ValueError):
            pass
        finally:
            self._release()

    def _release(self) -> None:
        if self._saved is not None:
            os.close(self._saved)
            self._saved = None
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._owned:
            self._owned = False
            _STDERR_LOCK.release()
