"""How the small spreadsheets beside this script were made (run once; the tests only read them).

    python tests/data/import/make_fixtures.py

Writes the .xlsx files with openpyxl, then converts them to .xls and .ods with LibreOffice
(``soffice --headless --convert-to``; install ``libreoffice-calc`` to re-run), and writes a
password-protected copy with msoffcrypto-tool (``pip install msoffcrypto-tool``; password
``1234``). Neither tool is needed to run the tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.sheets.books import project_row, two_row_book  # noqa: E402


def projects(path: Path) -> Path:
    rows = [
        project_row(1, "年产5万吨钒钛新材料项目", owner="阜新恒通新材料有限公司", total=32000, stage="续建"),
        project_row(2, "韩家店镇现代物流园", owner="阜新鑫达物流有限公司", category="服务业", stage="新建",
                    total="１．５亿元", start="2026.3", finish=date(2027, 6, 30)),
        project_row(3, "玛瑙文化园二期", owner="海州玛瑙文化发展有限公司", category="旅游", stage="前期", total="8,000",
                    plan=2000, month=0, ytd=0, start=None, progress="正在办理用地手续"),
        project_row(4, "食用菌产业园", owner="韩家店镇食用菌专业合作社", category="农业产业化", stage="在建",
                    total=5000, plan=1500, month=120, ytd=900, start="2025年4月18日"),
    ]
    return two_row_book(path, rows)


def leads(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "10月招商线索"
    ws.append(["韩家店镇招商小分队2026年10月拜访客商情况表"])
    ws.merge_cells("A1:I1")
    ws.append(["序号", "拜访时间", "客商姓名", "单位名称", "职务", "联系方式", "地址", "经营范围", "投资意向", "状态"])
    ws.append([1, date(2026, 10, 9), "周建华", "沈阳华晟机械有限公司", "总经理", " 138 0000 1234 ", "沈阳市铁西区",
               "机械设备制造、销售", "拟投资1.2亿元建设液压件生产线", "洽谈"])
    ws.append([2, "2026-10-15", "吴丽萍", "大连德润冷链物流有限公司", "投资总监", "0411-8888 6666", "大连市甘井子区",
               "仓储物流服务", "考察物流园用地", "线索"])
    ws.append([3, "2026年10月21日", "郑志强", "", "董事长", "", "", "", "", "在谈"])
    ws.append(["填表人：王五"])
    wb.save(path)
    return path


def convert(source: Path, fmt: str) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("needs LibreOffice (apt-get install libreoffice-calc)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(source.parent), str(source)], check=True, capture_output=True)
    return source.with_suffix("." + fmt.split(":")[0])


def encrypt(source: Path, target: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-not-found]

    with source.open("rb") as plain, target.open("wb") as out:
        office = OOXMLFile(plain)
        office.encrypt("1234", out)
    return target


def dates_1904(path: Path) -> Path:
    """A Mac-style workbook on the 1904 date system: a date cell, and a serial typed as a number."""
    return two_row_book(path, [project_row(1, start=41746), project_row(2, start=date(2018, 4, 18))], epoch_1904=True)


if __name__ == "__main__":
    main = projects(HERE / "韩家店镇重点项目调度表.xlsx")
    convert(main, "xls:MS Excel 97")
    convert(main, "ods")
    leads(HERE / "招商线索.xlsx")
    encrypt(main, HERE / "有密码.xlsx")
    mac = dates_1904(HERE / "1904日期.xlsx")
    convert(mac, "xls:MS Excel 97")
    mac.unlink()
