"""``manifest.json``: what a submission contains and the hashes that tie it together.

Besides the SHA-256 of every file, the manifest carries a *canonical hash of the workbook's
cell values* — per sheet and overall — computed from what any reader sees in the cells
(numbers, text, dates; not styles or file layout). A receiver who opens and re-saves the
workbook changes its file hash but not its cell hash; a changed figure changes both, and
the per-sheet hashes say which sheet.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

FORMAT = "desk-submission/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CERTIFICATE = "signer.pem"


class WorkbookUnreadable(Exception):
    """The workbook cannot be read as a spreadsheet (damaged or not an xlsx)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_cell(value: Any) -> str | None:
    """A cell's value as text that every spreadsheet program agrees on; None for blank."""
    if type(value) is str:  # most cells: checked first
        return value or None
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            return str(number.quantize(Decimal(1)))
        return format(number.normalize(), "f")
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def workbook_hashes(path: Path) -> tuple[str, dict[str, str]]:
    """(hash over all sheets, {sheet name: hash of its cells}) of an xlsx file."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {name: _sheet_hash(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in workbook.sheet_names}
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise WorkbookUnreadable(str(exc)) from exc
    total = hashlib.sha256("".join(f"{json.dumps(n, ensure_ascii=False)}\t{h}\n" for n, h in sheets.items())
                           .encode()).hexdigest()
    return total, sheets


def _sheet_hash(rows: list[list[Any]]) -> str:
    """SHA-256 of one line ``row<TAB>column<TAB>JSON text`` per non-blank cell (1-based)."""
    # json_text is what json.dumps(text, ensure_ascii=False) returns for a str, without
    # building an encoder per cell
    json_text = encode_basestring
    lines: list[str] = []
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            text = canonical_cell(value)
            if text is not None:
                lines.append(f"{r}\t{c}\t{json_text(text)}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def dumps(manifest: dict[str, Any]) -> bytes:
    """The manifest's bytes: sorted keys, UTF-8, readable."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
