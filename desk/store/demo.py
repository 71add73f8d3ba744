"""A realistic demo ledger: a district with its townships, streets and departments.

It holds the named projects of the source notices (中储粮东北综合产业基地, 忠旺80万吨挤压型材 …)
and generated ones in every stage and category, with a monthly record for every month of
the current year up to last month, approvals, problems, investment teams with their trips
and leads, the task breakdown table and yearly targets. Everything is deterministic for a
given seed and "today", so tests can count it by hand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from desk.core.glossary import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ConstructionKind,
    Evidence,
    Flag,
    IndicatorKind,
    LeadSource,
    LeadState,
    Metric,
    ProblemState,
    ProjectClass,
    Stage,
    TaskGroup,
    UnitKind,
)
from desk.core.models import (
    FollowUp,
    Lead,
    Problem,
    Project,
    Target,
    Task,
    TaskTarget,
    Team,
    Trip,
    Unit,
    ident,
)
from desk.core.periods import Month
from desk.store.ledger import Ledger
from desk.store.mapping import to_row

DISTRICT = "海州区"
CITY = "阜新市"
TOWNSHIPS: list[tuple[str, UnitKind]] = [
    ("韩家店镇", UnitKind.TOWNSHIP),
    ("西山街道", UnitKind.STREET),
    ("和平街道", UnitKind.STREET),
    ("站前街道", UnitKind.STREET),
    ("新兴街道", UnitKind.STREET),
    ("五龙街道", UnitKind.STREET),
    ("东梁街道", UnitKind.STREET),
]
DEPARTMENTS = ["区发改局", "区商务局", "区工信局", "区农业农村局", "区文旅局"]
LEADERS = ["王建国", "李明华", "张卫东", "刘晓燕", "陈志刚", "赵丽娟", "孙海涛", "周文斌", "吴国平", "郑雪梅"]
STEWARDS = ["马骏", "高原", "林静", "何强", "罗敏", "梁波", "宋佳", "唐磊", "韩冰", "冯雪"]

# (name, owner, category, total 万元, industry, flags)
NAMED_PROJECTS: list[tuple[str, str, Category, int, str, tuple[Flag, ...]]] = [
    ("中储粮东北综合产业基地", "中储粮（海州）粮油工业有限公司", Category.AGRICULTURAL, 320000, "粮油加工",
     (Flag.WORLD_500, Flag.PRECISION)),
    ("忠旺80万吨挤压型材", "辽宁忠旺铝业有限公司", Category.INDUSTRIAL, 650000, "有色金属加工",
     (Flag.LISTED, Flag.CHINA_500)),
    ("宝来轻烃综合利用", "宝来石化（海州）有限公司", Category.INDUSTRIAL, 1800000, "石油化工",
     (Flag.CHINA_500,)),
    ("兵器集团精细化工及原料工程", "兵器工业精细化工（海州）有限公司", Category.INDUSTRIAL, 2400000, "精细化工",
     (Flag.WORLD_500,)),
    ("哈电集团与GE公司重型燃机制造", "哈电通用燃气轮机（海州）有限公司", Category.INDUSTRIAL, 450000, "高端装备制造",
     (Flag.WORLD_500, Flag.HIGH_TECH)),
    ("抚宁抽水蓄能电站", "国网新源抚宁抽水蓄能有限公司", Category.OTHER, 1020000, "能源",
     (Flag.WORLD_500,)),
    ("威卡威年产30万辆新能源汽车", "威卡威新能源汽车（海州）有限公司", Category.INDUSTRIAL, 800000, "新能源汽车",
     (Flag.HIGH_TECH,)),
    ("戴卡兴龙轮毂智能制造汽车零配件", "中信戴卡兴龙轮毂有限公司", Category.INDUSTRIAL, 120000, "汽车零部件",
     (Flag.LISTED, Flag.HIGH_TECH)),
    ("中保绿都心乐园", "中保绿都文化旅游有限公司", Category.TOURISM, 300000, "文化旅游", ()),
    ("渔田小镇田园综合体", "渔田小镇农业发展有限公司", Category.AGRICULTURAL, 60000, "现代农业", ()),
    ("未名健康城生物产业孵化器", "未名健康城科技发展有限公司", Category.SERVICE, 80000, "生物医药",
     (Flag.HIGH_TECH,)),
    ("北戴河国际肿瘤医院", "国际肿瘤医院管理有限公司", Category.SERVICE, 150000, "医疗健康", ()),
    ("安丰钢铁冷轧工程（一期）", "安丰钢铁冷轧有限公司", Category.INDUSTRIAL, 350000, "钢铁", (Flag.INDUSTRY_100,)),
    ("耀华560t/d在线LOW-E节能玻璃智能制造技改", "耀华玻璃（海州）有限公司", Category.INDUSTRIAL, 45000, "新型建材",
     (Flag.LISTED,)),
    ("骊骅淀粉葡萄糖车间综合技术改造", "骊骅淀粉股份有限公司", Category.AGRICULTURAL, 18000, "农产品加工", ()),
    ("航轮科技自行车整车及功能性合金零部件", "航轮科技有限公司", Category.INDUSTRIAL, 30000, "机械加工",
     (Flag.HIGH_TECH,)),
    ("荣盛康养度假区", "荣盛康旅投资有限公司", Category.TOURISM, 200000, "康养旅游", (Flag.LISTED,)),
    ("东方创意谷", "东方创意谷文化发展有限公司", Category.SERVICE, 40000, "文化创意", ()),
]

PLACES = ["海州", "阜新", "辽西", "北方", "华晟", "恒通", "鑫达", "瑞丰", "宏远", "金桥", "盛达", "德润", "新元", "东方"]
PRODUCTS: dict[Category, list[str]] = {
    Category.INDUSTRIAL: ["钒钛新材料", "风电装备", "光伏组件", "机械加工", "新型建材", "生物制品", "锂电池材料",
                          "智能装备", "汽车零部件", "精密铸造", "环保设备", "液压件"],
    Category.AGRICULTURAL: ["粮油加工", "肉禽加工", "果蔬冷链", "饲料加工", "食用菌", "中药材加工", "乳制品"],
    Category.SERVICE: ["现代物流园", "商业综合体", "养老服务中心", "电商产业园", "冷链仓储", "数据中心", "职业培训基地"],
    Category.TOURISM: ["温泉度假区", "生态旅游区", "民俗文化村", "玛瑙文化园", "森林康养基地"],
    Category.OTHER: ["老旧小区改造", "污水处理厂", "集中供热管网", "道路改造", "中学新建"],
}
FORMS = ["年产{n}万吨{p}项目", "{p}生产线建设项目", "{p}产业园项目", "{p}扩建项目", "{p}技术改造项目"]
PROGRESS: dict[Stage, list[str]] = {
    Stage.RESERVE: ["项目洽谈中，正在编制项目建议书", "已对接投资意向，正在商谈合作条件"],
    Stage.SIGNED: ["已签订投资协议，正在办理工商注册", "已完成企业注册，正在编制可研报告"],
    Stage.PRELIMINARY: ["正在办理用地手续", "环评已公示，正在办理施工许可", "已完成规划设计，正在招标"],
    Stage.NEW_START: ["已完成桩基施工", "基础开槽完成，正在浇筑垫层", "现场施工人员120人，主体基础施工中"],
    Stage.CONSTRUCTION: ["主体结构施工中", "厂房主体完工，正在进行钢结构安装", "设备基础施工中",
                         "主体封顶，正在进行内部装修", "设备已进场，正在安装调试"],
    Stage.STOPPED: ["因资金问题暂时停工", "冬季停工", "因用地纠纷停工"],
    Stage.RESUMED: ["已复工，正在进行主体施工", "春季复工，现场施工人员80人"],
    Stage.COMPLETED: ["已竣工，设备安装完成，进入试生产", "已竣工，具备投入使用条件"],
}
TEAMS: list[tuple[str, str, str, str, str]] = [
    ("重大项目招商谈判小分队", "区招商局", "区发改局、区经贸局、区财政局、区环保局", "王建国、李明华", "重大项目洽谈服务、合同起草与审核"),
    ("项目推进服务小分队", "区工业园", "区发改局、区建设局、区经贸局、区环保局、区征拆办", "张卫东、刘晓燕", "跟踪服务已签约项目，协调项目落地"),
    ("机械制造、电子信息产业招商小分队", "区发改局", "区人社局、区科技局、区财政局、区工商联", "王建国、陈志刚",
     "交通运输设备、包装机械、五金加工、电子信息、新能源"),
    ("纺织和羽绒产业招商小分队", "区经贸局", "区市政局、区交通局、区教育局", "赵丽娟、孙海涛", "纺织服装、鞋帽、羽绒、寝具"),
    ("现代农业、旅游物流产业招商小分队", "区农业局", "区水利局、区文体局、区农机局、区粮食局", "周文斌、吴国平",
     "农业种植、畜牧养殖、观光农业、粮油加工、仓储物流"),
    ("大健康产业、新材料招商小分队", "区环保局", "区卫计局、区食药监局、区民政局", "张卫东、刘晓燕", "节能环保、生物制药、休闲养生、生态旅游"),
    ("木业深加工招商小分队", "区林业局", "区国土分局、区工商分局、区建设局", "李明华、郑雪梅", "木材深加工、高端家私、竹木芒编、纸制品"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂丛焦向柳邢骆岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丰"  # noqa: E501
GIVEN = ["建华", "晓东", "志强", "海燕", "国庆", "丽萍", "文涛", "俊杰", "秀英", "永刚", "红梅", "立新", "春雷", "静怡", "振宇"]
POSITIONS = ["董事长", "总经理", "副总经理", "投资总监", "战略发展部经理", "项目经理"]
CITIES = ["北京", "上海", "深圳", "广州", "杭州", "苏州", "天津", "沈阳", "大连", "青岛", "南京", "无锡", "香港", "首尔", "东京"]
SCOPES = ["机械设备制造、销售", "新材料研发、生产", "农产品收购、加工、销售", "仓储物流服务", "电子元器件制造",
          "生物制品研发", "旅游开发与运营", "纺织品生产加工", "木制品加工", "新能源技术开发"]
INTENT_FORMS = ["独资新建", "合资合作", "增资扩产", "并购重组", "租赁厂房"]


@dataclass(frozen=True)
class DemoOptions:
    projects: int = 120
    seed: int = 2018
    today: date | None = None


def _months_to_fill(today: date) -> list[Month]:
    """Every month of the current year up to last month (all of last year in January)."""
    current = Month.of(today)
    if current.month == 1:
        return [Month(current.year - 1, m) for m in range(1, 13)]
    return [Month(current.year, m) for m in range(1, current.month)]


class _Builder:
    def __init__(self, ledger: Ledger, options: DemoOptions, progress: Callable[[str], None]) -> None:
        self.ledger = ledger
        self.rng = random.Random(options.seed)
        # Draws added later use their own generator, so that the older draws (and every
        # ledger a seed produced before) stay as they were wherever they can.
        self.extra = random.Random(options.seed * 7919 + 1)
        self.options = options
        self.today = options.today or ledger.today()
        self.months = _months_to_fill(self.today)
        self.year = self.months[-1].year
        self.progress = progress
        self.unit_ids: list[int] = []
        self.project_rows: list[dict] = []
        self.month_rows: list[tuple] = []
        self.stage_rows: list[tuple] = []
        self.approval_rows: list[tuple] = []
        self.problems: list[Problem] = []
        self.now = ledger.now().isoformat()

    # ------------------------------------------------------------------ units
    def units(self) -> None:
        ledger = self.ledger
        district = ledger.unit
        for order, (name, kind) in enumerate(TOWNSHIPS, start=1):
            self.unit_ids.append(ident(ledger.units.add(Unit(name, kind, parent_id=district.id, sort_order=order))))
        for order, name in enumerate(DEPARTMENTS, start=len(TOWNSHIPS) + 1):
            self.unit_ids.append(
                ident(ledger.units.add(Unit(name, UnitKind.DEPARTMENT, parent_id=district.id, sort_order=order)))
            )

    # --------------------------------------------------------------- projects
    def _pick_story(self, index: int) -> str:
        # Named projects are all big and under way; generated ones spread over every stage.
        roll = self.rng.random()
        if index < len(NAMED_PROJECTS):
            return ["continuing", "new_start", "continuing", "completes", "new_start"][index % 5]
        for story, weight in (
            ("reserve", 0.12), ("signed", 0.06), ("preliminary", 0.10), ("new_start", 0.22),
            ("continuing", 0.25), ("completes", 0.10), ("stopped", 0.07), ("production", 0.08),
        ):
            if roll < weight:
                return story
            roll -= weight
        return "continuing"

    def _generated_name(self, category: Category, n: int) -> tuple[str, str, str]:
        product = self.rng.choice(PRODUCTS[category])
        form = self.rng.choice(FORMS) if category in (Category.INDUSTRIAL, Category.AGRICULTURAL) else "{p}项目"
        name = f"{self.rng.choice(PLACES)}{form.format(n=self.rng.choice([1, 2, 3, 5, 10, 20]), p=product)}"
        company = f"{self.rng.choice(PLACES)}{product}{'科技' if self.rng.random() < 0.4 else ''}有限公司"
        return name, company, product

    def projects(self) -> None:
        rng = self.rng
        total = self.options.projects
        year = self.year
        seen: dict[str, int] = {}
        for index in range(total):
            flags: set[Flag]
            if index < len(NAMED_PROJECTS):
                name, owner, category, total_wan, industry, named_flags = NAMED_PROJECTS[index]
                flags = set(named_flags)
            else:
                category = rng.choices(list(Category), weights=[45, 15, 20, 8, 12])[0]
                name, owner, industry = self._generated_name(category, index)
                total_wan = rng.choice([3000, 5000, 8000, 12000, 15000, 20000, 30000, 50000, 80000, 120000])
                flags = set()
                if rng.random() < 0.05:
                    flags.add(rng.choice([Flag.WORLD_500, Flag.CHINA_500, Flag.LISTED, Flag.HIGH_TECH]))
                if rng.random() < 0.15:
                    flags.add(Flag.PRECISION)
                if rng.random() < 0.05:
                    flags.add(Flag.ENCLAVE)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}（{seen[name]}期）"
            if rng.random() < 0.2 or index < 6:
                flags.add(Flag.LEADER_HELPED)
            story = self._pick_story(index)
            unit_id = self.unit_ids[index % len(self.unit_ids)]
            self._project(index + 1, name, owner, category, Decimal(total_wan), industry, flags, story, unit_id, year)
            if (index + 1) % 1000 == 0:
                self.progress(f"已生成 {index + 1} 个项目")

    def _project(
        self, pid: int, name: str, owner: str, category: Category, total: Decimal, industry: str,
        flags: set[Flag], story: str, unit_id: int, year: int,
    ) -> None:
        rng = self.rng
        months = self.months
        last = months[-1]
        start_index = rng.randrange(0, len(months)) if story in ("new_start", "completes") else None
        if story == "completes" and start_index is not None:
            start_index = min(start_index, max(0, len(months) - 4))
        stage_by_month: dict[Month, Stage] = {}
        evidence_by_month: dict[Month, frozenset[Evidence]] = {}
        start_date = completion_date = None
        stage: Stage
        history: list[tuple[Stage | None, Stage, date]] = []
        if story in ("reserve", "signed", "preliminary"):
            stage = {"reserve": Stage.RESERVE, "signed": Stage.SIGNED, "preliminary": Stage.PRELIMINARY}[story]
            entered = date(year - 1, rng.randint(6, 12), rng.randint(1, 28))
            history.append((None, stage if stage != Stage.SIGNED else Stage.RESERVE, entered))
            if stage == Stage.SIGNED:
                # Signed this year (签约注册项目 count toward this year's targets), in the reserve
                # before; from the same random draws, so that the rest of the demo stays as it was.
                signed_on = months[min(entered.month - 6, len(months) - 1)].day(entered.day)
                history.append((Stage.RESERVE, Stage.SIGNED, signed_on))
            if stage != Stage.RESERVE:
                for m in months:
                    stage_by_month[m] = stage if stage != Stage.SIGNED or m >= Month.of(signed_on) else Stage.RESERVE
        elif story == "production":
            stage = Stage.PRODUCTION
            started = date(year - 2, rng.randint(3, 9), rng.randint(1, 28))
            completion_date = date(year - 1, rng.randint(6, 11), rng.randint(1, 28))
            start_date = started
            history += [(None, Stage.NEW_START, started), (Stage.NEW_START, Stage.CONSTRUCTION, started.replace(day=28)),
                        (Stage.CONSTRUCTION, Stage.COMPLETED, completion_date),
                        (Stage.COMPLETED, Stage.PRODUCTION, completion_date + timedelta(days=30))]
        elif story in ("continuing", "stopped"):
            start_date = date(year - 1, rng.randint(3, 10), rng.randint(1, 28))
            history += [(None, Stage.NEW_START, start_date),
                        (Stage.NEW_START, Stage.CONSTRUCTION, start_date + timedelta(days=31))]
            stage = Stage.CONSTRUCTION
            stop_at = rng.randrange(0, len(months)) if story == "stopped" else None
            resume_at = None
            if stop_at is not None and rng.random() < 0.5 and stop_at + 2 < len(months):
                resume_at = rng.randrange(stop_at + 1, len(months))
            for i, m in enumerate(months):
                if stop_at is not None and i >= stop_at and (resume_at is None or i < resume_at):
                    stage_by_month[m] = Stage.STOPPED
                    if i == stop_at:
                        history.append((Stage.CONSTRUCTION, Stage.STOPPED, m.day(10)))
                elif resume_at is not None and i >= resume_at:
                    stage_by_month[m] = Stage.RESUMED if i == resume_at else Stage.CONSTRUCTION
                    if i == resume_at:
                        history.append((Stage.STOPPED, Stage.RESUMED, m.day(5)))
                    elif i == resume_at + 1:
                        history.append((Stage.RESUMED, Stage.CONSTRUCTION, m.day(1)))
                else:
                    stage_by_month[m] = Stage.CONSTRUCTION
            stage = stage_by_month[last]
        else:  # new_start or completes: a start within this year
            assert start_index is not None
            extra = self.extra
            if story == "new_start" and extra.random() < 0.25:
                start_index = len(months) - 1  # the month being reported has its own new starts
            start_month = months[start_index]
            start_date = start_month.day(rng.randint(1, 25))
            history.append((None, Stage.PRELIMINARY, date(year - 1, rng.randint(8, 12), 15)))
            history.append((Stage.PRELIMINARY, Stage.NEW_START, start_date))
            complete_index = None
            if story == "completes":
                complete_index = rng.randrange(min(start_index + 3, len(months) - 1), len(months))
            # Some new starts stop again (dropped by the dynamic review, 盘锦2018 五.2); half
            # of those resume later in the year and count again.
            stop_index = resume_index = None
            if story == "new_start" and start_index + 2 < len(months) and extra.random() < 0.3:
                stop_index = extra.randrange(start_index + 2, len(months))
                if stop_index + 2 < len(months) and extra.random() < 0.5:
                    resume_index = extra.randrange(stop_index + 1, len(months))
            for i, m in enumerate(months):
                if stop_index is not None and i >= stop_index and (resume_index is None or i < resume_index):
                    stage_by_month[m] = Stage.STOPPED
                    if i == stop_index:
                        history.append((Stage.CONSTRUCTION, Stage.STOPPED, m.day(10)))
                elif resume_index is not None and i >= resume_index:
                    stage_by_month[m] = Stage.RESUMED if i == resume_index else Stage.CONSTRUCTION
                    if i == resume_index:
                        history.append((Stage.STOPPED, Stage.RESUMED, m.day(5)))
                    elif i == resume_index + 1:
                        history.append((Stage.RESUMED, Stage.CONSTRUCTION, m.day(1)))
                elif i < start_index:
                    stage_by_month[m] = Stage.PRELIMINARY
                elif i == start_index:
                    stage_by_month[m] = Stage.NEW_START
                    evidence_by_month[m] = self._start_evidence(category)
                elif complete_index is not None and i == complete_index:
                    stage_by_month[m] = Stage.COMPLETED
                    evidence_by_month[m] = self._completion_evidence(category)
                    completion_date = m.day(rng.randint(1, 25))
                    history.append((history[-1][1], Stage.COMPLETED, completion_date))
                elif complete_index is not None and i > complete_index:
                    stage_by_month[m] = Stage.COMPLETED
                else:
                    stage_by_month[m] = Stage.CONSTRUCTION
                    if i == start_index + 1:
                        history.append((Stage.NEW_START, Stage.CONSTRUCTION, m.day(1)))
            stage = stage_by_month[last]
        if story == "continuing" and stage == Stage.CONSTRUCTION and rng.random() < 0.15 and len(months) > 3:
            # Some projects that started before this year complete in it.
            m = months[rng.randrange(len(months) - 3, len(months))]
            for later in months:
                if later >= m:
                    stage_by_month[later] = Stage.COMPLETED
            evidence_by_month[m] = self._completion_evidence(category)
            completion_date = m.day(rng.randint(1, 25))
            history.append((history[-1][1], Stage.COMPLETED, completion_date))
            stage = Stage.COMPLETED
        stage_date = history[-1][2]
        year_plan = (total * Decimal(rng.choice([15, 20, 30, 40, 50])) / 100).quantize(Decimal(1))
        project_class = rng.choice(list(ProjectClass)) if stage_by_month else None
        in_statistics = bool(stage_by_month) and stage not in (Stage.SIGNED, Stage.PRELIMINARY) and rng.random() < 0.85
        leader = rng.choice(LEADERS)
        project = Project(
            id=pid,
            code=f"HZ{year}-{pid:05d}",
            name=name,
            unit_id=unit_id,
            owner_company=owner,
            location=f"{self.ledger.unit.name}{rng.choice(['经济开发区', '工业园区', '农业园区', '城区'])}",
            category=category,
            industry=industry,
            construction_kind=rng.choice(list(ConstructionKind)),
            stage=stage,
            stage_date=stage_date,
            total_investment_wan=total,
            year_plan_wan=year_plan if stage not in (Stage.RESERVE, Stage.PRODUCTION) else None,
            planned_start=start_date or date(year, rng.randint(1, 12), 1),
            planned_completion=None,
            start_date=start_date,
            completion_date=completion_date,
            scale_content=f"总建筑面积{rng.randint(1, 30) * 5000}平方米，建设生产厂房、仓库及配套设施",
            leader=leader,
            responsible_unit="",  # filled from the unit's name in write_projects
            cooperating_units=rng.choice(["区发改局、区自然资源分局", "区住建局、区生态环境分局", "区商务局、区税务局"]),
            steward=rng.choice(STEWARDS),
            team_six="一名包保领导、一个责任单位、一名项目管家、一套推进方案、一张时间表、一抓到底",
            contact_person=rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            project_class=project_class,
            in_statistics=in_statistics,
            flags=frozenset(flags),
            note="",
            created_at=self.ledger.now(),
            updated_at=self.ledger.now(),
        )
        row = to_row(project, with_id=True)
        self.project_rows.append(row)
        for from_stage, to_stage, on in history:
            self.stage_rows.append((pid, from_stage.value if from_stage else None, to_stage.value, on.isoformat(),
                                    "", self.now, "演示"))
        self._months(project, stage_by_month, evidence_by_month)
        self._approvals(project)
        self._problems(project)

    def _start_evidence(self, category: Category) -> frozenset[Evidence]:
        roll = self.rng.random()
        if category == Category.TOURISM:
            if roll < 0.15:
                return frozenset({Evidence.SITE_LEVELING})  # no construction on site: not recognised
            return frozenset({Evidence.CONSTRUCTION_ON_SITE})
        if roll < 0.12:
            return frozenset({Evidence.SITE_LEVELING})  # 场地平整不予认定
        if roll < 0.55:
            return frozenset({Evidence.PILING, Evidence.CONSTRUCTION_ON_SITE})
        if roll < 0.9:
            return frozenset({Evidence.TRENCHING})
        return frozenset({Evidence.TRENCHING, Evidence.SITE_LEVELING})

    def _completion_evidence(self, category: Category) -> frozenset[Evidence]:
        roll = self.rng.random()
        if category in (Category.INDUSTRIAL, Category.AGRICULTURAL):
            if roll < 0.15:
                return frozenset({Evidence.CONTRACT_COMPLETE, Evidence.EQUIPMENT_INSTALLED})  # no trial run
            return frozenset({Evidence.CONTRACT_COMPLETE, Evidence.EQUIPMENT_INSTALLED, Evidence.TRIAL_PRODUCTION})
        if roll < 0.1:
            return frozenset({Evidence.CONTRACT_COMPLETE})
        return frozenset({Evidence.CONTRACT_COMPLETE, Evidence.READY_FOR_USE})

    def _months(
        self, project: Project, stage_by_month: dict[Month, Stage], evidence: dict[Month, frozenset[Evidence]]
    ) -> None:
        rng = self.rng
        ytd = Decimal(0)
        building = {Stage.NEW_START, Stage.CONSTRUCTION, Stage.RESUMED}
        plan = project.year_plan_wan or project.total_investment_wan / 5
        monthly = plan / 10
        total_before = (project.total_investment_wan * Decimal(rng.choice([10, 20, 35, 50])) / 100).quantize(Decimal(1)) \
            if project.start_date and project.start_date.year < self.year else Decimal(0)
        completed_seen = False
        for m in self.months:
            stage = stage_by_month.get(m)
            if stage is None:
                continue
            if stage == Stage.COMPLETED and completed_seen:
                # After the completion month the project leaves the monthly report.
                continue
            completed_seen = completed_seen or stage == Stage.COMPLETED
            if stage in building or (stage == Stage.COMPLETED and m in evidence):
                amount = (monthly * Decimal(rng.randint(60, 140)) / 100).quantize(Decimal("0.01"))
            else:
                amount = Decimal(0)
            ytd += amount
            stats = ytd
            if project.in_statistics and rng.random() < 0.08:
                stats = (ytd * Decimal(rng.choice([80, 90, 95]))/100).quantize(Decimal("0.01"))
            domestic = (amount * Decimal(rng.choice([0, 0, 50, 80])) / 100).quantize(Decimal("0.01"))
            foreign = Decimal(rng.choice([0] * 12 + [50, 120]))
            self.month_rows.append((
                project.id, str(m), stage.value,
                int(amount * 10000), int(ytd * 10000), int((total_before + ytd) * 10000) if project.start_date else None,
                rng.choice(PROGRESS.get(stage, PROGRESS[Stage.CONSTRUCTION])),
                _json_list(evidence.get(m, frozenset())),
                project.project_class.value if project.project_class else None,
                int(project.in_statistics),
                int(stats * 10000) if project.in_statistics else None,
                int(domestic * 10000), int(foreign * 10000),
                "", self.now, "演示",
            ))

    def _approvals(self, project: Project) -> None:
        rng = self.rng
        if project.stage in (Stage.RESERVE,):
            return
        started = project.start_date is not None
        for kind in ApprovalKind:
            if kind == ApprovalKind.ENERGY and project.total_investment_wan < 10000:
                status = ApprovalStatus.NOT_REQUIRED
            elif started or rng.random() < 0.4:
                status = ApprovalStatus.DONE
            else:
                status = rng.choice([ApprovalStatus.PENDING, ApprovalStatus.IN_PROGRESS])
            when = None
            if status == ApprovalStatus.DONE:
                base = project.start_date or date(self.year, 1, 15)
                when = base - timedelta(days=rng.randint(20, 200))
            self.approval_rows.append((project.id, kind.value, status.value, when.isoformat() if when else None,
                                       f"海发改备〔{self.year - 1}〕{rng.randint(1, 300)}号" if when and kind ==
                                       ApprovalKind.PROJECT_APPROVAL else "", ""))

    def _problems(self, project: Project) -> None:
        rng = self.rng
        if project.stage in (Stage.RESERVE, Stage.PRODUCTION) or rng.random() > 0.18:
            return
        title = rng.choice(["用地指标未落实", "施工许可办理进度慢", "企业融资困难", "供电线路未接入", "征地拆迁未完成",
                            "环评批复待取得", "施工道路未打通"])
        deadline = self.today + timedelta(days=rng.randint(-60, 60))
        state = rng.choice([ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.IN_PROGRESS, ProblemState.RESOLVED])
        self.problems.append(Problem(
            title=title, project_id=project.id, detail=f"{project.name}：{title}，需协调解决。",
            owner_unit=rng.choice(["区自然资源分局", "区住建局", "区发改局", "区供电公司", "区生态环境分局"]),
            leader=project.leader, deadline=deadline, state=state,
            resolution="已协调解决" if state == ProblemState.RESOLVED else "",
            created_on=deadline - timedelta(days=45),
            closed_on=deadline - timedelta(days=3) if state == ProblemState.RESOLVED else None,
        ))

    # ----------------------------------------------------------- writing
    def write_projects(self) -> None:
        conn = self.ledger.conn
        cols = list(self.project_rows[0])
        conn.executemany(
            f"INSERT INTO projects ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(r[c] for c in cols) for r in self.project_rows],
        )
        conn.executemany(
            "INSERT INTO project_months (project_id, month, stage, invested_month_yuan, invested_ytd_yuan,"
            " invested_total_yuan, progress, evidence, project_class, in_statistics, statistics_ytd_yuan,"
            " domestic_funds_yuan, foreign_funds_usd, problems_note, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.month_rows,
        )
        conn.executemany(
            "INSERT INTO stage_changes (project_id, from_stage, to_stage, on_date, reason, at, clerk)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            self.stage_rows,
        )
        conn.executemany(
            "INSERT INTO approvals (project_id, kind, status, approved_on, document_no, note)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            self.approval_rows,
        )
        self.ledger.problems.add_many(self.problems, summary="演示台账：存在问题")
        # Each project's responsible unit is its own township/department.
        conn.execute(
            "UPDATE projects SET responsible_unit = (SELECT name FROM units WHERE units.id = projects.unit_id)"
        )

    # ------------------------------------------------------------ leads
    def teams_and_leads(self) -> None:
        ledger = self.ledger
        rng = self.rng
        district_id = ledger.unit_id
        teams = [
            ledger.teams.add(Team(name, lead_unit=lead, member_units=members, leaders=leaders,
                                  sector_focus=focus, unit_id=district_id))
            for name, lead, members, leaders, focus in TEAMS
        ]
        project_ids = [r["id"] for r in self.project_rows if r["stage"] in ("signed", "preliminary")]
        lead_number = 0
        for month in self.months:
            for team in teams[2:]:  # the five sector teams travel every month
                start = month.day(rng.randint(3, 18))
                visited = rng.randint(5, 9)
                trip = ledger.trips.add(Trip(ident(team), start, start + timedelta(days=rng.randint(1, 4)),
                                             rng.choice(CITIES), visited))
                for _ in range(rng.randint(2, 5)):
                    lead_number += 1
                    visit = start + timedelta(days=rng.randint(0, 1))
                    state = rng.choices(list(LeadState)[:4], weights=[50, 30, 12, 8])[0]
                    if state == LeadState.LANDED and not project_ids:
                        state = LeadState.SIGNED
                    person = rng.choice(SURNAMES) + rng.choice(GIVEN)
                    city = rng.choice(CITIES)
                    product = rng.choice(PRODUCTS[Category.INDUSTRIAL])
                    lead = Lead(
                        company=f"{city}{rng.choice(PLACES)}{product}{rng.choice(['有限公司', '股份有限公司', '集团有限公司'])}",
                        person_name=person, visit_date=visit,
                        address=f"{city}市{rng.choice(['高新区', '经开区', '工业园'])}{rng.randint(1, 300)}号",
                        position=rng.choice(POSITIONS),
                        phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
                        email=f"invest{lead_number}@example.com",
                        wechat=f"wx_{lead_number:05d}" if rng.random() < 0.5 else "",
                        business_scope=rng.choice(SCOPES),
                        intent_industry=product,
                        intent_amount_wan=Decimal(rng.choice([2000, 5000, 10000, 20000, 50000])),
                        intent_location=rng.choice(["海州经济开发区", "韩家店镇工业园", "五龙街道"]),
                        intent_form=rng.choice(INTENT_FORMS),
                        source=LeadSource.TEAM, team_id=team.id, trip_id=trip.id,
                        owner_clerk=rng.choice(STEWARDS), state=state,
                        project_id=project_ids.pop() if state == LeadState.LANDED else None,
                        unit_id=district_id,
                    )
                    if rng.random() < 0.05 and state == LeadState.LEAD:
                        lead.state = LeadState.SHELVED
                        lead.state_reason = "企业投资计划推迟"
                    saved = ledger.leads.add(lead, audit=False)
                    if state in (LeadState.NEGOTIATING, LeadState.SIGNED, LeadState.LANDED):
                        ledger.followups.add(FollowUp(ident(saved), visit + timedelta(days=7),
                                                      "电话回访，企业有意来我区实地考察",
                                                      "邀请企业来海州考察", visit + timedelta(days=30)),
                                             audit=False)
                    if saved.project_id:
                        ledger.conn.execute("UPDATE projects SET source_lead_id = ? WHERE id = ?",
                                            (saved.id, saved.project_id))
        # A few leads from intermediaries and townships.
        for i in range(6):
            ledger.leads.add(Lead(
                company=f"{rng.choice(CITIES)}{rng.choice(PLACES)}商贸有限公司", person_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                visit_date=self.months[-1].day(5 + i), position="总经理",
                phone=f"0418-{rng.randint(2000000, 8999999)}",
                business_scope=rng.choice(SCOPES), intent_industry="商贸物流",
                source=LeadSource.INTERMEDIARY if i % 2 == 0 else LeadSource.TOWNSHIP,
                intermediary="阜新市辽商总会" if i % 2 == 0 else "",
                source_unit_id=None if i % 2 == 0 else self.unit_ids[i % len(TOWNSHIPS)],
                unit_id=district_id, owner_clerk=rng.choice(STEWARDS),
            ), audit=False)

    # ------------------------------------------------------------ tasks
    def tasks_and_targets(self) -> None:
        ledger = self.ledger
        year = self.year
        units = [u for u in ledger.units.all() if u.id in self.unit_ids]
        towns = [u for u in units if u.kind in (UnitKind.TOWNSHIP, UnitKind.STREET)]
        spec: list[tuple[TaskGroup, str, str, str, IndicatorKind, Metric | None, list[int]]] = [
            (TaskGroup.INVESTMENT, "1", "招商引资到位资金", "全区引进国内资金", IndicatorKind.AMOUNT_YI,
             Metric.DOMESTIC_FUNDS, [8, 5, 4, 4, 3, 3, 3]),
            (TaskGroup.INVESTMENT, "2", "招商引资签约项目", "全区签约注册项目", IndicatorKind.COUNT,
             Metric.SIGNED_PROJECTS, [6, 4, 4, 3, 3, 3, 2]),
            (TaskGroup.INVESTMENT, "3", "精准定位高质量包装项目", "策划包装招商项目，形成招商“项目清单”",
             IndicatorKind.COUNT, Metric.RESERVE_PACKAGED, [5, 4, 3, 3, 3, 2, 2]),
            (TaskGroup.INVESTMENT, "4", "瞄准重点区域抓招商", "全年组织“走出去”主题招商活动", IndicatorKind.COUNT,
             None, [3, 2, 2, 2, 1, 1, 1]),
            (TaskGroup.CONSTRUCTION, "1", "新开工亿元以上产业项目", "新开工亿元以上产业项目（按认定标准）",
             IndicatorKind.COUNT, Metric.NEW_STARTS, [4, 3, 3, 2, 2, 2, 1]),
            (TaskGroup.CONSTRUCTION, "2", "竣工亿元以上产业项目", "竣工亿元以上产业项目", IndicatorKind.COUNT,
             Metric.COMPLETIONS, [3, 2, 2, 2, 2, 1, 1]),
            (TaskGroup.CONSTRUCTION, "3", "续建产业项目复工", "续建产业项目复工率90%以上", IndicatorKind.RATE,
             Metric.RESUMPTION_RATE, [90, 90, 90, 90, 90, 90, 90]),
            (TaskGroup.CONSTRUCTION, "4", "领导帮扶项目", "实施重点项目领导帮扶责任制", IndicatorKind.COUNT,
             Metric.LEADER_HELPED, [3, 2, 2, 2, 2, 1, 1]),
        ]
        for section, seq, name, content, indicator, metric, split in spec:
            planned_text = "，".join(f"{u.name}{v}{'亿元' if indicator == IndicatorKind.AMOUNT_YI else '%' if indicator == IndicatorKind.RATE else '项'}"
                                    for u, v in zip(towns, split, strict=False))
            task = ledger.tasks.add(Task(
                year=year, name=name, section=section, seq=seq, content=content, indicator=indicator, metric=metric,
                deadline=date(year, 12, 31), deadline_text="12月底", lead_units="各镇街",
                cooperating_units="区直相关部门", note=planned_text,
            ))
            for unit, value in zip(towns, split, strict=False):
                ledger.task_targets.add(TaskTarget(ident(task), ident(unit), Decimal(value)), audit=False)
        for unit, (starts, completions) in zip(towns, [(4, 3), (3, 2), (3, 2), (2, 2), (2, 2), (2, 1), (1, 1)],
                                               strict=False):
            for metric, value in ((Metric.NEW_STARTS, starts), (Metric.COMPLETIONS, completions),
                                  (Metric.SIGNED_PROJECTS, starts + 2), (Metric.LEADER_HELPED, 2)):
                ledger.targets.add(Target(ident(unit), year, metric, Decimal(value),
                                          min_investment_wan=Decimal(10000) if metric in
                                          (Metric.NEW_STARTS, Metric.COMPLETIONS) else None), audit=False)


def _json_list(values: frozenset[Evidence]) -> str:
    import json

    return json.dumps(sorted(v.value for v in values))


def build_demo(
    path: Path | str,
    *,
    projects: int = 120,
    seed: int = 2018,
    today: date | None = None,
    clerk: str = "演示用户",
    progress: Callable[[str], None] = lambda message: None,
    clock: Callable[[], object] | None = None,
) -> Ledger:
    """Create a demo ledger at ``path`` (which must not exist) and return it open."""
    if projects < 0:
        raise ValueError("项目数不能为负数")
    ledger = Ledger.create(path, DISTRICT, unit_kind=UnitKind.DISTRICT, parent_name=CITY,
                           parent_kind=UnitKind.CITY, clerk=clerk)
    if clock is not None:
        ledger.clock = clock  # type: ignore[assignment]
    options = DemoOptions(projects=projects, seed=seed, today=today)
    builder = _Builder(ledger, options, progress)
    with ledger.transaction():
        builder.units()
        progress("正在生成项目")
        builder.projects()
        if builder.project_rows:
            builder.write_projects()
        progress("正在生成招商线索")
        builder.teams_and_leads()
        builder.tasks_and_targets()
        ledger.set_setting("demo", True)
        ledger.audit("demo", "ledger", None, f"生成演示台账：{projects} 个项目")
    return ledger
