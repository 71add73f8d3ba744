"""Leads (招商线索): their state machine, company names, follow-up deadlines and landing.

A lead moves 线索 → 洽谈 → 签约 → 落地 (港南2018: the project is registered and becomes a
project in the ledger). Any open lead can be put aside (搁置) or given up (放弃), always
with a reason; a shelved lead can be taken up again, a lead given up cannot (a company
that comes back is a new lead, so the record of the first attempt stays as it was).
落地 is reached only by landing the lead, which creates its project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from desk.core import contacts
from desk.core.errors import RefusedError
from desk.core.glossary import Category, LeadState, Stage
from desk.core.models import FollowUp, Lead, Project

OPEN_STATES: frozenset[LeadState] = frozenset({LeadState.LEAD, LeadState.NEGOTIATING, LeadState.SIGNED})
REASON_STATES: frozenset[LeadState] = frozenset({LeadState.SHELVED, LeadState.ABANDONED})

ALLOWED: dict[LeadState, frozenset[LeadState]] = {
    LeadState.LEAD: frozenset({LeadState.NEGOTIATING, LeadState.SHELVED, LeadState.ABANDONED}),
    LeadState.NEGOTIATING: frozenset({LeadState.SIGNED, LeadState.SHELVED, LeadState.ABANDONED}),
    LeadState.SIGNED: frozenset({LeadState.LANDED, LeadState.SHELVED, LeadState.ABANDONED}),
    LeadState.SHELVED: frozenset({LeadState.LEAD, LeadState.NEGOTIATING, LeadState.ABANDONED}),
    LeadState.ABANDONED: frozenset(),
    LeadState.LANDED: frozenset(),
}
_ORDER = [LeadState.LEAD, LeadState.NEGOTIATING, LeadState.SIGNED, LeadState.LANDED]


def refusal(current: LeadState, target: LeadState, reason: str = "") -> str | None:
    """Why ``current → target`` is impossible, in Chinese; ``None`` when it is allowed.

    ``target == LANDED`` is allowed here for a signed lead; the store only takes that
    step together with creating the project (:func:`project_from_lead`).
    """
    if current == LeadState.LANDED:
        return "线索已落地为项目，状态不能再改变"
    if current == LeadState.ABANDONED:
        return "已放弃的线索不能再改变状态；企业重新有意向时请新建线索"
    if target == current:
        return f"线索已处于“{current.label}”状态"
    if target == LeadState.LANDED and current != LeadState.SIGNED:
        return f"只有已签约的线索才能落地为项目（现在是“{current.label}”）"
    if target not in ALLOWED[current]:
        if current == LeadState.SHELVED and target == LeadState.SIGNED:
            return "搁置的线索须先恢复为“线索”或“洽谈”，再签约"
        if target in _ORDER and current in _ORDER and _ORDER.index(target) < _ORDER.index(current):
            return f"不能从“{current.label}”退回“{target.label}”（如洽谈中断，请改为搁置并写明原因）"
        return f"不能从“{current.label}”直接改为“{target.label}”（须先{_ORDER[_ORDER.index(current) + 1].label}）"
    if target in REASON_STATES and not reason.strip():
        return f"{target.label}线索须填写原因"
    return None


def can_move(current: LeadState, target: LeadState) -> bool:
    return refusal(current, target, reason="…") is None


def next_states(current: LeadState) -> list[LeadState]:
    """What a clerk may choose next, in display order (落地 is its own action)."""
    order = list(LeadState)
    return sorted((s for s in ALLOWED[current] if s != LeadState.LANDED), key=order.index)


def move(lead: Lead, target: LeadState, reason: str = "") -> Lead:
    """The lead after moving to ``target``; raises :class:`RefusedError` with the reason."""
    why = refusal(lead.state, target, reason)
    if why is None and target == LeadState.LANDED:
        why = "请用“落地为项目”：落地时同时在台账中建立项目"
    if why is not None:
        raise RefusedError(f"{describe(lead)}：{why}")
    return replace(lead, state=target, state_reason=reason.strip() if target in REASON_STATES else "")


def describe(lead: Lead) -> str:
    return f"线索“{lead.company or lead.person_name}”"


# ------------------------------------------------------------ company names
# Legal-form endings that say nothing about which company it is, longest first.
_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "股份公司", "有限公司", "公司",
    "co.,ltd", "co.ltd", "coltd", "co.,limited", "limited", "ltd", "inc", "corp", "corporation",
)
_BRACKETS = "()（）[]【】〔〕［］<>《》〈〉「」『』{}"
_PUNCTUATION = "·・.,，、-—–_'\"“”‘’:：;；!！?？&＆/\\"


def company_key(name: str) -> str:
    """The form in which two spellings of one company compare equal.

    Full-width and half-width characters, spaces, the kind of brackets, and the legal
    form at the end (有限公司 / 有限责任公司 / 股份有限公司 …) do not matter:
    ``“中储粮（海州）粮油工业 有限公司”`` and ``“中储粮[海州]粮油工业有限责任公司”`` share
    one key. A branch (分公司) or a group (集团) is a different company, so stays.
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = re.sub(r"\s+", "", text)
    text = text.translate({ord(c): None for c in _BRACKETS + _PUNCTUATION})
    for form in _LEGAL_FORMS:  # longest first; one legal form per name
        plain = form.translate({ord(c): None for c in _PUNCTUATION})
        if text.endswith(plain):
            if len(text) > len(plain):
                text = text[: -len(plain)]
            break
    if text.endswith("股份") and len(text) > 2:  # 某某股份有限（责任）公司 = 某某有限公司
        text = text[:-2]
    return text


