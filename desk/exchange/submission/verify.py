"""验证报送文件: is this submission exactly what the unit signed?

Valid only if all of these hold, each failure named in Chinese:
1. the folder (or zip) holds ``manifest.json``, ``manifest.sig`` and ``signer.pem``;
2. ``manifest.sig`` verifies against the signer's certificate, and the manifest names that
   certificate (a manifest edited afterwards, or signed by another key, fails here);
3. when the receiver knows the unit's certificate (imported earlier, or ``--cert``), the
   signer is that certificate; the certificate was valid when the submission was made;
4. every listed file is there and its SHA-256 matches (a file swapped in fails here);
5. the PDF carries an intact, valid signature by the same certificate **that covers the
   entire file** — anything appended after signing (an incremental update, which
   ``pdfsig`` would still call valid) is rejected;
6. the workbook's cell values hash to what the manifest says, sheet by sheet.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography import x509

from desk.core.models import KnownCert
from desk.exchange.sheets.container import inspect_file
from desk.exchange.sheets.errors import SheetFileError
from desk.exchange.submission import manifest as mf
from desk.exchange.submission.identity import CertificateError, CertInfo, cert_info, load_certificates
from desk.exchange.submission.signing import verify_bytes

MAX_UNZIPPED = 512 * 1024 * 1024
MAX_MEMBERS = 1000  # a submission holds five files; a zip of millions would fill the disk with empties

# check key → what the clerk sees in the list
CHECKS: dict[str, str] = {
    "folder": "报送文件齐全",
    "manifest_signature": "清单签名有效",
    "signer": "签名单位证书",
    "files": "文件未被改动",
    "pdf_signature": "PDF 签名有效并覆盖整个文件",
    "workbook": "工作簿内容与签名时一致",
}


@dataclass
class Check:
    key: str
    ok: bool
    detail: str
    skipped: bool = False  # not checked because an earlier check made it meaningless

    @property
    def label(self) -> str:
        return CHECKS[self.key]


@dataclass
class Report:
    path: Path
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    signer: CertInfo | None = None

    @property
    def valid(self) -> bool:
        return len(self.checks) == len(CHECKS) and all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[str]:
        return [f"{c.label}：{c.detail}" for c in self.checks if not c.ok and not c.skipped]

    def headline(self) -> str:
        m = self.manifest or {}
        who = f"{m.get('unit_full_name') or m.get('unit', '')} {m.get('period_label', '')} 第{m.get('version', '?')}版"
        return f"验证通过：{who.strip()}" if self.valid else f"验证未通过：{len(self.problems)} 项问题"

    def to_json(self) -> dict[str, Any]:
        m = self.manifest or {}
        return {
            "valid": self.valid,
            "path": str(self.path),
            "unit": m.get("unit"),
            "unit_full_name": m.get("unit_full_name"),
            "period": m.get("period"),
            "version": m.get("version"),
            "generated_at": m.get("generated_at"),
            "late": m.get("late"),
            "signer": None if self.signer is None else {
                "common_name": self.signer.common_name, "organization": self.signer.organization,
                "fingerprint_sha256": self.signer.fingerprint, "self_signed": self.signer.self_signed},
            "checks": [{"name": c.key, "label": c.label, "ok": c.ok, "skipped": c.skipped, "detail": c.detail}
                       for c in self.checks],
            "problems": self.problems,
            "warnings": self.warnings,
        }


def _extract(archive: Path, into: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ValueError(f"压缩包中有 {len(infos)} 个文件，不是报送文件")
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise ValueError("压缩包解压后过大")
            for info in infos:
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts or ":" in info.filename:
                    raise ValueError(f"压缩包中有不安全的路径：{info.filename}")
            zf.extractall(into)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error) as exc:
        raise _Stop(f"无法打开压缩包：{exc}") from None
    except (RuntimeError, NotImplementedError):  # what zipfile says of encrypted or exotic entries
        raise _Stop("无法打开压缩包：压缩包加了密码或用了不支持的压缩方式，请解压后选择报送文件夹") from None
    return into


_PERIOD_RE = re.compile(r"(\d{4})年(\d{1,2})月")


class _Stop(Exception):
    """A check failed in a way that makes the later ones meaningless."""


def _find_folder(root: Path) -> Path:
    if (root / mf.MANIFEST).is_file():
        return root
    found = [p.parent for p in root.rglob(mf.MANIFEST)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise _Stop(f"找不到 {mf.MANIFEST}，这不是 Desk 生成的报送文件夹")
    raise _Stop("压缩包中有多份报送文件，请分别验证")


def verify(path: Path | str, *, trusted: Sequence[x509.Certificate] = (), trusted_label: str = "",
           known: Sequence[KnownCert] = ()) -> Report:
    """Check a submission folder or zip. ``trusted``: the certificates the signer must be one of
    (``--cert``); otherwise ``known``, the receiver's imported certificates, of which those
    of the submitting unit are used; with neither the signer cannot be confirmed."""
    path = Path(path)
    report = Report(path)
    temp: Path | None = None
    try:
        if path.is_file() and zipfile.is_zipfile(path):
            temp = Path(tempfile.mkdtemp(prefix="desk-verify-"))
            root = _extract(path, temp)  # everything in a zip is part of what was sent
            folder = _find_folder(root)
        elif path.is_dir():
            folder = root = _find_folder(path)
        elif not path.exists():
            raise _Stop(f"找不到 {path}")
        else:
            raise _Stop("请选择报送文件夹或 .zip 压缩包")
        _check_all(report, folder, root, trusted, trusted_label, known)
    except _Stop as stop:
        done = {c.key for c in report.checks}
        if "folder" not in done:
            report.checks.append(Check("folder", False, str(stop)))
            reason = "报送文件不全"
        else:
            reason = str(stop)
        for key in CHECKS:
            if key not in {c.key for c in report.checks}:
                report.checks.append(Check(key, False, f"未检查（{reason}）", skipped=True))
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return report


def _check_all(report: Report, folder: Path, root: Path, trusted: Sequence[x509.Certificate],
               trusted_label: str, known: Sequence[KnownCert]) -> None:
    missing = [n for n in (mf.MANIFEST, mf.SIGNATURE, mf.CERTIFICATE) if not (folder / n).is_file()]
    if missing:
        raise _Stop(f"缺少 {'、'.join(missing)}")
    body = (folder / mf.MANIFEST).read_bytes()
    try:
        certs = load_certificates((folder / mf.CERTIFICATE).read_bytes())
    except CertificateError:
        raise _Stop(f"{mf.CERTIFICATE} 不是有效的证书") from None
    signer = certs[0]
    report.signer = cert_info(signer)
    report.checks.append(Check("folder", True, f"{mf.MANIFEST}、{mf.SIGNATURE}、{mf.CERTIFICATE} 均在"))

    # 2. the manifest's signature
    if not verify_bytes(body, (folder / mf.SIGNATURE).read_bytes(), signer):
        report.checks.append(Check("manifest_signature", False,
                                   "manifest.json 在签名后被修改，或签名不是用附带证书的密钥做的"))
        raise _Stop("清单签名无效，其余内容无法确认")  # the manifest's hashes cannot be trusted
    try:
        manifest = json.loads(body)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != mf.FORMAT:
        # Signed with the enclosed key, but not a manifest this version can read: a failure
        # of its own, named, not only the later checks skipped.
        found = manifest.get("format") if isinstance(manifest, dict) else None
        reason = (f"不认识的报送文件格式“{found}”（可能由更新版本的 Desk 生成，请升级后再验证）" if found
                  else "manifest.json 不是 Desk 的报送清单（内容不是有效的清单格式）")
        report.checks.append(Check("manifest_signature", False, reason))
        raise _Stop(reason)
    report.manifest = manifest
    named = (manifest.get("signer") or {}).get("fingerprint_sha256")
    if named != report.signer.fingerprint:
        report.checks.append(Check("manifest_signature", False, "清单中记录的签名证书与附带的证书不一致"))
    else:
        report.checks.append(Check("manifest_signature", True, f"由“{report.signer.common_name}”的密钥签名"))

    # The names of the folder and the zip are not signed: one renamed (September's sent as
    # October's) still verifies, so say which month the signed content is.
    signed_period = str(manifest.get("period_label", ""))
    for name in dict.fromkeys((report.path.name, folder.name)):
        named = {f"{y}年{int(m)}月" for y, m in _PERIOD_RE.findall(name)}
        if named and signed_period not in named:
            report.warnings.append(f"“{name}”的名称写的是{'、'.join(sorted(named))}，"
                                   f"但签名的报送内容是{signed_period}的")

    # 3. who signed
    owners: list[str] = []
    if not trusted and known:
        unit = str(manifest.get("unit", ""))
        trusted = [load_certificates(k.cert_pem.encode("ascii"))[0] for k in known if k.unit_name == unit]
        trusted_label = f"“{unit}”"
        # A certificate the receiver knows as another unit's, used in this unit's name.
        owners = sorted({k.unit_name for k in known if k.fingerprint == report.signer.fingerprint} - {unit})
    report.checks.append(_signer_check(report.signer, manifest, trusted, trusted_label, report.warnings, owners))

    # 4. files
    report.checks.append(_files_check(folder, root, manifest))

    # 5. the PDF signature
    report.checks.append(_pdf_check(folder, manifest, signer))

    # 6. the workbook's cells
    report.checks.append(_workbook_check(folder, manifest))


def _signer_check(info: CertInfo, manifest: dict[str, Any], trusted: Sequence[x509.Certificate],
                  trusted_label: str, warnings: list[str], owners: Sequence[str] = ()) -> Check:
    unit = str(manifest.get("unit", ""))
    problems = []
    if owners:
        problems.append(f"签名证书是已导入的“{'、'.join(owners)}”的证书，却以“{unit}”的名义报送")
    elif trusted:
        fingerprints = {cert_info(c).fingerprint for c in trusted}
        if info.fingerprint not in fingerprints:
            whose = trusted_label or f"“{unit}”"
            problems.append(f"签名证书（指纹 {info.fingerprint_text[:19]}…）不是已导入的{whose}的证书，"
                            "可能是其他单位或他人的密钥")
    elif not owners:
        warnings.append(f"未导入“{unit}”的证书，只能确认文件签名后未被改动，无法确认签名人就是该单位")
    if unit and unit not in info.common_name and unit not in info.organization:
        warnings.append(f"证书中的单位名称“{info.common_name}”与报送单位“{unit}”不同")
    try:
        made = datetime.fromisoformat(str(manifest.get("generated_at")))
        made_utc = made.astimezone() if made.tzinfo is None else made
        if not info.not_before <= made_utc <= info.not_after:
            problems.append(f"生成报送文件时（{made:%Y-%m-%d}）证书不在有效期内"
                            f"（{info.not_before:%Y-%m-%d} 至 {info.not_after:%Y-%m-%d}）")
    except ValueError:
        problems.append("清单中的生成时间无效")
    if problems:
        return Check("signer", False, "；".join(problems))
    known = "与已导入的证书一致" if trusted else "证书未导入，未核对身份"
    return Check("signer", True, f"{info.common_name}（{known}）")


def _is_clutter(relative: PurePosixPath) -> bool:
    """Files that Windows, macOS or Office leave in any folder they show or open."""
    return any(part.startswith((".", "~$")) or part.lower() in _CLUTTER for part in relative.parts)


_CLUTTER = {"thumbs.db", "desktop.ini", "__macosx"}


def _files_check(folder: Path, root: Path, manifest: dict[str, Any]) -> Check:
    listed = manifest.get("files") or {}
    problems = []
    for name, entry in sorted(listed.items()):
        target = folder / name
        if PurePosixPath(name).name != name or not target.is_file():
            problems.append(f"缺少文件“{name}”")
        elif mf.file_sha256(target) != (entry or {}).get("sha256"):
            problems.append(f"文件“{name}”与签名时不一致（SHA-256 不符）")
    # Anything else shipped with the submission was not signed: a receiver must not take an added
    # 说明.pdf or a second workbook for part of what the unit approved.
    signed = {folder / name for name in (*listed, mf.MANIFEST, mf.SIGNATURE)}
    extra = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if not p.is_dir() and p not in signed and not _is_clutter(PurePosixPath(p.relative_to(root))))
    if extra:
        more = f" 等 {len(extra)} 个" if len(extra) > 10 else ""
        problems.append(f"另有未签名的文件：{'、'.join(extra[:10])}{more}（不属于报送内容）")
    if problems:
        return Check("files", False, "；".join(problems))
    return Check("files", True, f"{len(listed)} 个文件的 SHA-256 全部相符")


def _pdf_check(folder: Path, manifest: dict[str, Any], signer: x509.Certificate) -> Check:
    name = str((manifest.get("pdf") or {}).get("file", ""))
    path = folder / name
    if not name or not path.is_file():
        return Check("pdf_signature", False, f"缺少 PDF 文件“{name}”")
    try:
        problems = pdf_signature_problems(path.read_bytes(), signer)
    except Exception as exc:  # pyHanko raises many kinds of errors for a damaged file
        return Check("pdf_signature", False, f"PDF 文件已损坏或被改动，无法读取签名（{type(exc).__name__}）")
    if problems:
        return Check("pdf_signature", False, "；".join(problems))
    return Check("pdf_signature", True, "签名完好，覆盖整个文件，签名人与清单一致")


def pdf_signature_problems(data: bytes, signer: x509.Certificate) -> list[str]:
    """Why the PDF's signature does not prove the file (empty when it does)."""
    import io

    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        return ["PDF 中没有数字签名"]
    problems = []
    if len(signatures) > 1:
        problems.append(f"PDF 中有 {len(signatures)} 个签名，应只有本单位的一个")
    embedded = signatures[0]
    root = asn1_x509.Certificate.load(signer.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    state = validate_pdf_signature(embedded, context, skip_diff=True)
    if not state.intact:
        problems.append("PDF 内容与签名不符（签名后文件被修改）")
    elif not state.valid:
        problems.append("PDF 签名无效")
    if embedded.signer_cert.dump() != root.dump():
        problems.append("PDF 的签名人与清单的签名证书不是同一个")
    if state.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append("签名之后 PDF 又被追加了内容（增量更新），签名没有覆盖整个文件")
    return problems


def _workbook_check(folder: Path, manifest: dict[str, Any]) -> Check:
    book = manifest.get("workbook") or {}
    name = str(book.get("file", ""))
    path = folder / name
    if not name or not path.is_file():
        return Check("workbook", False, f"缺少工作簿“{name}”")
    # The workbook came from outside: measure it before calamine loads it (a far-away cell or a
    # zip bomb would abort the receiver's whole program, as it would on import).
    try:
        refusals = [s.refusal or f"工作表“{s.name}”的数据范围异常（{s.rows} 行 × {s.cols} 列），不像 Desk 生成的报送表"
                    for s in inspect_file(path).sheets.values() if s.too_big()]
    except SheetFileError as exc:
        refusals = [exc.message]
    if refusals:
        return Check("workbook", False, f"工作簿“{name}”不能安全读取，未核对单元格：{refusals[0]}")
    try:
        total, sheets = mf.workbook_hashes(path)
    except mf.WorkbookUnreadable:
        return Check("workbook", False, f"工作簿“{name}”已损坏，无法读取")
    if total == book.get("cells_sha256"):
        return Check("workbook", True, f"{len(sheets)} 张工作表的单元格内容均与签名时一致")
    expected: dict[str, str] = book.get("sheets") or {}
    problems = [f"工作表“{s}”的单元格内容与签名时不一致" for s, h in expected.items() if s in sheets and sheets[s] != h]
    problems += [f"缺少工作表“{s}”" for s in expected if s not in sheets]
    problems += [f"多出工作表“{s}”" for s in sheets if s not in expected]
    return Check("workbook", False, "；".join(problems) or "工作簿内容与签名时不一致")
