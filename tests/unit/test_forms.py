"""The fixed-form framework: what a clerk sees when opening the workbook or the PDF it writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desk.exchange.forms import (
    AMOUNT,
    COUNT,
    DATE,
    PERCENT,
    Book,
    Column,
    Form,
    Row,
    Signatures,
    Table,
    fonts,
    format_value,
    write_pdf,
    write_xlsx,
)
from desk.exchange.forms.pdftable import MAX_LINES, Metrics, wrap_text

POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")

COLUMNS = [
    Column("项目名称", 24),
    Column("总投资", 12, number_format=AMOUNT),
    Column("本月", 11, number_format=AMOUNT, group="完成投资"),
    Column("年度累计", 11, number_format=AMOUNT, group="完成投资"),
    Column("形象进度", 26),
    Column("开工时间", 11, "center", DATE),
]


def schedule(rows: int = 3) -> Book:
    body: list = [Row.total("合计", Decimal(rows * 1000), Decimal(rows * 10), Decimal(rows * 100)),
                  Row.section(f"一、新开工项目（{rows}个）", Decimal(rows * 1000))]
    for i in range(rows):
        body.append([f"海州年产{i}万吨钒钛新材料项目", Decimal(1000), Decimal(10), Decimal(100),
                     "主体结构施工中，厂房主体完工，正在进行钢结构安装", date(2026, 3, 5)])
    form = Form(
        "项目月调度表", "海州区韩家店镇2026年10月重点项目调度表", [Table(COLUMNS, body)],
        unit="海州区韩家店镇", date_text="2026年11月15日",
        notes=["注：本表金额单位为万元。"],
        signatures=Signatures("张三", "李四", "王五", date(2026, 11, 15)),
    )
    indicators = Table([Column("指标", 20), Column("本月", 10, number_format=COUNT)],
                       [["外出招商（次）", 3], ["拜访企业（家）", 18]], caption="一、主要指标")
    leads = Table([Column("企业名称", 30), Column("状态", 8, "center")], [["辽宁忠旺铝业", "洽谈"]],
                  caption="二、招商线索")
    second = Form("招商引资情况", "海州区韩家店镇2026年10月招商引资情况表", [indicators, leads],
                  unit="海州区韩家店镇", date_text="2026年11月15日", amount_unit="")
    return Book([form, second], title="海州区韩家店镇2026年10月月报", author="海州区韩家店镇",
                header_left="海州区韩家店镇 2026年10月月报", header_right="第1版")


def pdf_text(path: Path) -> list[str]:
    """Each page's text without white space (pdftotext spaces CJK text as it likes)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in out.split("\f")[:-1]]


