"""The words clerks write in their own sheets, mapped to the glossary.

A township's ledger says 新建 where another says 新开工, 续建 where Desk says 在建, and
“是/√/已入统” for 入库入统. These tables turn such words into the glossary's values. A word
that is not here is not guessed at: the caller reports it, naming the words it accepts.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import Any, TypeVar

from desk.core.glossary import (
    Category,
    ConstructionKind,
    LabeledEnum,
    LeadSource,
    LeadState,
    ProjectClass,
    Stage,
)

E = TypeVar("E", bound=LabeledEnum)

# Each table lists extra words beside the glossary's own label and stored value, which
# are always accepted.
STAGE_WORDS: dict[Stage, tuple[str, ...]] = {
    Stage.RESERVE: ("储备", "谋划", "谋划储备", "储备项目", "谋划项目"),
    Stage.SIGNED: ("签约", "已签约", "签约注册", "注册", "已注册", "签约项目"),
    Stage.PRELIMINARY: ("前期", "前期工作", "前期手续", "前期阶段", "办理前期手续"),
    Stage.NEW_START: ("新开工", "新建", "新开", "开工", "已开工", "新开工项目"),
    Stage.CONSTRUCTION: ("在建", "续建", "续建项目", "在建项目", "施工", "施工中", "建设中", "正在建设"),
    Stage.COMPLETED: ("竣工", "已竣工", "完工", "已完工", "建成", "已建成", "竣工验收"),
    Stage.PRODUCTION: ("投产", "已投产", "达产", "投产达效", "运营", "已运营", "投入使用", "已投入使用"),
    Stage.STOPPED: ("停工", "已停工", "暂停", "停建", "缓建"),
    Stage.RESUMED: ("复工", "已复工", "复建"),
}

CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.INDUSTRIAL: ("工业", "工业项目", "制造业", "工业类"),
    Category.AGRICULTURAL: ("农业产业化", "农业", "农业项目", "农业产业化项目", "农产品加工", "现代农业", "农业类"),
    Category.SERVICE: ("服务业", "服务业项目", "现代服务业", "商贸", "商贸物流", "物流", "服务类", "三产"),
    Category.TOURISM: ("旅游", "旅游项目", "文旅", "文化旅游", "旅游业", "旅游类"),
    Category.OTHER: ("其他", "其它", "基础设施", "社会事业", "民生", "城建"),
}

CONSTRUCTION_KIND_WORDS: dict[ConstructionKind, tuple[str, ...]] = {
    ConstructionKind.NEW: ("新建",),
    ConstructionKind.EXPANSION: ("扩建", "改扩建"),
    ConstructionKind.RENOVATION: ("改建", "技改", "技术改造", "改造", "改建/技改"),
    ConstructionKind.RELOCATION: ("迁建", "搬迁", "异地搬迁"),
}

PROJECT_CLASS_WORDS: dict[ProjectClass, tuple[str, ...]] = {
    ProjectClass.A: ("A", "A类", "a"),
    ProjectClass.B: ("B", "B类", "b"),
    ProjectClass.C: ("C", "C类", "c"),
    ProjectClass.D: ("D", "D类", "d"),
}

LEAD_STATE_WORDS: dict[LeadState, tuple[str, ...]] = {
    LeadState.LEAD: ("线索", "初步接触"),
    LeadState.NEGOTIATING: ("洽谈", "在谈", "洽谈中", "正在洽谈", "对接中", "跟踪洽谈"),
    LeadState.SIGNED: ("签约", "已签约", "签订协议", "已签协议"),
    LeadState.LANDED: ("落地", "已落地", "已注册落地"),
    LeadState.SHELVED: ("搁置", "暂缓", "暂停"),
    LeadState.ABANDONED: ("放弃", "终止", "已放弃"),
}

LEAD_SOURCE_WORDS: dict[LeadSource, tuple[str, ...]] = {
    LeadSource.TEAM: ("招商小分队", "小分队", "产业小分队"),
    LeadSource.TOWNSHIP: ("乡镇街道", "乡镇", "街道", "镇街"),
    LeadSource.DEPARTMENT: ("区直部门", "部门", "区直单位"),
    LeadSource.INTERMEDIARY: ("社会化招商", "中介", "中介机构", "委托招商", "商会", "协会"),
}

YES_WORDS = ("是", "已入统", "已入库", "已入库入统", "入统", "入库", "已纳统", "纳统", "√", "✓", "✔", "y", "yes",
             "true", "1", "有")
NO_WORDS = ("否", "未入统", "未入库", "未纳统", "不", "×", "✗", "x", "n", "no", "false", "0", "无")

_TABLES: dict[type[Enum], dict] = {
    Stage: STAGE_WORDS,
    Category: CATEGORY_WORDS,
    ConstructionKind: CONSTRUCTION_KIND_WORDS,
    ProjectClass: PROJECT_CLASS_WORDS,
    LeadState: LEAD_STATE_WORDS,
    LeadSource: LEAD_SOURCE_WORDS,
}

_DROP = re.compile(r"[\s　,，.。;；、:：()（）\[\]【】\"'“”‘’]+")


def word_key(text: str) -> str:
    """The comparable form of a word: half-width, lower case, without spaces and punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _index(enum: type[E]) -> dict[str, E]:
    index: dict[str, E] = {}
    for member in enum:
        for word in (member.value, member.label, *_TABLES.get(enum, {}).get(member, ())):
            index.setdefault(word_key(word), member)
    return index


_INDEXES: dict[type, dict[str, Any]] = {}


def lookup(enum: type[E], text: str) -> E | None:
    """The member a clerk's word stands for, or ``None`` when the word is not known."""
    index = _INDEXES.get(enum)
    if index is None:
        index = _INDEXES[enum] = dict(_index(enum))
    return index.get(word_key(text))


def accepted_words(enum: type[E]) -> list[str]:
    """The glossary labels of ``enum``, for a message that says what would be understood."""
    return [m.label for m in enum]


_YES = frozenset(word_key(w) for w in YES_WORDS)
_NO = frozenset(word_key(w) for w in NO_WORDS)


def parse_yes_no(text: str) -> bool | None:
    """是/否 in the forms clerks write it; ``None`` when the word is neither."""
    key = word_key(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None
