"""Self-test steps for what crosses the ledger's edge: importing a sheet, exporting and
verifying the signed monthly submission. The parts a frozen build most often breaks
(pyHanko, cryptography, openpyxl, calamine) run end to end here."""

from __future__ import annotations

from desk.selftest import Context, require, step

PASSPHRASE = "自检口令-123456"


@step("import", "导入表格", order=35, needs=("ledger",))
def import_sheet(ctx: Context) -> str:
    from openpyxl import Workbook

    from desk.exchange.sheets.load import load_table
    from desk.store.importing import ImportRefused, ImportSource, apply_import, automatic_mapping
    from desk.store.ledger import Ledger

    path = ctx.path("导入 样表.xlsx")
    book = Workbook()
    sheet = book.active
    sheet.append(["自检镇重点项目表"])
    sheet.append(["序号", "项目名称", "建设单位", "项目类别", "投资情况", None])
    sheet.append([None, None, None, None, "总投资（万元）", "年度计划（万元）"])
    sheet.merge_cells("E2:F2")
    sheet.append([1, "自检导入项目甲", "自检甲有限公司", "工业", "12,000", "3000"])
    sheet.append([2, "自检导入项目乙", "自检乙有限公司", "服务业", "1.5亿", "5000"])
    book.save(path)
    ledger = Ledger.create(ctx.path("导入 台账.desk"), "自检镇", clerk="自检")
    ledger.clock = ctx.clock
    try:
        loaded = load_table(path)
        mapping = automatic_mapping(ledger, loaded.table, kind="projects")
        result = apply_import(ledger, loaded.table, mapping, ImportSource.of(path, loaded.sha256), backup=False)
        require(result.created == 2, f"应新建 2 个项目，实际 {result.created} 个")
        amounts = sorted(p.total_investment_wan for p in ledger.projects.all())
        require([str(a) for a in amounts] == ["12000", "15000"], f"金额读错：{amounts}")
        sheet.append([3, "自检导入项目丙", "自检丙有限公司", "工业", "一千万", "100"])
        book.save(path)
        loaded = load_table(path)
        try:
            apply_import(ledger, loaded.table, mapping, ImportSource.of(path, loaded.sha256), backup=False)
        except ImportRefused:
            pass
        else:
            raise AssertionError("含错误的表格应被整体拒绝")
        require(ledger.count("projects") == 2, "被拒绝的导入不应写入任何数据")
    finally:
        ledger.close()
    return "两行表头的工作簿导入 2 个项目；有错误的表格整体拒绝，台账不变"


@step("export", "签名报送", order=70, needs=("demo",))
def export(ctx: Context) -> str:
    from desk.exchange.submission.identity import create_identity
    from desk.exchange.submission.package import export_month
    from desk.exchange.submission.report import People

    ledger = ctx.ledger
    require(ledger is not None, "没有可报送的台账")
    assert ledger is not None
    month = ledger.latest_month()
    require(month is not None, "演示台账没有月度填报")
    create_identity(ledger, PASSPHRASE)
    out = ctx.path("报送")
    out.mkdir()
    result = export_month(ledger, str(month), out, PASSPHRASE, People("自检填报人", "自检审核人", "自检负责人"))
    pdf = next(result.folder.glob("*.pdf"))
    require(b"/FontFile2" in pdf.read_bytes(), "PDF 没有内嵌中文字体")
    ctx.values["submission"] = result.folder
    return f"{result.folder.name}：{len(result.files)} 个文件已签名"


@step("verify", "验证报送", order=80, needs=("export",))
def verify_submission(ctx: Context) -> str:
    import shutil

    from desk.exchange.submission.verify import verify

    folder = ctx.values["submission"]
    report = verify(folder)
    require(report.valid, "报送文件验证未通过：" + "；".join(report.problems))
    tampered = ctx.path("篡改 副本")
    shutil.copytree(folder, tampered)
    pdf = next(tampered.glob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    require(not verify(tampered).valid, "改动过的 PDF 应验证不通过")
    return "签名、文件摘要与表格内容摘要均一致；改动一个字节的副本被拒绝"
