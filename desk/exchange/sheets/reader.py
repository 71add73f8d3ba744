"""A workbook's sheets through python-calamine, after ``container`` has checked the file."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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
            if self.facts.not_unicode:
                from desk.exchange.sheets.xls import unicode_copy

                patched = io.BytesIO(unicode_copy(self.path, self.facts.not_unicode))
                self._book = _calamine(lambda: calamine.CalamineWorkbook.from_filelike(patched), name)
            elif _SUFFIX_KINDS.get(self.path.suffix.lower()) == self.facts.kind:
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

    def _list(self, metadata: list[Any]) -> list[SheetInfo]:
        found: list[SheetInfo] = []
        self._by_name: dict[str, SheetFacts] = {}
        # An .xls lists its sheets in the same order for the pre-check and for calamine; matched
        # by place, a name calamine decodes differently (Excel 95's code pages) still finds its
        # facts. (The whole book has passed book_refusal already.)
        in_order = list(self.facts.sheets.values())
        by_place = self.facts.kind == "xls" and len(in_order) == len(metadata)
        for place, meta in enumerate(metadata):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            facts = self.facts.sheets.get(meta.name) or (in_order[place] if by_place else None)
            if facts is not None:
                self._by_name[meta.name] = facts
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
        facts = self._by_name[name]
        def load() -> tuple[list[list[Cell]], list[Merged]]:
            sheet = self._book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False) if info.rows else []
            return rows, list(sheet.merged_cell_ranges or facts.merged)

        rows, merged = _calamine(load, self.path.name, name)
        return SheetData(name, rows, merged, facts.uncached_formulas, self.facts.date1904)


def _calamine(call: Callable[[], T], file_name: str, sheet: str = "") -> T:
    """Run a python-calamine call; its failures (a Rust panic included) become Chinese errors.
    (A panic also prints one line of Rust's own on standard error; it is left there, since
    hiding standard error would hide what an abort prints too.)"""
    where = f"“{file_name}”的工作表“{sheet}”" if sheet else f"“{file_name}”"
    advice = "请重新获取原文件，或用 Excel/WPS 打开后另存一份再导入。"
    try:
        return call()
    except calamine.PasswordError:
        raise PasswordProtected(f"“{file_name}”设置了密码，无法读取。请取消密码并保存后再导入。") from None
    except (calamine.CalamineError, ValueError, OSError, IndexError, OverflowError) as exc:
        raise SheetFileError(f"{where}已损坏或格式不对，无法读取（{exc}）。{advice}") from None
    except BaseException as exc:
        # A damaged file can make calamine's Rust code panic; pyo3 raises that as a BaseException.
        if type(exc).__name__ == "PanicException":
            raise SheetFileError(f"{where}已损坏，无法读取。{advice}") from None
        raise
