"""生成并签名: the month's ledger → a signed submission folder (and optionally one zip).

The folder, named by unit, month and version, holds the workbook, the signed PDF, the
signer's certificate, ``manifest.json`` and ``manifest.sig``. Files are written into a
hidden temporary folder and renamed into place only when complete; the submission is
recorded (and the month locked) in one transaction after that, and the folder is removed
again if recording fails — so there is never a half-written submission on disk or in the
ledger.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from desk import __version__
from desk.core import collector
from desk.core.errors import DeskError, RefusedError
from desk.core.glossary import Claim, SubmissionStatus
from desk.core.models import Submission
from desk.core.periods import Month
from desk.exchange import atomic
from desk.exchange.forms import fonts
from desk.exchange.submission import manifest as mf
from desk.exchange.submission import preflight as pf
from desk.exchange.submission.identity import cert_info, full_unit_name, pem, signing_key
from desk.exchange.submission.monthdata import gather
from desk.exchange.submission.report import Edition, People, build_book, schedule_title
from desk.exchange.submission.signing import sign_bytes, sign_pdf
from desk.exchange.submission.versions import changes_since, previous_submitted, status
from desk.store.ledger import Ledger

Progress = Callable[[str, int, int], None]
STEPS = 6

# ledger settings
FONT_SETTING = fonts.SETTING  # shared with the task sheets
SEAL_SETTING = "seal_sha256"
PEOPLE_SETTINGS = ("report_filled_by", "report_reviewed_by", "report_head")


class PreflightFailed(DeskError):
    exit_code = 3


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    submission: Submission
    files: dict[str, str]  # file name → SHA-256
    preflight: pf.Preflight
    zip_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def remembered_people(ledger: Ledger) -> People:
    filled, reviewed, head = (str(ledger.setting(k, "") or "") for k in PEOPLE_SETTINGS)
    return People(filled or ledger.clerk, reviewed, head)


def seal_png(ledger: Ledger) -> bytes | None:
    sha = ledger.setting(SEAL_SETTING)
    if not sha:
        return None
    row = ledger.conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
    return bytes(row[0]) if row else None


def set_seal(ledger: Ledger, png: bytes | None) -> None:
    """Keep the unit's seal image (PNG, transparent background) in the ledger, or remove it."""
    import hashlib

    with ledger.transaction():
        if png is None:
            ledger.set_setting(SEAL_SETTING, "")
            return
        if not png.startswith(b"\x89PNG"):
            raise DeskError("印章图片应为 PNG 格式（最好是透明背景）")
        sha = hashlib.sha256(png).hexdigest()
        ledger.conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", (sha, len(png), png))
        ledger.set_setting(SEAL_SETTING, sha)


def folder_name(ledger: Ledger, month: Month, version: int) -> str:
    return _safe(f"{full_unit_name(ledger)}_{month.label}月报_第{version}版")


def _safe(name: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(" .")


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.name}（{n}）")
        if not candidate.exists():
            return candidate
    raise DeskError(f"文件夹已存在：{path}")


def run_preflight(ledger: Ledger, month: Month | str) -> pf.Preflight:
    data = gather(ledger, month)
    _, note = fonts.resolve_or_bundled(ledger.setting(FONT_SETTING))
    return pf.run(data, note)


def export_month(ledger: Ledger, month: Month | str, out_dir: Path | str, passphrase: str,
                 people: People | None = None, *, make_zip: bool = False,
                 progress: Progress | None = None) -> ExportResult:
    """Make, sign and record the month's submission; return where it is."""
    with collector.paused():  # millions of short-lived objects, no cycles: see desk.core.collector
        return _export_month(ledger, month, out_dir, passphrase, people, make_zip=make_zip, progress=progress)


