"""The signed submission under a careful clerk's and a district IT person's eye: no personal
contact details in what goes to the district, nothing on disk or in the ledger that does not
match what was signed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from desk.exchange.submission import versions
from desk.store.ledger import Ledger
from tests.unit.submission_helpers import POPPLER, export, ledger_with_key, pdf_text, the


@pytest.fixture
def keyed(demo_master: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    ledger = ledger_with_key(demo_master, tmp_path / "demo.desk")
    yield ledger
    ledger.close()


def _workbook_text(path: Path) -> str:
    book = CalamineWorkbook.from_path(str(path))
    return " ".join(str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                    for v in row if v != "")


def test_the_correction_change_list_masks_contact_details(keyed: Ledger, tmp_path: Path) -> None:
    export(keyed, "2026-10", tmp_path)
    versions.open_correction(keyed, "2026-10", "更正客商电话")
    lead = next(lead for lead in keyed.leads.all() if lead.phone)
    old_phone = lead.phone
    keyed.leads.update(dataclasses.replace(lead, phone="13912345678", email="zhang.wei@example.com"))
    project = keyed.projects.by_name("中储粮东北综合产业基地")[0]
    keyed.projects.update(dataclasses.replace(project, contact_phone="13800001111"))
    second = export(keyed, "2026-10", tmp_path).folder
    text = _workbook_text(the(second, ".xlsx"))
    assert "更正说明" in CalamineWorkbook.from_path(str(the(second, ".xlsx"))).sheet_names
    assert "139****5678" in text and "z***@example.com" in text and "138****1111" in text
    for secret in (old_phone, "13912345678", "zhang.wei@", "13800001111"):
        assert secret not in text, secret
    if POPPLER:
        pdf = pdf_text(the(second, ".pdf"))
        assert "139****5678" in pdf and "13912345678" not in pdf and old_phone not in pdf


def test_every_file_is_on_the_disk_before_the_month_is_locked(keyed: Ledger, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # synchronous=FULL keeps the "submitted, locked" row through a power cut; the folder it
    # points to must be flushed to the disk before that row is written, or the ledger could
    # lock a month whose signed files are empty.
    from desk.exchange import atomic
    from desk.exchange.submission import package

    events: list[tuple[str, object]] = []
    real_file, real_folder, real_record = atomic.sync_file, atomic.sync_folder, package._record

    def sync_file(path: Path) -> None:
        events.append(("file", Path(path).name))
        real_file(path)

    def sync_folder(path: Path) -> None:
        events.append(("folder", Path(path)))
        real_folder(path)

    def record(*args: object, **kwargs: object) -> object:
        events.append(("record", None))
        return real_record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic, "sync_file", sync_file)
    monkeypatch.setattr(atomic, "sync_folder", sync_folder)
    monkeypatch.setattr(package, "_record", record)
    result = export(keyed, "2026-10", tmp_path / "out", make_zip=True)
    before = events[: events.index(("record", None))]
    synced = [name for kind, name in before if kind == "file"]
    for path in [*result.folder.iterdir(), result.zip_path]:
        assert any(str(name).startswith(f".{path.name}.") for name in synced), path.name  # type: ignore[union-attr]
    assert ("folder", tmp_path / "out") in before


def test_a_write_by_another_window_during_export_locks_nothing(keyed: Ledger, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # A second Desk window (or `desk import`) saves October while October's files are being
    # made: locking the month now would lock data that differs from the signed files.
    from desk.core.errors import RefusedError
    from desk.exchange.forms import pdf as pdf_writer

    real_pdf_bytes = pdf_writer.pdf_bytes

    def pdf_bytes(*args: object, **kwargs: object) -> object:
        result = real_pdf_bytes(*args, **kwargs)  # type: ignore[arg-type]
        with Ledger.open(keyed.path) as other:
            record = other.months.of_month("2026-10")[0]
            other.months.save(dataclasses.replace(record, progress="另一个窗口刚改的"))
        return result

    monkeypatch.setattr(pdf_writer, "pdf_bytes", pdf_bytes)
    out = tmp_path / "out"
    with pytest.raises(RefusedError, match="生成报送文件期间台账被修改"):
        export(keyed, "2026-10", out)
    assert list(out.iterdir()) == []
    assert not keyed.is_month_locked("2026-10") and keyed.submissions.of_month("2026-10") == []
    monkeypatch.undo()
    assert export(keyed, "2026-10", out).folder.is_dir() and keyed.is_month_locked("2026-10")


def test_a_month_that_has_not_come_cannot_be_submitted(keyed: Ledger, tmp_path: Path) -> None:
    from desk.core.errors import RefusedError

    assert str(keyed.today())[:7] == "2026-11"
    for month in ("2026-12", "3000-01"):
        with pytest.raises(RefusedError, match="还没有到"):
            export(keyed, month, tmp_path / "out")
    assert not keyed.is_month_locked("2026-12") and keyed.count("submissions") == 0
    assert export(keyed, "2026-11", tmp_path / "out").folder.is_dir()  # the month itself (盘锦: by the 20th)


def test_the_lock_is_read_under_the_write_lock(keyed: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read before BEGIN IMMEDIATE, "not locked" could be stale by the time the write lock is
    # ours (another window's submission committing in between): the month would be written
    # after it was signed.
    from desk.exchange.evidence import attach_bytes

    inside: list[bool] = []
    real = keyed.is_month_locked

    def is_month_locked(month: str) -> bool:
        inside.append(keyed.conn.in_transaction)
        return real(month)

    monkeypatch.setattr(keyed, "is_month_locked", is_month_locked)
    record = keyed.months.of_month("2026-10")[0]
    for action in (lambda: keyed.months.save(dataclasses.replace(record, progress="主体完工")),
                   lambda: attach_bytes(keyed, record.project_id, "2026-10", "现场.pdf", b"%PDF-1.4 x"),
                   lambda: keyed.months.delete(record.id)):  # type: ignore[arg-type]
        inside.clear()
        action()
        assert inside and inside[-1] is True


def test_evidence_of_a_submitted_month_cannot_be_removed_by_any_path(keyed: Ledger, tmp_path: Path) -> None:
    from desk.core.errors import RefusedError
    from desk.exchange.evidence import attach_bytes

    record = keyed.months.of_month("2026-10")[0]
    attach_bytes(keyed, record.project_id, "2026-10", "开槽现场.pdf", b"%PDF-1.4 site")
    (attachment,) = keyed.attachments.of_project(record.project_id, "2026-10")
    export(keyed, "2026-10", tmp_path)
    with pytest.raises(RefusedError, match="已报送"):
        keyed.attachments.delete(attachment.id)  # type: ignore[arg-type]
    assert keyed.attachments.of_project(record.project_id, "2026-10") == [attachment]
