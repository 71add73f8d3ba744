"""The ledger fields a sheet's columns can fill, with the headings clerks give them.

Each field names an attribute of ``Project``, ``ProjectMonth`` (the month's figures,
``record="month"``) or ``Lead``, its kind of value, and the synonyms its column goes by in
township sheets (项目名称/项目名/名称; 建设单位/业主单位/项目法人 …). Headings are compared in
``header_key`` form: half-width, no spaces, units and years taken out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from desk.core.glossary import (
    Category,
    ConstructionKind,
    LeadSource,
    LeadState,
    ProjectClass,
    Stage,
    field_label,
)

PROJECTS = "projects"
LEADS = "leads"
KIND_LABELS = {PROJECTS: "项目台账", LEADS: "招商线索"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text | amount | date | enum | bool | unit
    synonyms: tuple[str, ...]
    enum: type[Enum] | None = None
    currency: str = "CNY"  # amounts: CNY fields are in 万元, USD ones in 万美元
    record: str = "main"  # main (Project/Lead) | month (ProjectMonth)
    max_length: int = 2000

    @property
    def label(self) -> str:
        return field_label(self.name)


def _f(name: str, kind: str, *synonyms: str, **extra: object) -> FieldSpec:
    return FieldSpec(name, kind, synonyms, **extra)  # type: ignore[arg-type]


PROJECT_FIELDS: tuple[FieldSpec, ...] = (
    _f("name", "text", "项目名称", "项目名", "名称", "项目", "建设项目", "项目全称", "重点项目名称", max_length=200),
    _f("code", "text", "项目编号", "项目代码", "编号", "项目编码", "备案代码", "统一项目代码"),
    _f("unit_id", "unit", "所属单位", "所属乡镇", "乡镇", "乡镇街道", "乡镇(街道)", "所在乡镇", "属地",
       "所属乡镇街道", "镇街", "属地单位", "县区", "所属县区", "地区"),
    _f("owner_company", "text", "建设单位", "业主单位", "项目法人", "项目单位", "投资主体", "实施单位",
       "建设主体", "项目业主", "投资企业", "企业名称", "项目建设单位"),
    _f("location", "text", "建设地点", "项目地点", "地点", "项目选址", "选址", "建设地址", "项目地址", "落地地点"),
    _f("category", "enum", "项目类别", "类别", "项目类型", "类型", "产业类别", "项目性质类别", enum=Category),
    _f("industry", "text", "所属行业", "行业", "产业", "行业类别", "行业分类", "所属产业"),
    _f("construction_kind", "enum", "建设性质", "性质", enum=ConstructionKind),
    _f("stage", "enum", "项目阶段", "阶段", "项目状态", "状态", "建设状态", "建设阶段", "项目进度阶段", "项目进展阶段",
       "开工状态", enum=Stage),
    _f("total_investment_wan", "amount", "总投资", "计划总投资", "项目总投资", "总投资额", "投资总额", "投资额",
       "估算总投资", "协议投资额", "签约投资额"),
    _f("year_plan_wan", "amount", "年度计划", "年度计划投资", "年计划投资", "本年计划投资", "年度投资计划",
       "年度计划完成投资", "计划投资", "当年计划投资", "年度计划投资额"),
    _f("planned_start", "date", "计划开工时间", "计划开工日期", "拟开工时间", "计划开工", "预计开工时间"),
    _f("planned_completion", "date", "计划竣工时间", "计划竣工日期", "计划竣工", "拟竣工时间", "计划完工时间",
       "预计竣工时间", "计划建成时间"),
    _f("start_date", "date", "开工时间", "开工日期", "实际开工时间", "实际开工日期", "开工"),
    _f("completion_date", "date", "竣工时间", "竣工日期", "实际竣工时间", "完工时间", "建成时间", "竣工"),
    _f("scale_content", "text", "建设规模及内容", "建设内容", "建设规模", "主要建设内容", "规模及内容",
       "建设内容及规模", "主要建设内容及规模"),
    _f("leader", "text", "包保领导", "包联领导", "联系领导", "帮扶领导", "责任领导", "包保市领导", "包保县领导",
       "包保区领导", "分包领导", "包抓领导", "包保县级领导", "包联县级领导"),
    _f("responsible_unit", "text", "责任单位", "牵头单位", "包保单位", "责任部门", "包联单位", "主责单位"),
    _f("cooperating_units", "text", "配合单位", "协办单位", "协助单位"),
    _f("steward", "text", "项目管家", "管家", "服务管家"),
    _f("team_six", "text", "六个一推进团队", "六个一", "工作班子"),
    _f("contact_person", "text", "企业联系人", "联系人", "项目联系人"),
    _f("contact_phone", "text", "联系电话", "电话", "联系方式", "手机", "手机号码"),
    _f("project_class", "enum", "推进分类", "分类", "项目分类", "分类推进", "推进类别", enum=ProjectClass),
    _f("in_statistics", "bool", "入库入统", "是否入统", "是否入库", "入统", "纳统", "是否纳统", "是否入库入统",
       "入库纳统", "是否入库纳统"),
    _f("note", "text", "备注", "说明", "其他"),
    # The month's figures (月调度): written as that month's record.
    _f("invested_month_wan", "amount", "本月完成", "本月完成投资", "当月完成投资", "当月完成", "月度完成投资",
       "本月投资", "月完成投资", record="month"),
    _f("invested_ytd_wan", "amount", "累计完成", "年度累计完成投资", "累计完成投资", "本年累计完成投资",
       "年度累计完成", "本年完成投资", "年度完成投资", "今年累计完成投资", record="month"),
    _f("invested_total_wan", "amount", "开工累计完成投资", "开工以来累计完成投资", "自开工累计完成投资",
       "累计完成总投资", "开工累计完成", record="month"),
    _f("progress", "text", "形象进度", "工程进度", "项目进展", "进展情况", "项目进展情况", "建设进度", "形象进度情况",
       "目前进展", "工程形象进度", record="month"),
    _f("problems_note", "text", "存在问题", "存在的问题", "问题", "存在困难和问题", "需协调解决的问题",
       "困难问题", "需要解决的问题", record="month"),
    _f("domestic_funds_wan", "amount", "到位内资", "内资到位", "到位资金", record="month"),
    _f("foreign_funds_wusd", "amount", "实际利用外资", "利用外资", "到位外资", currency="USD", record="month"),
)

LEAD_FIELDS: tuple[FieldSpec, ...] = (
    _f("company", "text", "企业名称", "公司名称", "单位名称", "客商单位", "企业", "公司", "投资方", "客商企业",
       "投资企业", "拜访企业", max_length=200),
    _f("person_name", "text", "客商姓名", "姓名", "客商", "拜访对象", "拜访客商", "对接人", "客商名称", "企业负责人"),
    _f("visit_date", "date", "拜访日期", "拜访时间", "日期", "时间", "接洽时间", "对接时间", "洽谈时间"),
    _f("address", "text", "地址", "企业地址", "单位地址", "公司地址", "通讯地址"),
    _f("position", "text", "职务", "职位", "职称"),
    _f("phone", "text", "联系方式", "联系电话", "电话", "手机", "手机号", "手机号码"),
    _f("email", "text", "电子邮箱", "邮箱", "email", "e-mail"),
    _f("wechat", "text", "微信", "微信号"),
    _f("business_scope", "text", "经营范围", "主营业务", "企业经营范围", "主要业务", "主营"),
    _f("intent_industry", "text", "意向行业", "投资行业", "产业领域", "意向产业", "项目领域", "所属行业", "行业"),
    _f("intent_amount_wan", "amount", "意向投资额", "拟投资额", "投资额", "意向投资", "拟投资", "计划投资额"),
    _f("intent_location", "text", "意向落地地点", "意向地点", "拟落地地点", "落地地点", "意向选址", "拟选址"),
    _f("intent_form", "text", "投资方式", "合作方式", "投资形式"),
    _f("source", "enum", "线索来源", "来源", "信息来源", enum=LeadSource),
    _f("intermediary", "text", "中介机构/个人", "中介机构", "中介", "引荐人", "推荐人"),
    _f("owner_clerk", "text", "负责人", "跟进人", "经办人", "责任人"),
    _f("state", "enum", "线索状态", "状态", "洽谈状态", "推进状态", enum=LeadState),
    _f("state_reason", "text", "原因", "搁置原因", "放弃原因"),
    _f("note", "text", "备注", "说明"),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {PROJECTS: PROJECT_FIELDS, LEADS: LEAD_FIELDS}


def spec(kind: str, name: str) -> FieldSpec:
    for field in FIELDS[kind]:
        if field.name == name:
            return field
    raise KeyError(name)


def required_groups(kind: str) -> list[tuple[str, ...]]:
    """Fields of which at least one per group must be mapped for an import to make sense."""
    return [("name",)] if kind == PROJECTS else [("company", "person_name")]


_UNITS = r"(万美元|亿美元|美元|万元|亿元|千元|元)"
# 亿 and 万 alone are units only where nothing else can be meant: in brackets ("总投资（亿）"),
# after 单位 ("单位：万") or a slash ("总投资/亿") at the end; never inside a word (年产5万吨).
_SHORT_UNITS = r"(万美元|亿美元|美元|万元|亿元|千元|元|万|亿)"
_UNIT_IN_HEADER = re.compile(
    rf"[(（\[【]\s*(?:单位[:：]?)?\s*{_SHORT_UNITS}\s*[)）\]】]|(?:单位[:：]?\s*)?{_UNITS}$"
    r"|(?:单位[:：]?|/)\s*(万|亿)$"
)
_SHORT_UNIT_NAMES = {"万": "万元", "亿": "亿元"}
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_MONTH_RANGE = re.compile(r"\d{1,2}(?:[-—~～至到]\d{1,2})?月份?")
_PUNCT = re.compile(r"[\s\u3000,，.。:：;；、/\\|()（）\[\]【】\"'“”‘’*＊#№]+")


def header_key(text: str) -> str:
    """A heading in comparable form: ``"2026年计划投资（亿元）"`` → ``"年度计划投资"``."""
    text = unicodedata.normalize("NFKC", text)
    text = _UNIT_IN_HEADER.sub("", text)
    text = _YEAR.sub("年度", text)
    text = _MONTH_RANGE.sub("", text)
    text = _PUNCT.sub("", text)
    return text.casefold().replace("年度年度", "年度")


def header_unit(text: str) -> str | None:
    """The money unit a heading names (``"总投资（亿元）"`` → ``"亿元"``, ``"总投资（亿）"`` → ``"亿元"``)."""
    match = _UNIT_IN_HEADER.search(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    unit = match[1] or match[2] or match[3]
    return _SHORT_UNIT_NAMES.get(unit, unit)


# Every synonym in key form, for the table finder: how header-like a row is.
KNOWN_HEADER_KEYS: frozenset[str] = frozenset(
    header_key(s) for fields in FIELDS.values() for f in fields for s in (*f.synonyms, f.label)
) | frozenset({"序号", "编号", "排序"})
