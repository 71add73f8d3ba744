"""Evidence files on a project-month: stored once per SHA-256, with warnings when a photo's
EXIF date is outside the claimed month or the same photo is already shown elsewhere."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from desk.core.errors import RefusedError
from desk.core.glossary import AttachmentKind, Category, Stage, SubmissionStatus
from desk.core.models import Project, ProjectMonth, Submission
from desk.exchange.evidence import attach_bytes, attach_file, inspect, month_evidence, save_copy
from desk.store.ledger import Ledger


def jpeg(taken: str | None, colour: tuple[int, int, int] = (180, 120, 60), *, tag: str = "original") -> bytes:
    """A small JPEG whose EXIF says when it was taken (``None``: no EXIF at all)."""
    image = Image.new("RGB", (80, 60), colour)
    out = io.BytesIO()
    if taken is None:
        image.save(out, "JPEG")
        return out.getvalue()
    exif = Image.Exif()
    if tag == "original":
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    else:
        exif[ExifTags.Base.DateTime] = taken
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def two_projects(empty: Ledger) -> tuple[Ledger, int, int]:
    with empty.transaction():
        a = empty.projects.add(Project(name="宝来轻烃综合利用项目", unit_id=empty.unit_id, category=Category.INDUSTRIAL,
                                       total_investment_wan=Decimal(20000)))
        b = empty.projects.add(Project(name="新元现代物流园项目", unit_id=empty.unit_id, category=Category.SERVICE,
                                       total_investment_wan=Decimal(15000)))
    return empty, a.id, b.id  # type: ignore[return-value]


def test_a_photo_taken_in_the_claimed_month_has_no_warning(two_projects) -> None:  # type: ignore[no-untyped-def]
    ledger, a, _ = two_projects
    outcome = attach_bytes(ledger, a, "2026-10", "开槽现场.jpg", jpeg("2026:10:15 09:30:00"))
    assert outcome.messages == ()
    att = outcome.attachment
    assert att is not None and att.kind == AttachmentKind.PHOTO and att.mime == "image/jpeg"
    assert att.taken_at == datetime(2026, 10, 15, 9, 30)
    assert ledger.attachments.data(att.id) == jpeg("2026:10:15 09:30:00")  # type: ignore[arg-type]
    assert ledger.audit_entries("project", a)[0].summary == "项目“宝来轻烃综合利用项目”2026年10月新增附件“开槽现场.jpg”"


@pytest.mark.parametrize(("taken", "tag", "warning"), [
    ("2026:09:28 17:00:00", "original", "照片“现场.jpg”的拍摄日期是 2026-09-28，不在申报月份2026年10月内"),
    ("2026:11:01 08:00:00", "datetime", "照片“现场.jpg”的拍摄日期是 2026-11-01，不在申报月份2026年10月内"),
    ("0000:00:00 00:00:00", "original", "照片“现场.jpg”没有拍摄日期（EXIF），无法核对是否摄于2026年10月"),
    (None, "original", "照片“现场.jpg”没有拍摄日期（EXIF），无法核对是否摄于2026年10月"),
])
def test_photo_dates_outside_the_month_are_warned(two_projects, taken, tag, warning) -> None:  # type: ignore[no-untyped-def]
    ledger, a, _ = two_projects
    outcome = attach_bytes(ledger, a, "2026-10", "现场.jpg", jpeg(taken, tag=tag))
    assert outcome.messages == (warning,)
    assert outcome.attachment is not None  # warned, not refused: an inspector decides
    assert warning in ledger.audit_entries("project", a)[0].summary
    assert month_evidence(ledger, a, "2026-10")[0][1] == [warning]


def test_the_same_photo_for_another_project_or_an_earlier_month_is_warned(two_projects) -> None:  # type: ignore[no-untyped-def]
    ledger, a, b = two_projects
    photo = jpeg("2026:09:20 10:00:00")
    attach_bytes(ledger, a, "2026-09", "9月进度.jpg", photo)
    reused = attach_bytes(ledger, a, "2026-10", "10月进度.jpg", photo)
    assert "照片“10月进度.jpg”已作为本项目2026年9月的证据（“9月进度.jpg”），同一张照片不能证明2026年10月的进度" \
        in reused.messages
    other = attach_bytes(ledger, b, "2026-09", "物流园开工.jpg", photo)
    assert other.messages == ("“物流园开工.jpg”与项目“宝来轻烃综合利用项目”2026年9月的附件“9月进度.jpg”是同一个文件，"
                              "请核实是否把别的项目的照片或材料用作本项目的证据",
                              "“物流园开工.jpg”与项目“宝来轻烃综合利用项目”2026年10月的附件“10月进度.jpg”是同一个文件，"
                              "请核实是否把别的项目的照片或材料用作本项目的证据")
    # stored once; each listing shows what concerns it, naming the others
    assert ledger.count("blobs") == 1 and ledger.count("attachments") == 3
    first = month_evidence(ledger, a, "2026-09")[0][1]
    assert any("也作为本项目2026年10月的证据" in w for w in first)
    assert any("与项目“新元现代物流园项目”2026年9月的附件“物流园开工.jpg”是同一个文件" in w for w in first)


def test_the_same_file_twice_on_the_same_month_is_kept_once(two_projects) -> None:  # type: ignore[no-untyped-def]
    ledger, a, _ = two_projects
    photo = jpeg("2026:10:02 10:00:00")
    attach_bytes(ledger, a, "2026-10", "a.jpg", photo)
    again = attach_bytes(ledger, a, "2026-10", "a(1).jpg", photo)
    assert again.attachment is None
    assert again.messages == ("“a(1).jpg”已经附在2026年10月（“a.jpg”），未重复添加",)
    assert ledger.count("attachments") == 1


def test_documents_are_kept_and_only_warned_across_projects(two_projects, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger, a, b = two_projects
    path = tmp_path / "施工许可证.pdf"
    path.write_bytes(b"%PDF-1.4\n% a permit\n")
    first = attach_file(ledger, a, "2026-09", path)
    assert first.attachment is not None and first.attachment.kind == AttachmentKind.DOCUMENT
    assert first.messages == ()
    assert attach_file(ledger, a, "2026-10", path).messages == ()  # the same permit each month is normal
    assert len(attach_file(ledger, b, "2026-10", path).messages) == 2
    copy = save_copy(ledger, first.attachment.id, tmp_path / "out.pdf")  # type: ignore[arg-type]
    assert copy.read_bytes() == path.read_bytes()


def test_a_submitted_month_takes_no_more_evidence(two_projects) -> None:  # type: ignore[no-untyped-def]
    ledger, a, _ = two_projects
    ledger.months.save(ProjectMonth(project_id=a, month="2026-09", stage=Stage.NEW_START))
    ledger.submissions.add(Submission(unit_id=ledger.unit_id, month="2026-09", status=SubmissionStatus.SUBMITTED))
    before = ledger.count("audit_log")
    with pytest.raises(RefusedError, match="2026年9月已报送"):
        attach_bytes(ledger, a, "2026-09", "x.jpg", jpeg("2026:09:01 10:00:00"))
    assert ledger.count("attachments") == 0 and ledger.count("audit_log") == before


def test_inspect_before_attaching_changes_nothing(two_projects) -> None:  # type: ignore[no-untyped-def]
    ledger, a, _ = two_projects
    check = inspect(ledger, a, "2026-10", "x.jpg", jpeg("2026:08:01 10:00:00"))
    assert check.kind == AttachmentKind.PHOTO and len(check.warnings) == 1
    assert ledger.count("attachments") == 0
