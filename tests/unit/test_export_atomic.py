"""A form written out is complete or not there: a disk that fills up half-way through an export
leaves the earlier file as it was, no half file that looks like the real one, and (for the
team report) no file the audit log does not know of."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desk.cli import main
from desk.core.periods import Month
from desk.exchange.team_report import write_team_report
from desk.store.ledger import Ledger

UNIT = "韩家店镇"


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(28, "No space left on device")


def fail_xlsx_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.writer.excel import ExcelWriter

    original = ExcelWriter.write_data

    def write_data(self: ExcelWriter) -> None:
        original(self)  # every part is on the disk, the zip's directory is not
        _disk_full()

    monkeypatch.setattr(ExcelWriter, "write_data", write_data)


def fail_pdf_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfbase.pdfdoc import PDFDocument

    def save(self: PDFDocument, filename: str, canvas: object) -> None:
        with open(filename, "wb") as handle:
            handle.write(b"%PDF-1.4\n% the first pages only\n")
        _disk_full()

    monkeypatch.setattr(PDFDocument, "SaveToFile", save)


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_a_task_sheet_that_fails_half_way_leaves_the_earlier_one_untouched(
        demo_path: Path, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / f"任务单{suffix}"
    out.parent.mkdir()
    args = ["tasks", "sheet", "--ledger", str(demo_path), "--unit", UNIT, "--out", str(out)]
    assert main(args) == 0
    before = out.read_bytes()
    (fail_xlsx_half_way if suffix == ".xlsx" else fail_pdf_half_way)(monkeypatch)
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "无法写入" in err and "磁盘空间已满" in err
    assert "No space" not in err and ".part" not in err  # the system's English, a temporary file's name
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_a_new_task_sheet_that_fails_leaves_no_file(demo_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fail_pdf_half_way(monkeypatch)
    assert main(["tasks", "sheet", "--ledger", str(demo_path), "--unit", UNIT, "--out", str(tmp_path / "a.pdf")]) == 1
    assert list(tmp_path.glob("*a.pdf*")) == []


def test_a_team_report_whose_pdf_fails_writes_neither_file_and_logs_no_export(
        demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.core.errors import DeskError

    team = demo.teams.all()[0]
    fail_pdf_half_way(monkeypatch)
    with pytest.raises(DeskError, match="无法写入"):
        write_team_report(demo, team.id, Month(2026, 10), tmp_path / "out", full=True)  # type: ignore[arg-type]
    assert list((tmp_path / "out").iterdir()) == []
    assert not [e for e in demo.audit_entries("team") if e.action.startswith("export")]
    monkeypatch.undo()
    paths = write_team_report(demo, team.id, Month(2026, 10), tmp_path / "out", full=True)  # type: ignore[arg-type]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    assert [e.action for e in demo.audit_entries("team")][0] == "export_full"