# --------------------------------------------------------------------------------- Excel
def test_workbook_has_the_fixed_form_layout(tmp_path: Path) -> None:
    path = write_xlsx(schedule(), tmp_path / "调度表.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["项目月调度表", "招商引资情况"]
    ws = wb["项目月调度表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # title across all 7 columns (序号 + 6), unit line in three parts
    assert ws["A1"].value == "海州区韩家店镇2026年10月重点项目调度表" and "A1:G1" in merged
    assert ws["A1"].font.b and ws["A1"].font.sz == 18 and ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value == "填报单位：海州区韩家店镇"
    line = [c.value for c in ws[2] if c.value]
    assert line == ["填报单位：海州区韩家店镇", "2026年11月15日", "单位：万元"]
    # grouped two-row header: 完成投资 over 本月/年度累计, the others span both rows
    assert ws["A3"].value == "序号" and "A3:A4" in merged and "B3:B4" in merged
    assert ws["D3"].value == "完成投资" and "D3:E3" in merged
    assert (ws["D4"].value, ws["E4"].value) == ("本月", "年度累计")
    assert ws["D3"].fill.fgColor.rgb.endswith("E6EBF2") and ws["D4"].border.bottom.style == "thin"
    # total and section rows: the label spans 序号 and the blank cells after it
    assert ws["A5"].value == "合计" and "A5:B5" in merged and ws["C5"].value == 3000
    assert ws["A6"].value == "一、新开工项目（3个）" and "A6:B6" in merged and ws["A6"].font.b
    # data rows numbered 1…n, amounts as numbers with thousands separators, dates as dates
    assert [ws.cell(row=r, column=1).value for r in range(7, 10)] == [1, 2, 3]
    assert ws["C7"].value == 1000 and ws["C7"].number_format == AMOUNT
    assert ws["G7"].number_format == DATE and ws["G7"].value.date() == date(2026, 3, 5)
    assert ws["F7"].alignment.wrap_text and ws["B7"].border.left.style == "thin"
    # notes and the signature line at the bottom
    values = [c.value for row in ws.iter_rows(min_row=10) for c in row if c.value]
    assert "注：本表金额单位为万元。" in values
    line = " ".join(c.value for c in ws[ws.max_row] if c.value)  # spread over the columns, or one line
    assert re.search("填报人：张三.*审核人：李四.*单位负责人：王五.*填报日期：2026年11月15日", line)
    # frozen header and first column, print set-up
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.oddHeader.right.text == "第1版"


def test_several_tables_on_one_sheet_share_its_columns(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_xlsx(schedule(), tmp_path / "b.xlsx"))["招商引资情况"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[:2] == ["海州区韩家店镇2026年10月招商引资情况表", "填报单位：海州区韩家店镇"]
    assert "单位：万元" not in "".join(texts)  # amount_unit="" leaves it out
    assert texts.index("一、主要指标") < texts.index("外出招商（次）") < texts.index("二、招商线索")
    assert "辽宁忠旺铝业" in texts
    assert ws.freeze_panes is None  # several tables: nothing sensible to freeze


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    table = Table([Column("名称", 20)], [["=HYPERLINK(\"http://x\")"], ["正常\x07名称"]])
    ws = openpyxl.load_workbook(write_xlsx(Book([Form("表", "标题", [table])]), tmp_path / "f.xlsx"))["表"]
    assert ws["B4"].value == "=HYPERLINK(\"http://x\")" and ws["B4"].data_type == "s"
    assert ws["B5"].value == "正常名称"


def test_every_kind_of_value_reads_back_as_it_was_written(tmp_path: Path) -> None:
    # the rows are serialised by Desk itself (sheetxml): markup, spaces, line ends and numbers
    # must come back from the file exactly
    texts = ["a & b <c> \"d\" 'e'", "  前后有空格 ", "第一行\r\n第二行\n第三行", "\t制表", "]]>", ""]
    numbers = [Decimal("1234567.89"), Decimal("-0.01"), 0, 3, 0.1 + 0.2, Decimal("1E+3"), 12345678901234]
    table = Table([Column("名称", 20), Column("数", 12, number_format=AMOUNT), Column("日期", 12)],
                  [[t, n, d] for t, n, d in zip(texts + [None], numbers, [date(2026, 10, 31), None] * 4,
                                                strict=False)])
    ws = openpyxl.load_workbook(write_xlsx(Book([Form("表", "标题", [table])]), tmp_path / "v.xlsx"))["表"]
    got = [(ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(4, 4 + len(numbers))]
    for (text, number, day), expected_text, expected_number, index in zip(
            got, texts + [None], numbers, range(len(numbers)), strict=True):
        assert text == (expected_text or None)
        assert number == pytest.approx(float(expected_number), rel=1e-15)
        assert (day.date() if day else None) == (date(2026, 10, 31) if index % 2 == 0 else None)


def test_a_narrow_form_keeps_every_name_of_the_signature_line(tmp_path: Path) -> None:
    form = Form("窄表", "窄表", [Table([Column("名称", 20)], [["甲"]])],
                signatures=Signatures("张三", "李四", "王五", date(2026, 11, 15)))
    ws = openpyxl.load_workbook(write_xlsx(Book([form]), tmp_path / "n.xlsx"))["窄表"]
    last = [c.value for c in ws[ws.max_row] if c.value]
    assert len(last) == 1 and all(name in last[0] for name in ("张三", "李四", "王五", "2026年11月15日"))


def test_a_signature_line_that_cannot_be_spread_runs_as_one_line(tmp_path: Path) -> None:
    # a wide last column leaves the first three names too little room each
    form = Form("说明", "更正说明", [Table([Column("时间", 10), Column("修改人", 8), Column("对象", 20),
                                          Column("修改内容", 70)], [["2026-11-15", "张三", "项目", "改了"]])],
                signatures=Signatures("张三", "李四", "王五", date(2026, 11, 15)))
    ws = openpyxl.load_workbook(write_xlsx(Book([form]), tmp_path / "s.xlsx"))["说明"]
    last = [c.value for c in ws[ws.max_row] if c.value]
    assert len(last) == 1 and last[0].startswith("填报人：张三") and "单位负责人：王五" in last[0]


def test_an_empty_table_says_so_across_its_width(tmp_path: Path) -> None:
    form = Form("认定表", "新开工项目认定表", [Table(COLUMNS, [], empty_text="本月无申报新开工项目")])
    ws = openpyxl.load_workbook(write_xlsx(Book([form]), tmp_path / "e.xlsx"))["认定表"]
    assert ws["A5"].value == "本月无申报新开工项目" and "A5:G5" in {str(r) for r in ws.merged_cells.ranges}


# ----------------------------------------------------------------------------------- PDF
@needs_poppler
def test_pdf_has_title_unit_line_header_footer_and_signatures(tmp_path: Path) -> None:
    path = write_pdf(schedule(), tmp_path / "调度表.pdf")
    pages = pdf_text(path)
    assert len(pages) == 2  # each form from a new page
    first = pages[0]
    for text in ("海州区韩家店镇2026年10月重点项目调度表", "填报单位：海州区韩家店镇", "2026年11月15日", "单位：万元",
                 "完成投资", "年度累计", "合计", "一、新开工项目（3个）", "3,000.00", "注：本表金额单位为万元。",
                 "填报人：", "张三", "单位负责人：", "王五", "2026年11月15日", "第1页共2页", "第1版"):
        assert text in first, text
    assert "第2页共2页" in pages[1] and "二、招商线索" in pages[1]


@needs_poppler
def test_a_long_table_repeats_its_header_on_every_page_and_loses_no_row(tmp_path: Path) -> None:
    path = write_pdf(schedule(rows=400), tmp_path / "long.pdf")
    pages = pdf_text(path)[:-1]  # the last page is the second form
    assert len(pages) > 5
    for page in pages:
        assert "项目名称" in page and "完成投资" in page and "年度累计" in page
    body = "\n".join(pages)
    for i in (0, 137, 399):
        assert body.count(f"海州年产{i}万吨钒钛新材料项目") == 1
    total = len(pdf_text(path))
    assert f"第{total}页共{total}页" in pdf_text(path)[-1]


@needs_poppler
def test_only_the_chinese_font_is_used_and_it_is_embedded(tmp_path: Path) -> None:
    path = write_pdf(schedule(), tmp_path / "f.pdf")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes yes " in row for row in rows), out
    assert all("WenQuanYi" in row for row in rows), out


@needs_poppler
def test_a_system_font_chosen_by_the_clerk_is_found_and_embedded(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "Fonts" / "sub"
    folder.mkdir(parents=True)
    shutil.copyfile(fonts.bundled().path, folder / "SIMFANG.TTF")  # stands in for 仿宋
    monkeypatch.setenv("DESK_FONT_DIRS", str(tmp_path / "Fonts"))
    choice = fonts.resolve("simfang.ttf")
    assert choice.label == "仿宋" and choice.excel_name == "仿宋" and choice.path.name == "SIMFANG.TTF"
    assert [f.key for f in fonts.available()][:2] == ["bundled", "simfang.ttf"]
    write_pdf(schedule(), tmp_path / "f.pdf", font=choice)
    out = subprocess.run(["pdffonts", str(tmp_path / "f.pdf")], capture_output=True, text=True, check=True).stdout
    assert " yes yes " in out
    ws = openpyxl.load_workbook(write_xlsx(schedule(), tmp_path / "f.xlsx", font=choice))["项目月调度表"]
    assert ws["B7"].font.name == "仿宋"


def test_a_font_that_is_not_installed_is_named(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DESK_FONT_DIRS", str(tmp_path))
    monkeypatch.setattr(fonts, "font_folders", lambda: [tmp_path])
    with pytest.raises(fonts.FontError, match="本机没有安装字体“宋体”"):
        fonts.resolve("simsun.ttc")
    choice, note = fonts.resolve_or_bundled("simsun.ttc")
    assert choice.key == "bundled" and "使用内置字体" in note


def test_seal_is_stamped_on_the_signature_line(tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), outline=(200, 0, 0, 255), width=8)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    book = schedule()
    form = book.forms[0]
    sealed = Form(form.sheet_name, form.title, form.tables, unit=form.unit,
                  signatures=Signatures("张三", "李四", "王五", date(2026, 11, 15), seal_png=buffer.getvalue()))
    path = write_pdf(Book([sealed]), tmp_path / "sealed.pdf")
    assert b"/Subtype /Image" in path.read_bytes()
    assert b"/Subtype /Image" not in write_pdf(Book([form]), tmp_path / "plain.pdf").read_bytes()


def indicator_book(rows: int = 0) -> Book:
    flows = Table([Column("指标", 20), Column("本月", 12, number_format=AMOUNT)],
                  [Row.data("拜访企业（家）", 18, number_format=COUNT),
                   Row.data("到位内资（万元）", Decimal("1234.5"), number_format=AMOUNT)], caption="一、主要指标")
    visits = Table([Column("企业名称", 20), Column("意向投资额", 12, number_format=AMOUNT)],
                   [[f"企业{i}", Decimal(i)] for i in range(rows)], caption="二、拜访企业")
    return Book([Form("招商", "招商引资情况表", [flows, visits])])


def test_a_column_may_keep_its_format_in_a_row_that_has_its_own(tmp_path: Path) -> None:
    table = Table([Column("任务", 12), Column("完成值", 10, number_format=AMOUNT),
                   Column("完成率", 10, number_format=PERCENT, takes_row_format=False)],
                  [Row.data("签约项目", 12, Decimal("0.75"), number_format=COUNT)])
    ws = openpyxl.load_workbook(write_xlsx(Book([Form("任务", "任务", [table])]), tmp_path / "t.xlsx"))["任务"]
    assert (ws["C4"].number_format, ws["D4"].number_format) == (COUNT, PERCENT)
    if POPPLER:
        assert "1签约项目1275.0%" in pdf_text(write_pdf(Book([Form("任务", "任务", [table])]), tmp_path / "t.pdf"))[0]


def test_a_row_may_format_its_numbers_its_own_way(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_xlsx(indicator_book(), tmp_path / "i.xlsx"))["招商"]
    assert (ws["A5"].value, ws["C5"].value, ws["C5"].number_format) == (1, 18, COUNT)
    assert ws["C6"].number_format == AMOUNT and ws["A6"].number_format == "General"
    if POPPLER:
        text = pdf_text(write_pdf(indicator_book(), tmp_path / "i.pdf"))[0]
        assert "1拜访企业（家）18" in text and "2到位内资（万元）1,234.50" in text


@needs_poppler
def test_a_captioned_long_table_starts_under_its_caption_not_on_the_next_page(tmp_path: Path) -> None:
    pages = pdf_text(write_pdf(indicator_book(rows=200), tmp_path / "long.pdf"))
    assert "二、拜访企业" in pages[0] and "企业0" in pages[0]
    assert "二、拜访企业" not in pages[1] and "意向投资额" in pages[1]  # the header repeats, the caption doesn't


# ------------------------------------------------------------------------------- pieces
def metrics() -> Metrics:
    return Metrics(fonts.register(fonts.bundled()), 10)


def test_wrapping_breaks_chinese_anywhere_keeps_words_and_punctuation() -> None:
    m = metrics()
    lines = wrap_text("主体结构施工中，厂房主体完工，正在进行钢结构安装", 60, m)
    assert "".join(t for t, _ in lines) == "主体结构施工中，厂房主体完工，正在进行钢结构安装"
    assert all(not t.startswith(("，", "。")) for t, _ in lines)
    assert all(w <= 60 for _, w in lines)
    carried = wrap_text("主体结构施工，厂房", 60, m)  # “，” would start line two: “工” goes down with it
    assert [t for t, _ in carried] == ["主体结构施", "工，厂房"]
    lines = wrap_text("设备 equipment installation 完成", 70, m)
    words = " ".join(t for t, _ in lines).split()
    assert "equipment" in words and "installation" in words
    assert wrap_text("第一行\n第二行", 200, m)[1][0] == "第二行"
    huge = wrap_text("很长的文字" * 400, 40, m)
    assert len(huge) == MAX_LINES and huge[-1][0].endswith("…")


def test_values_are_formatted_as_excel_shows_them() -> None:
    assert format_value(Decimal("1234567.125"), AMOUNT) == "1,234,567.13"
    assert format_value(12, COUNT) == "12" and format_value(Decimal("0.905"), PERCENT) == "90.5%"
    assert format_value(Decimal("12.50")) == "12.5" and format_value(Decimal("1E+2")) == "100"
    assert format_value(date(2026, 3, 5), DATE) == "2026-03-05"
    assert format_value(True) == "是" and format_value(None, AMOUNT) == ""


def test_forms_refuse_what_excel_or_the_layout_cannot_hold() -> None:
    with pytest.raises(ValueError, match="sheet name"):
        Form("月报:10", "标题", [Table([Column("a")], [])])
    with pytest.raises(ValueError, match="split"):
        Table([Column("a", group="g"), Column("b"), Column("c", group="g")], [])
    with pytest.raises(ValueError, match="3 cells"):
        Table([Column("a"), Column("b")], [[1, 2, 3]]).rendered_rows()
    numbered = Table([Column("a")], [Row.section("一"), ["x"], Row.section("二"), ["y"], ["z"]], serial="section")
    assert [cells[0] for _, cells in numbered.rendered_rows()] == [None, 1, None, 1, 2]
    assert [fmt for _, _, fmt in Table([Column("a")], [Row.data(1, number_format=COUNT), [2]]).rendered()] == [COUNT, None]