def same_company(a: str, b: str) -> bool:
    key = company_key(a)
    return bool(key) and key == company_key(b)


# ------------------------------------------------------------ follow-ups
def latest_followup(followups: Sequence[FollowUp]) -> FollowUp | None:
    """The most recent follow-up (by date, then by when it was written down)."""
    if not followups:
        return None
    return max(followups, key=lambda f: (f.on_date, f.id or 0))


def next_followup_date(followups: Sequence[FollowUp]) -> date | None:
    last = latest_followup(followups)
    return last.next_date if last else None


def is_followup_overdue(lead: Lead, followups: Sequence[FollowUp], today: date) -> bool:
    """An open lead whose latest follow-up set a next date that has passed."""
    due = next_followup_date(followups)
    return lead.state in OPEN_STATES and due is not None and due < today


def overdue_days(lead: Lead, followups: Sequence[FollowUp], today: date) -> int:
    due = next_followup_date(followups)
    if due is None or not is_followup_overdue(lead, followups, today):
        return 0
    return (today - due).days


# ------------------------------------------------------------ landing
_CATEGORY_WORDS: list[tuple[Category, tuple[str, ...]]] = [
    (Category.TOURISM, ("旅游", "文旅", "景区", "度假", "康养", "民宿", "温泉")),
    (Category.AGRICULTURAL, ("农", "粮", "果蔬", "养殖", "畜", "禽", "水产", "种植", "食用菌", "中药材", "乳", "饲料")),
    (Category.SERVICE, ("物流", "仓储", "商贸", "电商", "养老", "医疗", "健康服务", "金融", "培训", "商业", "数据中心",
                        "服务")),
]


def guess_category(industry: str) -> Category:
    """A first guess of a landed project's category from the lead's intended industry."""
    for category, words in _CATEGORY_WORDS:
        if any(w in industry for w in words):
            return category
    return Category.INDUSTRIAL


def default_project_name(lead: Lead) -> str:
    company = re.sub(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$", "", lead.company.strip())
    industry = lead.intent_industry.strip()
    base = company or lead.person_name.strip()
    if industry and industry not in base:
        return f"{base}{industry}项目"
    return f"{base}项目"


def project_from_lead(
    lead: Lead,
    *,
    unit_id: int,
    on: date,
    name: str = "",
    category: Category | None = None,
) -> Project:
    """The project a signed lead becomes, with what the lead already knows filled in."""
    why = refusal(lead.state, LeadState.LANDED)
    if why is None and lead.project_id is not None:
        why = "这条线索已经落地为项目"
    if why is not None:
        raise RefusedError(f"{describe(lead)}：{why}")
    intent = "，".join(
        p for p in (
            f"投资方式：{lead.intent_form}" if lead.intent_form else "",
            f"经营范围：{lead.business_scope}" if lead.business_scope else "",
        ) if p
    )
    return Project(
        name=(name.strip() or default_project_name(lead)),
        unit_id=unit_id,
        category=category or guess_category(lead.intent_industry),
        stage=Stage.SIGNED,
        stage_date=on,
        owner_company=lead.company.strip(),
        location=lead.intent_location.strip(),
        industry=lead.intent_industry.strip(),
        total_investment_wan=lead.intent_amount_wan if lead.intent_amount_wan is not None else Decimal(0),
        contact_person=lead.person_name.strip(),
        contact_phone=lead.phone,
        source_lead_id=lead.id,
        note=f"由招商线索落地（{on.isoformat()}）" + (f"。{intent}" if intent else ""),
    )


# ------------------------------------------------------------ contacts
def clean_contacts(lead: Lead) -> Lead:
    """The lead with its phone, e-mail and WeChat in canonical form where they can be read.

    What cannot be read is left as typed, for :func:`desk.core.validation.lead_errors`
    to name.
    """
    changes: dict[str, Any] = {}
    for name, normalize in (("phone", contacts.normalize_phone), ("email", contacts.normalize_email),
                            ("wechat", contacts.normalize_wechat)):
        value = getattr(lead, name)
        try:
            clean = normalize(value)
        except contacts.ContactError:
            continue
        if clean != value:
            changes[name] = clean
    return replace(lead, **changes) if changes else lead
