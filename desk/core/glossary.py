"""The one glossary: every enumerated value Desk stores, with the Chinese word a clerk sees.

The database stores the English value (``Stage.NEW_START`` is ``"new_start"``); the UI,
the exports and the tests use ``.label`` (``"新开工"``). ``db/migrations`` repeats the
values in CHECK constraints and ``tests/unit/test_glossary.py`` keeps the two equal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """A string enum whose members carry a Chinese label: ``Member = "value", "标签"``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def from_label(cls, label: str) -> Self:
        text = label.strip()
        for member in cls:
            if member.label == text:
                return member
        raise ValueError(f"{text!r} 不是有效的{cls.title()}")

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept either the stored value or the Chinese label."""
        text = text.strip()
        member = cls._value2member_map_.get(text)
        return member if member is not None else cls.from_label(text)  # type: ignore[return-value]

    @classmethod
    def title(cls) -> str:
        return ENUM_TITLES.get(cls.__name__, cls.__name__)

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]


class UnitKind(LabeledEnum):
    CITY = "city", "市"
    DISTRICT = "district", "区县"
    TOWNSHIP = "township", "乡镇"
    STREET = "street", "街道"
    DEPARTMENT = "department", "部门"
    ZONE = "zone", "开发区/园区"


class Stage(LabeledEnum):
    """Lifecycle stages in order, then the side states (停工/复工)."""

    RESERVE = "reserve", "储备"
    SIGNED = "signed", "签约"
    PRELIMINARY = "preliminary", "前期"
    NEW_START = "new_start", "新开工"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    PRODUCTION = "production", "投产"
    STOPPED = "stopped", "停工"
    RESUMED = "resumed", "复工"


# The main line of the stage machine; 停工/复工 branch off 新开工/在建.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.RESERVE,
    Stage.SIGNED,
    Stage.PRELIMINARY,
    Stage.NEW_START,
    Stage.CONSTRUCTION,
    Stage.COMPLETED,
    Stage.PRODUCTION,
)
# Stages in which a project is being built (and so reported every month).
BUILDING_STAGES: frozenset[Stage] = frozenset(
    {Stage.NEW_START, Stage.CONSTRUCTION, Stage.STOPPED, Stage.RESUMED}
)
# Stages whose projects are still worked on and so appear in the monthly report.
ACTIVE_STAGES: frozenset[Stage] = frozenset(
    {Stage.SIGNED, Stage.PRELIMINARY, Stage.COMPLETED} | BUILDING_STAGES
)


class Category(LabeledEnum):
    INDUSTRIAL = "industrial", "工业"
    AGRICULTURAL = "agricultural", "农业产业化"
    SERVICE = "service", "服务业"
    TOURISM = "tourism", "旅游"
    OTHER = "other", "其他"


class ConstructionKind(LabeledEnum):
    NEW = "new", "新建"
    EXPANSION = "expansion", "扩建"
    RENOVATION = "renovation", "改建/技改"
    RELOCATION = "relocation", "迁建"


class ProjectClass(LabeledEnum):
    """分类推进 (盘锦2018): A 顺利推进 … D 推进困难; C/D changing class counts in scoring."""

    A = "A", "A类"
    B = "B", "B类"
    C = "C", "C类"
    D = "D", "D类"


class Flag(LabeledEnum):
    """Project flags used for bonus points and special lists."""

    WORLD_500 = "world500", "世界500强"
    CHINA_500 = "china500", "国内500强"
    INDUSTRY_100 = "industry100", "行业百强"
    LISTED = "listed", "上市公司"
    HIGH_TECH = "high_tech", "高新技术企业"
    PRECISION = "precision", "精准招商"
    ENCLAVE = "enclave", "飞地经济"
    LEADER_HELPED = "leader_helped", "领导帮扶"


class ApprovalKind(LabeledEnum):
    PROJECT_APPROVAL = "project_approval", "立项(备案/核准/审批)"
    LAND = "land", "用地"
    PLANNING = "planning", "规划"
    ENVIRONMENT = "environment", "环评"
    ENERGY = "energy", "能评"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可"


class ApprovalStatus(LabeledEnum):
    PENDING = "pending", "未办理"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    NOT_REQUIRED = "not_required", "无需办理"


class Evidence(LabeledEnum):
    """What a clerk can tick as seen on site for a month (认定证据)."""

    PILING = "piling", "打桩"
    TRENCHING = "trenching", "开槽"
    SITE_LEVELING = "site_leveling", "场地平整"
    CONSTRUCTION_ON_SITE = "construction_on_site", "现场施工场面"
    EQUIPMENT_INSTALLED = "equipment_installed", "设备安装"
    TRIAL_PRODUCTION = "trial_production", "试生产"
    CONTRACT_COMPLETE = "contract_complete", "完成设计及合同内容"
    READY_FOR_USE = "ready_for_use", "具备投入使用条件"


class Claim(LabeledEnum):
    NEW_START = "new_start", "新开工"
    COMPLETION = "completion", "竣工"


class RecognitionStatus(LabeledEnum):
    """Where a project stands in a year's recognition as of a month (the project table's column).

    A claim made that month shows its verdict; a recognised new start of the year is then
    watched by the dynamic review (动态考评, 盘锦2018 五.2): dropped when it stops or shows no
    progress, counted again when it resumes, and a suspected false start if the year ends
    before it resumes.
    """

    START_RECOGNISED = "start_recognised", "新开工认定"
    START_REJECTED = "start_rejected", "新开工不予认定"
    COMPLETION_RECOGNISED = "completion_recognised", "竣工认定"
    COMPLETION_REJECTED = "completion_rejected", "竣工不予认定"
    DROPPED = "dropped", "剔除"
    RESUMED = "resumed", "复工复评"
    SUSPECTED_FAKE = "suspected_fake", "疑似假开工"


class MonthFilter(LabeledEnum):
    """The claims made in one month, as the month's recognition summary counts them."""

    CLAIMED = "claimed", "本月申报"
    RECOGNISED = "recognised", "本月认定"
    NOT_RECOGNISED = "not_recognised", "本月不予认定"
    MISSING_FILES = "missing_files", "缺少证据材料"


