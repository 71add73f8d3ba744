"""The self-test's built-in steps that need no Qt: resources, a ledger, the demo, the checks
and the file formats the exchange layer writes. (The window step is in desk.ui.selftest.)

Each step exercises the real code paths — migrations from the bundled ``db/``, rule profiles
from the bundled ``resources/``, a transaction that must roll back — so that a frozen build
missing any of them fails here rather than on a clerk's PC.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from desk import paths
from desk.core.errors import FieldError, RefusedError, ValidationError
from desk.selftest import DEMO_PROJECTS, Context, SelfTestFailure, require, step

FONT = "wqy-microhei.ttf"
FONT_LICENCE = "LICENSE-wqy-microhei.txt"
ICONS = ("desk.svg", "desk.png", "desk.ico")


@step("resources", "程序资源", order=10)
def resources(ctx: Context) -> str:
    from desk.store import migrate

    font = paths.resource("fonts", FONT)
    require(font.is_file() and font.stat().st_size > 1_000_000, f"缺少内置字体：{font}")
    require(paths.resource("fonts", FONT_LICENCE).is_file(), "缺少内置字体的许可文件")
    profiles = sorted(paths.resource("standards").glob("*.toml"))
    require(profiles, f"缺少认定标准文件：{paths.resource('standards')}")
    for profile in profiles:
        try:
            tomllib.loads(profile.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SelfTestFailure(f"认定标准文件无法读取：{profile.name}（{exc}）") from exc
    style = paths.resource("style.qss")
    require(style.is_file() and style.read_text(encoding="utf-8").strip(), "缺少界面样式表 style.qss")
    missing_icons = [name for name in ICONS if not paths.resource("icons", name).is_file()]
    require(not missing_icons, f"缺少图标：{'、'.join(missing_icons)}")
    migrate.migrations.cache_clear()
    steps = migrate.migrations()
    require(steps, f"缺少台账结构迁移文件：{paths.migrations_dir()}")
    mode = "冻结程序" if paths.is_frozen() else "源代码或安装包"
    return (
        f"{mode}，资源目录 {paths.resource_root()}；字体、{len(profiles)} 个认定标准、样式、图标、"
        f"{len(steps)} 个结构迁移齐全"
    )


@step("ledger", "新建台账", order=20)
def ledger(ctx: Context) -> str:
    from desk.core.glossary import Stage
    from desk.core.models import Project
    from desk.store.ledger import Ledger
    from desk.store.migrate import latest_version

    path = ctx.path("韩家店镇 自检.desk")
    new = Ledger.create(path, "韩家店镇", parent_name="海州区", clerk="自检")
    new.clock = ctx.clock
    try:
        require(new.schema_version == latest_version(), f"结构版本应为 {latest_version()}，实为 {new.schema_version}")
        project = new.projects.add(Project(name="自检项目", unit_id=new.unit_id, total_investment_wan=Decimal("1200")))
        new.projects.move_stage(project.id, Stage.SIGNED, ctx.today)  # type: ignore[arg-type]
        before = new.count("audit_log")
        try:
            new.projects.move_stage(project.id, Stage.COMPLETED, ctx.today)  # type: ignore[arg-type]
            raise SelfTestFailure("未开工的项目竟能直接竣工")
        except RefusedError:
            pass
        try:
            with new.transaction():
                new.projects.add(Project(name="第二个项目", unit_id=new.unit_id))
                new.projects.add(Project(name="", unit_id=new.unit_id))
            raise SelfTestFailure("名称为空的项目竟能保存")
        except ValidationError:
            pass
        require(new.count("projects") == 1, "保存失败后台账里仍留下了一半的修改")
        require(new.count("audit_log") == before, "被拒绝的操作写入了修改记录")
        backup = new.backup("自检")
    finally:
        new.close()
    with Ledger.open(backup, readonly=True) as copy:
        require(copy.count("projects") == 1, "备份文件与台账不一致")
    reopened = Ledger.open(path)
    reopened.clock = ctx.clock
    ctx.use_ledger(reopened)
    require(reopened.projects.get(project.id).stage == Stage.SIGNED, "重新打开后项目阶段不对")  # type: ignore[arg-type]
    return "新建、写入、阶段变更、拒绝非法操作（整体撤回）、备份与重新打开均正常"


@step("demo", "演示台账", order=30)
def demo(ctx: Context) -> str:
    from desk.store.demo import build_demo

    built = build_demo(ctx.path("演示 台账.desk"), projects=DEMO_PROJECTS, today=ctx.today, clock=ctx.clock)
    ctx.use_ledger(built)
    info = built.info()
    require(info["projects"] == DEMO_PROJECTS, f"演示台账应有 {DEMO_PROJECTS} 个项目，实有 {info['projects']} 个")
    require(info["leads"] > 0 and info["tasks"] > 0, "演示台账缺少线索或任务")
    return (f"{info['projects']} 个项目、{info['project_months']} 条月度记录、{info['leads']} 条线索、"
            f"{info['tasks']} 项任务")


@step("checks", "数据核查", order=40, needs=("demo",))
def checks(ctx: Context) -> str:
    from desk.core import validation

    ledger = ctx.ledger
    require(ledger is not None, "没有可核查的台账")
    assert ledger is not None  # for the type checker
    problems = ledger.integrity_problems()
    require(not problems, f"数据库完整性检查未通过：{problems[:3]}")
    checked: list[tuple[str, str, list[Any], Callable[[Any], list[FieldError]]]] = [
        ("项目", "个", ledger.projects.all(), validation.project_errors),
        ("月度记录", "条", ledger.months.all(), validation.month_errors),
        ("线索", "条", ledger.leads.all(), validation.lead_errors),
        ("任务", "项", ledger.tasks.all(), validation.task_errors),
        ("问题", "个", ledger.problems.all(), validation.problem_errors),
    ]
    counts: dict[str, int] = {}
    for label, measure, items, check in checked:
        for item in items:
            errors = check(item)
            require(not errors, f"{label}“{getattr(item, 'name', '') or getattr(item, 'id', '')}”未通过校验："
                                f"{'；'.join(str(e) for e in errors)}")
        counts[f"{measure}{label}"] = len(items)
    return "、".join(f"{n} {label}" for label, n in counts.items()) + "均通过校验；数据库完整"


@step("recognition", "认定核查", order=50, needs=("demo",))
def recognition(ctx: Context) -> str:
    from desk.core.glossary import Category, Claim, Evidence
    from desk.core.recognition import judge, load_profile
    from desk.store.ledger import DEFAULT_PROFILE
    from desk.store.profiles import read_profile_file, shipped_profiles
    from desk.store.recognition import current_profile, month_checks, recognition_status

    shipped = shipped_profiles()
    require(DEFAULT_PROFILE in shipped, f"缺少默认认定标准 {DEFAULT_PROFILE}.toml")
    profiles = {name: load_profile(read_profile_file(path), name) for name, path in shipped.items()}
    # The standard's own touchstones (盘锦2018 附件2 五.3), whatever the demo data holds.
    default = profiles[DEFAULT_PROFILE]
    total, month_amount = Decimal("20000"), Decimal("800")
    levelled = judge(default, Claim.NEW_START, Category.INDUSTRIAL, total, month_amount, {Evidence.SITE_LEVELING})
    piled = judge(default, Claim.NEW_START, Category.INDUSTRIAL, total, month_amount, {Evidence.PILING})
    tourism = judge(default, Claim.NEW_START, Category.TOURISM, total, month_amount, set())
    require(not levelled.recognised, "只有场地平整的新开工竟被认定")
    require(piled.recognised and piled.counted, "已打桩、亿元以上的工业新开工未被认定并计入目标")
    require(not tourism.recognised, "现场无施工场面的旅游项目竟被认定为新开工")

    ledger = ctx.ledger
    require(ledger is not None, "没有可核查的台账")
    assert ledger is not None  # for the type checker
    month = ledger.latest_month()
    require(month is not None, "演示台账没有月度记录")
    assert month is not None
    checks = month_checks(ledger, month, current_profile(ledger))
    standings = recognition_status(ledger, month)
    recognised = sum(1 for c in checks if c.verdict.recognised)
    require(all(c.verdict.reasons for c in checks), "有认定结论没有写明理由")
    return (f"{len(profiles)} 个认定标准可读；场地平整、打桩、旅游项目三个标准案例判定正确；{month} 申报 "
            f"{len(checks)} 个（认定 {recognised} 个），{len(standings)} 个项目参加动态考评")


@step("files", "表格与 PDF", order=60)
def files(ctx: Context) -> str:
    """The libraries the exchange layer builds on, round-tripped with Chinese text and the
    bundled font — the parts of a frozen build most likely to miss a module or a data file."""
    import io

    import openpyxl
    import pyhanko.sign.signers  # noqa: F401  (signing the submission; import proves it is bundled)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from python_calamine import CalamineWorkbook
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    book = openpyxl.Workbook()
    sheet = book.active
    require(sheet is not None, "openpyxl 未能新建工作表")
    assert sheet is not None  # for the type checker
    sheet.title = "项目台账"
    sheet.append(["项目名称", "总投资（万元）"])
    sheet.append(["自检项目", 1234.5])
    xlsx = ctx.path("自检 表格.xlsx")
    book.save(xlsx)
    with CalamineWorkbook.from_path(str(xlsx)) as read_back:  # closed: Windows cannot delete an open file
        rows = read_back.get_sheet_by_name("项目台账").to_python()
    require(rows[1][0] == "自检项目" and rows[1][1] == 1234.5, f"表格读回的内容不对：{rows}")

    if "DeskSelfTestSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DeskSelfTestSans", str(paths.resource("fonts", FONT))))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("DeskSelfTestSans", 12)
    pdf.drawString(72, 720, "项目台账 自检：新开工 竣工 投产 1234.5 万元")
    pdf.save()
    data = buffer.getvalue()
    require(data.startswith(b"%PDF") and b"/FontFile2" in data, "PDF 未能嵌入内置中文字体")
    ctx.path("自检 报表.pdf").write_bytes(data)

    key = ec.generate_private_key(ec.SECP256R1())
    signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    key.public_key().verify(signature, data, ec.ECDSA(hashes.SHA256()))
    return f"Excel 写入并读回、PDF 嵌入中文字体（{len(data) // 1024} KB）、签名与验签正常"
