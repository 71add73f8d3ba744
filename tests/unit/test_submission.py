"""The signed monthly submission as a clerk makes it: pre-flight, export, locking, corrections."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desk import __version__
from desk.core.errors import RefusedError, ValidationError
from desk.core.glossary import SubmissionStatus
from desk.core.periods import Month
from desk.exchange.submission import identity, package, versions
from desk.exchange.submission.manifest import _sheet_hash, file_sha256, workbook_hashes
from desk.exchange.submission.report import SHEETS
from desk.exchange.submission.verify import verify
from desk.store.ledger import Ledger
from tests.unit.submission_helpers import (
    PASSPHRASE,
    POPPLER,
    at,
    export,
    ledger_with_key,
    manifest,
    pdf_text,
    the,
)


@pytest.fixture
def keyed(demo_master: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    ledger = ledger_with_key(demo_master, tmp_path / "demo.desk")
    yield ledger
    ledger.close()


def test_the_cell_hash_is_the_one_receivers_already_hold() -> None:
    # manifests of earlier submissions carry this hash: its definition never changes
    rows = [["标题 \"引号\"\\ ", None, ""],
            [1, 2.5, True, date(2026, 10, 31), datetime(2026, 10, 31, 8, 30), "\u2028\tx\n"]]
    assert _sheet_hash(rows) == "ac839e1b68d5744a200644e149bd9ef5fe9e854937faa677799d20bc7555a4fb"


def test_export_writes_a_signed_folder_that_verifies(keyed: Ledger, tmp_path: Path) -> None:
    result = export(keyed, "2026-10", tmp_path / "out", make_zip=True)
    folder = result.folder
    assert folder.name == "阜新市海州区_2026年10月月报_第1版"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["manifest.json", "manifest.sig", "signer.pem", "阜新市海州区2026年10月重点项目调度表.pdf",
                     "阜新市海州区2026年10月重点项目调度表.xlsx"]
    assert result.zip_path is not None and result.zip_path.name == "阜新市海州区_2026年10月月报_第1版.zip"
    m = manifest(folder)
    assert (m["unit"], m["unit_full_name"], m["period"], m["version"]) == ("海州区", "阜新市海州区", "2026-10", 1)
    assert m["generated_at"] == "2026-11-15T09:30:00" and m["desk_version"] == __version__
    assert m["rule_profile"]["name"] == "panjin-2018" and len(m["rule_profile"]["sha256"]) == 64
    assert m["people"] == {"filled_by": "张三", "reviewed_by": "李四", "head": "王五"}
    for name, entry in m["files"].items():
        assert entry["sha256"] == file_sha256(folder / name)
    xlsx = the(folder, ".xlsx")
    assert m["workbook"]["cells_sha256"] == workbook_hashes(xlsx)[0]
    assert verify(folder).valid and verify(result.zip_path).valid
    # the ledger records the submission and locks the month
    latest = keyed.submissions.latest("2026-10")
    assert latest is not None and latest.status == SubmissionStatus.SUBMITTED and latest.version == 1
    assert latest.folder == str(folder) and latest.files == {n: e["sha256"] for n, e in m["files"].items()}
    assert keyed.is_month_locked("2026-10")


def test_the_workbook_is_the_fixed_form_with_every_project_of_the_month(keyed: Ledger, tmp_path: Path) -> None:
    folder = export(keyed, "2026-10", tmp_path).folder
    wb = openpyxl.load_workbook(the(folder, ".xlsx"))
    assert wb.sheetnames == list(SHEETS)
    ws = wb["项目月调度表"]
    assert ws["A1"].value == "阜新市海州区2026年10月重点项目调度表"
    assert ws["A2"].value == "填报单位：阜新市海州区"
    names = {c.value for c in ws["B"] if isinstance(c.value, str)}
    reported = [r[0] for r in keyed.conn.execute(
        "SELECT p.name FROM project_months m JOIN projects p ON p.id = m.project_id WHERE m.month = '2026-10'")]
    assert reported and set(reported) <= names
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("合计（") for t in texts) and any(t.startswith("一、新开工项目（") for t in texts)
    assert texts[-4:] == ["填报人：张三", "审核人：李四", "单位负责人：王五", "填报日期：2026年11月15日"]
    done = wb["竣工项目认定表"]
    verdicts = {c.value for c in done["J"]}
    assert {"认定，计入目标", "不予认定"} <= verdicts
    reasons = " ".join(str(c.value) for c in done["L"] if c.value)
    assert "盘锦2018 五.3" in reasons and "未进行试生产" in reasons
    investment = [c.value for row in wb["招商引资情况"].iter_rows() for c in row if c.value is not None]
    assert {"一、招商引资主要指标", "二、本月拜访企业及招商线索", "三、本月签约项目", "拜访企业", "到位内资"} <= set(investment)
    tasks = [c.value for row in wb["任务完成情况"].iter_rows() for c in row if c.value is not None]
    assert "招商引资到位资金" in tasks and "一、招商引资工作任务（4项）" in tasks
    from desk.store.progress import report

    counted = next(p for p in report(keyed, 2026, Month(2026, 10)).tasks if p.task.name == "新开工亿元以上产业项目")
    line = next(r for r in wb["任务完成情况"].iter_rows(values_only=True) if r[1] == "新开工亿元以上产业项目")
    assert Decimal(str(line[6])) == counted.total.actual and line[9] == "台账统计"
    assert line[8] == counted.total.light.label
    problems = [c.value for row in wb["存在问题"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(p.startswith("超时") for p in problems)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_the_pdf_is_signed_over_the_whole_file_with_its_font_embedded(keyed: Ledger, tmp_path: Path) -> None:
    pdf = the(export(keyed, "2026-10", tmp_path).folder, ".pdf")
    sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Total document signed" in sig and "Signature is Valid" in sig
    assert "CN=海州区" in sig
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes yes " in r for r in rows), fonts
    text = pdf_text(pdf)
    for piece in ("阜新市海州区2026年10月重点项目调度表", "阜新市海州区2026年10月新开工项目认定表",
                  "阜新市海州区2026年10月竣工项目认定表", "阜新市海州区2026年10月招商引资情况表",
                  "任务完成情况表", "存在问题及协调事项清单", "填报人：张三", "第1页共", "第1版"):
        assert piece in text, piece


def test_a_submitted_month_is_read_only_and_cannot_be_exported_twice(keyed: Ledger, tmp_path: Path) -> None:
    export(keyed, "2026-10", tmp_path / "a")
    record = keyed.months.of_month("2026-10")[0]
    with pytest.raises(RefusedError, match="已报送"):
        keyed.months.save(dataclasses.replace(record, progress="偷偷改一下"))
    with pytest.raises(RefusedError, match="发起更正"):
        export(keyed, "2026-10", tmp_path / "b")
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    keyed.months.save(dataclasses.replace(keyed.months.of_month("2026-09")[0], progress="九月仍可修改"))


def test_a_correction_opens_version_two_with_the_change_list(keyed: Ledger, tmp_path: Path) -> None:
    first = export(keyed, "2026-10", tmp_path).folder
    with pytest.raises(ValidationError, match="更正原因"):
        versions.open_correction(keyed, "2026-10", "  ")
    draft = versions.open_correction(keyed, "2026-10", "补报中储粮项目本月投资")
    assert draft.version == 2 and draft.status == SubmissionStatus.DRAFT and not keyed.is_month_locked("2026-10")
    with pytest.raises(RefusedError, match="已在更正中"):
        versions.open_correction(keyed, "2026-10", "再来一次")
    project = keyed.projects.by_name("中储粮东北综合产业基地")[0]
    record = keyed.months.get_for(project.id, "2026-10")
    assert record is not None
    keyed.months.save(dataclasses.replace(record, invested_month_wan=record.invested_month_wan + 100,
                                          invested_ytd_wan=record.invested_ytd_wan + 100,
                                          invested_total_wan=(record.invested_total_wan or 0) + 100))
    second = export(keyed, "2026-10", tmp_path)
    assert second.folder.name == "阜新市海州区_2026年10月月报_第2版"
    m = manifest(second.folder)
    assert m["version"] == 2 and m["correction_reason"] == "补报中储粮项目本月投资" and m["changes_since_previous"] >= 1
    wb = openpyxl.load_workbook(the(second.folder, ".xlsx"))
    assert wb.sheetnames[-1] == "更正说明"
    change_text = " ".join(str(c.value) for row in wb["更正说明"].iter_rows() for c in row if c.value)
    assert "更正原因：补报中储粮项目本月投资" in change_text
    assert "项目“中储粮东北综合产业基地”" in change_text and "本月完成投资(万元)" in change_text
    assert "第2版（更正）" in str(wb["项目月调度表"]["A1"].value) or any(
        "本表为第2版（更正）" in str(c.value) for row in wb["项目月调度表"].iter_rows() for c in row)
    history = versions.history(keyed)
    assert [(s.month, s.version, s.status) for s in history if s.month == "2026-10"] == [
        ("2026-10", 2, SubmissionStatus.SUBMITTED), ("2026-10", 1, SubmissionStatus.SUPERSEDED)]
    assert keyed.is_month_locked("2026-10")
    assert verify(first).valid and verify(second.folder).valid


def test_a_wrong_passphrase_signs_nothing_and_records_nothing(keyed: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(identity.PassphraseError, match="口令不正确"):
        package.export_month(keyed, "2026-10", out, "not-the-passphrase")
    assert list(out.iterdir()) == [] and keyed.submissions.count() == 0 and not keyed.is_month_locked("2026-10")


def test_errors_in_the_data_block_signing(keyed: Ledger, tmp_path: Path) -> None:
    pid = keyed.conn.execute("SELECT project_id FROM project_months WHERE month = '2026-10' LIMIT 1").fetchone()[0]
    keyed.conn.execute("UPDATE projects SET total_investment_yuan = 0 WHERE id = ?", (pid,))
    checks = package.run_preflight(keyed, "2026-10")
    assert checks.blocking and checks.errors[0].project_id == pid and "未填写总投资" in checks.errors[0].message
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(package.PreflightFailed, match="改正后才能报送"):
        package.export_month(keyed, "2026-10", out, PASSPHRASE)
    assert list(out.iterdir()) == [] and keyed.submissions.count() == 0


def test_preflight_lists_what_an_inspector_would_ask_about(keyed: Ledger) -> None:
    conn = keyed.conn
    rows = conn.execute("SELECT project_id FROM project_months WHERE month = '2026-10' AND stage = 'construction'"
                        " ORDER BY project_id LIMIT 3").fetchall()
    gone, mismatch, bare = (r[0] for r in rows)
    conn.execute("DELETE FROM project_months WHERE project_id = ? AND month = '2026-10'", (gone,))
    conn.execute("UPDATE project_months SET in_statistics = 1, statistics_ytd_yuan = invested_ytd_yuan - 10000"
                 " WHERE project_id = ? AND month = '2026-10'", (mismatch,))
    conn.execute("UPDATE projects SET leader = '' WHERE id = ?", (bare,))
    checks = package.run_preflight(keyed, "2026-10")
    by_kind = {}
    for issue in checks.issues:
        by_kind.setdefault(issue.kind, []).append(issue)
    assert not checks.blocking
    assert any(i.project_id == gone and "本月未填报" in i.message for i in by_kind["not_updated"])
    assert any(i.project_id == mismatch and "相差 1.00 万元" in i.message for i in by_kind["statistics"])
    assert any(i.project_id == bare and "包保领导" in i.message for i in by_kind["missing"])
    assert by_kind["overdue"] and all("超过办结时限" in i.message for i in by_kind["overdue"])
    assert by_kind["recognition"] and all("不予认定" in i.message for i in by_kind["recognition"])
    assert checks.summary().endswith("个提醒")


@pytest.mark.parametrize(("next_month", "late"), [(True, False), (False, True)])
def test_a_submission_after_the_deadline_is_recorded_as_late(keyed: Ledger, tmp_path: Path, next_month: bool,
                                                             late: bool) -> None:
    keyed.set_setting("deadline_day", 20)
    keyed.set_setting("deadline_next_month", next_month)  # October is due on 20 Nov (or on 20 Oct)
    keyed.clock = at("2026-11-15")
    result = export(keyed, "2026-10", tmp_path)
    assert result.submission.late is late and manifest(result.folder)["late"] is late
    assert manifest(result.folder)["deadline"] == ("2026-11-20" if next_month else "2026-10-20")


def test_the_unit_identity(keyed: Ledger, tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match="已有证书"):
        identity.create_identity(keyed, PASSPHRASE)
    with pytest.raises(identity.PassphraseError, match="至少 6 个字符"):
        identity.create_identity(keyed, "12345", replace=True)
    cert = identity.current_certificate(keyed)
    assert cert is not None
    info = identity.cert_info(cert)
    assert (info.common_name, info.organization, info.self_signed) == ("海州区", "阜新市海州区", True)
    assert "BEGIN ENCRYPTED PRIVATE KEY" in keyed.identity.current().key_pem  # type: ignore[union-attr]
    pem = identity.export_certificate(keyed, tmp_path / "unit.pem")
    assert identity.load_certificates(pem.read_bytes())[0] == cert
    replaced = identity.create_identity(keyed, "新口令123456", replace=True)
    assert replaced.cert_pem != identity.pem(cert)
    with pytest.raises(identity.PassphraseError):
        identity.signing_key(keyed, PASSPHRASE)
    assert identity.signing_key(keyed, "新口令123456").cert.subject == identity.current_certificate(keyed).subject  # type: ignore[union-attr]


def test_a_ca_issued_p12_replaces_the_generated_certificate(keyed: Ledger, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "辽宁省数字证书认证中心（测试）")])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "阜新市海州区"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "海州区")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(2).not_valid_before(now).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    blob = pkcs12.serialize_key_and_certificates(b"unit", key, cert, [ca],
                                                 serialization.BestAvailableEncryption(b"p12-pass"))
    with pytest.raises(identity.PassphraseError, match="证书口令不正确"):
        identity.import_pkcs12(keyed, blob, "wrong", PASSPHRASE, replace=True)
    imported = identity.import_pkcs12(keyed, blob, "p12-pass", PASSPHRASE, replace=True)
    assert imported.source.value == "pkcs12" and "BEGIN CERTIFICATE" in imported.chain_pem
    keyed.clock = at("2027-06-01")  # after the certificate expired: signing is refused
    with pytest.raises(RefusedError, match="不在有效期内"):
        export(keyed, "2026-10", tmp_path / "expired")
    keyed.clock = at("2026-11-15")
    result = export(keyed, "2026-10", tmp_path)
    report = verify(result.folder, trusted=[cert])
    assert report.valid, report.problems
    assert manifest(result.folder)["signer"]["source"] == "pkcs12"
    assert len(identity.load_certificates((result.folder / "signer.pem").read_bytes())) == 2


def test_other_units_certificates_are_remembered_once(keyed: Ledger, tmp_path: Path) -> None:
    pem = identity.export_certificate(keyed, tmp_path / "unit.pem").read_bytes()
    first = identity.import_known_certificate(keyed, pem, "韩家店镇")
    again = identity.import_known_certificate(keyed, pem)
    assert first.id == again.id and keyed.known_certs.count() == 1
    assert [k.unit_name for k in keyed.known_certs.of_unit("韩家店镇")] == ["韩家店镇"]
    with pytest.raises(identity.CertificateError, match="不是有效的证书"):
        identity.import_known_certificate(keyed, b"not a certificate")


def test_amounts_in_the_workbook_are_numbers_in_wan(keyed: Ledger, tmp_path: Path) -> None:
    folder = export(keyed, "2026-10", tmp_path).folder
    ws = openpyxl.load_workbook(the(folder, ".xlsx"))["项目月调度表"]
    project = keyed.projects.by_name("中储粮东北综合产业基地")[0]
    row = next(r for r in ws.iter_rows() if r[1].value == project.name)
    assert Decimal(str(row[6].value)) == project.total_investment_wan and row[6].number_format == "#,##0.00"


def test_a_township_ledger_titles_its_forms_with_the_district_and_can_be_empty(empty: Ledger, tmp_path: Path) -> None:
    from desk.core.glossary import Category, Stage
    from desk.core.models import Project, ProjectMonth

    identity.create_identity(empty, PASSPHRASE)
    result = export(empty, "2026-10", tmp_path / "none")
    ws = openpyxl.load_workbook(the(result.folder, ".xlsx"))["项目月调度表"]
    assert ws["A1"].value == "海州区韩家店镇2026年10月重点项目调度表"
    assert any(c.value == "本月没有需要调度的项目" for c in ws["A"])
    assert verify(result.folder).valid
    versions.open_correction(empty, "2026-10", "补录项目")
    project = empty.projects.add(Project("韩家店镇粮油加工项目", empty.unit_id, Category.AGRICULTURAL,
                                         Stage.CONSTRUCTION, total_investment_wan=Decimal(12000),
                                         owner_company="韩家店粮油有限公司", leader="王建国",
                                         responsible_unit="韩家店镇"))
    empty.months.save(ProjectMonth(project.id, "2026-10", Stage.CONSTRUCTION, Decimal(300), Decimal(2100),
                                   progress="主体施工"))
    second = export(empty, "2026-10", tmp_path / "none")
    ws = openpyxl.load_workbook(the(second.folder, ".xlsx"))["项目月调度表"]
    headers = [c.value for c in ws[3]]
    assert "所属单位" not in headers  # one unit: no column for it
    names = [c.value for c in ws["B"]]
    assert "韩家店镇粮油加工项目" in names
    changes = " ".join(str(c.value) for row in openpyxl.load_workbook(the(second.folder, ".xlsx"))["更正说明"]
                       .iter_rows() for c in row if c.value)
    assert "新增项目“韩家店镇粮油加工项目”" in changes


def test_the_seal_is_stamped_on_the_signed_pdf(keyed: Ledger, tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 232, 232), outline=(210, 20, 20, 230), width=10)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    package.set_seal(keyed, buffer.getvalue())
    assert package.seal_png(keyed) == buffer.getvalue()
    with pytest.raises(Exception, match="PNG"):
        package.set_seal(keyed, b"GIF89a")
    folder = export(keyed, "2026-10", tmp_path).folder
    assert b"/Subtype /Image" in the(folder, ".pdf").read_bytes() and verify(folder).valid