class AttachmentKind(LabeledEnum):
    PHOTO = "photo", "现场照片"
    DOCUMENT = "document", "文件资料"


class LeadState(LabeledEnum):
    LEAD = "lead", "线索"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    SHELVED = "shelved", "搁置"
    ABANDONED = "abandoned", "放弃"


class LeadSource(LabeledEnum):
    TEAM = "team", "招商小分队"
    TOWNSHIP = "township", "乡镇街道"
    DEPARTMENT = "department", "区直部门"
    INTERMEDIARY = "intermediary", "社会化招商"


class ProblemState(LabeledEnum):
    OPEN = "open", "待办"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已办结"
    CLOSED = "closed", "已销号"


class TaskGroup(LabeledEnum):
    INVESTMENT = "investment", "招商引资工作任务"
    CONSTRUCTION = "construction", "项目建设工作任务"
    SUPPORT = "support", "要素保障工作任务"
    OTHER = "other", "其他工作任务"


class IndicatorKind(LabeledEnum):
    COUNT = "count", "数量(项)"
    AMOUNT_WAN = "amount_wan", "金额(万元)"
    AMOUNT_YI = "amount_yi", "金额(亿元)"
    AMOUNT_USD_YI = "amount_usd_yi", "金额(亿美元)"
    RATE = "rate", "比率(%)"
    TEXT = "text", "文字说明"


class TaskStatus(LabeledEnum):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class Metric(LabeledEnum):
    """Indicators the ledger can count by itself (targets and task actuals)."""

    NEW_STARTS = "new_starts", "新开工项目"
    COMPLETIONS = "completions", "竣工项目"
    CONTINUING = "continuing", "续建项目"
    RESUMED = "resumed", "复工项目"
    RESUMPTION_RATE = "resumption_rate", "续建项目复工率"
    SIGNED_PROJECTS = "signed_projects", "签约注册项目"
    SIGNED_INVESTMENT = "signed_investment", "签约项目投资总额"
    DOMESTIC_FUNDS = "domestic_funds", "到位内资"
    FOREIGN_FUNDS = "foreign_funds", "实际利用外资"
    RESERVE_PACKAGED = "reserve_packaged", "包装储备项目"
    LEADER_HELPED = "leader_helped", "领导帮扶项目"
    LEADS = "leads", "招商线索"
    VISITS = "visits", "拜访企业"
    FIXED_ASSET_INVESTMENT = "fixed_asset_investment", "完成固定资产投资"


class Light(LabeledEnum):
    """A target's progress against the time elapsed (the traffic light; desk.core.progress)."""

    DONE = "done", "已完成"
    GREEN = "green", "进度正常"
    AMBER = "amber", "略有滞后"
    RED = "red", "明显滞后"
    NONE = "none", "未设指标"
    UNREPORTED = "unreported", "未填报"


class DueState(LabeledEnum):
    """Where a problem stands against its deadline (限时办结、超时预警; desk.core.problems)."""

    OVERDUE = "overdue", "已超时"
    DUE_SOON = "due_soon", "即将到期"
    ON_TIME = "on_time", "未到期"
    NO_DEADLINE = "no_deadline", "未设时限"
    DONE_ON_TIME = "done_on_time", "按期办结"
    DONE_LATE = "done_late", "超期办结"


class SubmissionStatus(LabeledEnum):
    DRAFT = "draft", "待报送"
    SUBMITTED = "submitted", "已报送"
    SUPERSEDED = "superseded", "已更正"


class IdentitySource(LabeledEnum):
    GENERATED = "generated", "本机生成"
    PKCS12 = "pkcs12", "导入证书(.p12/.pfx)"


