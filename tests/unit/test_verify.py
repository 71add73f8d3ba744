"""验证报送文件: a true submission passes; every way of tampering with one is caught and named."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desk.cli import main
from desk.exchange.submission import identity
from desk.exchange.submission.signing import sign_bytes
from desk.exchange.submission.verify import verify
from desk.store.ledger import Ledger
from tests.conftest import copy_ledger, fixed_clock
from tests.unit.submission_helpers import PASSPHRASE, POPPLER, copy_folder, export, ledger_with_key, the


@pytest.fixture(scope="module")
def signed(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One unit's October and September submissions and its certificate, made once."""
    root = tmp_path_factory.mktemp("signed")
    ledger = ledger_with_key(demo_master, root / "unit.desk")
    try:
        october = export(ledger, "2026-10", root / "out").folder
        september = export(ledger, "2026-09", root / "out").folder
        cert = identity.export_certificate(ledger, root / "unit.pem")
    finally:
        ledger.close()
    return {"october": october, "september": september, "cert": cert, "root": root}


@pytest.fixture
def copy(signed: dict[str, Path], tmp_path: Path) -> Path:
    return copy_folder(signed["october"], tmp_path / signed["october"].name)


def failed(folder: Path, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    report = verify(folder, **kwargs)
    assert not report.valid
    return {c.key: c.detail for c in report.checks if not c.ok}


def test_the_true_submission_is_valid_and_its_signer_matches_the_imported_certificate(signed: dict[str, Path]) -> None:
    cert = identity.load_certificates(signed["cert"].read_bytes())
    report = verify(signed["october"], trusted=cert)
    assert report.valid and report.problems == [] and report.warnings == []
    assert [c.ok for c in report.checks] == [True] * 6
    unknown = verify(signed["october"])
    assert unknown.valid and any("未导入“海州区”的证书" in w for w in unknown.warnings)


def test_a_byte_flipped_in_the_pdf(copy: Path) -> None:
    pdf = the(copy, ".pdf")
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    pdf.write_bytes(bytes(data))
    problems = failed(copy)
    assert "与签名时不一致" in problems["files"] and pdf.name in problems["files"]
    assert "pdf_signature" in problems


def test_an_incremental_update_appended_after_signing(copy: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf = the(copy, ".pdf")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    pdf.write_bytes(out.getvalue())
    if POPPLER:  # pdfsig alone still calls it valid: the signed revision is intact
        assert "Signature is Valid" in subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    problems = failed(copy)
    assert "增量更新" in problems["pdf_signature"] and "签名没有覆盖整个文件" in problems["pdf_signature"]


def test_a_cell_changed_and_the_workbook_saved_again(copy: Path) -> None:
    xlsx = the(copy, ".xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["项目月调度表"]
    cell = next(c for c in ws["I"] if isinstance(c.value, (int, float)) and c.row > 6)
    cell.value = cell.value + 1000
    wb.save(xlsx)
    problems = failed(copy)
    assert problems["workbook"] == "工作表“项目月调度表”的单元格内容与签名时不一致"
    assert xlsx.name in problems["files"]


def test_a_workbook_only_opened_and_saved_keeps_its_cell_hash(copy: Path) -> None:
    xlsx = the(copy, ".xlsx")
    openpyxl.load_workbook(xlsx).save(xlsx)  # same values, different file
    problems = failed(copy)
    assert "workbook" not in problems and xlsx.name in problems["files"]


def test_a_file_swapped_in_from_another_month(copy: Path, signed: dict[str, Path]) -> None:
    own = the(copy, ".xlsx")
    shutil.copyfile(the(signed["september"], ".xlsx"), own)
    problems = failed(copy)
    assert f"文件“{own.name}”与签名时不一致" in problems["files"]
    assert "项目月调度表" in problems["workbook"]


def test_the_whole_pdf_swapped_for_another_months_signed_pdf(copy: Path, signed: dict[str, Path]) -> None:
    shutil.copyfile(the(signed["september"], ".pdf"), the(copy, ".pdf"))
    problems = failed(copy)
    assert set(problems) == {"files"}  # the September PDF is genuinely signed — only the hash betrays it


def test_the_manifest_edited(copy: Path) -> None:
    path = copy / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version": 1', '"version": 2'), encoding="utf-8")
    problems = failed(copy)
    assert "manifest.json 在签名后被修改" in problems["manifest_signature"]
    report = verify(copy)
    assert len(report.problems) == 1 and len(report.checks) == 6
    assert [c.key for c in report.checks if c.skipped] == ["signer", "files", "pdf_signature", "workbook"]


@pytest.mark.parametrize(("body", "named"), [
    (None, "不认识的报送文件格式“desk-submission/99”"),  # a later Desk's manifest
    (b"[1, 2, 3]\n", "manifest.json 不是 Desk 的报送清单"),
    (b"\xff not json", "manifest.json 不是 Desk 的报送清单"),
])
def test_a_manifest_signed_by_the_unit_but_not_readable_is_named(copy: Path, signed: dict[str, Path],
                                                                  body: bytes | None, named: str) -> None:
    ledger = Ledger.open(signed["root"] / "unit.desk")
    try:
        key = identity.signing_key(ledger, PASSPHRASE)
    finally:
        ledger.close()
    if body is None:
        manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
        manifest["format"] = "desk-submission/99"
        body = json.dumps(manifest, ensure_ascii=False).encode()
    (copy / "manifest.json").write_bytes(body)
    (copy / "manifest.sig").write_bytes(sign_bytes(body, key))
    report = verify(copy)
    assert not report.valid and len(report.problems) == 1 and named in report.problems[0]
    assert report.headline() == "验证未通过：1 项问题"


def test_a_different_units_key(copy: Path, signed: dict[str, Path], demo_master: Path, tmp_path: Path) -> None:
    # Another ledger (another unit's key) re-signs an edited manifest and ships its own certificate:
    # the files are consistent again, but the signer is not the unit the district knows.
    other = Ledger.open(copy_ledger(demo_master, tmp_path / "other.desk"))
    other.clock = fixed_clock
    identity.create_identity(other, "other-passphrase")
    key = identity.signing_key(other, "other-passphrase")
    other.close()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["signer"]["fingerprint_sha256"] = identity.fingerprint(key.cert)
    manifest["summary"]["projects"] = 1
    body = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    (copy / "manifest.json").write_bytes(body)
    (copy / "manifest.sig").write_bytes(sign_bytes(body, key))
    (copy / "signer.pem").write_text(identity.pem(key.cert), encoding="ascii")
    known = identity.load_certificates(signed["cert"].read_bytes())
    problems = failed(copy, trusted=known)
    assert "不是已导入的“海州区”的证书" in problems["signer"]
    assert "PDF 的签名人与清单的签名证书不是同一个" in problems["pdf_signature"]


def test_a_file_missing_or_not_a_submission(copy: Path, tmp_path: Path) -> None:
    the(copy, ".pdf").unlink()
    problems = failed(copy)
    assert "缺少文件" in problems["files"] and "缺少 PDF 文件" in problems["pdf_signature"]
    (tmp_path / "empty").mkdir()
    assert "找不到 manifest.json" in failed(tmp_path / "empty")["folder"]
    (copy / "manifest.sig").unlink()
    assert "缺少 manifest.sig" in failed(copy)["folder"]


def test_a_zip_is_verified_like_the_folder(copy: Path, tmp_path: Path) -> None:
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in copy.iterdir():
            zf.write(path, f"{copy.name}/{path.name}")
    assert verify(archive).valid
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.txt", "x")
    assert "不安全的路径" in failed(evil)["folder"]


def test_the_command_line(signed: dict[str, Path], copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(signed["october"]), "--cert", str(signed["cert"]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True and out["unit"] == "海州区" and out["period"] == "2026-10" and out["version"] == 1
    assert out["problems"] == [] and len(out["checks"]) == 6
    (copy / "manifest.json").write_text("{}", encoding="utf-8")
    assert main(["verify", str(copy), "--json"]) != 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False and any("清单签名" in p for p in out["problems"])
    assert main(["verify", str(signed["october"])]) == 0
    assert "✓ PDF 签名有效并覆盖整个文件" in capsys.readouterr().out


def test_the_receiver_checks_against_the_certificates_it_imported(signed: dict[str, Path], demo_master: Path,
                                                                   tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    receiver = tmp_path / "district.desk"
    assert main(["init", "--ledger", str(receiver), "--unit", "阜新市", "--kind", "city"]) == 0
    assert main(["keys", "import-cert", "--ledger", str(receiver), "--cert", str(signed["cert"])]) == 0
    assert "已导入“海州区”的证书" in capsys.readouterr().out
    assert main(["verify", str(signed["october"]), "--ledger", str(receiver), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []


def test_a_workbook_that_would_exhaust_memory_is_refused_not_loaded(copy: Path) -> None:
    # A 5 KB workbook naming a cell at XFD1048576 makes calamine allocate for 17 billion cells and
    # abort the whole program: the receiver's Desk must say so instead of dying. In a subprocess
    # with bounded memory, so that the old behaviour fails the test rather than the test run.
    import sys

    pytest.importorskip("resource")  # POSIX: bounds the child's memory
    xlsx = the(copy, ".xlsx")
    wb = openpyxl.load_workbook(xlsx)
    wb.worksheets[0]["XFD1048576"] = "x"
    wb.save(xlsx)
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30));"
              "from desk.cli import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", script, "verify", str(copy), "--json"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 3, result.stderr[-500:]
    out = json.loads(result.stdout)
    problem = next(c["detail"] for c in out["checks"] if c["name"] == "workbook")
    assert "不能安全读取" in problem and "数据范围异常（1048576 行 × 16384 列）" in problem


def test_an_unsigned_file_added_to_the_submission_is_rejected(copy: Path, tmp_path: Path) -> None:
    (copy / "更正说明.pdf").write_bytes(b"%PDF-1.4 not signed by the unit")
    problems = failed(copy)
    assert set(problems) == {"files"} and "另有未签名的文件：更正说明.pdf" in problems["files"]
    (copy / "更正说明.pdf").unlink()
    # what Windows, macOS and an open Excel leave behind is not part of the submission
    for clutter in ("Thumbs.db", "desktop.ini", ".DS_Store", f"~${the(copy, '.xlsx').name}"):
        (copy / clutter).write_bytes(b"x")
    assert verify(copy).valid
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in copy.iterdir():
            zf.write(path, f"{copy.name}/{path.name}")
        zf.writestr("说明.txt", "beside the folder, inside what was sent")
        zf.writestr(f"__MACOSX/{copy.name}/._manifest.json", "x")
    assert "另有未签名的文件：说明.txt" in failed(archive)["files"]


def test_a_known_units_key_cannot_sign_in_another_units_name(copy: Path, signed: dict[str, Path],
                                                              demo_master: Path, tmp_path: Path) -> None:
    # 海州区's own key signs a manifest claiming to come from 韩家店镇, whose certificate the
    # receiver has not imported: the receiver knows this key as 海州区's, so it is refused.
    from desk.core.models import KnownCert

    ledger = Ledger.open(copy_ledger(demo_master, tmp_path / "unit.desk"))
    ledger.clock = fixed_clock
    identity.create_identity(ledger, "passphrase")
    key = identity.signing_key(ledger, "passphrase")
    ledger.close()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["unit"], manifest["unit_full_name"] = "韩家店镇", "阜新市海州区韩家店镇"
    manifest["signer"]["fingerprint_sha256"] = identity.fingerprint(key.cert)
    body = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    (copy / "manifest.json").write_bytes(body)
    (copy / "manifest.sig").write_bytes(sign_bytes(body, key))
    (copy / "signer.pem").write_text(identity.pem(key.cert), encoding="ascii")
    known = [KnownCert("海州区", identity.pem(key.cert), identity.fingerprint(key.cert))]
    problems = failed(copy, known=known)
    assert "签名证书是已导入的“海州区”的证书，却以“韩家店镇”的名义报送" in problems["signer"]


def test_zips_that_cannot_be_opened_are_explained_not_crashed_on(copy: Path, tmp_path: Path) -> None:
    import struct

    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        for path in copy.iterdir():
            zf.writestr(f"{copy.name}/{path.name}", path.read_bytes())
    data = plain.read_bytes()
    end = data.rfind(b"PK\x05\x06")
    central = struct.unpack("<I", data[end + 16:end + 20])[0]  # the first entry's central header
    encrypted = bytearray(data)
    encrypted[6] |= 1  # the "encrypted" flag, in the local and the central header
    encrypted[central + 8] |= 1
    exotic = bytearray(data)
    exotic[8:10] = exotic[central + 10:central + 12] = struct.pack("<H", 99)  # AES, as WinZip writes it
    for name, body in (("encrypted.zip", encrypted), ("exotic.zip", exotic)):
        (tmp_path / name).write_bytes(bytes(body))
        assert "加了密码或用了不支持的压缩方式" in failed(tmp_path / name)["folder"]
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for n in range(1001):
            zf.writestr(f"x/{n}.txt", "")
    assert "不是报送文件" in failed(many)["folder"]


def test_a_folder_renamed_to_another_month_is_pointed_out(signed: dict[str, Path], tmp_path: Path) -> None:
    # September's genuine submission sent as October's: the signature is fine, the name is not signed
    renamed = copy_folder(signed["september"], tmp_path / signed["october"].name)
    report = verify(renamed)
    assert report.valid and report.manifest is not None and report.manifest["period"] == "2026-09"
    assert any("名称写的是2026年10月，但签名的报送内容是2026年9月的" in w for w in report.warnings)
    assert not any("名称写的是" in w for w in verify(signed["october"]).warnings)