def _export_month(ledger: Ledger, month: Month | str, out_dir: Path | str, passphrase: str,
                  people: People | None, *, make_zip: bool, progress: Progress | None) -> ExportResult:
    from desk.exchange.forms import pdf as pdf_writer  # reportlab and openpyxl: only once exporting
    from desk.exchange.forms import xlsx as xlsx_writer

    month = Month.parse(month) if isinstance(month, str) else month
    report = progress or (lambda label, done, total: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    if month > Month.of(ledger.today()):
        raise RefusedError(f"{month.label}还没有到，不能报送（报送后这个月的数据会被锁定）")
    seen = _last_change(ledger)
    state = status(ledger, month)
    if state.locked:
        raise RefusedError(f"{month.label}已报送第{state.latest.version}版（数据已锁定）。"  # type: ignore[union-attr]
                           "如需修改，请先发起更正。")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise DeskError(f"保存位置不存在：{out_dir}")
    report("正在解锁单位证书…", 0, STEPS)
    key = signing_key(ledger, passphrase)
    info = cert_info(key.cert)
    moment = ledger.now().astimezone()
    if not info.not_before <= moment <= info.not_after:
        raise RefusedError(f"单位证书不在有效期内（{info.not_before:%Y-%m-%d} 至 {info.not_after:%Y-%m-%d}），"
                           "请更换证书后再报送")
    report("正在检查本月数据…", 1, STEPS)
    data = gather(ledger, month)
    font, font_note = fonts.resolve_or_bundled(ledger.setting(FONT_SETTING))
    checks = pf.run(data, font_note)
    if checks.blocking:
        lines = "\n".join(f"· {i.message}" for i in checks.errors[:20])
        more = f"\n……共 {len(checks.errors)} 个错误" if len(checks.errors) > 20 else ""
        raise PreflightFailed(f"{month.label}的数据有 {len(checks.errors)} 个错误，改正后才能报送：\n{lines}{more}")
    lap("preflight_s")
    people = people or remembered_people(ledger)
    version = state.next_version
    reason = state.latest.reason if state.correction_open else ""  # type: ignore[union-attr]
    previous = previous_submitted(ledger, month) if version > 1 else None
    changes = changes_since(ledger, previous) if previous is not None else []
    edition = Edition(version, reason, changes)
    now = ledger.now()
    book = build_book(data, people, edition, now.date(), seal_png(ledger))
    lap("book_s")
    base = _safe(schedule_title(data))
    final = _unique(out_dir / folder_name(ledger, month, version))
    work = out_dir / f".{final.name}.{os.getpid()}.part"
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir()
        xlsx_path = work / f"{base}.xlsx"
        pdf_path = work / f"{base}.pdf"
        report("正在生成 Excel 工作簿…", 2, STEPS)
        xlsx_writer.write_xlsx(book, xlsx_path, font=font)
        lap("xlsx_s")
        report("正在生成 PDF…", 3, STEPS)
        unsigned = pdf_writer.pdf_bytes(book, font=font)  # signed in memory: only the signed PDF is written
        lap("pdf_s")
        report("正在签名…", 4, STEPS)
        signed = sign_pdf(unsigned, key, reason=f"{month.label}月报报送（{edition.label}）",
                          location=data.full_unit_name, name=ledger.unit.name)
        atomic.write_bytes(pdf_path, signed)
        cert_path = work / mf.CERTIFICATE
        atomic.write_text(cert_path, pem(key.cert) + "".join(pem(c) for c in key.chain), encoding="ascii")
        cells, sheets = mf.workbook_hashes(xlsx_path)
        files = {p.name: mf.file_sha256(p) for p in (xlsx_path, pdf_path, cert_path)}
        identity = ledger.identity.current()
        late = state.late_if_now
        manifest = _manifest(ledger, data, month, edition, people, now.isoformat(timespec="seconds"), state.deadline,
                             late, info, identity.source.value if identity else "", files, xlsx_path.name,
                             pdf_path.name, cells, sheets, work)
        body = mf.dumps(manifest)
        atomic.write_bytes(work / mf.MANIFEST, body)
        atomic.write_bytes(work / mf.SIGNATURE, sign_bytes(body, key))
        lap("sign_s")
        work.rename(final)
        # Every file was flushed before the rename, the rename is flushed before the month is
        # locked: after a power cut the ledger never records a folder that is not on the disk.
        atomic.sync_folder(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    zip_path = None
    try:
        if make_zip:
            report("正在打包…", 5, STEPS)
            zip_path = _zip(final)
        submission = _record(ledger, state.latest if state.correction_open else None, month, version, people, files,
                             mf.file_sha256(final / mf.MANIFEST), final, late, changes, now, seen)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        if zip_path is not None:
            zip_path.unlink(missing_ok=True)
        raise
    lap("record_s")
    report("完成", STEPS, STEPS)
    return ExportResult(final, submission, files, checks, zip_path, timings)


def _manifest(ledger: Ledger, data: Any, month: Month, edition: Edition, people: People, generated_at: str,
              deadline: Any, late: bool, info: Any, source: str, files: dict[str, str], xlsx: str, pdf: str,
              cells: str, sheets: dict[str, str], folder: Path) -> dict[str, Any]:
    parent = ledger.units.maybe(ledger.unit.parent_id)
    starts = [c for c in data.checks if c.claim == Claim.NEW_START]
    completions = [c for c in data.checks if c.claim == Claim.COMPLETION]
    records = [e.record for e in data.entries if e.record is not None]
    return {
        "format": mf.FORMAT,
        "unit": ledger.unit.name,
        "unit_full_name": data.full_unit_name,
        "parent_unit": parent.name if parent else "",
        "period": str(month),
        "period_label": month.label,
        "version": edition.version,
        "correction_reason": edition.reason,
        "changes_since_previous": len(edition.changes),
        "generated_at": generated_at,
        "deadline": deadline.isoformat(),
        "late": late,
        "desk_version": __version__,
        "rule_profile": {"name": data.profile.name, "title": data.profile.title, "sha256": data.profile.sha256},
        "people": {"filled_by": people.filled_by, "reviewed_by": people.reviewed_by, "head": people.head},
        "signer": {"common_name": info.common_name, "organization": info.organization,
                   "fingerprint_sha256": info.fingerprint, "source": source},
        "files": {name: {"sha256": sha, "bytes": (folder / name).stat().st_size} for name, sha in files.items()},
        "workbook": {"file": xlsx, "cells_sha256": cells, "sheets": sheets},
        "pdf": {"file": pdf},
        "summary": {
            "projects": len(data.entries),
            "new_start_claims": len(starts),
            "new_starts_recognised": sum(c.verdict.recognised for c in starts),
            "completion_claims": len(completions),
            "completions_recognised": sum(c.verdict.recognised for c in completions),
            "invested_month_wan": format(sum((r.invested_month_wan for r in records), Decimal(0)), "f"),
        },
    }


def _zip(folder: Path) -> Path:
    target = _unique(folder.with_name(folder.name + ".zip"))
    with atomic.replacing(target) as partial, zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"{folder.name}/{path.name}")
    return target


def _last_change(ledger: Ledger) -> int:
    """The newest audit entry: every change to the ledger writes one."""
    return int(ledger.conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0])