ENUM_TITLES: dict[str, str] = {
    "UnitKind": "单位类型",
    "Stage": "项目阶段",
    "Category": "项目类别",
    "ConstructionKind": "建设性质",
    "ProjectClass": "推进分类",
    "Flag": "项目标记",
    "ApprovalKind": "前期手续",
    "ApprovalStatus": "办理状态",
    "Evidence": "认定证据",
    "Claim": "申报类型",
    "RecognitionStatus": "认定状态",
    "MonthFilter": "本月认定",
    "AttachmentKind": "附件类型",
    "LeadState": "线索状态",
    "LeadSource": "线索来源",
    "ProblemState": "问题状态",
    "TaskGroup": "任务分组",
    "IndicatorKind": "指标类型",
    "TaskStatus": "任务状态",
    "Metric": "统计指标",
    "Light": "进度状态",
    "DueState": "时限状态",
    "SubmissionStatus": "报送状态",
    "IdentitySource": "证书来源",
}

ALL_ENUMS: tuple[type[LabeledEnum], ...] = (
    UnitKind,
    Stage,
    Category,
    ConstructionKind,
    ProjectClass,
    Flag,
    ApprovalKind,
    ApprovalStatus,
    Evidence,
    Claim,
    RecognitionStatus,
    MonthFilter,
    AttachmentKind,
    LeadState,
    LeadSource,
    ProblemState,
    TaskGroup,
    IndicatorKind,
    TaskStatus,
    Metric,
    Light,
    DueState,
    SubmissionStatus,
    IdentitySource,
)

# Field names a clerk sees, used by validation messages, audit history and exports.
FIELD_LABELS: dict[str, str] = {
    # units
    "parent_id": "上级单位",
    "kind": "类型",
    # projects
    "code": "项目编号",
    "name": "项目名称",
    "unit_id": "所属单位",
    "owner_company": "建设单位",
    "location": "建设地点",
    "category": "项目类别",
    "industry": "所属行业",
    "construction_kind": "建设性质",
    "stage": "项目阶段",
    "stage_date": "阶段日期",
    "total_investment_wan": "总投资(万元)",
    "year_plan_wan": "年度计划投资(万元)",
    "planned_start": "计划开工时间",
    "planned_completion": "计划竣工时间",
    "start_date": "开工时间",
    "completion_date": "竣工时间",
    "scale_content": "建设规模及内容",
    "leader": "包保领导",
    "responsible_unit": "责任单位",
    "cooperating_units": "配合单位",
    "steward": "项目管家",
    "team_six": "“六个一”推进团队",
    "contact_person": "企业联系人",
    "contact_phone": "联系电话",
    "project_class": "推进分类",
    "in_statistics": "入库入统",
    "flags": "项目标记",
    "source_lead_id": "来源线索",
    "archived": "移出项目库",
    "note": "备注",
    # monthly records
    "month": "月份",
    "invested_month_wan": "本月完成投资(万元)",
    "invested_ytd_wan": "年度累计完成投资(万元)",
    "invested_total_wan": "开工累计完成投资(万元)",
    "progress": "形象进度",
    "evidence": "认定证据",
    "statistics_ytd_wan": "统计库累计投资(万元)",
    "domestic_funds_wan": "到位内资(万元)",
    "foreign_funds_wusd": "实际利用外资(万美元)",
    "problems_note": "存在问题",
    # approvals
    "status": "状态",
    "approved_on": "办结日期",
    "document_no": "批复文号",
    # leads
    "visit_date": "拜访日期",
    "person_name": "客商姓名",
    "company": "企业名称",
    "address": "地址",
    "position": "职务",
    "phone": "电话",
    "email": "电子邮箱",
    "wechat": "微信",
    "business_scope": "经营范围",
    "intent_industry": "意向行业",
    "intent_amount_wan": "意向投资额(万元)",
    "intent_location": "意向落地地点",
    "intent_form": "投资方式",
    "source": "线索来源",
    "team_id": "招商小分队",
    "trip_id": "外出招商",
    "source_unit_id": "来源单位",
    "intermediary": "中介机构/个人",
    "owner_clerk": "负责人",
    "state": "状态",
    "state_reason": "原因",
    "project_id": "项目",
    "lead_id": "线索",
    # follow-ups, teams, trips
    "on_date": "日期",
    "what": "跟进情况",
    "next_step": "下一步",
    "next_date": "下次跟进日期",
    "lead_unit": "第一责任单位",
    "member_units": "联合责任单位",
    "leaders": "责任领导",
    "sector_focus": "重点招商领域",
    "start_on": "出发日期",
    "end_on": "返回日期",
    "destination": "目的地",
    "companies_visited": "拜访企业数",
    # tasks, targets, problems
    "year": "年度",
    "section": "任务分组",
    "seq": "序号",
    "content": "任务内容",
    "indicator": "指标类型",
    "metric": "统计指标",
    "deadline": "完成时限",
    "deadline_text": "完成时限",
    "lead_units": "责任单位",
    "planned": "计划指标",
    "planned_text": "计划指标说明",
    "actual_manual": "手工填报完成值",
    "value": "目标值",
    "min_investment_wan": "起点总投资(万元)",
    "title": "问题",
    "detail": "问题描述",
    "owner_unit": "责任单位",
    "resolution": "办结情况",
    "progress_note": "办理进展",
    "closed_on": "办结日期",
    "created_on": "登记日期",
    "task_id": "任务",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)