def _record(ledger: Ledger, draft: Submission | None, month: Month, version: int, people: People,
            files: dict[str, str], manifest_sha: str, folder: Path, late: bool, changes: list[dict[str, Any]],
            now: Any, seen: int) -> Submission:
    with ledger.transaction():
        # Under the write lock: if another window or program wrote while the files were made, the
        # month would be locked with data that is not what was signed.
        if _last_change(ledger) != seen:
            raise RefusedError("生成报送文件期间台账被修改了（另一个窗口或程序在写入），本次没有报送，"
                               "以免锁定的数据与签名的文件不一致。请重新生成报送文件。")
        fields: dict[str, Any] = {
            "status": SubmissionStatus.SUBMITTED, "signer": people.filled_by, "reviewer": people.reviewed_by,
            "head": people.head, "files": files, "manifest_sha256": manifest_sha, "folder": str(folder),
            "late": late, "submitted_at": now, "changes": changes,
        }
        if draft is not None:
            saved = ledger.submissions.update(dataclasses.replace(draft, **fields),
                                              summary=f"{month.label}月报第{version}版（更正）已签名报送")
        else:
            saved = ledger.submissions.add(Submission(unit_id=ledger.unit_id, month=str(month), version=version,
                                                      **fields), summary=f"{month.label}月报第{version}版已签名报送")
        ledger.audit("submit", "submission", saved.id,
                     f"{month.label}月报第{version}版签名报送{'（逾期）' if late else ''}：{folder.name}")
        for key, value in zip(PEOPLE_SETTINGS, (people.filled_by, people.reviewed_by, people.head), strict=True):
            ledger.set_setting(key, value)
    return saved
